"""The worksheet rows written as rows: the same cells openpyxl's own writer makes for the same
values (compared cell by cell after reading both back), on tricky values and on the whole demo
registry; text a cell cannot hold is refused with its sheet and cell."""

import datetime
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from lxml import etree
from openpyxl import Workbook

from registry.exchange import xlsx_export, xlsx_rows
from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.xlsx_escapes import decode_xstring
from registry.exchange.xlsx_export import DATE_FORMAT, write_registry_xlsx
from registry.exchange.xlsx_rows import StreamedSheet, UnwritableText, openpyxl_value
from regulations.models import LegalAct

KINDS = ("text", "text", "bool", "date", "codes")
ROWS = [
    ["просто текст", 3, True, datetime.date(2024, 3, 1), ["b", "a"]],
    ["  пробелы по краям ", Decimal("1500.50"), False, datetime.date(1900, 2, 1), []],
    ["a & b < c > d", 2.5, None, None, None],
    ["строка\rс возвратом\nи переводом\tи табуляцией", -7, "", "", ""],
    ['=HYPERLINK("http://evil","x")', "+7 (495) 000-00-00", None, "не дата", ["=x"]],
    ["-1+2", "@SUM(A1)", True, datetime.date(2030, 12, 31), ["c"]],
    ["_x0041_ и _x005F_ и _x000D_", "=_x0041_", None, "_x0041_x0042_", ["_x0041_"]],
    [None, None, None, None, None],
]


def stock_value(sheet, kind: str, value):
    return openpyxl_value(sheet, kind, value, date_format=DATE_FORMAT)


def cells(path) -> list[list[tuple]]:
    workbook = openpyxl.load_workbook(path)
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            found.append(
                [
                    (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                        cell.data_type if cell.value is not None else None,
                        cell.number_format,
                        cell.quotePrefix,
                        cell.font.b,
                        cell.comment.text if cell.comment else None,
                    )
                    for cell in row
                ]
            )
        found.append([(sheet.title, sheet.freeze_panes, sheet.max_row, sheet.max_column)])
    return found


def write_both(tmp_path, rows, kinds=KINDS):
    streamed = Workbook(write_only=True)
    sheet = StreamedSheet(streamed, "Лист", kinds, date_format=DATE_FORMAT)
    sheet.append(["заголовок"] * len(kinds))
    for row in rows:
        sheet.append_cells(row)
    streamed.save(tmp_path / "streamed.xlsx")
    stock = Workbook(write_only=True)
    reference = stock.create_sheet("Лист")
    reference.append(["заголовок"] * len(kinds))
    for row in rows:
        reference.append(
            [stock_value(reference, kind, value) for kind, value in zip(kinds, row, strict=True)]
        )
    stock.save(tmp_path / "stock.xlsx")
    return cells(tmp_path / "streamed.xlsx"), cells(tmp_path / "stock.xlsx")


def test_rows_read_back_exactly_as_openpyxls_own_cells(tmp_path):
    streamed, stock = write_both(tmp_path, ROWS)
    assert streamed == stock
    values = [[cell[2] for cell in row] for row in streamed[1:-1]]
    # What the reader sees is the text we hold: no apostrophe, nothing evaluated, nothing trimmed.
    assert values[1][0] == "  пробелы по краям "
    assert values[3][0] == "строка\rс возвратом\nи переводом\tи табуляцией"
    assert values[4][0] == '=HYPERLINK("http://evil","x")'
    assert values[0][3] == datetime.datetime(2024, 3, 1)
    # openpyxl reads the stored text; Excel shows it decoded, as we hold it.
    assert values[6][:2] == ["_x005F_x0041_ и _x005F_x005F_ и _x005F_x000D_", "=_x005F_x0041_"]
    assert [decode_xstring(value) for value in values[6][:2]] == ROWS[6][:2]


def test_a_carriage_return_is_stored_as_a_character_reference_and_an_escape_lookalike_escaped(tmp_path):
    write_both(tmp_path, ROWS)
    with zipfile.ZipFile(tmp_path / "streamed.xlsx") as archive:
        markup = archive.read("xl/worksheets/sheet1.xml")
    sheet = etree.fromstring(markup)
    texts = {
        cell.get("r"): "".join(cell.itertext()) for cell in sheet.iter("{*}c") if cell.get("t") == "inlineStr"
    }
    # A bare carriage return in XML text is read back as a line feed: it is written as &#13;.
    assert texts["A5"] == "строка\rс возвратом\nи переводом\tи табуляцией"
    assert b"&#13;" in markup and b"\r" not in markup
    assert texts["D8"] == "_x005F_x0041_x005F_x0042_"


def test_text_that_looks_like_an_error_value_stays_text(tmp_path):
    # openpyxl's own cell would hold "#N/A" as an error value, not as the text we hold.
    streamed, stock = write_both(tmp_path, [["#N/A", "#REF!", None, None, None]])
    assert [cell[2:4] for cell in streamed[1][:2]] == [("#N/A", "s"), ("#REF!", "s")]
    assert [cell[2:4] for cell in stock[1][:2]] == [("#N/A", "e"), ("#REF!", "e")]


def test_rows_beyond_a_batch_keep_their_order_and_numbers_around_other_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_rows, "BATCH_ROWS", 3)
    rows = [[f"строка {index}", index, index % 2 == 0, None, None] for index in range(10)]
    workbook = Workbook(write_only=True)
    sheet = StreamedSheet(workbook, "Лист", KINDS, date_format=DATE_FORMAT)
    sheet.append(["заголовок"])
    for row in rows[:4]:
        sheet.append_cells(row)
    sheet.append(["строка через openpyxl"])
    for row in rows[4:]:
        sheet.append_cells(row)
    workbook.save(tmp_path / "r.xlsx")
    read = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["Лист"].values)
    assert [row[0] for row in read] == [
        "заголовок",
        *[f"строка {index}" for index in range(4)],
        "строка через openpyxl",
        *[f"строка {index}" for index in range(4, 10)],
    ]
    assert read[7][1:3] == (5, False)


@pytest.mark.django_db
def test_the_demo_registry_workbook_is_the_one_openpyxls_own_cells_make(demo, tmp_path, monkeypatch):
    write_registry_xlsx(export_selection(ExportRequest()), str(tmp_path / "streamed.xlsx"))

    def stock_append(writer, values):
        row = [values.get(key) for key in writer.keys]
        kinds = [xlsx_export.CELL_KINDS.get(column.kind, "text") for column in writer.sheet.columns]
        writer.worksheet.append(
            [stock_value(writer.worksheet, kind, value) for kind, value in zip(kinds, row, strict=True)]
        )

    monkeypatch.setattr(xlsx_export._SheetWriter, "append", stock_append)
    write_registry_xlsx(export_selection(ExportRequest()), str(tmp_path / "stock.xlsx"))
    streamed, stock = cells(tmp_path / "streamed.xlsx"), cells(tmp_path / "stock.xlsx")
    assert sum(len(row) for row in streamed) > 1000
    assert streamed == stock


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "x" * 32768,
            "Лист «Лист», ячейка A3: текст длиннее 32767 знаков не помещается в ячейку Excel (32768 знаков)",
        ),
        ("вертикальная\x0bтабуляция", "Лист «Лист», ячейка A3: недопустимый символ U+000B в тексте"),
        ("нулевой\x00символ", "Лист «Лист», ячейка A3: недопустимый символ U+0000 в тексте"),
    ],
)
def test_text_a_cell_cannot_hold_is_refused_with_its_cell(text, message):
    sheet = StreamedSheet(Workbook(write_only=True), "Лист", KINDS, date_format=DATE_FORMAT)
    sheet.append(["заголовок"])
    sheet.append_cells(["можно"])
    with pytest.raises(UnwritableText) as refused:
        sheet.append_cells([text])
    assert message in str(refused.value)
    sheet.discard()


@pytest.mark.django_db
def test_an_export_refused_for_its_text_leaves_no_file_and_no_temporary_sheets(demo, tmp_path):
    # Text stored before the registry refused such characters.
    act = export_selection(ExportRequest()).acts.first()
    LegalAct.objects.filter(pk=act.pk).update(title="текст\x0bиз Word")
    temporary = set(xlsx_rows_temporary_files())
    with pytest.raises(UnwritableText, match="Лист «Акты», ячейка E2: недопустимый символ U\\+000B"):
        write_registry_xlsx(export_selection(ExportRequest()), str(tmp_path / "r.xlsx"))
    assert not (tmp_path / "r.xlsx").exists()
    assert set(xlsx_rows_temporary_files()) == temporary


def xlsx_rows_temporary_files():
    import os

    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    return [path for path in ALL_TEMP_FILES if os.path.exists(path)]


def test_the_longest_text_a_cell_holds_is_written_whole(tmp_path):
    streamed, stock = write_both(tmp_path, [["я" * 32767, None, None, None, None]])
    assert streamed[1][0][2] == "я" * 32767
