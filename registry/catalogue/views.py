"""The public catalogue's pages: anonymous, read-only, published content only."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from registry.catalogue import jsonld, selectors
from registry.catalogue.caching import cached_public_page, edition_fragments
from registry.catalogue.filters import RESULT_LIMIT, SORT_NAME, ServiceFilter
from registry.catalogue.presentation import cost_display, questionnaire, service_page
from registry.comparison import compare_editions
from registry.models import CategoryKind, EditionStatus, Level
from registry.performance.views import service_block
from registry.workdays import current_calendar

PAGE_SIZE = 20
HOME_PROVIDERS_PER_LEVEL = 12
ANSWER_PREFIX = "a-"


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the catalogue; the officials' workspace, the admin and the upload are
    not for them. The sitemap lists every published service page."""
    sitemap = request.build_absolute_uri(reverse("catalogue:sitemap"))
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('workspace:dashboard')}",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('exchange:upload')}",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever a page's <link rel="icon"> says."""
    return HttpResponsePermanentRedirect(static("registry/favicon.svg"))


@cached_public_page
def home(request: HttpRequest) -> HttpResponse:
    choices = selectors.filter_choices()
    recent = list(selectors.recent_changes())
    return render(
        request,
        "catalogue/home.html",
        {
            "filterset": ServiceFilter(),
            "categories": [c for c in choices.categories if c["kind"] == CategoryKind.CATEGORY],
            "life_situations": [c for c in choices.categories if c["kind"] == CategoryKind.LIFE_SITUATION],
            "provider_groups": [
                _provider_group(label, [p for p in choices.providers if p["level"] == level])
                for level, label in Level.choices
            ],
            "recent_changes": recent,
        },
    )


def _provider_group(label: str, providers: list[dict]) -> tuple[str, list[dict], int]:
    """A level's bodies with the most services, and how many more there are: a registry of
    100 000 services has 2 500 bodies, too many for one page; the rest are found by name."""
    shown = sorted(providers, key=lambda p: (-p["service_count"], p["short_name"] or p["full_name"]))
    return label, shown[:HOME_PROVIDERS_PER_LEVEL], max(0, len(providers) - HOME_PROVIDERS_PER_LEVEL)


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


class CountedPaginator(Paginator):
    """A paginator told its count (counted, up to a limit, by the filterset)."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


def _render_cards(edition_ids: list[int]) -> dict[int, str]:
    """The result cards of these current editions (cached per edition by the caller)."""
    cards = {}
    for edition in selectors.editions_in_order(edition_ids):
        edition.cost_text = cost_display(edition)
        cards[edition.pk] = render_to_string("catalogue/_card.html", {"edition": edition})
    return cards


def _list_param(name: str) -> bool:
    return name in ServiceFilter.base_filters or name == "page"


def _answer_param(name: str) -> bool:
    return name.startswith(ANSWER_PREFIX)


def _compare_param(name: str) -> bool:
    return name in ("from", "to")


@cached_public_page(params=_list_param)
def service_list(request: HttpRequest) -> HttpResponse:
    filterset = ServiceFilter(request.GET or None)
    edition_ids, found = filterset.page_editions(RESULT_LIMIT)
    paginator = CountedPaginator(edition_ids, PAGE_SIZE, count=min(found, RESULT_LIMIT))
    page = paginator.get_page(request.GET.get("page"))
    edition_ids = list(page.object_list)
    cards = edition_fragments("card", edition_ids, _render_cards)
    page.object_list = [mark_safe(cards[pk]) for pk in edition_ids if pk in cards]
    return render(
        request,
        "catalogue/service_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page_obj": page,
            "more_than_limit": found > RESULT_LIMIT,
            "result_limit": RESULT_LIMIT,
            "searching": filterset.searching,
            "sort_order": filterset.sort_order,
            "sort_by_name": SORT_NAME,
            "query_string": _query_without(request, "page"),
            "query_without_sort": _query_without(request, "page", "sort"),
            "query_without_provider": _query_without(request, "page", "provider"),
            "chosen_provider": filterset.chosen_provider,
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
            "chosen_filters": sum(1 for k, v in request.GET.items() if v and k not in ("page", "sort", "q")),
        },
    )


@cached_public_page(per_service=True, params=_answer_param)
def service_detail(request: HttpRequest, registry_number: str) -> HttpResponse:
    service = selectors.public_service(registry_number)
    today = timezone.localdate()
    withdrawn = service.is_withdrawn and service.withdrawn_on and service.withdrawn_on <= today
    edition = None if withdrawn else selectors.current_public_edition(service)
    context = {
        "service": service,
        "withdrawn": withdrawn,
        "has_history": service.public_edition_count > 1 or withdrawn,
    }
    if edition is None:
        if not withdrawn:
            raise Http404("no edition in force")
        return render(request, "catalogue/service_withdrawn.html", context)
    return render(
        request, "catalogue/service_detail.html", {**context, **_edition_context(request, service, edition)}
    )


def _edition_context(request: HttpRequest, service, edition) -> dict:
    answers = {
        key[len(ANSWER_PREFIX) :]: value
        for key, value in request.GET.items()
        if key.startswith(ANSWER_PREFIX)
    }
    survey = questionnaire(edition, answers)
    page = service_page(
        edition,
        survey.variant,
        single_standard=service.under_single_standard,
        # The day the deadline falls on is for the edition in force only, not for an archived one.
        today=timezone.localdate() if edition.status == EditionStatus.PUBLISHED else None,
        calendar=current_calendar(),
    )
    url = request.build_absolute_uri(reverse("catalogue:service_detail", args=[service.registry_number]))
    return {
        "edition": edition,
        "page": page,
        "survey": survey,
        "offices": selectors.service_offices(service),
        "answer_prefix": ANSWER_PREFIX,
        "json_ld": jsonld.json_ld_script(jsonld.government_service(service, page, url)),
        # The edition in force only: an archived edition's page is about that text, not practice.
        "in_practice": service_block(service) if edition.status == EditionStatus.PUBLISHED else None,
    }


@cached_public_page(per_service=True)
def edition_list(request: HttpRequest, registry_number: str) -> HttpResponse:
    service = selectors.public_service(registry_number)
    editions = list(selectors.public_editions(service))
    pairs = [
        (edition, editions[i + 1] if i + 1 < len(editions) else None) for i, edition in enumerate(editions)
    ]
    return render(
        request,
        "catalogue/edition_list.html",
        {"service": service, "editions": editions, "pairs": pairs, "current": editions[0]},
    )


@cached_public_page(per_service=True, params=_answer_param)
def edition_detail(request: HttpRequest, registry_number: str, number: int) -> HttpResponse:
    service = selectors.public_service(registry_number)
    edition = selectors.public_edition(service, number)
    context = {"service": service, "withdrawn": False, "has_history": True, "archived": True}
    context.update(_edition_context(request, service, edition))
    context["is_current"] = edition.status == EditionStatus.PUBLISHED
    return render(request, "catalogue/service_detail.html", context)


def _edition_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@cached_public_page(per_service=True, params=_compare_param)
def edition_compare(request: HttpRequest, registry_number: str) -> HttpResponse:
    service = selectors.public_service(registry_number)
    editions = list(selectors.public_editions(service))
    numbers = [edition.number for edition in editions]
    to_number = _edition_number(request.GET.get("to")) or numbers[0]
    older = [n for n in numbers if n < to_number]
    from_number = _edition_number(request.GET.get("from")) or (older[0] if older else to_number)
    if from_number not in numbers or to_number not in numbers:
        raise Http404("edition not public")
    if from_number > to_number:
        from_number, to_number = to_number, from_number
    old = selectors.public_edition(service, from_number)
    new = selectors.public_edition(service, to_number)
    return render(
        request,
        "catalogue/edition_compare.html",
        {
            "service": service,
            "editions": editions,
            "old": old,
            "new": new,
            "comparison": compare_editions(old, new) if old.pk != new.pk else None,
        },
    )
