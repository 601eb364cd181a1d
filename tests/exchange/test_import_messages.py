"""Import messages in Russian, at their place: libxml2's schema errors by kind (an enumeration's
allowed values listed in full, read from the XSD), a truncated file and a file in another
namespace told apart, and a bad OGRN or INN at its body, not at the services."""

import copy
import io
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from registry.exchange.schema_messages import schema_error, schema_facts
from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.service import import_file
from registry.exchange.xlsx_export import write_registry_xlsx
from registry.exchange.xml_export import SCHEMA_PATH
from tests.exchange.conftest import NS, export_xml

pytestmark = pytest.mark.django_db

XS = "{http://www.w3.org/2001/XMLSchema}"
# libxml2's English, which must not reach a user.
ENGLISH = re.compile(r"\b(Element|attribute|value|expected|allowed|facet|set|pattern|missing|not)\b")


@pytest.fixture
def federal(demo) -> etree._Element:
    """The demo's federal services, one element a line (errors have lines worth naming)."""
    return etree.fromstring(export_xml(filters={"level": "federal"}))


def problems_of(tmp_path: Path, root: etree._Element, edit: Callable[[etree._Element], None]):
    root = copy.deepcopy(root)
    edit(root)
    path = tmp_path / "registry.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))
    report = import_file(path, actor=None, dry_run=True)
    assert not report.ok
    return report


def first_edition(root: etree._Element) -> etree._Element:
    return root.find(f"{NS}services")[0].find(f"{NS}edition")


def english(message: str) -> bool:
    """libxml2's words outside the «quoted» names and values."""
    return bool(ENGLISH.search(re.sub(r"«[^»]*»", "", message)))


def only_error(report):
    (problem,) = report.errors()
    assert not english(problem.message), problem.message
    assert problem.location.line and problem.location.line > 2
    return problem


def xsd_enumeration(type_name: str) -> list[str]:
    schema = etree.parse(str(SCHEMA_PATH))
    simple = schema.find(f"{XS}simpleType[@name='{type_name}']")
    return [item.get("value") for item in simple.iter(f"{XS}enumeration")]


def test_an_enumeration_error_lists_every_allowed_value_read_from_the_xsd(federal, tmp_path):
    def weeks(root):
        first_edition(root).find(f"{NS}deadline").set("unit", "weeks")

    problem = only_error(problems_of(tmp_path, federal, weeks))
    allowed = ", ".join(xsd_enumeration("DeadlineUnit"))
    assert problem.message == (
        "Атрибут «unit» элемента «deadline»: значение «weeks» не допускается. "
        f"Допустимые значения: {allowed}."
    )
    assert problem.location.xpath == "/registry/services/service[1]/edition/deadline/@unit"


def test_every_enumerated_attribute_of_the_xsd_has_its_values_in_full():
    facts = schema_facts()
    assert facts.enumeration("deadline", "unit") == tuple(xsd_enumeration("DeadlineUnit"))
    assert facts.enumeration("legalAct", "kind") == tuple(xsd_enumeration("LegalActKind"))
    assert len(facts.enumeration("legalAct", "kind")) == 8
    assert facts.enumeration("ground", "kind") == tuple(xsd_enumeration("GroundKind"))
    assert facts.enumeration("registration", "term") == tuple(xsd_enumeration("RegistrationTerm"))
    assert facts.enumeration("service", "level") == ("federal", "regional", "municipal")


def set_attribute(path: str, name: str, value: str):
    def edit(root):
        first_edition(root).find(path.format(ns=NS)).set(name, value)

    return edit


def remove_attribute(path: str, name: str):
    def edit(root):
        del (
            root.find(f"{NS}services")[0] if not path else first_edition(root).find(path.format(ns=NS))
        ).attrib[name]

    return edit


def remove_child(path: str):
    def edit(root):
        child = first_edition(root).find(path.format(ns=NS))
        child.getparent().remove(child)

    return edit


def add_child(name: str):
    def edit(root):
        etree.SubElement(first_edition(root), f"{NS}{name}")

    return edit


def add_fee(amount: str, fee_name: str = "Пошлина"):
    def edit(root):
        fee = etree.SubElement(first_edition(root).find(f"{NS}payment"), f"{NS}fee", amount=amount)
        etree.SubElement(fee, f"{NS}name").text = fee_name

    return edit


def set_variant(root):
    for result in first_edition(root).iter(f"{NS}result"):
        result.set("variant", "nope")


def set_registry_number(root):
    root.find(f"{NS}services")[0].set("registryNumber", "12ab")


@pytest.mark.parametrize(
    ("edit", "xpath", "message"),
    [
        (
            set_attribute("{ns}deadline", "dayType", "holiday"),
            "edition/deadline/@dayType",
            "Атрибут «dayType» элемента «deadline»: значение «holiday» не допускается. Допустимые значения: "
            "working, calendar.",
        ),
        (
            set_attribute("{ns}deadline", "value", "-3"),
            "edition/deadline/@value",
            "Атрибут «value» элемента «deadline»: значение «-3» не подходит: ожидается целое число "
            "больше нуля.",
        ),
        (
            set_attribute(".", "effectiveDate", "01.03.2024"),
            "edition/@effectiveDate",
            "Атрибут «effectiveDate» элемента «edition»: значение «01.03.2024» не подходит: ожидается дата в "
            "виде ГГГГ-ММ-ДД, например 2024-03-01.",
        ),
        (
            set_attribute("{ns}availability", "mfc", "yes"),
            "edition/availability/@mfc",
            "Атрибут «mfc» элемента «availability»: значение «yes» не подходит: ожидается true или false.",
        ),
        (
            set_attribute("{ns}queue", "submissionMinutes", "-5"),
            "edition/queue/@submissionMinutes",
            "Атрибут «submissionMinutes» элемента «queue»: значение «-5» не подходит: ожидается целое число "
            "от 0 до 65 535.",
        ),
        (
            set_registry_number,
            "@registryNumber",
            "Атрибут «registryNumber» элемента «service»: значение «12ab» не подходит. Реестровый номер "
            "услуги: 11 цифр (федеральная) или 19 цифр, начиная с кода субъекта РФ (региональная, "
            "муниципальная).",
        ),
        (
            remove_attribute("", "level"),
            "",
            "У элемента «service» нет обязательного атрибута «level».",
        ),
        (
            set_attribute("{ns}queue", "minutes", "5"),
            "edition/queue/@minutes",
            "У элемента «queue» не может быть атрибута «minutes»: схема его не предусматривает.",
        ),
        (
            add_child("remark"),
            "edition/remark",
            "Элемент «remark» здесь не предусмотрен схемой: он лишний или стоит не на своём месте.",
        ),
        (
            remove_child("{ns}results/{ns}result/{ns}name"),
            "edition/results/result[1]/documentForm",
            "Элемент «documentForm» здесь не предусмотрен схемой: на этом месте ожидается элемент «name».",
        ),
        (
            add_fee("1.234"),
            "edition/payment/fee[last]/@amount",
            "Атрибут «amount» элемента «fee»: в значении «1.234» больше знаков после точки, чем допускается: "
            "не более 2.",
        ),
        (
            add_fee("-1"),
            "edition/payment/fee[last]/@amount",
            "Атрибут «amount» элемента «fee»: значение «-1» меньше допустимого: наименьшее — 0.",
        ),
        (
            add_fee("100", ""),
            "edition/payment/fee[last]/name",
            "Элемент «name» пуст, а значение обязательно.",
        ),
        (
            set_variant,
            "edition/results/result[1]/@variant",
            "Элемент «result» ссылается на то, чего нет: вариант «nope» не описан в разделе variants этой "
            "редакции.",
        ),
    ],
    ids=[
        "enumeration",
        "positive-integer",
        "date",
        "boolean",
        "unsigned-short",
        "pattern-with-documentation",
        "missing-attribute",
        "unexpected-attribute",
        "unexpected-element",
        "missing-child",
        "fraction-digits",
        "min-inclusive",
        "min-length",
        "keyref",
    ],
)
def test_schema_errors_are_told_in_russian_at_their_line_and_element(federal, tmp_path, edit, xpath, message):
    problem = only_error(problems_of(tmp_path, federal, edit))
    assert problem.message == message
    expected = "/registry/services/service[1]" + (f"/{xpath}" if xpath else "")
    if "[last]" in expected:
        fees = len(first_edition(copy.deepcopy(federal)).findall(f"{NS}payment/{NS}fee")) + 1
        expected = expected.replace("[last]", f"[{fees}]" if fees > 1 else "")
    assert problem.location.xpath == expected


def test_a_kind_of_schema_error_not_known_here_still_gets_a_russian_sentence_with_the_element():
    error = schema_error(
        "SCHEMAV_CVC_SOMETHING_NEW", "Element '{urn:registry:service-standards:1.0}fee', attribute 'x': odd."
    )
    assert error.message == "Атрибут «x» элемента «fee» не соответствует схеме обмена реестра."
    assert schema_error("SCHEMAV_CVC_SOMETHING_NEW", "Element 'fee': odd.").message == (
        "Элемент «fee» не соответствует схеме обмена реестра."
    )


def test_a_truncated_file_and_a_file_in_another_namespace_get_different_messages(federal, tmp_path):
    data = etree.tostring(federal, xml_declaration=True, encoding="utf-8", pretty_print=True)
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(data[: len(data) // 2])
    other = tmp_path / "other.xml"
    other.write_bytes(data.replace(b"urn:registry:service-standards:1.0", b"http://example.org/registry"))
    newer = tmp_path / "newer.xml"
    newer.write_bytes(
        data.replace(b"urn:registry:service-standards:1.0", b"urn:registry:service-standards:2.0")
    )

    (cut,) = import_file(truncated, actor=None, dry_run=True).file_errors
    (foreign,) = import_file(other, actor=None, dry_run=True).file_errors
    (version,) = import_file(newer, actor=None, dry_run=True).file_errors

    lines = data[: len(data) // 2].count(b"\n") + 1
    assert cut.message.startswith(f"Файл обрезан: данные кончаются в строке {lines} (позиция ")
    assert "скачан или скопирован не полностью" in cut.message and cut.location.line == lines
    assert foreign.message == (
        "Корневой элемент «registry» файла — в пространстве имён «http://example.org/registry», а файл "
        "обмена реестра должен быть в пространстве имён «urn:registry:service-standards:1.0»."
    )
    assert foreign.location.xpath == "/registry" and foreign.location.line == 2
    assert "«urn:registry:service-standards:2.0» — это другая версия формата обмена" in version.message
    assert len({cut.message, foreign.message, version.message}) == 3


def test_a_file_cut_inside_a_character_is_truncated_too(federal, tmp_path):
    data = etree.tostring(federal, xml_declaration=True, encoding="utf-8", pretty_print=True)
    # The first byte of a two-byte Cyrillic letter past the middle, without its second byte.
    middle = next(index for index in range(len(data) // 2, len(data)) if 0xD0 <= data[index] <= 0xD1)
    path = tmp_path / "cut.xml"
    path.write_bytes(data[: middle + 1])
    (problem,) = import_file(path, actor=None, dry_run=True).file_errors
    assert problem.message.startswith("Файл обрезан: данные кончаются в строке ")
    assert problem.location.line == data[:middle].count(b"\n") + 1


@pytest.mark.parametrize("undeclared", ["&nbsp;", "a & b"], ids=["entity", "ampersand"])
def test_a_syntax_error_names_its_own_line_not_a_later_one(federal, tmp_path, undeclared):
    data = etree.tostring(federal, xml_declaration=True, encoding="utf-8", pretty_print=True)
    lines = data.split(b"\n")
    index = next(number for number, line in enumerate(lines) if b"<title>" in line)
    lines[index] = lines[index].replace(b"<title>", b"<title>" + undeclared.encode(), 1)
    path = tmp_path / "broken.xml"
    path.write_bytes(b"\n".join(lines))
    (problem,) = import_file(path, actor=None, dry_run=True).file_errors
    assert problem.location.line == index + 1 and f"в строке {index + 1}" in problem.message
    assert "&" in problem.message and not english(problem.message)


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.mark.parametrize(("field", "label"), [("ogrn", "ОГРН"), ("inn", "ИНН")])
def test_a_bad_ogrn_or_inn_is_reported_at_its_body_element_not_at_the_services(
    federal, tmp_path, field, label
):
    root = copy.deepcopy(federal)
    bodies = list(root.find(f"{NS}bodies"))
    index, body = next((i, b) for i, b in enumerate(bodies, start=1) if b.get("ogrn") and b.get("inn"))
    wrong = wrong_check_digit(body.get(field))
    body.set(field, wrong)
    path = tmp_path / "registry.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))

    report = import_file(path, actor=None, dry_run=True)

    (problem,) = report.errors()
    assert problem.message == f"{label} «{wrong}» неверен: не сходится контрольная цифра. Проверьте номер."
    assert problem.location.xpath == f"/registry/bodies/body[{index}]/@{field}"
    written = etree.parse(str(path)).getroot().find(f"{NS}bodies")[index - 1]
    assert problem.location.line == written.sourceline > 2
    services_of_body = {
        s.get("registryNumber") for s in root.iter(f"{NS}service") if s.get("body") == body.get("id")
    }
    outcomes = {item.registry_number: item for item in report.services}
    assert services_of_body and all(not outcomes[number].errors for number in services_of_body)
    assert report.error_count == 1


def test_a_bad_ogrn_in_the_workbook_is_reported_at_its_cell_of_the_bodies_sheet(demo, tmp_path):
    path = tmp_path / "federal.xlsx"
    write_registry_xlsx(export_selection(ExportRequest(filters={"level": "federal"})), str(path))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Органы"]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("ОГРН") + 1
    row = next(number for number in range(2, sheet.max_row + 1) if sheet.cell(number, column).value)
    wrong = wrong_check_digit(sheet.cell(row, column).value)
    sheet.cell(row, column).value = wrong
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())

    report = import_file(path, actor=None, dry_run=True)

    (problem,) = report.errors()
    assert problem.message == f"ОГРН «{wrong}» неверен: не сходится контрольная цифра. Проверьте номер."
    assert (problem.location.sheet, problem.location.row, problem.location.column) == (
        "Органы",
        row,
        openpyxl.utils.get_column_letter(column),
    )


def test_a_code_outside_its_list_in_the_workbook_lists_every_allowed_code(demo, tmp_path):
    path = tmp_path / "federal.xlsx"
    write_registry_xlsx(export_selection(ExportRequest(filters={"level": "federal"})), str(path))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Услуги"]
    column = [cell.value for cell in sheet[1]].index("Срок: единица") + 1
    sheet.cell(2, column).value = "weeks"
    workbook.save(path)

    (problem,) = import_file(path, actor=None, dry_run=True).errors()

    assert (problem.location.sheet, problem.location.row) == ("Услуги", 2)
    assert problem.location.column == openpyxl.utils.get_column_letter(column)
    assert problem.message.endswith(
        "Допустимые значения: minutes (минут), hours (часов), days (дней), months (месяцев)."
    )
