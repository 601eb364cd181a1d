"""Readers of delivery files: each yields raw rows (line number and values by column code),
one at a time, so that memory stays flat whatever the file's length.

- CSV: UTF-8 (with or without BOM) or Windows-1251, delimiter «;» or «,», both detected from the
  file's head;
- Excel (.xlsx): the first sheet, headers in its first row, read through openpyxl's read-only
  mode (rows are streamed from the zip);
- XML: ``deliveries-1.0.xsd``, validated while it is parsed (lxml iterparse with the schema).

Headers are checked before the first row: an unknown or personal-data column refuses the file."""

import codecs
import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from registry.deliveries.intake.columns import BY_XML, COLUMNS, Column, header_lookup, normalize_header
from registry.deliveries.intake.errors import FileRefused, IntakeError
from registry.deliveries.intake.personal import header_is_personal
from registry.exchange.safety import (
    UnsafeFile,
    check_xlsx,
    check_xml_prolog,
    check_xml_size,
    xml_parser_options,
)
from registry.exchange.schema_messages import schema_error

SCHEMA_FILENAME = "deliveries-1.0.xsd"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "exchange" / "schema" / SCHEMA_FILENAME
NAMESPACE = "urn:registry:deliveries:1.0"
SNIFF_BYTES = 1024 * 1024
Value = str | int | float | datetime.datetime | datetime.date | list | None
EXTRA_CELLS = "__extra__"  # a row longer than the header: its count of cells
SCHEMA_ERRORS = "__schema__"  # an XML row the schema refuses: its errors, and no other check


class Meter:
    """How much of the file the reader has consumed, for a progress bar: known for CSV (bytes
    read); None for Excel and XML, whose parsers read ahead by blocks."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.consumed: int | None = None

    def fraction(self) -> float | None:
        if self.consumed is None or not self.size:
            return None
        return min(self.consumed / self.size, 1.0)


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    values: dict[str, Value]


def detect_format(path: Path, file_name: str = "") -> str:
    """``csv``, ``xlsx`` or ``xml``: by the name's extension, else by the first bytes."""
    suffix = Path(file_name or path.name).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xml"):
        return suffix[1:]
    with path.open("rb") as handle:
        head = handle.read(512).lstrip(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"PK"):
        return "xlsx"
    if head.startswith(b"<"):
        return "xml"
    return "csv"


def read_rows(path: Path, file_name: str = "", *, meter: Meter | None = None) -> Iterator[RawRow]:
    """The rows of the file; raises FileRefused at once for a file that cannot be read or whose
    header is wrong, and later, from the iterator, for a file broken further on."""
    kind = detect_format(path, file_name)
    if kind == "xlsx":
        return _xlsx_rows(path)
    if kind == "xml":
        return _xml_rows(path)
    return _csv_rows(path, meter)


# -- headers


def _map_headers(headers: list[Any]) -> list[Column | None]:
    """The column of each position (None for a blank trailing header); refuses the file for a
    personal-data, unknown, repeated or missing column."""
    lookup = header_lookup()
    mapped: list[Column | None] = []
    errors = []
    seen: set[str] = set()
    for raw in headers:
        text = "" if raw is None else str(raw)
        normalized = normalize_header(text)
        if not normalized:
            mapped.append(None)
            continue
        if header_is_personal(normalized):
            errors.append(
                IntakeError(
                    1,
                    text.strip(),
                    _(
                        "столбец похож на персональные данные. Сведения о предоставлении услуг "
                        "передаются без ФИО, СНИЛС, паспортных данных, адресов, телефонов и "
                        "электронной почты заявителей: уберите столбец."
                    ),
                )
            )
            mapped.append(None)
            continue
        column = lookup.get(normalized)
        if column is None:
            errors.append(IntakeError(1, text.strip(), _("неизвестный столбец.")))
        elif column.code in seen:
            errors.append(IntakeError(1, text.strip(), _("столбец повторяется.")))
        else:
            seen.add(column.code)
        mapped.append(column)
    for column in COLUMNS:
        if column.required and column.code not in seen:
            errors.append(IntakeError(1, str(column.header), _("обязательный столбец отсутствует.")))
    if errors:
        raise FileRefused(*errors)
    return mapped


def _row_values(mapped: list[Column | None], cells: Any) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for column, cell in zip(mapped, cells, strict=False):
        if column is None:
            continue
        if isinstance(cell, str):
            cell = cell.strip() or None
        values[column.code] = cell
    return values


# -- CSV


def _csv_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


class _DecodedLines:
    """The file's lines decoded one by one, so that a byte the encoding cannot read is reported
    with its line (a text wrapper decodes by blocks and would say nothing of where)."""

    def __init__(self, handle, encoding: str, meter: Meter | None) -> None:
        self.handle = handle
        self.encoding = encoding
        self.number = 0
        self.meter = meter
        if meter is not None:
            meter.consumed = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw = next(self.handle)
        self.number += 1
        if self.meter is not None:
            self.meter.consumed += len(raw)
        try:
            return raw.decode(self.encoding)
        except UnicodeDecodeError as error:
            raise FileRefused(IntakeError(self.number, "", _encoding_message(self.encoding))) from error


def _csv_rows(path: Path, meter: Meter | None) -> Iterator[RawRow]:
    encoding = _csv_encoding(path)
    handle = path.open("rb")
    lines = _DecodedLines(handle, encoding, meter)
    try:
        first = next(lines, "")
        if not first.strip():
            raise FileRefused(IntakeError(0, "", _("Файл пуст: нет строки заголовков.")))
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        mapped = _map_headers(next(csv.reader([first], delimiter=delimiter)))
    except BaseException:
        handle.close()
        raise
    return _csv_body(handle, csv.reader(lines, delimiter=delimiter), mapped)


def _encoding_message(encoding: str) -> str:
    name = "UTF-8" if encoding.startswith("utf-8") else "Windows-1251"
    return _(
        "файл не читается в кодировке %(encoding)s (она определена по началу файла). Сохраните "
        "весь файл в одной кодировке: UTF-8 или Windows-1251."
    ) % {"encoding": name}


def _csv_body(handle, reader, mapped: list[Column | None]) -> Iterator[RawRow]:
    with handle:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise FileRefused(
                    IntakeError(
                        reader.line_num + 1,
                        "",
                        _("строка CSV не разбирается (%(error)s).") % {"error": error},
                    )
                ) from error
            # line_num counts the header too: it is the file's line of the row's last part
            line = reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(mapped) and any(cell.strip() for cell in cells[len(mapped) :]):
                yield RawRow(line, {EXTRA_CELLS: len(cells)})
                continue
            yield RawRow(line, _row_values(mapped, cells))


# -- Excel


def _xlsx_rows(path: Path) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    try:
        check_xlsx(path)
    except UnsafeFile as error:
        raise FileRefused(IntakeError(0, "", str(error))) from error
    # A handle rather than the path: openpyxl judges a path by its extension, and an upload is
    # kept under a name of its own.
    handle = path.open("rb")
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        handle.close()
        raise FileRefused(IntakeError(0, "", _("Книга Excel повреждена и не читается."))) from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileRefused(IntakeError(0, "", _("Лист пуст: нет строки заголовков.")))
        mapped = _map_headers(list(header))
    except BaseException:
        workbook.close()
        handle.close()
        raise
    return _xlsx_body(handle, workbook, rows, mapped)


def _xlsx_body(handle, workbook, rows, mapped: list[Column | None]) -> Iterator[RawRow]:
    try:
        for number, cells in enumerate(rows, start=2):
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            if len(cells) > len(mapped) and any(cell not in (None, "") for cell in cells[len(mapped) :]):
                yield RawRow(number, {EXTRA_CELLS: len(cells)})
                continue
            yield RawRow(number, _row_values(mapped, cells))
    finally:
        workbook.close()
        handle.close()


# -- XML


_schema: etree.XMLSchema | None = None


def delivery_schema() -> etree.XMLSchema:
    global _schema  # noqa: PLW0603 — parsed once per process
    if _schema is None:
        _schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
    return _schema


def _xml_rows(path: Path) -> Iterator[RawRow]:
    try:
        check_xml_size(path.stat().st_size)
        with path.open("rb") as handle:
            check_xml_prolog(handle.read(64 * 1024))
    except UnsafeFile as error:
        raise FileRefused(IntakeError(0, "", str(error))) from error
    return _xml_body(path)


def _xml_body(path: Path) -> Iterator[RawRow]:
    """Each <delivery> is validated against the schema on its own (it is a global element of
    the XSD), so that an error names its line: libxml2's streaming validation gives none."""
    root_tag = f"{{{NAMESPACE}}}deliveries"
    row_tag = f"{{{NAMESPACE}}}delivery"
    schema = delivery_schema()
    depth = 0
    events = etree.iterparse(str(path), events=("start", "end"), **xml_parser_options())
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(element, root_tag)
                continue
            depth -= 1
            if depth != 1:
                continue
            line = element.sourceline or 0
            if element.tag != row_tag:
                problem = IntakeError(
                    line,
                    "",
                    _("элемент «%(tag)s» схемой не предусмотрен: в файле только элементы «delivery».")
                    % {
                        "tag": etree.QName(element).localname if isinstance(element.tag, str) else element.tag
                    },
                )
                yield RawRow(line, {SCHEMA_ERRORS: [problem]})
            elif not schema.validate(element):
                yield RawRow(line, {SCHEMA_ERRORS: _schema_errors(schema.error_log, element, line)})
            else:
                yield RawRow(
                    line, {BY_XML[name].code: value.strip() or None for name, value in element.attrib.items()}
                )
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise FileRefused(
            IntakeError(error.lineno or 0, "", _("XML не разбирается: %(error)s") % {"error": error.msg})
        ) from error


def _check_root(element: etree._Element, root_tag: str) -> None:
    if element.tag != root_tag:
        raise FileRefused(
            IntakeError(
                element.sourceline or 0,
                "",
                _(
                    "Корневой элемент файла — «deliveries» в пространстве имён %(namespace)s "
                    "(схема %(schema)s), а в файле «%(tag)s»."
                )
                % {"namespace": NAMESPACE, "schema": SCHEMA_FILENAME, "tag": element.tag},
            )
        )
    if element.get("version") != "1.0":
        raise FileRefused(
            IntakeError(
                element.sourceline or 0,
                "version",
                _('версия формата «%(version)s» не поддерживается: укажите version="1.0".')
                % {"version": element.get("version") or ""},
            )
        )


def _schema_errors(log, element: etree._Element, line: int) -> list[IntakeError]:
    found = []
    for entry in log:
        translated = schema_error(entry.type_name, entry.message)
        if translated is None:
            continue
        attribute = translated.attribute
        if attribute and header_is_personal(normalize_header(attribute)):
            message = _("атрибут похож на персональные данные: уберите его.")
        else:
            message = translated.message.replace("схеме обмена реестра", "схеме " + SCHEMA_FILENAME)
            message = message[:1].lower() + message[1:]
        found.append(IntakeError(line, attribute, message))
    return found or [
        IntakeError(line, "", _("элемент не соответствует схеме %(schema)s.") % {"schema": SCHEMA_FILENAME})
    ]
