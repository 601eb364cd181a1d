"""The importer reads the file's services a chunk at a time: the stored records it compares
with are read with one query per table per chunk, and the outcome of every service is what it
would be one service at a time (a number listed twice, errors located in services read ahead)."""

import copy
import math
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from registry.demo import load_demo
from registry.exchange.applying import run_import
from registry.exchange.records import ROW_SECTIONS
from registry.exchange.report import ERROR, UNCHANGED, UPDATED, ImportReport
from registry.exchange.xml_import import xml_source
from registry.models import Service
from tests.exchange.conftest import NS
from tests.exchange.test_xml_import import edited, export_then_empty

pytestmark = pytest.mark.django_db

# What one chunk reads: its services, then (records.chunk_records) the newest editions, the
# service categories, the four choice lists of editions, the row sections, the variants with the
# answers that select them, the applicant attributes with their values.
QUERIES_PER_CHUNK = 1 + 1 + 1 + 4 + len(ROW_SECTIONS) + 1 + 1
# The file's transaction (a savepoint inside the test's own), rolled back: 3 statements; the
# regions, read once; the legal acts' keys and the applicant categories' codes the stored
# records cite (records.Lookups), read once at the first chunk; the offices of the file's bodies
# (the stored offices, their services, the bodies' services), read once after the services.
QUERIES_PER_IMPORT = 3 + 1 + 2 + 3
# Each service is compared inside its own savepoint (SAVEPOINT, RELEASE).
QUERIES_PER_SERVICE = 2


def dry_run(path: Path, *, chunk_size: int, publish: bool = True) -> ImportReport:
    return run_import(
        lambda report: xml_source(path, report),
        actor=None,
        dry_run=True,
        publish=publish,
        report=ImportReport(),
        chunk_size=chunk_size,
    )


def bodies_in(path: Path) -> int:
    return len(etree.parse(str(path)).getroot().find(f"{NS}bodies"))


@pytest.mark.parametrize(("level", "chunk_size"), [("federal", 2), ("federal", 500), (None, 4), (None, 500)])
def test_an_unchanged_file_reads_the_stored_records_once_per_chunk(tmp_path, level, chunk_size):
    path = export_then_empty(tmp_path, **({"filters": {"level": level}} if level else {}))
    load_demo()
    with CaptureQueriesContext(connection) as queries:
        report = dry_run(path, chunk_size=chunk_size)
    services = len(report.services)
    assert report.ok and report.counts()[UNCHANGED] == services > 2
    assert len(queries) == (
        QUERIES_PER_IMPORT
        + bodies_in(path)
        + QUERIES_PER_CHUNK * math.ceil(services / chunk_size)
        + QUERIES_PER_SERVICE * services
    )


def test_a_service_listed_twice_fails_the_file_at_its_second_occurrence(tmp_path):
    path = export_then_empty(tmp_path, filters={"level": "federal"})
    load_demo()

    listed = []

    def renamed_twice(root):
        services = root.find(f"{NS}services")
        listed.append(len(services))
        first = services[1]
        first.find(f"{NS}edition/{NS}shortName").text = "Новое краткое наименование"
        services.append(copy.deepcopy(first))

    twice = edited(path, renamed_twice)
    (federal,) = listed  # every federal service of the demo, the second one renamed
    assert federal == Service.objects.filter(level="federal").count() >= 5
    for chunk_size in (500, 1):
        report = dry_run(twice, chunk_size=chunk_size, publish=False)
        outcomes = [item.outcome for item in report.services]
        assert outcomes == [UNCHANGED, UPDATED] + [UNCHANGED] * (federal - 2) + [ERROR]
        (problem,) = report.errors()
        assert problem.location.xpath == f"/registry/services/service[{federal + 1}]"
        assert "уже указана в файле выше" in problem.message
    renamed = [item.registry_number for item in report.services][1]
    before = Service.objects.get(registry_number=renamed).editions.count()
    applied = run_import(
        lambda report: xml_source(twice, report),
        actor=None,
        dry_run=False,
        publish=False,
        report=ImportReport(),
    )
    assert not applied.applied
    assert Service.objects.get(registry_number=renamed).editions.count() == before


def test_an_error_in_a_service_read_ahead_names_its_attribute(tmp_path):
    path = export_then_empty(tmp_path, filters={"level": "federal"})
    load_demo()

    def flip_single_standard(root):
        service = root.find(f"{NS}services")[0]
        flipped = "false" if service.get("underSingleStandard") == "true" else "true"
        service.set("underSingleStandard", flipped)

    report = dry_run(edited(path, flip_single_standard), chunk_size=500)
    (problem,) = report.errors()
    assert problem.location.xpath == "/registry/services/service[1]/@underSingleStandard"
    assert "единого стандарта" in problem.message
