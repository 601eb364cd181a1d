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
"""

import argparse
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


NO_PAGE_CACHE = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


def run(requests: int, seed: int) -> dict[str, tuple[float, float]]:
    """Each measure in rotation with the floor, so that they share the machine's moments."""
    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client, override_settings

    from registry.catalogue.selectors import catalogue_entries

    rng = random.Random(seed)
    numbers = list(catalogue_entries().order_by("pk").values_list("registry_number", flat=True))
    rng.shuffle(numbers)
    repeated_pages = numbers[:20]
    first_views = iter(numbers[20:])
    first_searches = iter(first_time_searches(requests * 3 + 20, rng))
    client = Client(HTTP_HOST="localhost")
    names = ["bare", "floor", "search, repeated", "search, first time", "search, no page cache",
             "page, repeated", "page, first view", "page, no page cache"]  # fmt: skip
    timings: dict[str, list[float]] = {name: [] for name in names}
    without_page_cache = {**settings.CACHES, "catalogue": NO_PAGE_CACHE}
    caches["catalogue"].clear()

    def one_round(record: bool, i: int) -> None:
        def timed(name: str, url: str, params: dict | None = None) -> None:
            elapsed = measure(client, url, params)
            if record:
                timings[name].append(elapsed)

        timed("bare", "/bench-bare/")
        timed("floor", "/bench-floor/")
        timed("search, repeated", "/services/", SEARCHES[i % len(SEARCHES)])
        timed("search, first time", "/services/", next(first_searches))
        timed("page, repeated", f"/services/{repeated_pages[i % len(repeated_pages)]}/")
        timed("page, first view", f"/services/{next(first_views)}/")
        with override_settings(CACHES=without_page_cache):
            timed("search, no page cache", "/services/", next(first_searches))
            timed("page, no page cache", f"/services/{next(first_views)}/")

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        for i in range(20):  # warm up connections, caches and templates
            one_round(False, i)
        for i in range(requests):
            one_round(True, i)
    return {name: (statistics.median(values), percentile(values, 0.95)) for name, values in timings.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from registry.catalogue.selectors import catalogue_entries

    results = run(args.requests, args.seed)
    floor_median = results["floor"][0]
    print(f"services in the catalogue: {catalogue_entries().count()}; requests per measure: {args.requests}")
    print(f"{'measure':<22} {'median, ms':>11} {'p95, ms':>9} {'× floor':>8}")
    for name, (median, p95) in results.items():
        print(f"{name:<22} {median:>11.2f} {p95:>9.2f} {median / floor_median:>8.1f}")


if __name__ == "__main__":
    main()
