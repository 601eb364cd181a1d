"""Catalogue benchmark: server time of a search with two filters and of a service page,
against a trivial Django view measured in the same run as the floor.

    DEBUG=1 DATABASE_URL=postgres://… python bench/catalogue_bench.py --requests 200

Run it on a registry made by ``bench/generate_registry.py``. "Server time" is the time of
the whole Django request cycle in process (middleware, view, queries, template), measured
with the test client, so network and a web server do not blur the comparison.

Two references: the floor, a trivial page that goes through the same middleware, runs one
simple query and renders a small template with the site's base layout (what any page of this
site costs at least), and a bare ``HttpResponse("ok")`` (Django's request cycle alone).

Public pages are cached under the catalogue's version (``registry.catalogue.caching``), so each
page is measured three ways, all in the same rounds as the floor:
- *repeated*: the four searches of ``SEARCHES`` in rotation, or 20 service pages in rotation —
  what a popular page costs once someone has asked for it since the last publication;
- *first time / first view*: a URL never requested before in the run (a distinct search with two
  filters and a page number; a service page not yet seen) — the page is rendered, though result
  cards already rendered for another search are reused;
- *no page cache*: the same with the page and card cache switched off (``CATALOGUE_CACHE=off``)
  — the full cost of building the page.

Most citizens' searches are asked once, so the uncached figures are the ones that matter. With
the page and card cache off, each round also measures (issue 13 point 3):
- *relevance query*: the next query of ``bench/search_queries.tsv`` (citizens' words, typos,
  abbreviations, questions), with no filter, and the next one *with two filters*;
- *no match*: words found nowhere in the catalogue (made-up words, too far from any word of
  the vocabulary for a typo match), alone and with two filters;
- *publication rounds*, after all the above (a publication retires every cached page): a new
  edition of a random service is published through the registry's services (draft,
  submission, approval, publication), which moves the catalogue's version; then the *1st
  search* after it (a relevance query with two filters) pays for what a publication retires —
  the filter choices are read again (from the counts the publication kept,
  ``CatalogueChoiceCount``) — and a *2nd search* of the same kind is the ordinary uncached one
  it is compared with; the floor is measured in these rounds too.
The filter choices live in Django's default cache and in the process, as in production.

``--save FILE`` writes the medians as JSON; ``--against FILE`` (a run saved at a smaller size)
prints the growth of each measure's ratio to the floor between the two sizes.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django  # noqa: E402

django.setup()

from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import include, path  # noqa: E402

SEARCHES = [
    {"q": "справка", "mfc": "on", "cost": "free"},
    {"q": "разрешение на строительство", "mfc": "on", "cost": "free"},
    {"q": "земельного участка", "level": "municipal", "electronic": "on"},
    {"q": "паспорт", "cost": "paid", "mfc": "on"},
]


FLOOR_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Floor{% endblock %}'
    "{% block content %}<h1>Floor</h1><p>{{ region }}</p>{% endblock %}"
)


def floor_view(request):
    from registry.models import Region

    region = Region.objects.order_by("code").values_list("name", flat=True).first()
    return HttpResponse(FLOOR_TEMPLATE.render({"region": region}, request))


def bare_view(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench-floor/", floor_view),
    path("bench-bare/", bare_view),
    path("", include("config.urls")),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(client, url: str, params: dict | None = None) -> float:
    started = time.perf_counter()
    response = client.get(url, params or {})
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} {params}: HTTP {response.status_code}")
    return elapsed * 1000


def first_time_searches(count: int, rng: random.Random) -> list[dict]:
    """Distinct searches with two filters (each URL requested once), from the generator's words."""
    words = ["справка", "разрешение", "выписка", "паспорт", "земельного участка", "лицензия",
             "выплата", "компенсация", "адрес", "путёвка", "регистрация", "строительство",
             "архивной", "аренду"]  # fmt: skip
    filters = [{"mfc": "on"}, {"electronic": "on"}, {"cost": "free"}, {"cost": "paid"},
               {"level": "municipal"}, {"level": "regional"}, {"deadline_max": "30"}]  # fmt: skip
    searches, seen = [], set()
    while len(searches) < count:
        first, second = rng.sample(filters, 2)
        params = {"q": rng.choice(words), **first, **second, "page": str(rng.randint(1, 3))}
        key = tuple(sorted(params.items()))
        if key not in seen:
            seen.add(key)
            searches.append(params)
    return searches


WARM_UP = 20
PUBLICATION_WARM_UP = 3
NO_PAGE_CACHE = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
QUERIES_FILE = ROOT / "bench" / "search_queries.tsv"
TWO_FILTERS = [{"mfc": "on", "cost": "free"}, {"electronic": "on", "level": "municipal"},
               {"cost": "paid", "mfc": "on"}, {"level": "regional", "deadline_max": "30"},
               {"electronic": "on", "cost": "free"}]  # fmt: skip
# Letters that make no Russian word: no service holds them, and no word of the vocabulary is
# similar enough (trigram similarity) for a typo match.
NONSENSE_LETTERS = "щъыьжфцшэю"


def relevance_queries(path: Path = QUERIES_FILE) -> list[str]:
    """The citizens' queries of the relevance file (its first column)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]


def no_match_queries(count: int, rng: random.Random) -> list[str]:
    """Queries of one or two made-up words of 5–8 letters."""

    def word() -> str:
        return "".join(rng.choice(NONSENSE_LETTERS) for _ in range(rng.randint(5, 8)))

    return [" ".join(word() for _ in range(rng.randint(1, 2))) for _ in range(count)]


def publish_next_edition(service) -> None:
    """A new edition of ``service`` in force today, through the registry's own workflow (the
    system as actor): the catalogue's version moves, as after any publication."""
    from django.utils import timezone

    from registry.services import (
        edition_approve,
        edition_create_draft,
        edition_publish,
        edition_submit,
        edition_update,
    )

    draft = edition_create_draft(service=service, actor=None)
    draft = edition_update(
        edition=draft,
        actor=None,
        changes={"change_note": "Уточнён срок.", "effective_date": timezone.localdate()},
        expected_version=draft.lock_version,
    )
    edition = edition_approve(edition=edition_submit(edition=draft, actor=None), actor=None)
    edition_publish(edition=edition, actor=None)


UNCACHED_QUERY = "uncached: query"
UNCACHED_FILTERED = "uncached: query+2 filters"
NO_MATCH = "uncached: no match"
NO_MATCH_FILTERED = "uncached: no match+2 filt."
FLOOR_PUBLICATION = "publication rounds: floor"
AFTER_PUBLICATION = "publication rounds: 1st search"
ORDINARY_PUBLICATION = "publication rounds: 2nd search"
# The goals for uncached search (issue 13 point 3): (measure, reference, at most).
GOALS = [
    (UNCACHED_FILTERED, "floor", 8.0),
    (NO_MATCH, UNCACHED_QUERY, 1.0),
    (NO_MATCH_FILTERED, UNCACHED_FILTERED, 1.0),
    (AFTER_PUBLICATION, ORDINARY_PUBLICATION, 2.0),
]


def run(requests: int, seed: int) -> dict[str, tuple[float, float]]:
    """Each measure in rotation with the floor, so that they share the machine's moments."""
    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client, override_settings

    from registry.catalogue.selectors import catalogue_entries
    from registry.models import Service

    rng = random.Random(seed)
    numbers = list(catalogue_entries().order_by("pk").values_list("registry_number", flat=True))
    rng.shuffle(numbers)
    repeated_pages = numbers[:20]
    first_views = iter(numbers[20:])
    first_searches = iter(first_time_searches(2 * (requests + WARM_UP), rng))
    client = Client(HTTP_HOST="localhost")
    queries = relevance_queries()
    rng.shuffle(queries)
    nonsense = iter(no_match_queries(2 * (requests + WARM_UP), rng))
    listed = catalogue_entries().values("service_id")
    services = list(Service.objects.filter(pk__in=listed).order_by("pk")[:2000])
    published_services = iter(rng.sample(services, min(len(services), requests + PUBLICATION_WARM_UP)))
    names = ["bare", "floor", "search, repeated", "search, first time", "search, no page cache",
             "page, repeated", "page, first view", "page, no page cache",
             UNCACHED_QUERY, UNCACHED_FILTERED, NO_MATCH, NO_MATCH_FILTERED,
             FLOOR_PUBLICATION, AFTER_PUBLICATION, ORDINARY_PUBLICATION]  # fmt: skip
    timings: dict[str, list[float]] = {name: [] for name in names}
    without_page_cache = {**settings.CACHES, "catalogue": NO_PAGE_CACHE}
    caches["catalogue"].clear()

    def timed(record: bool, name: str, url: str, params: dict | None = None) -> None:
        elapsed = measure(client, url, params)
        if record:
            timings[name].append(elapsed)

    def one_round(record: bool, i: int) -> None:
        timed(record, "bare", "/bench-bare/")
        timed(record, "floor", "/bench-floor/")
        timed(record, "search, repeated", "/services/", SEARCHES[i % len(SEARCHES)])
        timed(record, "search, first time", "/services/", next(first_searches))
        timed(record, "page, repeated", f"/services/{repeated_pages[i % len(repeated_pages)]}/")
        timed(record, "page, first view", f"/services/{next(first_views)}/")
        with override_settings(CACHES=without_page_cache):
            timed(record, "search, no page cache", "/services/", next(first_searches))
            timed(record, "page, no page cache", f"/services/{next(first_views)}/")
            filters = TWO_FILTERS[i % len(TWO_FILTERS)]
            timed(record, UNCACHED_QUERY, "/services/", {"q": queries[(2 * i) % len(queries)]})
            timed(
                record, UNCACHED_FILTERED, "/services/", {"q": queries[(2 * i + 1) % len(queries)], **filters}
            )
            timed(record, NO_MATCH, "/services/", {"q": next(nonsense)})
            timed(record, NO_MATCH_FILTERED, "/services/", {"q": next(nonsense), **filters})

    def publication_round(record: bool, i: int) -> None:
        """A publication, then the first search after it and an ordinary one, with the floor."""
        with override_settings(CACHES=without_page_cache):
            timed(record, FLOOR_PUBLICATION, "/bench-floor/")
            publish_next_edition(next(published_services))
            filters = TWO_FILTERS[i % len(TWO_FILTERS)]
            timed(record, AFTER_PUBLICATION, "/services/", {"q": queries[(2 * i) % len(queries)], **filters})
            timed(
                record,
                ORDINARY_PUBLICATION,
                "/services/",
                {"q": queries[(2 * i + 1) % len(queries)], **filters},
            )

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        # Without publications first: the cached measures are cache hits only while the
        # catalogue's version stands still.
        for i in range(WARM_UP):  # warm up connections, caches and templates
            one_round(False, i)
        for i in range(requests):
            one_round(True, i)
        for i in range(PUBLICATION_WARM_UP):
            publication_round(False, i)
        for i in range(requests):
            publication_round(True, i)
    return {name: (statistics.median(values), percentile(values, 0.95)) for name, values in timings.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", type=Path, help="write the medians (ms) of this run as JSON")
    parser.add_argument("--against", type=Path, help="a run saved at a smaller size: print the growth")
    args = parser.parse_args(argv)
    from registry.catalogue.selectors import catalogue_entries

    results = run(args.requests, args.seed)
    floor_median = results["floor"][0]
    services = catalogue_entries().count()
    print(f"services in the catalogue: {services}; requests per measure: {args.requests}")
    print(f"{'measure':<28} {'median, ms':>11} {'p95, ms':>9} {'× floor':>8}")
    for name, (median, p95) in results.items():
        print(f"{name:<28} {median:>11.2f} {p95:>9.2f} {median / floor_median:>8.1f}")
    medians = {name: median for name, (median, _p95) in results.items()}
    print("goals (uncached):")
    for name, reference, limit in GOALS:
        ratio = medians[name] / medians[reference]
        verdict = "met" if ratio <= limit else "NOT met"
        print(f"  {name} / {reference}: {ratio:.2f} (≤ {limit:g}: {verdict})")
    if args.against:
        before = json.loads(args.against.read_text(encoding="utf-8"))
        print(f"growth from {before['services']} to {services} services (ratio to the floor, then median):")
        for name, median in medians.items():
            if name in before["medians"]:
                old = before["medians"][name]
                ratio_growth = (median / floor_median) / (old / before["medians"]["floor"])
                print(f"  {name:<28} {ratio_growth:>6.2f}× {median / old:>6.2f}×")
    if args.save:
        args.save.write_text(
            json.dumps({"services": services, "requests": args.requests, "medians": medians}, indent=1),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
