"""Exchange benchmarks: XML and Excel export and import, against a floor and a peer.

    python bench/generate_registry.py --services 10000 --seed 1   # on the same DATABASE_URL
    python bench/exchange_bench.py [--skip-import] [--rounds N] [--only MEASURE ...]

Each measurement runs in its own process (so its peak memory, ru_maxrss, is its own) and
prints one JSON line; the driver prints a table. Measurements:

- xml_floor / xlsx_floor: the same values already in memory, written with lxml ``xmlfile`` /
  openpyxl write-only — the cost of the writing alone. xml_floor: every service's record built
  before the clock starts, written by the export's own writer; xlsx_floor: every row of every
  sheet as a list of the values openpyxl's own cell writer is given (``openpyxl_value``), built
  before the clock starts, then appended to a write-only workbook and saved;
- xlsx_rows_floor: the records in memory written by the export's own row writer
  (``xlsx_rows.StreamedSheet``: the same cells, written a row at a time);
- xml_export / xlsx_export: the real export (database reads in chunks, records, writing);
- peer_xlsx: django-import-export (requirements-bench.txt) exporting the services' current
  editions (one row per service, the same columns as our «Услуги» sheet) to xlsx;
- xml_import_dry_run: the exported XML imported back as a dry run (every service compared
  with the registry: all «без изменений»), streaming, in one transaction rolled back.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEASURES = (
    "xml_floor",
    "xml_export",
    "xlsx_floor",
    "xlsx_rows_floor",
    "xlsx_export",
    "peer_xlsx",
    "xml_import_dry_run",
)


def _setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    # DEBUG=1 only supplies the development SECRET_KEY: with DEBUG on, Django keeps the SQL of the
    # last 9 000 queries, which at 100 000 services (3 400 queries with 500 ids each) is tens of
    # megabytes of the peak that production, with DEBUG off, never holds.
    settings.DEBUG = False


def _records():
    from registry.exchange.selectors import ExportRequest, export_records, export_selection

    selection = export_selection(ExportRequest())
    records = []
    for service, record in export_records(selection, chunk_size=500):
        record["body_pk"] = service.provider_id
        record["body_id"] = f"body-{service.provider_id}"
        records.append(record)
    return selection, records


def _xml_floor(output: Path) -> int:
    from lxml import etree

    from registry.exchange.records import act_key
    from registry.exchange.xml_export import NAMESPACE, _Writer, q

    selection, records = _records()
    acts = {act_key(act): f"act-{act.pk}" for act in selection.acts}
    bodies = {record["body_pk"]: record["body_id"] for record in records}
    start = time.perf_counter()
    with output.open("wb") as handle, etree.xmlfile(handle, encoding="utf-8") as xf:
        with xf.element(q("registry"), nsmap={None: NAMESPACE}), xf.element(q("services")):
            writer = _Writer(xf, acts, bodies)
            for record in records:
                writer.service(record)
    return len(records), time.perf_counter() - start


def _xlsx_floor(output: Path):
    from openpyxl import Workbook

    from registry.exchange.records import act_key
    from registry.exchange.xlsx_export import CELL_KINDS, DATE_FORMAT, service_rows
    from registry.exchange.xlsx_layout import workbook_sheets
    from registry.exchange.xlsx_rows import openpyxl_value

    selection, records = _records()
    acts = {act_key(act): f"act-{act.pk}" for act in selection.acts}
    workbook = Workbook(write_only=True)
    sheets = {}
    for sheet in workbook_sheets():
        worksheet = workbook.create_sheet(sheet.title)
        kinds = [(column.key, CELL_KINDS.get(column.kind, "text")) for column in sheet.columns]
        sheets[sheet.key] = (worksheet, kinds, [[column.header for column in sheet.columns]])
    for record in records:
        for key, values in service_rows(record, acts):
            worksheet, kinds, rows = sheets[key]
            rows.append(
                [
                    openpyxl_value(worksheet, kind, values.get(name), date_format=DATE_FORMAT)
                    for name, kind in kinds
                ]
            )
    start = time.perf_counter()
    for worksheet, _kinds, rows in sheets.values():
        for row in rows:
            worksheet.append(row)
    workbook.save(str(output))
    return len(records), time.perf_counter() - start


def _xlsx_rows_floor(output: Path):
    from registry.exchange.records import act_key
    from registry.exchange.xlsx_export import _workbook, service_rows

    selection, records = _records()
    acts = {act_key(act): f"act-{act.pk}" for act in selection.acts}
    start = time.perf_counter()
    workbook, writers = _workbook()
    for record in records:
        for key, values in service_rows(record, acts):
            writers[key].append(values)
    workbook.save(str(output))
    return len(records), time.perf_counter() - start


def _xml_export(output: Path):
    from registry.exchange.selectors import ExportRequest, export_selection, export_snapshot
    from registry.exchange.xml_export import write_registry_xml

    start = time.perf_counter()
    with export_snapshot():  # as the command and the download run it
        selection = export_selection(ExportRequest())
        with output.open("wb") as handle:
            write_registry_xml(selection, handle)
    elapsed = time.perf_counter() - start
    return selection.services.count(), elapsed


def _xlsx_export(output: Path):
    from registry.exchange.selectors import ExportRequest, export_selection, export_snapshot
    from registry.exchange.xlsx_export import write_registry_xlsx

    start = time.perf_counter()
    with export_snapshot():
        selection = export_selection(ExportRequest())
        write_registry_xlsx(selection, str(output))
    elapsed = time.perf_counter() - start
    return selection.services.count(), elapsed


def _peer_xlsx(output: Path):
    from import_export import fields, resources

    from registry.exchange.records import EDITION_SCALARS
    from registry.models import Edition, EditionStatus

    class EditionResource(resources.ModelResource):
        registry_number = fields.Field(attribute="service__registry_number", column_name="Реестровый номер")
        level = fields.Field(attribute="service__level", column_name="Уровень")
        body = fields.Field(attribute="service__provider_id", column_name="Орган")

        class Meta:
            model = Edition
            fields = (
                "registry_number",
                "level",
                "body",
                "number",
                "status",
                "effective_date",
                *EDITION_SCALARS,
            )
            export_order = fields

    start = time.perf_counter()
    queryset = (
        Edition.objects.filter(status=EditionStatus.PUBLISHED)
        .select_related("service")
        .order_by("service__registry_number")
    )
    dataset = EditionResource().export(queryset)
    output.write_bytes(dataset.export("xlsx"))
    return len(dataset), time.perf_counter() - start


def _xml_import_dry_run(output: Path):
    from registry.exchange.selectors import ExportRequest, export_selection
    from registry.exchange.service import import_file
    from registry.exchange.xml_export import write_registry_xml

    with output.open("wb") as handle:
        write_registry_xml(export_selection(ExportRequest()), handle)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    report = import_file(output, actor=None, dry_run=True)
    elapsed = time.perf_counter() - start
    assert report.ok, list(report.lines())[-5:]
    return len(report.services), elapsed, baseline


def measure(name: str) -> dict:
    _setup_django()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / f"{name}.out"
        result = globals()[f"_{name}"](output)
        services, seconds = result[0], result[1]
        if len(result) > 2:
            baseline = result[2]
        size = output.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "measure": name,
        "services": services,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak / 1024, 1),
        "over_baseline_mb": round((peak - baseline) / 1024, 1),
        "file_mb": round(size / 1024 / 1024, 1),
    }


RATIOS = (
    ("XML export / its floor", "xml_export", "xml_floor"),
    ("Excel export / its floor (openpyxl's own cells)", "xlsx_export", "xlsx_floor"),
    ("Excel export / the row writer from memory", "xlsx_export", "xlsx_rows_floor"),
    ("Excel export / peer", "xlsx_export", "peer_xlsx"),
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--measure", choices=MEASURES)
    parser.add_argument("--only", nargs="+", choices=MEASURES, help="these measurements only")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run every measurement this many times, round after round, and keep each one's fastest "
        "run: a shared machine slows some runs down, never speeds one up",
    )
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure), ensure_ascii=False))
        return
    names = [
        name for name in (args.only or MEASURES) if not (args.skip_import and name.startswith("xml_import"))
    ]
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for _round in range(args.rounds):
        for name in names:
            completed = subprocess.run(
                [sys.executable, __file__, "--measure", name], capture_output=True, text=True, check=True
            )
            runs[name].append(json.loads(completed.stdout.strip().splitlines()[-1]))
            print(json.dumps(runs[name][-1], ensure_ascii=False), file=sys.stderr)
    best = {name: min(found, key=lambda row: row["seconds"]) for name, found in runs.items()}
    print("| measure | services | seconds (fastest) | all runs | peak RSS, MB | over start, MB | file, MB |")
    print("|---|---|---|---|---|---|---|")
    for name, row in best.items():
        every = " / ".join(str(run["seconds"]) for run in runs[name])
        print(
            f"| {name} | {row['services']} | {row['seconds']} | {every} | {row['peak_mb']} | "
            f"{row['over_baseline_mb']} | {row['file_mb']} |"
        )
    print()
    for label, numerator, denominator in RATIOS:
        if numerator in best and denominator in best:
            print(f"{label}: {best[numerator]['seconds'] / best[denominator]['seconds']:.2f}")


if __name__ == "__main__":
    main()
