"""The Excel workbook: layout, typed cells, formula escaping, the blank template, import with
sheet/row/column locations, and refused hostile workbooks."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.service import import_file
from registry.exchange.xlsx_escapes import decode_xstring
from registry.exchange.xlsx_export import write_registry_xlsx, write_template_xlsx
from registry.models import Document, Edition, EditionStatus, Service
from registry.services import edition_rows_update, edition_update

pytestmark = pytest.mark.django_db

HOSTILE_TEXTS = [
    '=HYPERLINK("http://evil","x")',
    "+7 (495) 000-00-00",
    "-1+2",
    "@SUM(A1)",
    "\tтаб",
    "\rвозврат",
]


def export_workbook(path: Path, **request) -> Path:
    write_registry_xlsx(export_selection(ExportRequest(**request)), str(path))
    return path


def snapshot() -> tuple[int, int]:
    return Service.objects.count(), Edition.objects.count()


def test_workbook_has_a_sheet_per_list_typed_cells_frozen_headers_and_notes(demo, tmp_path):
    workbook = openpyxl.load_workbook(export_workbook(tmp_path / "r.xlsx"))
    assert workbook.sheetnames[:3] == ["Услуги", "Признаки заявителя", "Варианты"]
    assert {"Документы", "Основания", "Плата", "Правовые основания", "Показатели", "Органы", "Акты"} <= set(
        workbook.sheetnames
    )
    services = workbook["Услуги"]
    headers = [cell.value for cell in services[1]]
    assert services.freeze_panes == "A2"
    assert services["A1"].comment is not None
    deadline = headers.index("Срок: число") + 1
    assert "п. 4" in services.cell(row=1, column=deadline).comment.text
    number = services["A2"]
    assert number.data_type == "s" and len(number.value) in (11, 19)
    effective = services.cell(row=2, column=headers.index("Дата вступления в силу") + 1)
    assert effective.is_date and effective.number_format == "DD.MM.YYYY"
    fees = workbook["Плата"]
    amount_column = [cell.value for cell in fees[1]].index("Размер, руб.") + 1
    assert isinstance(fees.cell(row=2, column=amount_column).value, (int, float))
    assert services.column_dimensions["A"].width >= 20


def export_draft_with(tmp_path, full_name: str, document_names: list[str]) -> tuple[Service, Path]:
    """A demo service's draft given this full name and documents of these names, exported as the
    drafts workbook of that one service."""
    service = Service.objects.filter(editions__status=EditionStatus.DRAFT).first()
    draft = service.editions.get(status=EditionStatus.DRAFT)
    draft = edition_update(
        edition=draft, actor=None, changes={"full_name": full_name}, expected_version=draft.lock_version
    )
    edition_rows_update(
        edition=draft,
        actor=None,
        expected_version=draft.lock_version,
        add=[(Document, {"source": "applicant", "name": name}) for name in document_names],
    )
    path = export_workbook(
        tmp_path / "drafts.xlsx", content="drafts", registry_number=service.registry_number
    )
    return service, path


def test_text_that_a_spreadsheet_would_evaluate_is_written_as_literal_text(demo, tmp_path):
    service, path = export_draft_with(tmp_path, HOSTILE_TEXTS[0], HOSTILE_TEXTS[1:])
    with zipfile.ZipFile(path) as archive:
        parts = "".join(
            archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")
        )
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in parts and "<f " not in parts
    assert 'quotePrefix="1"' in styles
    workbook = openpyxl.load_workbook(path)
    values = {cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row}
    assert set(HOSTILE_TEXTS) <= values
    cell = next(c for row in workbook["Документы"].iter_rows() for c in row if c.value == "@SUM(A1)")
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_blank_template_has_the_headers_and_no_data(tmp_path):
    buffer = io.BytesIO()
    write_template_xlsx(buffer)
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook["Услуги"].max_row == 1 and workbook["Услуги"]["A1"].value == "Реестровый номер"
    assert "Как заполнять" in workbook.sheetnames


def test_reimporting_an_exported_workbook_changes_nothing(demo, tmp_path):
    path = export_workbook(tmp_path / "federal.xlsx", filters={"level": "federal"})
    before = snapshot()
    report = import_file(path, actor=None, dry_run=False, publish=True)
    assert report.ok, list(report.lines())
    assert report.counts()["unchanged"] == len(report.services) > 0
    assert snapshot() == before


def test_a_bad_cell_in_the_middle_fails_the_whole_file_with_sheet_row_and_column(demo, tmp_path):
    path = export_workbook(tmp_path / "federal.xlsx", filters={"level": "federal"})
    workbook = openpyxl.load_workbook(path)
    documents = workbook["Документы"]
    headers = [cell.value for cell in documents[1]]
    copies = headers.index("Количество, экз.") + 1
    middle = documents.max_row // 2
    documents.cell(row=middle, column=copies).value = "три"
    services = workbook["Услуги"]
    services.cell(
        row=3, column=[c.value for c in services[1]].index("Краткое наименование услуги") + 1
    ).value = "Изменено"
    workbook.save(path)
    before = snapshot()
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and not report.applied and snapshot() == before
    (problem,) = report.errors()
    letter = openpyxl.utils.get_column_letter(copies)
    assert (problem.location.sheet, problem.location.row, problem.location.column) == (
        "Документы",
        middle,
        letter,
    )
    assert "целое число" in problem.message


def test_a_service_row_listed_twice_fails_the_whole_file_at_its_second_row(demo, tmp_path):
    path = export_workbook(tmp_path / "federal.xlsx", filters={"level": "federal"})
    workbook = openpyxl.load_workbook(path)
    services = workbook["Услуги"]
    services.append([cell.value for cell in services[2]])
    again = services.max_row
    workbook.save(path)
    report = import_file(path, actor=None, dry_run=True)
    assert not report.ok
    (problem,) = report.errors()
    assert (problem.location.sheet, problem.location.row) == ("Услуги", again)
    assert "уже указана в файле выше" in problem.message


def test_a_model_error_in_a_row_names_its_cell(demo, tmp_path):
    path = export_workbook(tmp_path / "federal.xlsx", filters={"level": "federal"})
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Документы"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=headers.index("Подлинник или копия") + 1).value = "photocopy"
    workbook.save(path)
    report = import_file(path, actor=None, dry_run=True)
    (problem,) = report.errors()
    assert (problem.location.sheet, problem.location.row) == ("Документы", 3)
    assert problem.location.column == openpyxl.utils.get_column_letter(
        headers.index("Подлинник или копия") + 1
    )


def zip_with(members: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


BASE_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({**BASE_PARTS, "xl/worksheets/sheet1.xml": b"\0" * (8 * 1024 * 1024)}, "zip-бомбу"),
        (
            {
                **BASE_PARTS,
                "xl/sharedStrings.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>',
            },
            "DOCTYPE",
        ),
        ({"word/document.xml": b"<document/>"}, "нет книги"),
    ],
    ids=["zip-bomb", "doctype-in-part", "not-a-workbook"],
)
def test_hostile_workbooks_are_refused_before_openpyxl_opens_them(tmp_path, members, message):
    path = zip_with(members, tmp_path / "evil.xlsx")
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and message in report.file_errors[0].message


def test_a_file_named_xlsx_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK-not-really-a-zip" + b"x" * 100)
    report = import_file(path, actor=None, dry_run=False)
    assert "не является книгой Excel" in report.file_errors[0].message


def set_cell(
    path: Path, sheet_title: str, header: str, value: str, *, row: int | None = None
) -> tuple[int, str]:
    """Write ``value`` into a cell as is (openpyxl would cut a text longer than a cell on
    assignment) and save; returns the cell's row and column letter."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[sheet_title]
    column = [cell.value for cell in sheet[1]].index(header) + 1
    row = row or max(2, sheet.max_row // 2)
    cell = sheet.cell(row=row, column=column)
    cell.value = "x"
    cell._value = value
    workbook.save(path)
    return row, openpyxl.utils.get_column_letter(column)


@pytest.mark.parametrize(
    ("sheet", "header", "value", "expected"),
    [
        # A vertical tab pasted from Word, as Excel stores it.
        ("Услуги", "Полное наименование услуги", "Выдача_x000B_паспорта", "U+000B"),
        ("Документы", "Пояснение", "Копия_x0007_", "U+0007"),
        ("Документы", "Пояснение", "я" * 32_768, "длиннее 32 767 знаков"),
        ("Органы", "График работы", "пн–пт 9–18; " * 3_000, "длиннее 32 767 знаков"),
    ],
    ids=["control-in-services", "control-in-a-row", "long-row-cell", "long-body-cell"],
)
def test_a_cell_the_registry_cannot_hold_fails_the_whole_file_at_its_cell(
    demo, tmp_path, sheet, header, value, expected
):
    path = export_workbook(tmp_path / "federal.xlsx", filters={"level": "federal"})
    row, letter = set_cell(path, sheet, header, value)
    before = snapshot()
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and not report.applied and snapshot() == before
    (problem,) = report.errors()
    assert (problem.location.sheet, problem.location.row, problem.location.column) == (sheet, row, letter)
    assert problem.message.startswith(f"«{header}»: ") and expected in problem.message


def test_cell_text_problem_reads_excel_escapes_of_refused_characters_only():
    from registry.exchange.xlsx_import import cell_text_problem

    assert "U+000B" in cell_text_problem("a_x000B_b") and "_x000B_" in cell_text_problem("a_x000B_b")
    assert "U+FFFF" in cell_text_problem("_xFFFF_")
    assert "U+000C" in cell_text_problem("a\x0cb")
    # Escapes of characters XML carries (Excel writes a carriage return as _x000D_) pass.
    assert cell_text_problem("a_x000D_\nb_x0009_") is None
    assert cell_text_problem(3) is None and cell_text_problem(None) is None


def test_cell_text_problem_reads_an_escaped_underscore_as_text_and_measures_the_text_as_read():
    from registry.exchange.xlsx_import import cell_text_problem

    # The text "_x000B_" (Excel escapes its underscore), not a vertical tab.
    assert cell_text_problem("Выдача_x005F_x000B_паспорта") is None
    # 35 000 characters in the file, 5 000 in the cell.
    assert cell_text_problem("_x005F_" * 5_000) is None
    assert "длиннее 32 767 знаков" in cell_text_problem("_x005F_" * 32_768)


def newest_edition(registry_number: str) -> Edition:
    return Edition.objects.filter(service__registry_number=registry_number).order_by("-number").first()


def test_a_workbook_saved_by_excel_with_a_line_break_in_a_cell_imports_the_line_break(demo, tmp_path):
    path = export_workbook(tmp_path / "federal.xlsx", filters={"level": "federal"})
    # What openpyxl reads from a cell where Excel stored a carriage return and the typed text
    # "_x0041_".
    row, _letter = set_cell(
        path, "Услуги", "Полное наименование услуги", "Выдача_x000D_\nпаспорта _x005F_x0041_", row=2
    )
    registry_number = openpyxl.load_workbook(path)["Услуги"].cell(row=row, column=1).value
    report = import_file(path, actor=None, dry_run=False)
    assert report.ok, list(report.lines())
    assert newest_edition(registry_number).full_name == "Выдача\r\nпаспорта _x0041_"


ESCAPE_LOOKALIKES = "Выдача\rпаспорта\tгражданина _x0041_ и _x005F_ (как набрано)"


def test_text_with_carriage_returns_tabs_and_escape_lookalikes_survives_export_and_import(demo, tmp_path):
    from registry.exchange.report import ImportReport
    from registry.exchange.xlsx_import import xlsx_source

    service, path = export_draft_with(tmp_path, ESCAPE_LOOKALIKES, ["Копия_x000D_: _x005F_x0041_\r\n"])
    # What Excel shows: the stored text with its escapes read.
    row = openpyxl.load_workbook(path)["Услуги"][2]
    shown = {decode_xstring(cell.value) for cell in row if isinstance(cell.value, str)}
    assert ESCAPE_LOOKALIKES in shown
    report = ImportReport(file_name=path.name)
    (parsed,) = xlsx_source(path, report).services
    assert report.ok and parsed.record is not None, list(report.lines())
    assert parsed.record["edition"]["full_name"] == ESCAPE_LOOKALIKES
    assert "Копия_x000D_: _x005F_x0041_\r\n" in {document["name"] for document in parsed.record["documents"]}
    report = import_file(path, actor=None, dry_run=False)
    assert report.ok, list(report.lines())
    assert report.counts()["unchanged"] == 1
    assert newest_edition(service.registry_number).full_name == ESCAPE_LOOKALIKES


def test_formula_cells_are_refused_at_their_sheet_and_cell_and_nothing_is_written(demo, tmp_path):
    """A workbook written by a program holds formulas without cached values: read as values,
    the names came in blank and the service was «будет изменена»."""
    path = export_workbook(tmp_path / "federal.xlsx", filters={"level": "federal"})
    workbook = openpyxl.load_workbook(path)
    services = workbook["Услуги"]
    headers = [cell.value for cell in services[1]]
    full_name = services.cell(row=4, column=headers.index("Полное наименование услуги") + 1)
    short_name = services.cell(row=4, column=headers.index("Краткое наименование услуги") + 1)
    full_name.value = '=HYPERLINK("https://example.org/uslugi")'
    short_name.value = "=1+1"
    # A formula outside the layout's columns and on a sheet the import does not read.
    services.cell(row=2, column=services.max_column + 2).value = "=SUM(A1:A2)"
    workbook.create_sheet("Расчёты")["C7"] = "=2*2"
    workbook.save(path)
    registry_number = services.cell(row=4, column=1).value
    before = snapshot()

    report = import_file(path, actor=None, dry_run=False)

    assert not report.ok and not report.applied and snapshot() == before
    assert not Edition.objects.filter(
        service__registry_number=registry_number, status=EditionStatus.DRAFT, short_name=""
    ).exists()
    places = {
        (problem.location.sheet, problem.location.row, problem.location.column): problem.message
        for problem in report.errors()
    }
    full_letter, short_letter = full_name.column_letter, short_name.column_letter
    assert places[("Услуги", 4, full_letter)] == (
        f"Ячейка {full_letter}4 листа «Услуги» содержит формулу "
        '«=HYPERLINK("https://example.org/uslugi")»; '
        "вставьте вместо неё значение (формулы не загружаются)."
    )
    assert "содержит формулу «=1+1»" in places[("Услуги", 4, short_letter)]
    extra = openpyxl.utils.get_column_letter(services.max_column)
    assert "содержит формулу «=SUM(A1:A2)»" in places[("Услуги", 2, extra)]
    assert places[("Расчёты", 7, "C")].startswith("Ячейка C7 листа «Расчёты» содержит формулу")
    outcomes = {item.registry_number: item.outcome for item in report.services}
    assert outcomes[registry_number] == "error"


def test_text_that_reads_like_a_formula_is_not_a_formula(demo, tmp_path):
    """The export writes «=1+1» as a string cell: it is text and imports as text."""
    service, path = export_draft_with(tmp_path, "=1+1 — не формула", ["=A1", "+7 (495) 000-00-00"])
    report = import_file(path, actor=None, dry_run=True)
    assert report.ok, list(report.lines())
