"""Performance pages benchmark (issue 15), PostgreSQL only: with millions of delivery records
stored (filled by ``bench/deliveries_bench.py``'s fill), the public service page with its block
«Как услуга предоставляется на деле», the service's performance page, the public body page and
the body's workspace dashboard, against the trivial views, measured in the same rounds.

    createdb -h 127.0.0.1 -U postgres reg_pbench
    export DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/reg_pbench CATALOGUE_CACHE=off
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_demo --without-deliveries
    .venv/bin/python bench/performance_bench.py --rows 1000000
    # again, on the records already there: --skip-fill

``CATALOGUE_CACHE=off``: the service page is built on every request (the cost of building it,
not of reading the cache). The references: ``/healthz``, the floor page (one simple query and the
site's base template) and the workspace floor (the same signed in, with the workspace layout).
The services in rotation are those of the demo body with the most offices in the delivery plan;
the dashboard is that body's, seen by one of its officials. «without block»: the same service page
with the block switched off (what the page cost before issue 15); «block alone»: the block's
reads and sums (``registry.performance.views.service_block``), not rendered. Ratings and audits
are not in these pages until their sources are wired (``registry.performance.sources``)."""

import argparse
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

import deliveries_bench as base  # noqa: E402  (sets Django up)


def measure(requests: int) -> tuple[dict[str, list[float]], dict]:
    from django.conf import settings
    from django.test import Client, override_settings

    from registry.models import DeliveryMonthly, Service
    from registry.performance import views

    if settings.CACHES["catalogue"]["BACKEND"] != "django.core.cache.backends.dummy.DummyCache":
        raise SystemExit("run with CATALOGUE_CACHE=off: the pages are measured uncached")
    body, numbers, user = base.chosen_body()
    services = list(Service.objects.filter(registry_number__in=numbers).order_by("registry_number"))
    anonymous = Client(HTTP_HOST="localhost")
    official = Client(HTTP_HOST="localhost")
    official.force_login(user)
    names = (
        "/healthz",
        "floor page",
        "service page",
        "  without block",
        "  block alone",
        "performance page",
        "body page",
        "workspace floor",
        "dashboard",
    )
    timings: dict[str, list[float]] = {name: [] for name in names}

    def get(client, url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = base.seconds(started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return elapsed

    def one_round(record: bool, i: int) -> None:
        number = services[i % len(services)].registry_number
        service = services[i % len(services)]
        with mock.patch("registry.catalogue.views.service_block", return_value=None):
            without_block = get(anonymous, f"/services/{number}/")
        started = time.perf_counter()
        views.service_block(service)
        block_alone = base.seconds(started) * 1000
        figures = {
            "/healthz": get(anonymous, "/healthz"),
            "floor page": get(anonymous, "/bench-floor/"),
            "service page": get(anonymous, f"/services/{number}/"),
            "  without block": without_block,
            "  block alone": block_alone,
            "performance page": get(anonymous, f"/services/{number}/performance/"),
            "body page": get(anonymous, f"/bodies/{body.pk}/performance/"),
            "workspace floor": get(official, "/bench-workspace-floor/"),
            "dashboard": get(official, f"/workspace/performance/?body={body.pk}"),
        }
        if record:
            for name, value in figures.items():
                timings[name].append(value)

    with override_settings(ROOT_URLCONF="deliveries_bench", DEBUG=False):
        for i in range(10):
            one_round(False, i)
        for i in range(requests):
            one_round(True, i)
    rows = DeliveryMonthly.objects.filter(body=body).count()
    return timings, {"body": body.short_name or body.full_name, "services": len(services), "body_rows": rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="records to fill (default 1 000 000)")
    parser.add_argument("--bodies", type=int, default=40, help="generated bodies (six services each)")
    parser.add_argument("--requests", type=int, default=50, help="rounds of the measures")
    parser.add_argument("--skip-fill", action="store_true", help="measure the records already stored")
    args = parser.parse_args(argv)

    from django.db import connection

    from registry.models import DeliveryMonthly

    if connection.vendor != "postgresql":
        parser.error("PostgreSQL only (the records are partitioned there)")
    if not args.skip_fill:
        filled = base.fill(args.rows, args.bodies)
        print(
            f"fill: {base.spaced(args.rows)} records, {filled['services']} services: INSERT … SELECT "
            f"{filled['insert_s']:.0f} s, ANALYZE {filled['analyze_s']:.0f} s, rebuild_rollup "
            f"{filled['rebuild_s']:.0f} s ({base.spaced(filled['rollup_rows'])} monthly rows)"
        )
    print(f"monthly rollup rows: {base.spaced(DeliveryMonthly.objects.count())}")
    timings, about = measure(args.requests)
    print(
        f"\n{args.requests} rounds; services of {about['body']} in rotation ({about['services']}); "
        f"{about['body_rows']} rollup rows of the body"
    )
    floor = statistics.median(timings["floor page"])
    workspace = statistics.median(timings["workspace floor"])
    print(f"{'measure':<18} {'median, ms':>11} {'p95, ms':>9} {'× floor':>8} {'× workspace floor':>18}")
    for name, values in timings.items():
        median = statistics.median(values)
        print(
            f"{name:<18} {median:>11.2f} {base.percentile(values, 0.95):>9.2f} {median / floor:>8.1f} "
            f"{median / workspace:>18.1f}"
        )


if __name__ == "__main__":
    main()
