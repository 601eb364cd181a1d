"""Reads of the public catalogue. Only published content: a current (published) edition of a
service that is not withdrawn, or, for the history pages, published and superseded editions.
Drafts, editions under review and approved editions waiting for their date never leave here."""

import datetime
import functools
import time
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from registry.catalogue import caching
from registry.catalogue.search import COUNTED_COLUMNS, ChoiceCounts, body_text, choice_contributions
from registry.models import (
    FROZEN_STATUSES,
    ApplicantAttribute,
    ApplicantCategory,
    AttributeValue,
    CatalogueChoiceCount,
    CatalogueEntry,
    Category,
    ChoiceKind,
    Document,
    Edition,
    EditionStatus,
    Fee,
    Ground,
    LegalBasis,
    Office,
    ProviderBody,
    QualityIndicator,
    Region,
    Result,
    Service,
    StandardForm,
    Variant,
)
from registry.selectors import with_end_of_force

RECENT_CHANGES = 10
# Rows of one edition in their order. The models' default ordering starts with ``edition``,
# which orders by the edition's own ordering and joins editions and services into every prefetch.
IN_EDITION_ORDER = ("order", "id")
CHOICES_CACHE_PREFIX = "catalogue-filter-choices"
PROVIDERS_CACHE_PREFIX = "catalogue-filter-providers"
CHOICES_TIMEOUT = 300
_last_choices: tuple = ("", 0.0, None)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def in_catalogue_q(prefix: str = "", *, today: datetime.date | None = None) -> Q:
    """A service listed in the catalogue: not withdrawn, or withdrawn from a later date."""
    return Q(**{f"{prefix}is_withdrawn": False}) | Q(**{f"{prefix}withdrawn_on__gt": _today(today)})


def catalogue_editions(*, today: datetime.date | None = None) -> QuerySet[Edition]:
    """The current editions of the services in the catalogue, one per service."""
    return Edition.objects.filter(status=EditionStatus.PUBLISHED).filter(
        in_catalogue_q("service__", today=today)
    )


def with_card_data(editions: QuerySet[Edition]) -> QuerySet[Edition]:
    """What a result card shows: provider, deadline, cost, channels; in a fixed number of queries."""
    return editions.select_related("service__provider").prefetch_related(
        "submission_channels",
        Prefetch("fees", queryset=Fee.objects.only("id", "edition_id", "amount").order_by(*IN_EDITION_ORDER)),
    )


def services_matching(editions: QuerySet[Edition]) -> QuerySet[Service]:
    """The services of (filtered) current editions, for exports that work on services."""
    return Service.objects.filter(pk__in=editions.values("service_id"))


def catalogue_entries(*, today: datetime.date | None = None) -> QuerySet[CatalogueEntry]:
    """The search rows of the services in the catalogue (``registry.models.search``)."""
    return CatalogueEntry.objects.filter(in_catalogue_q(today=today))


# What a result card reads (templates/catalogue/_card.html, presentation.cost_display).
CARD_FIELDS = (
    "short_name",
    "full_name",
    "deadline_kind",
    "deadline_value",
    "deadline_unit",
    "deadline_day_type",
    "deadline_start_event",
    "is_free",
    "available_in_mfc",
    "available_electronically",
    "service__registry_number",
    "service__provider__full_name",
    "service__provider__short_name",
)


def editions_in_order(edition_ids: list[int]) -> list[Edition]:
    """A page of search results: the editions with their card data, in the given order."""
    editions = with_card_data(Edition.objects.filter(pk__in=edition_ids)).only(*CARD_FIELDS)
    by_pk = {edition.pk: edition for edition in editions}
    return [by_pk[pk] for pk in edition_ids if pk in by_pk]


def _withdrawn_later(today: datetime.date) -> ChoiceCounts:
    """What the services withdrawn from a later date count towards: still listed today, they are
    not in ``CatalogueChoiceCount`` (which counts services not withdrawn). Read by the partial
    index of withdrawn services' dates: usually no row."""
    entries = CatalogueEntry.objects.filter(is_withdrawn=True, withdrawn_on__gt=today)
    return choice_contributions(entries.values_list(*COUNTED_COLUMNS))


def _with_counts(choices: QuerySet, kind: str, withdrawn_later: ChoiceCounts, *fields: str) -> list[dict]:
    """The rows of ``choices`` that have services in the catalogue today, with their number
    (``service_count``), in one query: those counted in ``CatalogueChoiceCount`` and those of the
    services withdrawn later."""
    later = {object_id: n for (choice_kind, object_id), n in withdrawn_later.items() if choice_kind == kind}
    counted = CatalogueChoiceCount.objects.filter(kind=kind)
    rows = (
        choices.filter(Q(pk__in=counted.filter(services__gt=0).values("object_id")) | Q(pk__in=sorted(later)))
        .annotate(counted=Subquery(counted.filter(object_id=OuterRef("pk")).values("services")[:1]))
        .values("pk", *fields, "counted")
    )
    listed = []
    for row in rows:
        row["service_count"] = (row.pop("counted") or 0) + later.get(row["pk"], 0)
        if row["service_count"] > 0:
            listed.append(row)
    return listed


def _provider_choices(withdrawn_later: ChoiceCounts) -> tuple[list[dict], list[tuple]]:
    providers = _with_counts(
        ProviderBody.objects.order_by("level", "short_name"),
        ChoiceKind.PROVIDER,
        withdrawn_later,
        "level",
        "full_name",
        "short_name",
    )
    return providers, [(p["pk"], body_text(p["full_name"], p["short_name"])) for p in providers]


@dataclass(frozen=True)
class FilterChoices:
    """What the filters offer, with service counts: plain values, cheap to cache and unpickle.
    The bodies (one per 40 services: 25 000 in a registry of 1 000 000) are read on first use
    only, by a search by body and the home page, not by every search page."""

    categories: list[dict]
    regions: list[tuple[str, str]]
    applicant_categories: list[tuple[str, str]]
    category_ids: dict[str, int]
    applicant_category_ids: dict[str, int]
    region_ids: dict[str, int]
    cache_key: str = ""
    today: datetime.date | None = None
    withdrawn_later: ChoiceCounts = field(default_factory=Counter)

    @functools.cached_property
    def _providers(self) -> tuple[list[dict], list[tuple]]:
        key = f"{PROVIDERS_CACHE_PREFIX}:{self.cache_key}"
        providers = cache.get(key) if self.cache_key else None
        if providers is None:
            providers = _provider_choices(self.withdrawn_later)
            if self.cache_key:
                cache.set(key, providers, CHOICES_TIMEOUT)
        return providers

    @property
    def providers(self) -> list[dict]:
        return self._providers[0]

    @property
    def provider_texts(self) -> list[tuple[int, str]]:
        """(id, case-folded full and short name) of each body, for the «орган» text filter."""
        return self._providers[1]

    def __getstate__(self) -> dict:
        # Cached without the bodies, which have their own key.
        state = dict(self.__dict__)
        state.pop("_providers", None)
        return state


def _filter_choices(today: datetime.date, cache_key: str = "") -> FilterChoices:
    """The choices from the counts kept by the search table's refresh: one query per classifier
    (and one for the services withdrawn later), whatever the size of the registry."""
    withdrawn_later = _withdrawn_later(today)
    categories = _with_counts(
        Category.objects.order_by("kind", "order", "name"),
        ChoiceKind.CATEGORY,
        withdrawn_later,
        "code",
        "name",
        "kind",
    )
    regions = [
        (row["pk"], row["code"], row["name"])
        for row in _with_counts(
            Region.objects.order_by("code"), ChoiceKind.REGION, withdrawn_later, "code", "name"
        )
    ]
    applicants = [
        (row["pk"], row["code"], row["name"])
        for row in _with_counts(
            ApplicantCategory.objects.order_by("order", "name"),
            ChoiceKind.APPLICANT,
            withdrawn_later,
            "code",
            "name",
        )
    ]
    return FilterChoices(
        categories=categories,
        regions=[(code, f"{code} — {name}") for _pk, code, name in regions],
        applicant_categories=[(code, name) for _pk, code, name in applicants],
        category_ids={c["code"]: c["pk"] for c in categories},
        applicant_category_ids={code: pk for pk, code, _name in applicants},
        region_ids={code: pk for pk, code, _name in regions},
        cache_key=cache_key,
        today=today,
        withdrawn_later=withdrawn_later,
    )


def filter_choices(*, today: datetime.date | None = None) -> FilterChoices:
    """The filter choices, cached (Django's default cache) under the catalogue's version
    (``caching.catalogue_version``, read once per request), so a search page costs no query for
    them; after a change, a few small queries of the counts (``CatalogueChoiceCount``)."""
    global _last_choices
    key = f"{CHOICES_CACHE_PREFIX}:{caching.catalogue_version(today=today).key}"
    today = _today(today)
    last = _last_choices  # read once: another thread may replace it meanwhile
    if last[0] == key and time.monotonic() < last[1]:
        return last[2]  # this process's copy: no unpickling of a long provider list
    choices = cache.get(key)
    if choices is None:
        choices = _filter_choices(today, key)
        cache.set(key, choices, CHOICES_TIMEOUT)
    _last_choices = (key, time.monotonic() + CHOICES_TIMEOUT, choices)
    return choices


def recent_changes(*, limit: int = RECENT_CHANGES, today: datetime.date | None = None) -> QuerySet[Edition]:
    """The newest publications: new services (edition № 1) and new editions of amended ones."""
    return (
        catalogue_editions(today=today)
        .select_related("service__provider", "amending_act")
        .order_by("-published_at", "-pk")[:limit]
    )


def public_service(registry_number: str) -> Service:
    """A service with a published or superseded edition (withdrawn ones included: their page shows
    the withdrawal notice), with the number of its public editions; 404 otherwise."""
    service = (
        Service.objects.select_related("provider__region", "provider__parent")
        .annotate(
            public_edition_count=Count("editions", filter=Q(editions__status__in=FROZEN_STATUSES)),
        )
        .filter(registry_number=registry_number, public_edition_count__gt=0)
        .first()
    )
    if service is None:
        raise Http404("service not in the public registry")
    return service


def service_offices(service: Service) -> list[Office]:
    """The offices where the service is delivered: the body's own receptions first, then МФЦ."""
    return list(service.offices.order_by("is_mfc", "name", "pk"))


def edition_rows_prefetch() -> list:
    def rows(name: str, model, *related: str) -> Prefetch:
        queryset = model.objects.order_by(*IN_EDITION_ORDER)
        return Prefetch(name, queryset=queryset.select_related(*related) if related else queryset)

    return [
        rows("results", Result),
        rows("legal_bases", LegalBasis, "act"),
        rows("documents", Document),
        rows("grounds", Ground, "act"),
        rows("fees", Fee, "act", "applicant_category"),
        rows("indicators", QualityIndicator),
        rows("forms", StandardForm),
        Prefetch(
            "variants",
            queryset=Variant.objects.order_by(*IN_EDITION_ORDER).prefetch_related(
                Prefetch(
                    "attribute_values",
                    queryset=AttributeValue.objects.order_by(
                        "attribute__order", "attribute_id", *IN_EDITION_ORDER
                    ),
                )
            ),
        ),
        Prefetch(
            "applicant_attributes",
            queryset=ApplicantAttribute.objects.order_by(*IN_EDITION_ORDER).prefetch_related(
                Prefetch("values", queryset=AttributeValue.objects.order_by(*IN_EDITION_ORDER))
            ),
        ),
        "payment_methods",
        "applicant_categories",
        "submission_channels",
        "result_delivery_channels",
    ]


def current_public_edition(service: Service) -> Edition | None:
    """The service's edition in force with every section, in a fixed number of queries."""
    return (
        Edition.objects.filter(service=service, status=EditionStatus.PUBLISHED)
        .select_related("amending_act")
        .prefetch_related(*edition_rows_prefetch())
        .first()
    )


def public_editions(service: Service) -> QuerySet[Edition]:
    """The service's published and superseded editions, newest first."""
    return with_end_of_force(
        Edition.objects.filter(service=service, status__in=FROZEN_STATUSES)
        .select_related("amending_act")
        .order_by("-number")
    )


def public_edition(service: Service, number: int) -> Edition:
    edition = (
        public_editions(service)
        .select_related("service__provider")
        .prefetch_related(*edition_rows_prefetch())
        .filter(number=number)
        .first()
    )
    if edition is None:
        raise Http404("edition not public")
    return edition


def sitemap_services(*, today: datetime.date | None = None) -> QuerySet[Edition]:
    return catalogue_editions(today=today).select_related("service").order_by("service__registry_number")
