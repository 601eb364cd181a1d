"""The address where an application is filed online: an optional element of the XML's
availability and a column of the workbook, both of which older files do without."""

import openpyxl
import pytest
from lxml import etree

from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.service import import_file
from registry.exchange.xlsx_export import write_registry_xlsx
from registry.exchange.xml_export import registry_schema
from registry.models import Service
from tests.exchange.conftest import NS, assert_valid, export_xml

pytestmark = pytest.mark.django_db

PASSPORT = "10000000361"
HEADER = "Адрес для подачи заявления в электронной форме"


def newest(registry_number: str):
    return Service.objects.get(registry_number=registry_number).editions.order_by("-number").first()


def test_the_address_travels_in_xml_and_a_file_without_it_stays_valid(demo, tmp_path):
    root = assert_valid(export_xml(registry_number=PASSPORT))
    element = root.find(f"{NS}services/{NS}service/{NS}edition/{NS}availability/{NS}onlineApplicationUrl")
    assert element.text == "https://www.gosuslugi.ru/"
    element.text = "https://www.gosuslugi.ru/600102/1"
    root.find(f"{NS}services/{NS}service/{NS}edition/{NS}changeNote").text = "Уточнена ссылка на ЕПГУ."
    path = tmp_path / "passport.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))

    report = import_file(path, actor=None, dry_run=False)

    assert report.ok, list(report.lines())
    assert newest(PASSPORT).online_application_url == "https://www.gosuslugi.ru/600102/1"
    element.getparent().remove(element)
    assert registry_schema().validate(root.getroottree())


def test_the_address_is_a_column_of_the_workbook(demo, tmp_path):
    path = tmp_path / "passport.xlsx"
    write_registry_xlsx(export_selection(ExportRequest(registry_number=PASSPORT)), str(path))
    sheet = openpyxl.load_workbook(path)["Услуги"]
    headers = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=headers.index(HEADER) + 1).value == "https://www.gosuslugi.ru/"

    report = import_file(path, actor=None, dry_run=False, publish=True)

    assert report.ok, list(report.lines())
    assert report.counts()["unchanged"] == 1
