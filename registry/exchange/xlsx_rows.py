"""Data rows of a write-only worksheet, written as rows rather than as cell objects.

openpyxl's write-only worksheet streams rows to a temporary file, but it turns every value into a
cell object (type inference, string checks) and writes each cell through three nested elements
of lxml's incremental writer: about 4 µs a cell, most of an export's time once a workbook holds a
million cells. ``StreamedSheet`` is that worksheet with one more way in: ``append_cells`` takes a
row whose cells are already typed (``Cells`` below), formats them as SpreadsheetML markup and hands
lxml a batch of rows at a time, parsed once. The markup is exactly what openpyxl writes for the
same cell (``tests/exchange/test_xlsx_rows.py`` compares the two sheet by sheet), so everything
else — styles, comments, frozen panes, column widths, the zip — stays openpyxl's own.

Text a worksheet cannot hold is refused, never altered: openpyxl cuts a string at 32 767
characters without a word and raises on control characters deep inside the save. Text that reads
as Excel's escape of a character (``_x0041_``) is written with its underscore escaped
(``xlsx_escapes.encode_xstring``), here and in ``openpyxl_value``, so Excel shows what we hold."""

import datetime
import os
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from registry.exchange.xlsx_escapes import encode_xstring
from regulations.validators import EXCEL_CELL_MAX_CHARS, NOT_EXCHANGEABLE

# A worksheet cell holds at most this many characters (Excel's specification limits).
MAX_CELL_CHARACTERS = EXCEL_CELL_MAX_CHARS
# Text that spreadsheets evaluate when the cell is edited (see xlsx_export).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Rows parsed together: one parser call per batch instead of per row.
BATCH_ROWS = 50

# Characters XML 1.0 cannot carry (the validators' NOT_EXCHANGEABLE: tab, line feed and carriage
# return can), and those that need an entity in element text; one search finds either.
_UNWRITABLE = NOT_EXCHANGEABLE
_SPECIAL = re.compile(f"{NOT_EXCHANGEABLE.pattern[:-1]}&<>\r]")


class UnwritableText(ValueError):
    """Text a worksheet cell cannot hold; the message names the sheet and the cell, in Russian."""


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class Cells:
    """The cell markup of one sheet: ``cell(kind)`` gives a function from (reference, value) to the
    ``<c>`` element openpyxl writes for that value ("" for an empty cell).

    Kinds: ``text`` (a string or, as openpyxl would type it, a number or a yes/no), ``bool``,
    ``date`` (day serial with the sheet's date format) and ``codes`` (a list of codes, joined)."""

    def __init__(self, sheet: "StreamedSheet", date_format: str) -> None:
        self.sheet = sheet
        self.epoch = sheet.parent.epoch
        probe = WriteOnlyCell(sheet)
        probe.number_format = date_format
        self.date_style = probe.style_id
        probe = WriteOnlyCell(sheet)
        probe.quotePrefix = True
        self.literal_style = probe.style_id

    def cell(self, kind: str) -> Callable[[str, Any], str]:
        return {"bool": self.boolean, "date": self.date, "codes": self.codes}.get(kind, self.text)

    def string(self, ref: str, value: str) -> str:
        if len(value) > MAX_CELL_CHARACTERS:
            raise UnwritableText(
                _(
                    "Лист «%(sheet)s», ячейка %(cell)s: текст длиннее %(limit)s знаков не помещается "
                    "в ячейку Excel (%(length)s знаков). Выгрузите реестр в XML."
                )
                % {"sheet": self.sheet.title, "cell": ref, "limit": MAX_CELL_CHARACTERS, "length": len(value)}
            )
        style = f' s="{self.literal_style}"' if value.startswith(FORMULA_TRIGGERS) else ""
        space = ' xml:space="preserve"' if value != value.strip() else ""
        # A one-character search first: "_x" in a Cyrillic text costs six times as much.
        if "_" in value and "_x" in value:
            value = encode_xstring(value)
        if _SPECIAL.search(value):
            found = _UNWRITABLE.search(value)
            if found:
                raise UnwritableText(
                    _("Лист «%(sheet)s», ячейка %(cell)s: недопустимый символ U+%(code)04X в тексте.")
                    % {"sheet": self.sheet.title, "cell": ref, "code": ord(found.group())}
                )
            value = _escaped(value)
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'

    def number(self, ref: str, value: int | float | Decimal) -> str:
        return f'<c r="{ref}" t="n"><v>{"%.16g" % value}</v></c>'  # noqa: UP031 (openpyxl's own number format)

    def text(self, ref: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            return self.string(ref, value)
        if isinstance(value, bool):
            return self.boolean(ref, value)
        if isinstance(value, int | float | Decimal):
            return self.number(ref, value)
        if isinstance(value, datetime.date):
            return self.date(ref, value)
        return self.string(ref, str(value))

    def boolean(self, ref: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        return f'<c r="{ref}" t="b"><v>{1 if value else 0}</v></c>'

    def date(self, ref: str, value: Any) -> str:
        if isinstance(value, datetime.date):
            serial = to_excel(value, self.epoch)
            return f'<c r="{ref}" s="{self.date_style}" t="n"><v>{"%.16g" % serial}</v></c>'  # noqa: UP031
        return self.text(ref, value)

    def codes(self, ref: str, value: Sequence[str] | None) -> str:
        if value is None or value == "":
            return ""
        return self.text(ref, ", ".join(value))


def openpyxl_value(sheet: WriteOnlyWorksheet, kind: str, value: Any, *, date_format: str) -> Any:
    """What openpyxl's own cell writer is given for the cell ``Cells.cell(kind)`` writes: the
    reference the streamed rows are compared with (tests) and measured against (bench). Its text
    is escaped as ``Cells`` escapes it (openpyxl writes a string as it is given)."""
    if value is None or value == "":
        return None
    if kind == "codes":
        if not value:
            return ""
        value = ", ".join(value)
    if kind == "bool":
        return bool(value)
    if kind == "date" and isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = date_format
        return cell
    if isinstance(value, str):
        value = encode_xstring(value)
        if value.startswith(FORMULA_TRIGGERS):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
    return value


class StreamedSheet(WriteOnlyWorksheet):
    """A write-only worksheet that also takes rows of typed cells (``append_cells``).

    Rows given to ``append`` (the header, with its styles and notes) go through openpyxl's own
    cell writer; rows of cells are kept as markup and written ``BATCH_ROWS`` at a time, in order."""

    def __init__(self, workbook: Any, title: str, kinds: Sequence[str], *, date_format: str) -> None:
        super().__init__(parent=workbook, title=title)
        workbook._add_sheet(self)
        self._count = 0
        self._pending: list[str] = []
        cells = Cells(self, date_format)
        self._plan = [(get_column_letter(index), cells.cell(kind)) for index, kind in enumerate(kinds, 1)]

    def append(self, row: Any) -> None:
        self._flush()
        super().append(row)
        self._count += 1

    def append_cells(self, values: Sequence[Any]) -> None:
        """One row: ``values`` in the order of the sheet's columns (None for an empty cell)."""
        self._count += 1
        number = str(self._count)
        markup = "".join(
            [cell(letter + number, value) for (letter, cell), value in zip(self._plan, values, strict=False)]
        )
        self._pending.append(f'<row r="{number}">{markup}</row>')
        if len(self._pending) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            rows = etree.fromstring(f"<rows>{''.join(self._pending)}</rows>")
            self._pending = []
            super().append(_Batch(rows))

    def _write_rows(self) -> Any:
        # openpyxl's row stream (WriteOnlyWorksheet._write_rows), with a batch of parsed rows
        # written as it is.
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    row = yield
                    if isinstance(row, _Batch):
                        xf.write(*row.rows)
                        row_idx += len(row.rows)
                        continue
                    self._writer.write_row(xf, self._values_to_row(row, row_idx), row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def close(self) -> None:
        self._flush()
        super().close()

    def discard(self) -> None:
        """Drop the sheet of a workbook that will not be saved (an export that failed): its
        stream is ended and its temporary file removed."""
        self._pending = []
        if self._writer is None:
            return
        if self._rows is not None:
            self._rows.close()
        self._writer.close()
        if isinstance(self._writer.out, str) and os.path.exists(self._writer.out):
            os.remove(self._writer.out)


class _Batch(list):
    """Parsed rows on their way through openpyxl's row stream (a list, which ``append`` accepts)."""

    def __init__(self, rows: Any) -> None:
        super().__init__()
        self.rows = rows
