"""Reading an Excel workbook (the layout of ``xlsx_layout``) into exchange records.

The zip is checked first (``safety.check_xlsx``: sizes, ratios, no DTD); openpyxl then reads
it in read-only mode, from an open file (openpyxl refuses a path whose name does not end in
.xlsx, and an upload is stored under a name of its own). A formula is refused at its cell: it is
never evaluated, and its cached value (none at all in a workbook written by a program) is not
what the official typed, so the registry does not take it for data. Every value is converted by
its column's type, and every error names its sheet, row and column. Text is read
with Excel's escapes decoded (``xlsx_escapes``: ``_x000D_`` is a carriage return), which
openpyxl leaves in it."""

import datetime
import logging
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from registry.exchange.applying import ImportSource, ParsedOffice, ParsedService, ParsedWithdrawal
from registry.exchange.records import (
    ROW_SECTIONS,
    body_field_problems,
    money,
    office_field_problems,
    refers_to_refused_body,
    superior_problems,
    with_superior,
)
from registry.exchange.report import ImportProblem, ImportReport, Location
from registry.exchange.safety import MAX_XLSX_ROWS, UnsafeFile, check_xlsx
from registry.exchange.text import text_problem
from registry.exchange.xlsx_escapes import ESCAPE, decode_xstring, escaped_character
from registry.exchange.xlsx_layout import (
    BOOL,
    CODES,
    DATE,
    DECIMAL,
    INT,
    READ_ONLY_SHEETS,
    TERM_KIND,
    Sheet,
    term_kind_words,
    workbook_sheets,
)
from registry.models import DeadlineKind

logger = logging.getLogger(__name__)
TRUE_WORDS = {"да", "истина", "true", "1", "yes"}
FALSE_WORDS = {"нет", "ложь", "false", "0", "no"}
NULLABLE_BOOLS = {
    name for name in ("is_free", "available_in_mfc", "available_electronically", "extraterritorial")
}


class CellError(ValueError):
    pass


# openpyxl (not in data_only mode) marks a cell holding a formula with this data type.
FORMULA = "f"
FORMULA_SHOWN = 80


def formula_problem(cell) -> ImportProblem:
    """A formula is refused where it stands: its value is whatever the spreadsheet computed (or
    nothing, if a program wrote the file), not a value anyone checked."""
    text = getattr(cell.value, "text", cell.value)
    text = text if isinstance(text, str) and text else ""
    if len(text) > FORMULA_SHOWN:
        text = text[: FORMULA_SHOWN - 1] + "…"
    return ImportProblem(
        _(
            "Ячейка %(cell)s листа «%(sheet)s» содержит формулу%(formula)s; вставьте вместо неё "
            "значение (формулы не загружаются)."
        )
        % {
            "cell": cell.coordinate,
            "sheet": cell.parent.title,
            "formula": f" «{text}»" if text else "",
        },
        Location(sheet=cell.parent.title, row=cell.row, column=get_column_letter(cell.column)),
    )


def _scan_formulas(worksheet, report: ImportReport) -> None:
    """A sheet the import does not read (the forms listing, the guide, a sheet of one's own)
    is still refused if it holds a formula: the workbook is taken as values or not at all."""
    for cells in worksheet.iter_rows():
        for cell in cells:
            if cell.data_type == FORMULA:
                problem = formula_problem(cell)
                report.add_file_error(problem.message, problem.location)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


def convert(kind: str, key: str, value: Any) -> Any:
    """A cell's value as its column's type; text as the cell shows it (escapes decoded)."""
    if isinstance(value, str):
        value = decode_xstring(value)
        value = value.strip() if kind != "text" else value
        if value == "":
            value = None
    if kind == BOOL:
        if value is None:
            return None if key in NULLABLE_BOOLS else False
        if isinstance(value, bool):
            return value
        word = _text(value).strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(_("ожидается «да» или «нет», а указано «%(value)s»") % {"value": value})
    if kind == TERM_KIND:
        return _term_kind(value)
    if value is None:
        return [] if kind == CODES else (None if kind in (INT, DECIMAL, DATE) else "")
    if kind == INT:
        try:
            number = Decimal(_text(value).replace(" ", ""))
        except InvalidOperation as exc:
            raise CellError(_("ожидается целое число, а указано «%(value)s»") % {"value": value}) from exc
        if number != number.to_integral_value():
            raise CellError(_("ожидается целое число, а указано «%(value)s»") % {"value": value})
        return int(number)
    if kind == DECIMAL:
        try:
            return money(Decimal(_text(value).replace(" ", "").replace(",", ".")))
        except InvalidOperation as exc:
            raise CellError(_("ожидается число, а указано «%(value)s»") % {"value": value}) from exc
    if kind == DATE:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _text(value)
        for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 — a date, no time
            except ValueError:
                continue
        raise CellError(_("ожидается дата (ДД.ММ.ГГГГ), а указано «%(value)s»") % {"value": value})
    if kind == CODES:
        return sorted(code.strip() for code in _text(value).split(",") if code.strip())
    return _text(value)


def _term_kind(value: Any) -> str:
    """The kind of a term from its words («не ранее чем через») or its code; empty is a maximum,
    as in a workbook written before the column existed."""
    if value is None:
        return DeadlineKind.MAXIMUM.value
    text = " ".join(_text(value).split()).casefold()
    words = term_kind_words()
    for kind, kind_words in words.items():
        if text in (kind_words.casefold(), kind):
            return kind
    maximum, minimum, fixed = words.values()
    raise CellError(
        _("ожидается «%(maximum)s», «%(minimum)s» или «%(fixed)s», а указано «%(value)s»")
        % {"maximum": maximum, "minimum": minimum, "fixed": fixed, "value": value}
    )


def cell_text_problem(value: Any) -> str | None:
    """Why the registry cannot hold a cell's text (a character XML cannot carry, also written as
    Excel's escape, or text longer than a cell once its escapes are read), or None."""
    if not isinstance(value, str) or "_x" not in value:
        return text_problem(value)
    # Excel stores a character XML cannot carry as its escape (a vertical tab as _x000B_): in the
    # workbook it is that character all the same, and the message names the escape.
    for escape in ESCAPE.finditer(value):
        problem = text_problem(escaped_character(escape))
        if problem is not None:
            return _("%(problem)s В книге он записан как «%(escape)s».") % {
                "problem": problem,
                "escape": escape.group(),
            }
    return text_problem(decode_xstring(value))


class _Rows:
    """One sheet's rows, converted, with the row number each came from."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.letters: dict[str, str] = {}

    def location(self, row: int | None, key: str | None = None) -> Location:
        return Location(sheet=self.sheet.title, row=row, column=self.letters.get(key, "") if key else "")


def _read_sheet(worksheet, sheet: Sheet, report: ImportReport) -> tuple[_Rows, list[tuple[int, dict, list]]]:
    rows = _Rows(sheet)
    by_header = {column.header.casefold(): column for column in sheet.columns}
    # Cells, not values: a formula is told from the text "=1+1" only by the cell's data type.
    iterator = worksheet.iter_rows()
    header_cells = next(iterator, None) or ()
    header = []
    for cell in header_cells:
        if cell.data_type == FORMULA:
            problem = formula_problem(cell)
            report.add_file_error(problem.message, problem.location)
            header.append(None)
        else:
            header.append(cell.value)
    positions: list[tuple[int, Any]] = []
    for index, title in enumerate(header):
        if isinstance(title, str):
            title = decode_xstring(title)
        if title is None or str(title).strip() == "":
            continue
        column = by_header.get(str(title).strip().casefold())
        if column is None:
            report.add_file_error(
                _("Неизвестный столбец «%(title)s».") % {"title": title},
                Location(sheet=sheet.title, row=1, column=get_column_letter(index + 1)),
            )
            continue
        positions.append((index, column))
        rows.letters[column.key] = get_column_letter(index + 1)
    if "registry_number" in {c.key for c in sheet.columns} and "registry_number" not in rows.letters:
        report.add_file_error(
            _("На листе нет столбца «Реестровый номер»."), Location(sheet=sheet.title, row=1)
        )
        return rows, []
    result = []
    for number, cells in enumerate(iterator, start=2):
        if number > MAX_XLSX_ROWS + 1:
            report.add_file_error(
                _("На листе больше %(limit)s строк: разделите файл.") % {"limit": MAX_XLSX_ROWS},
                Location(sheet=sheet.title, row=number),
            )
            break
        problems: list[ImportProblem] = []
        values = []
        for cell in cells:
            if cell.data_type == FORMULA:
                # Anywhere in the row, a column of the layout or not.
                problems.append(formula_problem(cell))
                values.append(None)
            else:
                values.append(cell.value)
        if not problems and not any(value not in (None, "") for value in values):
            continue
        converted: dict[str, Any] = {}
        for index, column in positions:
            raw = values[index] if index < len(values) else None
            problem = cell_text_problem(raw)
            if problem is not None:
                problems.append(
                    ImportProblem(
                        _("«%(header)s»: %(error)s") % {"header": column.header, "error": problem},
                        rows.location(number, column.key),
                    )
                )
                continue
            try:
                converted[column.key] = convert(column.kind, column.key, raw)
            except CellError as error:
                problems.append(
                    ImportProblem(
                        _("«%(header)s»: %(error)s") % {"header": column.header, "error": error},
                        rows.location(number, column.key),
                    )
                )
        for column in sheet.columns:
            converted.setdefault(column.key, convert(column.kind, column.key, None))
        result.append((number, converted, problems))
    return rows, result


def xlsx_source(path: Path, report: ImportReport) -> ImportSource:
    try:
        check_xlsx(path)
    except UnsafeFile as refused:
        report.add_file_error(str(refused))
        return ImportSource(acts={}, services=[])
    with path.open("rb") as handle:
        try:
            # Formulas as formulas (not data_only): they are refused, not taken by cached value.
            workbook = load_workbook(handle, read_only=True, data_only=False)
        except Exception:  # noqa: BLE001 — any failure of openpyxl is a damaged workbook
            # openpyxl's reason is English and technical: the log keeps it for the operator.
            logger.warning("Workbook %s not readable by openpyxl", report.file_name, exc_info=True)
            report.add_file_error(
                _(
                    "Книга Excel повреждена и не читается: откройте её в Excel или LibreOffice и "
                    "сохраните заново в формате .xlsx."
                )
            )
            return ImportSource(acts={}, services=[])
        try:
            return _source(workbook, report)
        finally:
            workbook.close()


def _source(workbook, report: ImportReport) -> ImportSource:
    sheets = {sheet.key: sheet for sheet in workbook_sheets()}
    read: dict[str, tuple[_Rows, list]] = {}
    imported = {sheet.title for key, sheet in sheets.items() if key not in READ_ONLY_SHEETS}
    for title in workbook.sheetnames:
        if title not in imported:
            _scan_formulas(workbook[title], report)
    for key, sheet in sheets.items():
        if key in READ_ONLY_SHEETS:
            continue
        if sheet.title not in workbook.sheetnames:
            if key == "services":
                report.add_file_error(_("В книге нет листа «%(title)s».") % {"title": sheet.title})
                return ImportSource(acts={}, services=[])
            read[key] = (_Rows(sheet), [])
            continue
        read[key] = _read_sheet(workbook[sheet.title], sheet, report)
    acts: dict[tuple, dict] = {}
    act_ids: dict[str, tuple] = {}
    rows_acts, act_rows = read["acts"]
    for number, values, problems in act_rows:
        for problem in problems:
            report.add_file_error(problem.message, problem.location)
        if problems or not values["date"]:
            if not problems:
                report.add_file_error(_("Не указана дата принятия акта."), rows_acts.location(number, "date"))
            continue
        key = (values["kind"], values["number"], values["date"].isoformat())
        act_ids[values["id"]] = key
        acts[key] = {name: value for name, value in values.items() if name != "id"}
    bodies: dict[str, dict] = {}
    places: dict[str, Location] = {}
    refused_bodies: set[str] = set()
    for number, values, problems in read["bodies"][1]:
        body = {name: value for name, value in values.items() if name != "id"}
        if not problems:
            problems = [
                ImportProblem(message, read["bodies"][0].location(number, field))
                for field, message in body_field_problems(body)
            ]
        for problem in problems:
            report.add_file_error(problem.message, problem.location)
        if problems:
            refused_bodies.add(values["id"])
        bodies[values["id"]] = body
        places[values["id"]] = read["bodies"][0].location(number, "parent")
    for problem in superior_problems(bodies, places):
        report.add_file_error(problem.message, problem.location)
    offices = _offices(*read["offices"], bodies, refused_bodies, report)
    grouped: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for key in ("attributes", "variants", *[name for name in ROW_SECTIONS if name != "forms"]):
        rows, entries = read[key]
        for number, values, problems in entries:
            grouped[values["registry_number"]][key].append((number, values, problems))
    services_rows, service_entries = read["services"]
    known = {values["registry_number"] for _n, values, _p in service_entries}
    for registry_number, sections in grouped.items():
        if registry_number not in known:
            key, entries = next(iter(sections.items()))
            report.add_file_error(
                _("Строка относится к услуге %(number)s, которой нет на листе «Услуги».")
                % {"number": registry_number or "—"},
                read[key][0].location(entries[0][0], "registry_number"),
            )
    parsed = [
        _parse_service(
            number,
            values,
            problems,
            grouped.get(values["registry_number"], {}),
            read,
            act_ids,
            bodies,
            refused_bodies,
        )
        for number, values, problems in service_entries
    ]
    return ImportSource(
        acts=acts, services=parsed, withdrawals=_withdrawals(*read["withdrawn"], report), offices=offices
    )


def _offices(
    rows: _Rows, entries: list, bodies: dict[str, dict], refused_bodies: set[str], report: ImportReport
) -> list[ParsedOffice]:
    """The sheet «Офисы»: each row an office of a body of «Органы»; a value the registry refuses
    is an error of the file at its cell."""
    offices = []
    for number, values, problems in entries:

        def locate(field: str | None, _index: int | None, number: int = number) -> Location:
            return rows.location(number, field if field in rows.letters else None)

        body = with_superior(bodies, values["body"])
        if body is None and not problems:
            problems = [
                ImportProblem(
                    _("Орган «%(ref)s» не найден на листе «Органы».") % {"ref": values["body"] or "—"},
                    rows.location(number, "body"),
                )
            ]
        office = {name: value for name, value in values.items() if name != "body"}
        office["services"] = [piece for piece in re.split(r"[;,\s]+", values["services"]) if piece]
        if not problems:
            problems = [
                ImportProblem(message, locate(field, None))
                for field, message in office_field_problems(office)
            ]
        for problem in problems:
            report.add_file_error(problem.message, problem.location)
        if problems or refers_to_refused_body(bodies, refused_bodies, values["body"]):
            continue
        offices.append(ParsedOffice(body, office, rows.location(number), locate))
    return offices


def _withdrawals(rows: _Rows, entries: list, report: ImportReport) -> list[ParsedWithdrawal]:
    """The sheet of withdrawn services; an incomplete row is an error of the file."""
    withdrawals = []
    for number, values, problems in entries:
        for problem in problems:
            report.add_file_error(problem.message, problem.location)
        missing = [key for key in ("registry_number", "withdrawn_on", "withdrawal_reason") if not values[key]]
        for key in missing:
            report.add_file_error(
                _("Не заполнено «%(header)s».") % {"header": rows.sheet.column(key).header},
                rows.location(number, key),
            )
        if not problems and not missing:
            withdrawals.append(
                ParsedWithdrawal(
                    registry_number=values["registry_number"],
                    withdrawn_on=values["withdrawn_on"],
                    reason=values["withdrawal_reason"],
                    location=rows.location(number),
                )
            )
    return withdrawals


def _parse_service(
    number: int,
    values: dict,
    problems: list[ImportProblem],
    sections: dict[str, list],
    read: dict[str, tuple[_Rows, list]],
    act_ids: dict[str, tuple],
    bodies: dict[str, dict],
    refused_bodies: set[str],
) -> ParsedService:
    services_rows = read["services"][0]
    places: dict[tuple[str, int | None], tuple[_Rows, int]] = {
        ("service", None): (services_rows, number),
        ("edition", None): (services_rows, number),
    }

    def locate(section: str, index: int | None, field: str | None) -> Location:
        rows, row = places.get((section, index)) or places[("service", None)]
        return rows.location(row, field)

    errors = list(problems)
    location = services_rows.location(number)

    def act(ref: str, where: Location) -> tuple | None:
        if not ref:
            return None
        if ref not in act_ids:
            errors.append(ImportProblem(_("Акт «%(ref)s» не найден на листе «Акты».") % {"ref": ref}, where))
            return None
        return act_ids[ref]

    body = with_superior(bodies, values["body"])
    if refers_to_refused_body(bodies, refused_bodies, values["body"]):
        # The body's error is the file's, at its row of «Органы»; the service waits for it.
        body = None
    elif body is None:
        errors.append(
            ImportProblem(
                _("Орган «%(ref)s» не найден на листе «Органы».") % {"ref": values["body"]},
                services_rows.location(number, "body"),
            )
        )
    edition = {
        name: values[name]
        for name in values
        if name not in ("registry_number", "level", "body", "under_single_standard", "categories")
    }
    edition["amending_act"] = act(values["amending_act"], services_rows.location(number, "amending_act"))
    record: dict[str, Any] = {
        "registry_number": values["registry_number"],
        "level": values["level"],
        "under_single_standard": values["under_single_standard"],
        "categories": values["categories"],
        "body": body,
        "edition": edition,
        "attributes": [],
        "variants": [],
        "forms": [],
    }
    attributes: dict[str, dict] = {}
    for row_number, row, row_problems in sections.get("attributes", []):
        errors.extend(row_problems)
        attribute = attributes.get(row["attribute"])
        if attribute is None:
            attribute = {"code": row["attribute"], "question": row["question"], "values": []}
            attributes[row["attribute"]] = attribute
            places[("attributes", len(record["attributes"]))] = (read["attributes"][0], row_number)
            record["attributes"].append(attribute)
        attribute["values"].append({"code": row["value"], "label": row["label"]})
    for index, (row_number, row, row_problems) in enumerate(sections.get("variants", [])):
        errors.extend(row_problems)
        places[("variants", index)] = (read["variants"][0], row_number)
        pairs = []
        for piece in re.split(r"[;\n]", row["selected_by"]):
            if piece.strip():
                attribute, _sep, value = piece.partition("=")
                pairs.append((attribute.strip(), value.strip()))
        record["variants"].append(
            {**{k: v for k, v in row.items() if k != "registry_number"}, "selected_by": sorted(pairs)}
        )
    for section, (_model, fields) in ROW_SECTIONS.items():
        if section == "forms":
            continue
        record[section] = []
        for index, (row_number, row, row_problems) in enumerate(sections.get(section, [])):
            errors.extend(row_problems)
            places[(section, index)] = (read[section][0], row_number)
            item = {name: row[name] for name in fields}
            if "act" in item:
                item["act"] = act(row["act"], read[section][0].location(row_number, "act"))
            record[section].append(item)
    name = edition.get("short_name") or edition.get("full_name") or ""
    return ParsedService(
        values["registry_number"],
        name,
        location,
        None if errors or body is None else record,
        locate,
        errors=errors,
        has_forms=False,
    )


__all__ = ["convert", "xlsx_source"]
