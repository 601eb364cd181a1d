"""Full-text search of the public catalogue, over its search table (``CatalogueEntry``).

A query matches a service in the catalogue when its words are found in the current edition's
full or short name, in the name of one of its results, in its provider's name, or in a category
or life situation of its service. All of that is kept, case-folded, in one row per service
(``registry.models.search``), refreshed by ``catalogue_entries_refresh`` in the transaction of
each publication, withdrawal and restoration (and by signals when a provider, a category or a
service's categories change), so a search reads one narrow table and its indexes.

PostgreSQL: full-text search with the ``russian`` configuration (named in every call, never
the server's default) against a stored, weighted ``tsvector`` (names weigh more than results,
provider and categories) with a GIN index, so that «паспорта» finds «паспорт» and
«строительство» finds «разрешение на строительство». When the full-text query matches nothing,
the names are matched by trigram word similarity (``pg_trgm``, GIN index), so that a typo
(«пасспорт») still finds the service; typo matching only as a fallback keeps common queries
from rechecking trigrams over a large share of the registry.

SQLite (development, small registries): SQLite's own ``lower()`` and ``LIKE`` fold ASCII only,
so «ПАСПОРТ» would not find «паспорт». The stored texts are already case-folded in Python
(«ё» read as «е»), and each query word, cut to a crude Russian stem, is matched as a substring.
It is a fallback, not a morphological analyser: it handles the common inflections of nouns and
adjectives.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, Expression, F, FloatField, Func, Q, QuerySet, Value, When
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from registry.models import (
    WITHDRAWAL_FIELDS,
    CatalogueEntry,
    Category,
    DeadlineUnit,
    Edition,
    EditionStatus,
    ProviderBody,
    Result,
    Service,
)

SEARCH_CONFIG = "russian"
MIN_WORD_LENGTH = 2

# Endings cut from a query word on SQLite, longest first; a stem keeps at least 3 letters.
RUSSIAN_ENDINGS = sorted(
    [
        "иями",
        "ями",
        "ами",
        "ого",
        "его",
        "ому",
        "ему",
        "ыми",
        "ими",
        "ей",
        "ой",
        "ый",
        "ий",
        "ая",
        "яя",
        "ое",
        "ее",
        "ые",
        "ие",
        "ую",
        "юю",
        "ов",
        "ев",
        "ам",
        "ям",
        "ах",
        "ях",
        "ом",
        "ем",
        "ию",
        "ия",
        "ии",
        "ье",
        "ья",
        "ью",
        "а",
        "я",
        "о",
        "е",
        "ы",
        "и",
        "у",
        "ю",
        "ь",
        "й",
    ],  # fmt: skip
    key=len,
    reverse=True,
)
MIN_STEM_LENGTH = 3


def casefold(value: str) -> str:
    return value.casefold().replace("ё", "е") if value else ""


def query_words(text: str) -> list[str]:
    return [word for word in re.findall(r"\w+", casefold(text)) if len(word) >= MIN_WORD_LENGTH]


def russian_stem(word: str) -> str:
    for ending in RUSSIAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM_LENGTH:
            return word[: -len(ending)]
    return word


def body_text(full_name: str, short_name: str) -> str:
    """What the «орган» filter matches a body's name against."""
    return casefold(f"{full_name} {short_name}")


def bodies_named(text: str, bodies: Iterable[tuple[int, str]]) -> list[int] | None:
    """The ids of the bodies whose ``body_text`` holds every word of ``text``, each cut to its
    stem («Ульяновска» finds «Ульяновск»); ``None`` when ``text`` has no word."""
    stems = [russian_stem(word) for word in query_words(text)]
    if not stems:
        return None
    return [pk for pk, name in bodies if all(stem in name for stem in stems)]


@dataclass(frozen=True)
class TextSearch:
    """The entries matching a query, and the relevance expression to rank any of them by."""

    entries: QuerySet[CatalogueEntry]
    relevance: Expression


def search_entries(entries: QuerySet[CatalogueEntry], text: str) -> TextSearch | None:
    """Narrow catalogue entries to those matching ``text``; ``None`` when the text has no words."""
    if not query_words(text):
        return None
    if connections[entries.db].vendor == "postgresql":
        return _search_postgresql(entries, text)
    return _search_fallback(entries, text)


def _search_postgresql(entries: QuerySet[CatalogueEntry], text: str) -> TextSearch:
    folded = casefold(text)
    query = SearchQuery(folded, config=SEARCH_CONFIG, search_type="websearch")
    by_words = entries.filter(document=query)
    if by_words.exists():
        # ts_rank over the stored weighted document: a match in the name ranks above a match in
        # the results, the provider or a category.
        return TextSearch(by_words, SearchRank(F("document"), query))
    similarity = Func(Value(folded), F("name_text"), function="word_similarity", output_field=FloatField())
    return TextSearch(entries.filter(name_text__trigram_word_similar=folded), similarity)


def _search_fallback(entries: QuerySet[CatalogueEntry], text: str) -> TextSearch:
    in_name = Q()
    for stem in (russian_stem(word) for word in query_words(text)):
        entries = entries.filter(Q(name_text__contains=stem) | Q(search_text__contains=stem))
        in_name &= Q(name_text__contains=stem)
    # Matches in the service's own name rank above matches in its results, provider or category.
    relevance = Case(When(in_name, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    return TextSearch(entries, relevance)


# Maintaining the search table.

REFRESH_BATCH = 2000
DAYS_PER_MONTH = 31
EDITION_FIELDS = (
    "pk",
    "service_id",
    "service__registry_number",
    "service__level",
    "service__is_withdrawn",
    "service__withdrawn_on",
    "service__provider_id",
    "service__provider__region_id",
    "service__provider__full_name",
    "service__provider__short_name",
    "full_name",
    "short_name",
    "deadline_unit",
    "deadline_value",
    "is_free",
    "available_in_mfc",
    "available_electronically",
)


def deadline_days(unit: str, value: int | None) -> int | None:
    """The deadline in days for «не более N дней»: minutes and hours count as 0, a month as 31."""
    if unit in (DeadlineUnit.MINUTES, DeadlineUnit.HOURS):
        return 0
    if value is None:
        return None
    if unit == DeadlineUnit.DAYS:
        return value
    if unit == DeadlineUnit.MONTHS:
        return value * DAYS_PER_MONTH
    return None


def _joined(*parts: str) -> str:
    return casefold(" ".join(part for part in parts if part))


def _entries(chunk: list[dict], using: str, entry_model: type) -> list:
    edition_ids = [row["pk"] for row in chunk]
    service_ids = [row["service_id"] for row in chunk]
    results: dict[int, list[str]] = defaultdict(list)
    for edition_id, name in (
        Result.objects.using(using).filter(edition_id__in=edition_ids).values_list("edition_id", "name")
    ):
        results[edition_id].append(name)
    categories: dict[int, list[str]] = defaultdict(list)
    links = Service.categories.through.objects.using(using).filter(service_id__in=service_ids)
    for service_id, name, description in links.values_list(
        "service_id", "category__name", "category__description"
    ):
        categories[service_id] += [name, description]
    return [
        entry_model(
            service_id=row["service_id"],
            edition_id=row["pk"],
            registry_number=row["service__registry_number"],
            provider_id=row["service__provider_id"],
            region_id=row["service__provider__region_id"],
            level=row["service__level"],
            sort_name=(row["short_name"] or row["full_name"]).lower(),
            name_text=_joined(row["full_name"], row["short_name"]),
            search_text=_joined(
                *results[row["pk"]],
                row["service__provider__full_name"],
                row["service__provider__short_name"],
                *categories[row["service_id"]],
            ),
            deadline_days=deadline_days(row["deadline_unit"], row["deadline_value"]),
            is_free=row["is_free"],
            available_in_mfc=row["available_in_mfc"],
            available_electronically=row["available_electronically"],
            is_withdrawn=row["service__is_withdrawn"],
            withdrawn_on=row["service__withdrawn_on"],
        )
        for row in chunk
    ]


def catalogue_entries_refresh(
    *, service_ids: Iterable[int] | None = None, using: str = "default", entry_model: type | None = None
) -> int:
    """Rewrite the search rows of the given services (of every service when ``None``) from their
    published editions; a service without one loses its row. Returns the number of rows written.

    Called inside the transaction of each change that alters the catalogue. ``entry_model`` lets
    a migration pass its historical model."""
    from django.contrib.postgres.search import SearchVector

    entry_model = entry_model or CatalogueEntry
    editions = Edition.objects.using(using).filter(status=EditionStatus.PUBLISHED).order_by("pk")
    entries = entry_model.objects.using(using)
    if service_ids is not None:
        service_ids = list(service_ids)
        editions = editions.filter(service_id__in=service_ids)
        entries = entries.filter(service_id__in=service_ids)
    entries.delete()
    written, last = 0, 0
    while chunk := list(editions.filter(pk__gt=last).values(*EDITION_FIELDS)[:REFRESH_BATCH]):
        last = chunk[-1]["pk"]
        entry_model.objects.using(using).bulk_create(_entries(chunk, using, entry_model))
        written += len(chunk)
    if written and connections[using].vendor == "postgresql":
        entries.update(
            document=SearchVector("name_text", config=SEARCH_CONFIG, weight="A")
            + SearchVector("search_text", config=SEARCH_CONFIG, weight="B")
        )
    return written


def _refresh_listed(service_ids: Iterable[int], using: str) -> None:
    service_ids = list(service_ids)
    if service_ids:
        catalogue_entries_refresh(service_ids=service_ids, using=using)


# The search text holds the names of providers and categories and the categories of a service:
# keep it right when they change outside the workflow (the admin, reference data loads).


@receiver(m2m_changed, sender=Service.categories.through, dispatch_uid="catalogue_entry_categories")
def _service_categories_changed(sender, instance, action, reverse, pk_set, using, **kwargs) -> None:
    if action == "pre_clear" and reverse:
        instance._catalogue_cleared = list(instance.services.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        service_ids = [instance.pk]
    elif action == "post_clear":
        service_ids = getattr(instance, "_catalogue_cleared", [])
    else:
        service_ids = pk_set or []
    listed = CatalogueEntry.objects.using(using).filter(service_id__in=list(service_ids))
    _refresh_listed(listed.values_list("service_id", flat=True), using)


@receiver(post_save, sender=Service, dispatch_uid="catalogue_entry_service")
def _service_saved(sender, instance, created, using, update_fields=None, **kwargs) -> None:
    # A listed service moved to another body or level (the admin): its row holds both. The
    # workflow's own writes (withdrawal, restoration) refresh the row themselves.
    if created or (update_fields and set(update_fields) <= set(WITHDRAWAL_FIELDS)):
        return
    listed = CatalogueEntry.objects.using(using).filter(service_id=instance.pk)
    _refresh_listed(listed.values_list("service_id", flat=True), using)


@receiver(post_save, sender=ProviderBody, dispatch_uid="catalogue_entry_provider")
def _provider_saved(sender, instance, created, using, **kwargs) -> None:
    if not created:
        listed = CatalogueEntry.objects.using(using).filter(provider_id=instance.pk)
        _refresh_listed(listed.values_list("service_id", flat=True), using)


@receiver(post_save, sender=Category, dispatch_uid="catalogue_entry_category")
def _category_saved(sender, instance, created, using, **kwargs) -> None:
    if not created:
        listed = CatalogueEntry.objects.using(using).filter(service__categories=instance)
        _refresh_listed(listed.values_list("service_id", flat=True), using)
