"""The bodies' offices in the exchange (issue 14 point 1): written inside each body of the XML
and on the sheet «Офисы» of the workbook, with the services delivered there; imported back by
(body, code) after the file's services, all or nothing. The demo registry exported and imported
again changes nothing; a changed address updates the office; a service of another body, an
official of another body and values the registry refuses are errors at their place."""

from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.service import import_file
from registry.exchange.xlsx_export import write_registry_xlsx
from registry.models import EditionStatus, Office, ProviderBody, Role, Service
from tests.exchange.conftest import NS, assert_valid, export_xml, user_with_role

pytestmark = pytest.mark.django_db

MVD_OGRN = "1037700029620"
ULYANOVSK_OGRN = "1027300621941"


def offices_now() -> dict[tuple[str, str], tuple]:
    """Every office with its fields and services: what an import must leave as it is."""
    return {
        (office.body.ogrn, office.code): (
            office.name,
            office.address,
            office.oktmo,
            office.is_mfc,
            office.working_hours,
            tuple(sorted(office.services.values_list("registry_number", flat=True))),
        )
        for office in Office.objects.select_related("body")
    }


def xml_file(tmp_path: Path, data: bytes, name: str = "registry.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def edited_xml(tmp_path: Path, change, **request) -> Path:
    root = etree.fromstring(export_xml(**request))
    change(root)
    return xml_file(tmp_path, etree.tostring(root, xml_declaration=True, encoding="utf-8"), "edited.xml")


def office_element(root: etree._Element, code: str) -> etree._Element:
    return next(office for office in root.iter(f"{NS}office") if office.get("code") == code)


def workbook(tmp_path: Path, **request) -> Path:
    path = tmp_path / "registry.xlsx"
    write_registry_xlsx(export_selection(ExportRequest(**request)), str(path))
    return path


def office_rows(path: Path) -> tuple[list, list[list]]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Офисы"]
    header, *rows = (list(row) for row in sheet.iter_rows(values_only=True))
    return header, rows


def rewrite_office_cell(path: Path, code: str, header: str, value) -> int:
    """Set one cell of an office's row on «Офисы»; the row's number."""
    book = openpyxl.load_workbook(path)
    sheet = book["Офисы"]
    titles = [cell.value for cell in sheet[1]]
    column = titles.index(header) + 1
    code_column = titles.index("Код офиса") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, code_column).value == code)
    sheet.cell(row, column).value = value
    book.save(path)
    return row


def test_the_xml_lists_each_body_s_offices_with_the_services_published_there(demo):
    root = assert_valid(export_xml())
    bodies = {body.get("ogrn"): body for body in root.iter(f"{NS}body")}
    mvd = [office.get("code") for office in bodies[MVD_OGRN].iterfind(f"{NS}offices/{NS}office")]
    assert mvd == sorted(Office.objects.filter(body__ogrn=MVD_OGRN).values_list("code", flat=True))
    centre = office_element(root, "UL-MFC-CENTR")
    stored = Office.objects.get(body__ogrn=MVD_OGRN, code="UL-MFC-CENTR")
    assert centre.get("mfc") == "true" and centre.get("oktmo") == stored.oktmo
    assert centre.findtext(f"{NS}name") == stored.name
    assert centre.findtext(f"{NS}address") == stored.address
    assert centre.findtext(f"{NS}workingHours") == stored.working_hours
    listed = [service.get("registryNumber") for service in centre.iterfind(f"{NS}deliveredService")]
    assert listed == sorted(stored.services.values_list("registry_number", flat=True))
    # A service never published is not public, not even its number, in an office either.
    reception = Office.objects.get(body__ogrn=ULYANOVSK_OGRN, code="ADM-PRIEM")
    never = set(
        reception.services.exclude(editions__status=EditionStatus.PUBLISHED).values_list(
            "registry_number", flat=True
        )
    )
    assert never, "the demo links a never-published service to the reception"
    shown = {
        s.get("registryNumber") for s in office_element(root, "ADM-PRIEM").iterfind(f"{NS}deliveredService")
    }
    assert shown and not shown & never
    drafts = export_xml(content="drafts")
    shown = {
        s.get("registryNumber")
        for s in office_element(etree.fromstring(drafts), "ADM-PRIEM").iterfind(f"{NS}deliveredService")
    }
    assert never <= shown


def test_a_file_without_offices_is_still_valid_and_leaves_the_offices_alone(demo, tmp_path):
    def drop_offices(root):
        for offices in list(root.iter(f"{NS}offices")):
            offices.getparent().remove(offices)

    before = offices_now()
    path = edited_xml(tmp_path, drop_offices)
    assert_valid(path.read_bytes())
    report = import_file(path, actor=None, dry_run=False)
    assert report.ok, list(report.lines())
    assert report.offices == {"created": 0, "updated": 0, "unchanged": 0}
    assert offices_now() == before


@pytest.mark.parametrize("fmt", ["xml", "xlsx"])
def test_the_demo_registry_exported_and_imported_again_changes_no_office(demo, tmp_path, fmt):
    before = offices_now()
    path = workbook(tmp_path) if fmt == "xlsx" else xml_file(tmp_path, export_xml())
    report = import_file(path, actor=None, dry_run=False)
    assert report.ok, list(report.lines())
    assert report.offices == {"created": 0, "updated": 0, "unchanged": len(before)}
    assert offices_now() == before
    assert f"Офисы: создано 0, изменено 0, без изменений {len(before)}." in list(report.lines())


def test_the_workbook_has_a_row_per_office_with_its_body_and_services(demo, tmp_path):
    header, rows = office_rows(workbook(tmp_path))
    assert header[:3] == ["Орган (идентификатор с листа «Органы»)", "Код офиса", "Наименование"]
    assert len(rows) == Office.objects.count()
    by_code = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows}
    office = Office.objects.get(body__ogrn=MVD_OGRN, code="UL-MREO-1")
    row = by_code[(f"body-{office.body_id}", "UL-MREO-1")]
    assert row["Офис МФЦ"] is False
    services = sorted(office.services.values_list("registry_number", flat=True))
    assert row["Услуги офиса (реестровые номера через «;»)"] == "; ".join(services)


def test_a_changed_address_in_the_xml_updates_the_office_and_a_dry_run_writes_nothing(demo, tmp_path):
    path = edited_xml(
        tmp_path,
        lambda root: setattr(
            office_element(root, "UL-MREO-1").find(f"{NS}address"),
            "text",
            "432063, г. Ульяновск, ул. Новая, д. 1",
        ),
    )
    trial = import_file(path, actor=None, dry_run=True)
    assert trial.ok and trial.offices["updated"] == 1
    assert Office.objects.get(code="UL-MREO-1").address == "432063, г. Ульяновск, ул. Урицкого, д. 2"
    report = import_file(path, actor=None, dry_run=False)
    assert report.ok, list(report.lines())
    assert report.offices["updated"] == 1 and report.offices["created"] == 0
    assert Office.objects.get(code="UL-MREO-1").address == "432063, г. Ульяновск, ул. Новая, д. 1"
    again = import_file(path, actor=None, dry_run=False)
    assert again.offices["updated"] == 0


def test_a_changed_address_in_the_workbook_updates_the_office(demo, tmp_path):
    path = workbook(tmp_path)
    rewrite_office_cell(path, "UL-MREO-1", "Адрес", "432063, г. Ульяновск, ул. Новая, д. 1")
    report = import_file(path, actor=None, dry_run=False)
    assert report.ok, list(report.lines())
    assert report.offices["updated"] == 1
    assert Office.objects.get(code="UL-MREO-1").address == "432063, г. Ульяновск, ул. Новая, д. 1"


def test_a_new_office_with_fewer_services_is_created_and_the_listed_services_are_exactly_its_own(
    demo, tmp_path
):
    mvd = ProviderBody.objects.get(ogrn=MVD_OGRN)
    number = (
        Service.objects.filter(provider=mvd, editions__status=EditionStatus.PUBLISHED).first().registry_number
    )

    def add_office(root):
        offices = next(b for b in root.iter(f"{NS}body") if b.get("ogrn") == MVD_OGRN).find(f"{NS}offices")
        office = etree.SubElement(offices, f"{NS}office", code="UL-NEW", mfc="false", oktmo="73701000")
        etree.SubElement(office, f"{NS}name").text = "Новый отдел"
        etree.SubElement(office, f"{NS}address").text = "432000, г. Ульяновск, ул. Гончарова, д. 1"
        etree.SubElement(office, f"{NS}deliveredService", registryNumber=number)

    report = import_file(edited_xml(tmp_path, add_office), actor=None, dry_run=False)
    assert report.ok, list(report.lines())
    assert report.offices["created"] == 1
    created = Office.objects.get(body=mvd, code="UL-NEW")
    assert list(created.services.values_list("registry_number", flat=True)) == [number]
    assert created.working_hours == "" and not created.is_mfc


@pytest.mark.parametrize("fmt", ["xml", "xlsx"])
def test_an_office_with_a_service_of_another_body_is_refused_and_nothing_is_written(demo, tmp_path, fmt):
    foreign = Service.objects.filter(
        provider__ogrn=ULYANOVSK_OGRN, editions__status=EditionStatus.PUBLISHED
    ).first()
    before = offices_now()
    if fmt == "xml":

        def add_foreign(root):
            office = office_element(root, "UL-MREO-1")
            office.append(etree.Element(f"{NS}deliveredService", registryNumber=foreign.registry_number))
            office.find(f"{NS}address").text = "другой адрес"

        path = edited_xml(tmp_path, add_foreign)
    else:
        path = workbook(tmp_path)
        services = "; ".join(
            [
                *Office.objects.get(code="UL-MREO-1").services.values_list("registry_number", flat=True),
                foreign.registry_number,
            ]
        )
        row = rewrite_office_cell(path, "UL-MREO-1", "Услуги офиса (реестровые номера через «;»)", services)
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and not report.applied
    (problem,) = report.errors()
    assert foreign.registry_number in problem.message
    assert "предоставляет другой орган" in problem.message and foreign.provider.short_name in problem.message
    if fmt == "xml":
        assert problem.location.xpath.endswith("/offices/office[2]/deliveredService[3]/@registryNumber")
        assert problem.location.line
    else:
        assert (problem.location.sheet, problem.location.row, problem.location.column) == ("Офисы", row, "H")
    assert offices_now() == before


def test_a_number_in_neither_the_file_nor_the_registry_is_refused(demo, tmp_path):
    def add_unknown(root):
        office_element(root, "UL-MREO-1").append(
            etree.Element(f"{NS}deliveredService", registryNumber="10000009999")
        )

    report = import_file(edited_xml(tmp_path, add_unknown), actor=None, dry_run=True)
    (problem,) = report.errors()
    assert "10000009999" in problem.message and "ни в файле, ни в реестре" in problem.message


def test_an_official_changes_only_the_offices_of_their_own_body(demo, tmp_path):
    mvd = ProviderBody.objects.get(ogrn=MVD_OGRN)
    ulyanovsk = ProviderBody.objects.get(ogrn=ULYANOVSK_OGRN)
    official = user_with_role("official-ulyanovsk", Role.OFFICIAL, body=ulyanovsk)
    request = {"filters": {"provider": str(ulyanovsk.pk)}}

    def readdress(code):
        def change(root):
            office_element(root, code).find(f"{NS}address").text = "432000, г. Ульяновск, новый адрес"

        return change

    own = import_file(edited_xml(tmp_path, readdress("ADM-PRIEM"), **request), actor=official, dry_run=False)
    assert own.ok, list(own.lines())
    assert own.offices["updated"] == 1
    # The whole registry, unchanged offices of other bodies included: only the change is refused.
    other = edited_xml(tmp_path, readdress("UL-MREO-1"))
    before = offices_now()
    report = import_file(other, actor=official, dry_run=False)
    office_errors = [p for p in report.errors() if "Офис «UL-MREO-1»" in p.message]
    (problem,) = office_errors
    assert f"органу «{mvd}»" in problem.message and "должностное лицо" in problem.message
    assert problem.location.xpath.endswith("/offices/office[2]")
    assert offices_now() == before


def test_an_invalid_oktmo_and_a_repeated_code_in_the_xml_are_schema_errors_in_russian(demo, tmp_path):
    def break_offices(root):
        office_element(root, "UL-MREO-1").set("oktmo", "7370")
        office_element(root, "UL-OVM-LEN").set("code", "UL-OVM-ZASV")

    report = import_file(edited_xml(tmp_path, break_offices), actor=None, dry_run=True)
    messages = {problem.location.xpath: problem.message for problem in report.errors()}
    oktmo = next(m for path, m in messages.items() if path.endswith("/offices/office[2]/@oktmo"))
    assert "«7370»" in oktmo and "ОКТМО" in oktmo
    assert any("код офиса «UL-OVM-ZASV» повторяется" in m for m in messages.values())


def test_an_invalid_oktmo_and_an_empty_name_in_the_workbook_are_errors_at_their_cells(demo, tmp_path):
    path = workbook(tmp_path)
    row = rewrite_office_cell(path, "UL-MREO-1", "ОКТМО", "7370")
    named = rewrite_office_cell(path, "UL-OVM-LEN", "Наименование", None)
    before = offices_now()
    report = import_file(path, actor=None, dry_run=False)
    problems = {(p.location.sheet, p.location.row, p.location.column): p.message for p in report.errors()}
    assert "ОКТМО" in problems[("Офисы", row, "E")] and "7370" in problems[("Офисы", row, "E")]
    assert problems[("Офисы", named, "C")].startswith("Наименование: ")
    assert not report.applied and offices_now() == before


def test_the_template_has_the_offices_sheet(tmp_path):
    from registry.exchange.xlsx_export import write_template_xlsx

    path = tmp_path / "template.xlsx"
    write_template_xlsx(str(path))
    book = openpyxl.load_workbook(path, read_only=True)
    assert [cell.value for cell in next(book["Офисы"].iter_rows(max_row=1))][-1] == (
        "Услуги офиса (реестровые номера через «;»)"
    )
    guide = "\n".join(str(row[0]) for row in book["Как заполнять"].iter_rows(values_only=True))
    assert "Лист «Офисы»" in guide


def test_the_upload_page_shows_what_the_file_does_to_the_offices(demo, client, tmp_path):
    from django.urls import reverse

    ulyanovsk = ProviderBody.objects.get(ogrn=ULYANOVSK_OGRN)
    client.force_login(user_with_role("official-upload", Role.OFFICIAL, body=ulyanovsk))

    def readdress(root):
        office_element(root, "MFC-CENTR").find(
            f"{NS}address"
        ).text = "432071, г. Ульяновск, ул. Спасская, д. 24"

    path = edited_xml(tmp_path, readdress, filters={"provider": str(ulyanovsk.pk)})
    with path.open("rb") as handle:
        preview = client.post(reverse("exchange:upload"), {"file": handle})
    assert preview.status_code == 200 and preview.context["report"].ok
    stored = Office.objects.filter(body=ulyanovsk).count()
    assert f"Офисы органов: создать: 0; изменить: 1; без изменений: {stored - 1}." in preview.content.decode()
    assert (
        Office.objects.get(body=ulyanovsk, code="MFC-CENTR").address
        != "432071, г. Ульяновск, ул. Спасская, д. 24"
    )
    done = client.post(reverse("exchange:upload"), {"confirm": preview.context["token"]})
    assert done.context["report"].applied
    assert (
        Office.objects.get(body=ulyanovsk, code="MFC-CENTR").address
        == "432071, г. Ульяновск, ул. Спасская, д. 24"
    )
