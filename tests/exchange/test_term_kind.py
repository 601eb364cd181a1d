"""The kind of a term (maximum, minimum, fixed) in the exchange: an optional XSD attribute that
files of maxima leave out, and a column of the workbook in Russian words that older workbooks
do without."""

from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.service import import_file
from registry.exchange.xlsx_export import write_registry_xlsx, write_template_xlsx
from registry.exchange.xml_export import registry_schema
from registry.models import DeadlineKind, Edition, Service, Variant
from tests.exchange.conftest import NS, assert_valid, export_xml, normalised

pytestmark = pytest.mark.django_db

MARRIAGE = "7700000000160000102"
KIND_HEADER = "Срок: вид срока"


def newest_edition(registry_number: str) -> Edition:
    return Service.objects.get(registry_number=registry_number).editions.order_by("-number").first()


def service_element(root: etree._Element, registry_number: str) -> etree._Element:
    return next(s for s in root.iter(f"{NS}service") if s.get("registryNumber") == registry_number)


def test_the_demo_export_marks_only_the_marriage_wait_as_a_minimum(demo):
    root = assert_valid(export_xml())
    kinds = {
        service.get("registryNumber"): [d.get("kind") for d in service.iter(f"{NS}deadline")]
        for service in root.iter(f"{NS}service")
    }
    # The marriage waits a month; its variant for special circumstances is done the same day.
    assert [kind for kind in kinds.pop(MARRIAGE) if kind] == ["minimum"]
    marriage = service_element(root, MARRIAGE)
    assert marriage.find(f"{NS}edition/{NS}deadline").get("kind") == "minimum"
    # Maxima are the schema's default: every other term is written as before the attribute.
    assert {kind for service_kinds in kinds.values() for kind in service_kinds} == {None}


def test_a_file_written_before_the_attribute_is_valid_and_its_terms_are_maxima(demo, tmp_path):
    root = etree.fromstring(export_xml(registry_number=MARRIAGE))
    for deadline in root.iter(f"{NS}deadline"):
        deadline.attrib.pop("kind", None)
    assert registry_schema().validate(root.getroottree())
    path = tmp_path / "old.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))

    report = import_file(path, actor=None, dry_run=False)

    assert report.ok, list(report.lines())
    assert report.counts()["updated"] == 1
    assert newest_edition(MARRIAGE).deadline_kind == DeadlineKind.MAXIMUM


def test_an_unknown_kind_is_a_schema_error_at_the_deadline(demo, tmp_path):
    root = etree.fromstring(export_xml(registry_number=MARRIAGE))
    service_element(root, MARRIAGE).find(f"{NS}edition/{NS}deadline").set("kind", "at_least")
    path = tmp_path / "bad.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))

    report = import_file(path, actor=None, dry_run=False)

    assert not report.ok and not report.applied
    (problem,) = report.errors()
    assert problem.location.xpath.startswith("/registry/services/service[1]/edition/deadline")


def test_kinds_of_the_edition_and_of_a_variant_survive_an_xml_round_trip(demo, tmp_path):
    root = etree.fromstring(export_xml(registry_number=MARRIAGE))
    special = next(v for v in root.iter(f"{NS}variant") if v.get("code") == "special")
    special.find(f"{NS}deadline").set("kind", "fixed")
    # The imported content becomes the next edition, which says what it changes.
    note = etree.Element(f"{NS}changeNote")
    note.text = "Особые обстоятельства: брак регистрируется через 1 день."
    root.find(f"{NS}services/{NS}service/{NS}edition").insert(0, note)
    first = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    path = tmp_path / "marriage.xml"
    path.write_bytes(first)

    report = import_file(path, actor=None, dry_run=False, publish=True)

    assert report.ok, list(report.lines())
    assert report.counts()["updated"] == 1
    edition = newest_edition(MARRIAGE)
    assert edition.deadline_kind == DeadlineKind.MINIMUM
    assert edition.variants.get(code="special").deadline_kind == DeadlineKind.FIXED
    again = assert_valid(export_xml(registry_number=MARRIAGE))
    assert normalised(etree.tostring(again)) == normalised(first)


def export_workbook(path: Path, **request) -> Path:
    write_registry_xlsx(export_selection(ExportRequest(**request)), str(path))
    return path


def column_of(sheet, header: str) -> int:
    return [cell.value for cell in sheet[1]].index(header) + 1


def test_the_workbook_writes_the_kind_in_russian_words_and_reads_them_back(demo, tmp_path):
    path = export_workbook(tmp_path / "marriage.xlsx", registry_number=MARRIAGE)
    workbook = openpyxl.load_workbook(path)
    services, variants = workbook["Услуги"], workbook["Варианты"]
    kind = column_of(services, KIND_HEADER)
    assert services.cell(row=2, column=kind).value == "не ранее чем через"
    assert "«не ранее чем через»" in services.cell(row=1, column=kind).comment.text
    kind, code = column_of(variants, KIND_HEADER), column_of(variants, "Код")
    rows = list(variants.iter_rows(min_row=2))
    assert [row[kind - 1].value for row in rows] == ["не более", "не более"]
    special = next(row for row in rows if row[code - 1].value == "special")
    special[kind - 1].value = "через"
    workbook.save(path)

    report = import_file(path, actor=None, dry_run=False)

    assert report.ok, list(report.lines())
    edition = newest_edition(MARRIAGE)
    assert edition.deadline_kind == DeadlineKind.MINIMUM
    assert edition.variants.get(code="special").deadline_kind == DeadlineKind.FIXED


def test_the_blank_template_says_how_to_write_the_kind_of_a_term(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template_xlsx(str(path))
    workbook = openpyxl.load_workbook(path)
    guide = [row[0].value for row in workbook["Как заполнять"].iter_rows()]
    assert any(line.startswith("Вид срока — «не более»") for line in guide)
    assert KIND_HEADER in [cell.value for cell in workbook["Варианты"][1]]


def test_an_exported_workbook_with_a_minimum_reimports_unchanged(demo, tmp_path):
    path = export_workbook(tmp_path / "marriage.xlsx", registry_number=MARRIAGE)

    report = import_file(path, actor=None, dry_run=False, publish=True)

    assert report.ok, list(report.lines())
    assert report.counts()["unchanged"] == 1


def test_a_workbook_without_the_kind_column_imports_maxima(demo, tmp_path):
    path = export_workbook(tmp_path / "marriage.xlsx", registry_number=MARRIAGE)
    workbook = openpyxl.load_workbook(path)
    for title in ("Услуги", "Варианты"):
        sheet = workbook[title]
        sheet.delete_cols(column_of(sheet, KIND_HEADER))
    workbook.save(path)

    report = import_file(path, actor=None, dry_run=False)

    assert report.ok, list(report.lines())
    edition = newest_edition(MARRIAGE)
    assert edition.deadline_kind == DeadlineKind.MAXIMUM
    assert set(Variant.objects.filter(edition=edition).values_list("deadline_kind", flat=True)) == {
        DeadlineKind.MAXIMUM
    }


def test_an_unknown_kind_in_the_workbook_is_an_error_at_its_cell(demo, tmp_path):
    path = export_workbook(tmp_path / "marriage.xlsx", registry_number=MARRIAGE)
    workbook = openpyxl.load_workbook(path)
    services = workbook["Услуги"]
    column = column_of(services, KIND_HEADER)
    services.cell(row=2, column=column).value = "не менее"
    workbook.save(path)

    report = import_file(path, actor=None, dry_run=False)

    assert not report.ok and not report.applied
    (problem,) = report.errors()
    assert (problem.location.sheet, problem.location.row, problem.location.column) == (
        "Услуги",
        2,
        openpyxl.utils.get_column_letter(column),
    )
    assert problem.message == (
        "«Срок: вид срока»: ожидается «не более», «не ранее чем через» или «через», а указано «не менее»"
    )
