"""Provider bodies in the exchange: a body's superior travels with it (exported with the
superior's own entry, created on import into an empty registry, in XML and in Excel; a reference
to a body the file does not name is refused with its place); exports narrowed by a body's name."""

from pathlib import Path

import pytest
from lxml import etree

from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.service import import_file
from registry.exchange.xlsx_export import write_registry_xlsx
from registry.models import ProviderBody
from tests import factories
from tests.exchange.conftest import NS, assert_valid, export_xml
from tests.exchange.test_changes_and_round_trip import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def subordinate():
    """A service of a department whose superior provides no service itself, under a ministry."""
    ministry = factories.body(
        full_name="Министерство тестовых дел Российской Федерации", short_name="Минтест"
    )
    agency = factories.body(
        full_name="Федеральное агентство тестирования", short_name="Росттест", parent=ministry
    )
    department = factories.body(
        full_name="Управление Росттеста по округу", short_name="Управление", parent=agency
    )
    service = factories.service(provider=department)
    publish(factories.complete_edition(service))
    return service


def superiors(data: bytes) -> dict[str, str | None]:
    root = etree.fromstring(data)
    names = {body.get("id"): body.findtext(f"{NS}fullName") for body in root.iter(f"{NS}body")}
    return {names[b.get("id")]: names.get(b.get("parent")) for b in root.iter(f"{NS}body")}


def test_the_export_names_every_superior_of_a_service_s_body(subordinate):
    data = export_xml(registry_number=subordinate.registry_number)
    assert_valid(data)
    assert superiors(data) == {
        "Управление Росттеста по округу": "Федеральное агентство тестирования",
        "Федеральное агентство тестирования": "Министерство тестовых дел Российской Федерации",
        "Министерство тестовых дел Российской Федерации": None,
    }


def test_an_import_into_a_registry_without_the_bodies_creates_them_with_their_superiors(
    subordinate, tmp_path
):
    data = export_xml(registry_number=subordinate.registry_number)
    new_number = "10000007777"
    data = data.replace(subordinate.registry_number.encode(), new_number.encode())
    for body in ProviderBody.objects.filter(full_name__in=superiors(data)):
        data = data.replace(body.full_name.encode(), f"{body.full_name} (копия)".encode())
    path = tmp_path / "copy.xml"
    path.write_bytes(data)
    report = import_file(path, actor=None, dry_run=False)
    assert report.ok, list(report.lines())
    copy = ProviderBody.objects.get(full_name="Управление Росттеста по округу (копия)")
    assert copy.parent.full_name == "Федеральное агентство тестирования (копия)"
    assert copy.parent.parent.full_name == "Министерство тестовых дел Российской Федерации (копия)"
    assert copy.parent.parent.parent is None


def test_an_excel_workbook_carries_the_superiors_too(subordinate, tmp_path):
    path = tmp_path / "one.xlsx"
    write_registry_xlsx(
        export_selection(ExportRequest(registry_number=subordinate.registry_number)), str(path)
    )
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True)["Органы"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_id = {row[0]: dict(zip(header, row, strict=False)) for row in rows[1:]}
    department = next(
        row for row in by_id.values() if row["Полное наименование"] == "Управление Росттеста по округу"
    )
    assert (
        by_id[department["Вышестоящий орган"]]["Полное наименование"] == "Федеральное агентство тестирования"
    )


def test_a_superior_the_file_does_not_name_is_refused_with_its_place(subordinate, tmp_path):
    data = export_xml(registry_number=subordinate.registry_number)
    root = etree.fromstring(data)
    top = next(body for body in root.iter(f"{NS}body") if body.get("parent") is None)
    top.set("parent", "body-999999")
    path = Path(tmp_path) / "broken.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and not report.applied
    assert any("body-999999" in problem.message for problem in report.errors())


def test_the_demo_export_holds_a_body_with_its_superior():
    """So the demo round trip (test_xml_import) also proves that superiors survive it."""
    from registry.demo import load_demo

    load_demo()
    assert any(superiors(export_xml()).values())


def test_an_excel_superior_the_workbook_does_not_name_is_refused_with_its_cell(subordinate, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "one.xlsx"
    write_registry_xlsx(
        export_selection(ExportRequest(registry_number=subordinate.registry_number)), str(path)
    )
    workbook = load_workbook(path)
    sheet = workbook["Органы"]
    column = next(cell.column for cell in sheet[1] if cell.value == "Вышестоящий орган")
    sheet.cell(row=2, column=column, value="body-999999")
    workbook.save(path)
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and not report.applied
    [problem] = [p for p in report.errors() if "body-999999" in p.message]
    assert (problem.location.sheet, problem.location.row) == ("Органы", 2)


def test_the_drafts_export_takes_the_body_name_and_refuses_a_malformed_body_id(subordinate):
    from registry.exchange.selectors import CONTENT_DRAFTS, ExportRequestError

    factories.complete_edition(factories.service(provider=factories.body(full_name="Комитет ЗАГС")))
    selection = export_selection(
        ExportRequest(content=CONTENT_DRAFTS, filters={"body": "управление росттеста"})
    )
    assert list(selection.services.values_list("registry_number", flat=True)) == [subordinate.registry_number]
    with pytest.raises(ExportRequestError, match="provider"):
        export_selection(ExportRequest(content=CONTENT_DRAFTS, filters={"provider": "1.5"}))
