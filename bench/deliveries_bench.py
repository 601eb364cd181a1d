"""Delivery records benchmark (issue 14), PostgreSQL only: with millions of records stored, the
rollup query behind one service's 12-month figures against a trivial Django view measured in the
same run, and the share of the incremental rollup in the storing of a 100 000-row file.

    createdb -h 127.0.0.1 -U postgres reg_dbench
    export DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/reg_dbench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py load_demo --without-deliveries
    .venv/bin/python bench/deliveries_bench.py --rows 10000000
    # again, on the records already there: --skip-fill

The fill (not measured against anything, timed for the record):
- the world: the demo registry plus ``--bodies`` generated bodies, each with six services
  delivered in three offices; the pairs (service, office) are those of the demo's delivery plan
  (``registry.deliveries.generator.delivery_plan``) and all of the generated ones;
- the records: ``INSERT … SELECT`` from ``generate_series`` straight into the monthly partitions
  (created first by ``registry.deliveries.partitions.ensure_partitions``), one statement a month,
  the 24 months up to the demo's end (``DEMO_END``), spread evenly over the pairs; compliance
  columns drawn plausibly (a declared term per pair of 5–30 days, some offices later than others,
  registration mostly in time, queues around the 15 minutes of the standards, 8 % refusals of
  which a tenth on grounds outside the list); then ``ANALYZE`` and ``rebuild_rollup()``.

The measures:
- *rollup query*: ``compliance_table(service=…, months=12)`` fully evaluated (the rows of every
  body and office of the service, with their service, body and office), rotating over the
  services of the demo body with the most offices;
- *workspace page*: ``/workspace/compliance/?service=…`` through the test client, signed in as an
  official of that body — the same query, plus the list of services with figures, the session
  and the template;
- *services list*: ``services_with_figures`` of that body over 12 months, evaluated (the page's
  service picker);
- the references, in the same rounds: ``/healthz`` (one ``SELECT 1``, JSON), a floor page
  (one simple query and the site's base template, as in ``bench/catalogue_bench.py``) and a
  workspace floor (the same signed in, with the workspace's layout and navigation);
- *incremental rollup*: a 100 000-row file of the demo's last month drawn by the demo generator
  (``generate_rows``, scaled up) stored through ``store_rows``; the ``refresh_rollup`` of the
  keys it touched, which ``store_rows`` calls in its transaction, is timed apart from the rest.
  Before it the rows of an earlier run are deleted and their rollup restored, so every row is new.

Server time is in process (Django's request cycle through the test client); PostgreSQL's buffers
are warm, nothing of Django's is cached for these pages.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django  # noqa: E402

django.setup()

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import include, path  # noqa: E402

BENCH_BODY = "Орган для замеров записей № {:03d}"
SERVICES_PER_BODY = 6
OFFICES_PER_BODY = 3
MONTHS = 24
OFFICIAL = "bench-deliveries-official"
CASE_PREFIX = "F"

FLOOR_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Floor{% endblock %}'
    "{% block content %}<h1>Floor</h1><p>{{ region }}</p>{% endblock %}"
)


WORKSPACE_FLOOR_TEMPLATE = engines["django"].from_string(
    '{% extends "workspace/base_workspace.html" %}{% block page_title %}Floor{% endblock %}'
    "{% block content %}<h1>Floor</h1><p>{{ region }}</p>{% endblock %}"
)


def floor_view(request):
    from registry.models import Region

    region = Region.objects.order_by("code").values_list("name", flat=True).first()
    return HttpResponse(FLOOR_TEMPLATE.render({"region": region}, request))


@login_required
def workspace_floor_view(request):
    from registry.models import Region

    region = Region.objects.order_by("code").values_list("name", flat=True).first()
    context = {"region": region, "nav_current": "compliance"}
    return HttpResponse(WORKSPACE_FLOOR_TEMPLATE.render(context, request))


urlpatterns = [
    path("bench-floor/", floor_view),
    path("bench-workspace-floor/", workspace_floor_view),
    path("", include("config.urls")),
]


def spaced(number: int) -> str:
    """10 000 000, as the docs write numbers."""
    return f"{number:,}".replace(",", " ")


def seconds(started: float) -> float:
    return time.perf_counter() - started


# ------------------------------------------------------------------ the world


def bench_world(bodies: int) -> list[tuple[int, int, int]]:
    """The generated bodies, services and offices, idempotently; every (service, body, office)
    pair the records are spread over: the demo plan's and the generated ones."""
    from registry.deliveries.generator import delivery_plan
    from registry.models import Level, Office, ProviderBody, Service

    pairs = [
        (service.service_id, plan.body_id, plan.office_id)
        for plan in delivery_plan()
        for service in plan.services
    ]
    for n in range(1, bodies + 1):
        body, _created = ProviderBody.objects.get_or_create(
            full_name=BENCH_BODY.format(n),
            defaults={"short_name": f"Орган № {n:03d}", "level": Level.FEDERAL},
        )
        services = list(Service.objects.filter(provider=body).order_by("pk"))
        while len(services) < SERVICES_PER_BODY:
            services.append(Service.objects.create(level=Level.FEDERAL, provider=body))
        for k in range(1, OFFICES_PER_BODY + 1):
            office, _created = Office.objects.get_or_create(
                body=body, code=f"BENCH-{n:03d}-{k}", defaults={"name": f"Офис {k}", "address": "г. Москва"}
            )
            office.services.add(*services)
            pairs.extend((service.pk, body.pk, office.pk) for service in services)
    return pairs


def fill_months() -> list[date]:
    from registry.deliveries.generator import DEMO_END, month_starts

    return month_starts(months=MONTHS, end=DEMO_END)


# The columns the fill writes, and the expression of each over the pair p and the draws x.r1…r9.
FILL_COLUMNS = {
    "body_id": "p.body_id",
    "case_id": f"'{CASE_PREFIX}-' || x.g",
    "service_id": "p.service_id",
    "office_id": "p.office_id",
    "channel_id": "(%(channels)s::bigint[])[1 + x.g %% cardinality(%(channels)s::bigint[])]",
    "variant_code": "''",
    "submitted_at": "x.submitted",
    "month": "%(month)s::date",
    "registered_at": "x.submitted + make_interval(mins => (CASE WHEN x.r3 < 0.97 THEN 5 ELSE 2000 END))",
    "result_at": "CASE WHEN x.r6 < 0.96 THEN x.submitted + make_interval(days => x.used) END",
    "outcome": "CASE WHEN x.r6 < 0.88 THEN 'issued' WHEN x.r6 < 0.96 THEN 'refused' "
    "WHEN x.r6 < 0.98 THEN 'withdrawn' ELSE 'suspended' END",
    "refusal_ground": "CASE WHEN x.r6 >= 0.88 AND x.r6 < 0.96 THEN 'Основание ' || (1 + (x.r7 * 4)::int) "
    "ELSE '' END",
    "queue_wait_submission": "(x.r8 * 25)::int",
    "queue_wait_receipt": "(x.r9 * 20)::int",
    "edition_id": "NULL",
    "term_declared": "p.term",
    "term_used": "CASE WHEN x.r6 < 0.96 THEN x.used END",
    "on_time": "CASE WHEN x.r6 < 0.96 THEN x.used <= p.term END",
    "queue_submission_ok": "(x.r8 * 25)::int <= 15",
    "queue_receipt_ok": "(x.r9 * 20)::int <= 15",
    "registered_in_time": "x.r3 < 0.97",
    "refusal_ground_listed": "CASE WHEN x.r6 >= 0.88 AND x.r6 < 0.96 THEN x.r7 < 0.9 END",
}


def fill(rows: int, bodies: int) -> dict:
    """The records, straight into the partitions; returns the timings."""
    from django.conf import settings
    from django.db import connection, transaction

    from registry.deliveries.partitions import ensure_partitions
    from registry.deliveries.rollup import rebuild_rollup
    from registry.models import Channel

    pairs = bench_world(bodies)
    months = fill_months()
    channels = list(Channel.objects.order_by("pk").values_list("pk", flat=True))
    timings = {"pairs": len(pairs), "services": len({pair[0] for pair in pairs})}
    with connection.cursor() as cursor:
        ensure_partitions(months)
        cursor.execute("TRUNCATE registry_deliveryrecord, registry_deliverymonthly")
        cursor.execute("DROP TABLE IF EXISTS bench_pairs")
        cursor.execute(
            "CREATE TABLE bench_pairs (n int PRIMARY KEY, service_id bigint, body_id bigint, "
            "office_id bigint, term int, late float)"
        )
        # A declared term per pair (5, 10, 15 or 30 days) and a share of late results (3–35 %).
        cursor.executemany(
            "INSERT INTO bench_pairs VALUES (%s, %s, %s, %s, %s, %s)",
            [
                (n, service, body, office, (5, 10, 15, 30)[n % 4], 0.03 + (n * 7 % 33) / 100)
                for n, (service, body, office) in enumerate(pairs)
            ],
        )
        columns = ", ".join(f'"{name}"' for name in FILL_COLUMNS)
        expressions = ", ".join(FILL_COLUMNS.values())
        # The draws in a subquery: random() is evaluated per row there. The submission falls on
        # one of the month's first 28 days between 9:00 and 18:00 local time.
        statement = (
            f'INSERT INTO "registry_deliveryrecord" ({columns}) SELECT {expressions} FROM ('
            "SELECT d.*, ((%(month)s::date + make_interval(days => (d.r1 * 27)::int, "
            "mins => 540 + (d.r2 * 540)::int))::timestamp AT TIME ZONE %(tz)s) AS submitted, "
            "CASE WHEN d.r4 < pp.late THEN pp.term + 1 + (d.r5 * pp.term * 0.5)::int "
            "ELSE (d.r5 * pp.term)::int END AS used "
            "FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, "
            "random() r7, random() r8, random() r9 FROM generate_series(%(low)s, %(high)s) g) d "
            "JOIN bench_pairs pp ON pp.n = d.g %% %(pairs)s) x "
            "JOIN bench_pairs p ON p.n = x.g %% %(pairs)s"
        )
        started = time.perf_counter()
        per_month = rows // len(months)
        for index, month in enumerate(months):
            low = index * per_month
            high = rows - 1 if index == len(months) - 1 else low + per_month - 1
            month_started = time.perf_counter()
            with transaction.atomic():
                cursor.execute(
                    statement,
                    {
                        "month": month,
                        "tz": settings.TIME_ZONE,
                        "channels": channels,
                        "low": low,
                        "high": high,
                        "pairs": len(pairs),
                    },
                )
            took = seconds(month_started)
            print(f"  {month:%Y-%m}: {high - low + 1} records in {took:.1f} s", file=sys.stderr)
        timings["insert_s"] = seconds(started)
        started = time.perf_counter()
        cursor.execute("ANALYZE registry_deliveryrecord")
        timings["analyze_s"] = seconds(started)
        started = time.perf_counter()
        timings["rollup_rows"] = rebuild_rollup()
        timings["rebuild_s"] = seconds(started)
        cursor.execute("ANALYZE registry_deliverymonthly")
        cursor.execute("DROP TABLE bench_pairs")
    return timings


# ------------------------------------------------------------------ the rollup query and the page


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def chosen_body():
    """The demo body with the most offices in the delivery plan, its services with figures, and
    an official of it."""
    from django.contrib.auth import get_user_model

    from registry.deliveries.generator import delivery_plan
    from registry.models import Membership, ProviderBody, Role

    plans = delivery_plan()
    counts: dict[int, int] = {}
    for plan in plans:
        counts[plan.body_id] = counts.get(plan.body_id, 0) + 1
    body = ProviderBody.objects.get(pk=max(counts, key=counts.get))
    numbers = sorted(
        {service.registry_number for plan in plans if plan.body_id == body.pk for service in plan.services}
    )
    user, _created = get_user_model()._default_manager.get_or_create(username=OFFICIAL)
    Membership.objects.get_or_create(user=user, body=body, role=Role.OFFICIAL)
    return body, numbers, user


def measure_reads(requests: int) -> tuple[dict[str, list[float]], dict]:
    from django.test import Client, override_settings

    from registry.deliveries.selectors import compliance_table, services_with_figures
    from registry.models import Service

    body, numbers, user = chosen_body()
    services = list(Service.objects.filter(registry_number__in=numbers).order_by("registry_number"))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    timings: dict[str, list[float]] = {
        name: []
        for name in (
            "/healthz",
            "floor page",
            "rollup query",
            "services list",
            "workspace floor",
            "workspace page",
        )
    }
    sizes: list[int] = []

    def get(url: str, params: dict | None = None) -> float:
        started = time.perf_counter()
        response = client.get(url, params or {})
        elapsed = seconds(started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} {params}: HTTP {response.status_code}")
        return elapsed * 1000

    def one_round(record: bool, i: int) -> None:
        service = services[i % len(services)]
        figures = {
            "/healthz": get("/healthz"),
            "floor page": get("/bench-floor/"),
            "workspace floor": get("/bench-workspace-floor/"),
            "workspace page": get("/workspace/compliance/", {"service": service.registry_number}),
        }
        started = time.perf_counter()
        list(services_with_figures(body_ids=[body.pk], months=12))
        figures["services list"] = seconds(started) * 1000
        started = time.perf_counter()
        rows = list(compliance_table(service=service, months=12))
        figures["rollup query"] = seconds(started) * 1000
        if record:
            sizes.append(len(rows))
            for name, value in figures.items():
                timings[name].append(value)

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        for i in range(10):
            one_round(False, i)
        for i in range(requests):
            one_round(True, i)
    about = {
        "body": body.short_name or body.full_name,
        "services": len(services),
        "rows": statistics.median(sizes),
    }
    return timings, about


# ------------------------------------------------------------------ the incremental rollup


def file_rows(count: int, months: int) -> list:
    """``count`` rows of the demo's last ``months`` months by the demo generator, scaled up to
    reach it (the generator goes office by office, service by service, month by month, so the
    last few pairs may be left out)."""
    from registry.deliveries.generator import DEMO_END, DEMO_SEED, generate_rows

    at_one = sum(1 for _row in generate_rows(months=months, end=DEMO_END, seed=DEMO_SEED, scale=1.0))
    scale = count / at_one * 1.05
    return list(islice(generate_rows(months=months, end=DEMO_END, seed=DEMO_SEED, scale=scale), count))


def measure_incremental(count: int, months: int) -> dict:
    from django.db import connection

    import registry.deliveries.storage as storage
    from registry.deliveries.generator import DEMO_END, month_starts
    from registry.deliveries.rollup import refresh_rollup
    from registry.deliveries.storage import store_rows

    started = time.perf_counter()
    rows = file_rows(count, months)
    generated_s = seconds(started)
    first = month_starts(months=months, end=DEMO_END)[0]
    # An earlier run's rows go, and their months' rollup with them: every row is new again.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM registry_deliveryrecord WHERE month >= %s AND case_id NOT LIKE %s "
            "RETURNING service_id, body_id, office_id, month",
            [first, f"{CASE_PREFIX}-%"],
        )
        stale = set(cursor.fetchall())
    if stale:
        refresh_rollup(stale)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_deliveryrecord WHERE month >= %s", [first])
        month_records = cursor.fetchone()[0]

    refreshes: list[float] = []
    original = storage.refresh_rollup

    def timed_refresh(keys):
        refresh_started = time.perf_counter()
        written = original(keys)
        refreshes.append(seconds(refresh_started))
        return written

    storage.refresh_rollup = timed_refresh
    try:
        started = time.perf_counter()
        result = store_rows(rows)
        total_s = seconds(started)
    finally:
        storage.refresh_rollup = original
    assert result.created == len(rows), (result.created, len(rows))
    triples = {(service_id, body_id, m) for service_id, body_id, _office, m in result.touched}
    refresh_s = sum(refreshes)
    return {
        "rows": len(rows),
        "generated_s": generated_s,
        "month_records_before": month_records,
        "touched_keys": len(result.touched),
        "touched_triples": len(triples),
        "store_total_s": total_s,
        "refresh_s": refresh_s,
        "write_s": total_s - refresh_s,
    }


# ------------------------------------------------------------------ the run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000, help="records to fill (default 10 000 000)")
    parser.add_argument("--bodies", type=int, default=40, help="generated bodies (six services each)")
    parser.add_argument("--requests", type=int, default=50, help="rounds of the read measures")
    parser.add_argument("--file-rows", type=int, default=100_000, help="rows of the incremental file")
    parser.add_argument("--file-months", type=int, default=1, help="months the file spans (default 1)")
    parser.add_argument("--skip-reads", action="store_true", help="leave out the read measures")
    parser.add_argument("--skip-fill", action="store_true", help="measure the records already stored")
    args = parser.parse_args(argv)

    from django.conf import settings
    from django.db import connection

    from registry.models import DeliveryMonthly

    if connection.vendor != "postgresql":
        parser.error("PostgreSQL only (the records are partitioned there)")
    settings.DEBUG = False
    if not args.skip_fill:
        filled = fill(args.rows, args.bodies)
        print(
            f"fill: {spaced(args.rows)} records over {filled['pairs']} (service, office) pairs of "
            f"{filled['services']} services, 24 months: INSERT … SELECT {filled['insert_s']:.0f} s, "
            f"ANALYZE {filled['analyze_s']:.0f} s, rebuild_rollup {filled['rebuild_s']:.0f} s "
            f"({spaced(filled['rollup_rows'])} monthly rows)"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'registry_deliveryrecord'")
        estimate = cursor.fetchone()[0]
        if estimate <= 0:
            cursor.execute(
                "SELECT sum(c.reltuples)::bigint FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'registry_deliveryrecord'::regclass"
            )
            estimate = cursor.fetchone()[0]
    print(
        f"records stored (planner's estimate): {spaced(estimate)}; monthly rollup rows: "
        f"{spaced(DeliveryMonthly.objects.count())}"
    )

    if not args.skip_reads:
        timings, about = measure_reads(args.requests)
        print(
            f"\nreads: {args.requests} rounds; services of {about['body']} in rotation "
            f"({about['services']}), "
            f"median {about['rows']:.0f} rollup rows a service over 12 months"
        )
        healthz = statistics.median(timings["/healthz"])
        floor = statistics.median(timings["floor page"])
        workspace = statistics.median(timings["workspace floor"])
        print(
            f"{'measure':<16} {'median, ms':>11} {'p95, ms':>9} {'× /healthz':>11} {'× floor':>8} "
            f"{'× workspace floor':>18}"
        )
        for name, values in timings.items():
            median = statistics.median(values)
            print(
                f"{name:<16} {median:>11.2f} {percentile(values, 0.95):>9.2f} {median / healthz:>11.1f} "
                f"{median / floor:>8.1f} {median / workspace:>18.1f}"
            )

    incremental = measure_incremental(args.file_rows, args.file_months)
    share = incremental["refresh_s"] / incremental["store_total_s"]
    print(
        f"\nincremental: {spaced(incremental['rows'])} rows of {args.file_months} month(s) (generated in "
        f"{incremental['generated_s']:.0f} s; {spaced(incremental['month_records_before'])} records "
        f"already in those months), {incremental['touched_keys']} keys touched, "
        f"{incremental['touched_triples']} (service, body, month) recomputed"
    )
    print(
        f"store_rows {incremental['store_total_s']:.1f} s = write {incremental['write_s']:.1f} s "
        f"+ refresh_rollup {incremental['refresh_s']:.1f} s; refresh share {share:.1%}"
    )


if __name__ == "__main__":
    main()
