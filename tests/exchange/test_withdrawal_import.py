"""An incremental file's list of withdrawn services on import: applied through the workflow when
an administrator publishes on import, reported and left alone otherwise; idempotent; a broken
entry fails the whole file."""

import datetime

import openpyxl
import pytest

from registry.exchange.changes import last_sequence
from registry.exchange.report import UNCHANGED, WITHDRAWAL_NOT_APPLIED, WITHDRAWN
from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.service import import_file
from registry.exchange.xlsx_export import write_registry_xlsx, write_template_xlsx
from registry.models import ChangeKind, ChangeLog, Service
from registry.services import service_restore, service_withdraw
from tests import factories
from tests.exchange.conftest import administrator, assert_valid, export_xml
from tests.exchange.test_changes_and_round_trip import publish

pytestmark = pytest.mark.django_db

REASON = "Полномочие передано в МФЦ."


@pytest.fixture
def changes_file(tmp_path):
    """An incremental export that withdraws one service; the service is then restored here, as a
    receiving registry that has not yet applied the withdrawal would hold it."""
    service = factories.service()
    publish(factories.complete_edition(service))
    since = last_sequence()
    service_withdraw(service=service, actor=None, reason=REASON, date=datetime.date(2026, 11, 20))
    data = export_xml(since=since)
    assert_valid(data)
    service_restore(service=service, actor=None)
    path = tmp_path / "changes.xml"
    path.write_bytes(data)
    return service, path


def outcomes(report) -> list[tuple[str, str]]:
    return [(item.registry_number, item.outcome) for item in report.services]


def test_publishing_on_import_withdraws_the_listed_service_through_the_workflow(changes_file):
    service, path = changes_file
    report = import_file(path, actor=administrator(), dry_run=False, publish=True)
    assert report.ok, list(report.lines())
    assert outcomes(report) == [(service.registry_number, WITHDRAWN)]
    service.refresh_from_db()
    assert service.is_withdrawn
    assert service.withdrawn_on == datetime.date(2026, 11, 20) and service.withdrawal_reason == REASON
    assert (
        ChangeLog.objects.filter(service=service).order_by("-sequence").first().kind == ChangeKind.WITHDRAWN
    )
    assert any("исключено 1" in line for line in report.lines())


def test_importing_the_same_withdrawal_twice_changes_nothing_the_second_time(changes_file):
    service, path = changes_file
    import_file(path, actor=None, dry_run=False, publish=True)
    sequence = last_sequence()
    again = import_file(path, actor=None, dry_run=False, publish=True)
    assert again.ok and outcomes(again) == [(service.registry_number, UNCHANGED)]
    assert last_sequence() == sequence


def test_a_dry_run_reports_the_withdrawal_and_writes_nothing(changes_file):
    service, path = changes_file
    report = import_file(path, actor=None, dry_run=True, publish=True)
    assert report.ok and outcomes(report) == [(service.registry_number, WITHDRAWN)]
    assert not Service.objects.get(pk=service.pk).is_withdrawn


def test_an_import_as_drafts_reports_the_withdrawal_as_not_applied(changes_file):
    service, path = changes_file
    report = import_file(path, actor=None, dry_run=False, publish=False)
    assert report.ok and outcomes(report) == [(service.registry_number, WITHDRAWAL_NOT_APPLIED)]
    assert not Service.objects.get(pk=service.pk).is_withdrawn
    assert any("не применено 1" in line for line in report.lines())


def test_a_service_not_in_the_registry_has_nothing_to_withdraw(changes_file):
    service, path = changes_file
    path.write_text(path.read_text(encoding="utf-8").replace(service.registry_number, "10000009999"), "utf-8")
    report = import_file(path, actor=None, dry_run=False, publish=True)
    assert report.ok and outcomes(report) == [("10000009999", UNCHANGED)]


def test_a_malformed_withdrawal_fails_the_whole_file_with_its_place(changes_file):
    service, path = changes_file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('withdrawnOn="2026-11-20"', 'withdrawnOn="20.11.2026"'), "utf-8")
    report = import_file(path, actor=None, dry_run=False, publish=True)
    assert not report.ok and not report.applied
    assert any("withdrawnOn" in problem.message for problem in report.errors())
    assert not Service.objects.get(pk=service.pk).is_withdrawn


def test_a_withdrawal_the_workflow_refuses_fails_the_whole_file(changes_file):
    service, path = changes_file
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
        changes={"change_note": "Уточнён срок."},
        expected_version=draft.lock_version,
    )
    edition_approve(edition=edition_submit(edition=draft, actor=None), actor=None)
    draft.refresh_from_db()
    edition_publish(
        edition=draft, actor=None, effective_date=datetime.date.today() + datetime.timedelta(days=5)
    )
    report = import_file(path, actor=None, dry_run=False, publish=True)
    assert not report.ok and not report.applied
    [problem] = report.errors()
    assert problem.location.xpath == "/registry/withdrawn/service[1]"
    assert not Service.objects.get(pk=service.pk).is_withdrawn


def test_an_existing_service_takes_the_file_s_categories_with_an_audit_event(tmp_path):
    from registry.exchange.report import UPDATED
    from registry.models import AuditEvent, AuditEventKind, Category, CategoryKind

    family = Category.objects.create(code="family-x", name="Семья", kind=CategoryKind.CATEGORY)
    birth = Category.objects.create(code="birth-x", name="Рождение ребёнка", kind=CategoryKind.LIFE_SITUATION)
    service = factories.service()
    service.categories.add(family)
    publish(factories.complete_edition(service))
    data = export_xml(registry_number=service.registry_number)
    service.categories.set([birth])
    path = tmp_path / "one.xml"
    path.write_bytes(data)

    report = import_file(path, actor=None, dry_run=False)
    assert report.ok and outcomes(report) == [(service.registry_number, UPDATED)]
    assert list(service.categories.values_list("code", flat=True)) == ["family-x"]
    event = AuditEvent.objects.filter(service=service, kind=AuditEventKind.EDITED).latest("id")
    assert "categories" in event.changes
    again = import_file(path, actor=None, dry_run=False)
    assert outcomes(again) == [(service.registry_number, UNCHANGED)]


def test_an_unknown_category_code_fails_the_file_with_its_place(tmp_path):
    from registry.models import Category, CategoryKind

    family = Category.objects.create(code="family-y", name="Семья", kind=CategoryKind.CATEGORY)
    service = factories.service()
    publish(factories.complete_edition(service))
    service.categories.add(family)
    data = export_xml(registry_number=service.registry_number).replace(b'code="family-y"', b'code="no-such"')
    service.categories.clear()
    path = tmp_path / "one.xml"
    path.write_bytes(data)
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok
    assert any("no-such" in problem.message for problem in report.errors())
    assert not service.categories.exists()


def test_an_incremental_workbook_carries_the_withdrawal_and_publishing_applies_it(tmp_path):
    service = factories.service()
    publish(factories.complete_edition(service))
    since = last_sequence()
    service_withdraw(service=service, actor=None, reason=REASON, date=datetime.date(2026, 11, 20))
    path = tmp_path / "changes.xlsx"
    write_registry_xlsx(export_selection(ExportRequest(since=since)), str(path))
    rows = list(openpyxl.load_workbook(path)["Исключённые услуги"].values)
    assert rows[1] == (service.registry_number, datetime.datetime(2026, 11, 20), REASON)
    service_restore(service=service, actor=None)
    assert outcomes(import_file(path, actor=None, dry_run=True, publish=False)) == [
        (service.registry_number, WITHDRAWAL_NOT_APPLIED)
    ]
    report = import_file(path, actor=administrator(), dry_run=False, publish=True)
    assert report.ok, list(report.lines())
    assert outcomes(report) == [(service.registry_number, WITHDRAWN)]
    service.refresh_from_db()
    assert service.is_withdrawn and service.withdrawal_reason == REASON


def test_a_workbook_withdrawal_without_a_reason_fails_the_file_with_its_cell(tmp_path):
    service = factories.service()
    publish(factories.complete_edition(service))
    path = tmp_path / "by-hand.xlsx"
    write_template_xlsx(str(path))
    workbook = openpyxl.load_workbook(path)
    workbook["Исключённые услуги"].append([service.registry_number, datetime.date(2026, 11, 20), None])
    workbook.save(path)
    report = import_file(path, actor=administrator(), dry_run=False, publish=True)
    assert not report.ok and not report.applied
    (problem,) = report.errors()
    assert (problem.location.sheet, problem.location.row, problem.location.column) == (
        "Исключённые услуги",
        2,
        "C",
    )
    assert "Причина исключения" in problem.message
    assert not Service.objects.get(pk=service.pk).is_withdrawn
