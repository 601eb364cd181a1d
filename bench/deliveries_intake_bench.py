"""Delivery records intake benchmark (issue 14): CSV intake of 100 000 and 1 000 000 rows
against the floor of a bare ``COPY`` of the same file into an unindexed table, and the peak
memory of the intake at each size.

    createdb -h 127.0.0.1 -U postgres reg_intake_bench
    export DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/reg_intake_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/deliveries_intake_bench.py --rows 100000 1000000

Each measurement runs in its own process, so its peak RSS (ru_maxrss) is its own; "over start"
is the peak minus the RSS just before the measured call (Django, the models and the lookups
already loaded). The records table is emptied before each intake, so every row is created.

- ``copy_floor``: ``COPY … FROM STDIN (FORMAT csv)`` of the file into a plain table of text
  columns, no index, no constraint — reading the file and writing its rows, nothing else;
- ``intake``: ``registry.deliveries.intake.intake_file`` — both passes (every row checked and
  resolved, then read again and stored through ``store_rows``: COPY into a staging table and
  ``INSERT … ON CONFLICT`` into the monthly partitions, with the compliance columns).
"""

import argparse
import csv
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADERS = [
    "case_id",
    "service",
    "body",
    "office",
    "channel",
    "submitted_at",
    "registered_at",
    "result_at",
    "outcome",
    "refusal_ground",
    "queue_wait_submission",
    "queue_wait_receipt",
]
OGRN = "1037700029620"
OFFICES = ("BENCH-01", "BENCH-02", "BENCH-03")


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    # DEBUG=1 only supplies the development SECRET_KEY; with DEBUG on Django would keep every query.
    settings.DEBUG = False


def _world() -> list[str]:
    """A body with three services and three offices, idempotently; the services' numbers."""
    from registry.models import Channel, Level, Office, ProviderBody, Service

    body, _created = ProviderBody.objects.get_or_create(
        ogrn=OGRN, defaults={"full_name": "Орган для замеров", "short_name": "Орган", "level": Level.FEDERAL}
    )
    Channel.objects.get_or_create(code="epgu", defaults={"name": "ЕПГУ"})
    services = list(Service.objects.filter(provider=body).order_by("registry_number")[:3])
    while len(services) < 3:
        services.append(Service.objects.create(level=Level.FEDERAL, provider=body))
    for code in OFFICES:
        office, _created = Office.objects.get_or_create(
            body=body, code=code, defaults={"name": code, "address": "г. Москва"}
        )
        office.services.add(*services)
    return [service.registry_number for service in services]


def write_file(path: Path, rows: int, numbers: list[str]) -> None:
    generator = random.Random(rows)
    start = datetime.datetime(2025, 1, 1, 9, 0)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for n in range(rows):
            submitted = start + datetime.timedelta(minutes=generator.randrange(0, 330 * 24 * 60))
            registered = submitted + datetime.timedelta(minutes=generator.randrange(0, 120))
            result = submitted + datetime.timedelta(days=generator.randrange(1, 40))
            refused = generator.random() < 0.1
            writer.writerow(
                [
                    f"B-{n:08d}",
                    numbers[n % len(numbers)],
                    OGRN,
                    OFFICES[n % len(OFFICES)],
                    "epgu",
                    submitted.strftime("%Y-%m-%dT%H:%M"),
                    registered.strftime("%d.%m.%Y %H:%M"),
                    result.strftime("%Y-%m-%dT%H:%M"),
                    "refused" if refused else "issued",
                    "2" if refused else "",
                    generator.randrange(0, 40),
                    generator.randrange(0, 20),
                ]
            )


def _copy_floor(path: Path) -> tuple[int, float]:
    from django.db import connection

    columns = ", ".join(f"{name} text" for name in HEADERS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_floor")
        cursor.execute(f"CREATE TABLE bench_copy_floor ({columns})")
        start = time.perf_counter()
        with path.open("rb") as handle:
            cursor.cursor.copy_expert(
                "COPY bench_copy_floor FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')", handle
            )
        elapsed = time.perf_counter() - start
        cursor.execute("SELECT count(*) FROM bench_copy_floor")
        count = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_copy_floor")
    return count, elapsed


def _intake(path: Path) -> tuple[int, float]:
    from django.db import connection

    from registry.deliveries.intake import intake_file

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_deliveryrecord, registry_deliverymonthly")
    start = time.perf_counter()
    report = intake_file(path)
    elapsed = time.perf_counter() - start
    assert report.ok, report.lines()[-5:]
    assert report.stored.created == report.rows, report.summary
    return report.rows, elapsed


def measure(name: str, path: Path) -> dict:
    _setup_django()
    _world()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows, seconds = globals()[f"_{name}"](path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "measure": name,
        "rows": rows,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak / 1024, 1),
        "over_start_mb": round((peak - baseline) / 1024, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--measure", choices=("copy_floor", "intake"))
    parser.add_argument("--file", type=Path)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.file), ensure_ascii=False))
        return
    _setup_django()
    numbers = _world()
    results: dict[int, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as directory:
        for rows in args.rows:
            path = Path(directory) / f"deliveries-{rows}.csv"
            write_file(path, rows, numbers)
            results[rows] = {}
            for name in ("copy_floor", "intake"):
                completed = subprocess.run(
                    [sys.executable, __file__, "--measure", name, "--file", str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results[rows][name] = json.loads(completed.stdout.strip().splitlines()[-1])
                print(json.dumps(results[rows][name], ensure_ascii=False), file=sys.stderr)
            results[rows]["file_mb"] = round(path.stat().st_size / 1024 / 1024, 1)
    print("| rows | file, MB | COPY floor, s | intake, s | intake / floor | peak RSS, MB | over start, MB |")
    print("|---|---|---|---|---|---|---|")
    for rows, found in results.items():
        floor, intake = found["copy_floor"], found["intake"]
        ratio = intake["seconds"] / floor["seconds"]
        count = f"{rows:,}".replace(",", " ")
        print(
            f"| {count} | {found['file_mb']} | {floor['seconds']} | {intake['seconds']} | {ratio:.1f} | "
            f"{intake['peak_mb']} | {intake['over_start_mb']} |"
        )
    sizes = sorted(results)
    if len(sizes) > 1:
        small, large = results[sizes[0]]["intake"], results[sizes[-1]]["intake"]
        print()
        print(
            f"Peak RSS at {sizes[-1]:,} / at {sizes[0]:,}: {large['peak_mb'] / small['peak_mb']:.2f}".replace(
                ",", " "
            )
        )


if __name__ == "__main__":
    main()
