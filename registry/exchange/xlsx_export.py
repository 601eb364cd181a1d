"""The Excel export, in openpyxl's write-only mode (rows are streamed to disk, never held).

Formula injection: openpyxl stores any string that starts with "=" as a formula, and a
spreadsheet evaluates a cell whose text starts with = + - @ (and, after a paste or CSV
round, a tab or carriage return) when a user edits it. Such text is written as a string
cell (inline text, so nothing is stored as a formula) with the quotePrefix style:
Excel and LibreOffice then treat it as literal text even when the cell is edited, and the
reader sees exactly the text we hold — no apostrophe is added to the value, so an import of
the file gets the same text back.

Data rows go through ``xlsx_rows.StreamedSheet`` (the same cells as openpyxl's own cell writer
makes, written a row at a time); the header rows, with their styles and notes, through openpyxl."""

from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from registry.exchange.records import EXPORT_CHUNK_SIZE, ActKey, act_key
from registry.exchange.selectors import ExportSelection, export_offices, export_records
from registry.exchange.xlsx_layout import (
    BOOL,
    CODES,
    DATE,
    READ_ONLY_SHEETS,
    Sheet,
    term_kind_words,
    workbook_sheets,
)
from registry.exchange.xlsx_rows import FORMULA_TRIGGERS, StreamedSheet

__all__ = ["FORMULA_TRIGGERS", "write_registry_xlsx", "write_template_xlsx"]

DATE_FORMAT = "DD.MM.YYYY"
# The registry numbers of an office's services in one cell (the import also takes «,» and spaces).
OFFICE_SERVICES_SEPARATOR = "; "
CHUNK_SIZE = EXPORT_CHUNK_SIZE
# The cell kinds of xlsx_rows.Cells, by the layout's column kinds (the rest are text).
CELL_KINDS = {CODES: "codes", BOOL: "bool", DATE: "date"}


class _SheetWriter:
    def __init__(self, workbook: Workbook, sheet: Sheet) -> None:
        self.sheet = sheet
        self.keys = [column.key for column in sheet.columns]
        kinds = [CELL_KINDS.get(column.kind, "text") for column in sheet.columns]
        self.worksheet = StreamedSheet(workbook, sheet.title, kinds, date_format=DATE_FORMAT)
        self.worksheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            self.worksheet.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        bold = Font(bold=True)
        for column in sheet.columns:
            cell = WriteOnlyCell(self.worksheet, value=column.header)
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.comment = Comment(column.note, "Реестр", width=300, height=80)
            header.append(cell)
        self.worksheet.append(header)

    def append(self, values: dict[str, Any]) -> None:
        self.worksheet.append_cells([values.get(key) for key in self.keys])


def _workbook() -> tuple[Workbook, dict[str, _SheetWriter]]:
    workbook = Workbook(write_only=True)
    writers = {sheet.key: _SheetWriter(workbook, sheet) for sheet in workbook_sheets()}
    return workbook, writers


def service_rows(record: dict[str, Any], act_ids: dict[ActKey, str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The rows a service's record makes, as (sheet key, values by column key)."""
    number = record["registry_number"]
    edition = record["edition"]
    # The kind of a term is shown in its words («не ранее чем через»), as the official says it.
    kind_words = term_kind_words()
    yield (
        "services",
        {
            **edition,
            "deadline_kind": kind_words[edition["deadline_kind"]],
            "registry_number": number,
            "level": record["level"],
            "body": record["body_id"],
            "under_single_standard": record["under_single_standard"],
            "categories": record["categories"],
            "amending_act": act_ids.get(edition["amending_act"]) if edition["amending_act"] else None,
        },
    )
    for attribute in record["attributes"]:
        for value in attribute["values"]:
            yield (
                "attributes",
                {
                    "registry_number": number,
                    "attribute": attribute["code"],
                    "question": attribute["question"],
                    "value": value["code"],
                    "label": value["label"],
                },
            )
    for variant in record["variants"]:
        selected = "; ".join(f"{attribute}={value}" for attribute, value in variant["selected_by"])
        yield (
            "variants",
            {
                **variant,
                "registry_number": number,
                "deadline_kind": kind_words[variant["deadline_kind"]],
                "selected_by": selected,
            },
        )
    for section in ("results", "legal_bases", "documents", "grounds", "fees", "indicators", "forms"):
        for row in record[section]:
            values = {**row, "registry_number": number}
            if "act" in row:
                values["act"] = act_ids.get(row["act"]) if row["act"] else None
            yield section, values


def write_registry_xlsx(
    selection: ExportSelection, output: BinaryIO | str, *, chunk_size: int = CHUNK_SIZE
) -> None:
    workbook, writers = _workbook()
    try:
        _fill(selection, writers, chunk_size)
    except BaseException:
        # Text a cell cannot hold (xlsx_rows.UnwritableText), a lost connection: no file, and
        # no temporary sheet files left behind.
        for writer in writers.values():
            writer.worksheet.discard()
        raise
    workbook.save(output)


def _fill(selection: ExportSelection, writers: dict[str, _SheetWriter], chunk_size: int) -> None:
    act_ids: dict[ActKey, str] = {}
    for act in selection.acts.iterator(chunk_size=chunk_size):
        act_ids[act_key(act)] = f"act-{act.pk}"
        writers["acts"].append(
            {
                "id": f"act-{act.pk}",
                **{
                    name: getattr(act, name)
                    for name in (
                        "kind",
                        "number",
                        "date",
                        "title",
                        "short_title",
                        "issuing_body",
                        "in_force_from",
                        "in_force_until",
                        "status",
                        "source_url",
                    )
                },
            }
        )
    offices = export_offices(selection)
    body_ids: list[int] = []
    for body in selection.bodies.iterator(chunk_size=chunk_size):
        body_ids.append(body.pk)
        writers["bodies"].append(
            {
                "id": f"body-{body.pk}",
                **{
                    name: getattr(body, name)
                    for name in (
                        "full_name",
                        "short_name",
                        "level",
                        "oktmo",
                        "ogrn",
                        "inn",
                        "address",
                        "phone",
                        "email",
                        "website",
                        "working_hours",
                    )
                },
                "region": body.region.code if body.region_id else "",
                "parent": f"body-{body.parent_id}" if body.parent_id else "",
            }
        )
    for body_id in body_ids:
        for office in offices.get(body_id, ()):
            writers["offices"].append(
                {
                    **office,
                    "body": f"body-{body_id}",
                    "services": OFFICE_SERVICES_SEPARATOR.join(office["services"]),
                }
            )
    for service, record in export_records(selection, chunk_size=chunk_size):
        record["body_id"] = f"body-{service.provider_id}"
        for sheet, values in service_rows(record, act_ids):
            writers[sheet].append(values)
    for service in selection.withdrawn.iterator(chunk_size=chunk_size):
        writers["withdrawn"].append(
            {
                "registry_number": service.registry_number,
                "withdrawn_on": service.withdrawn_on,
                "withdrawal_reason": service.withdrawal_reason,
            }
        )


def write_template_xlsx(output: BinaryIO | str) -> None:
    """The blank workbook for officials who prepare an import by hand, with a sheet that says
    how to fill it in."""
    workbook, _writers = _workbook()
    guide = workbook.create_sheet(_("Как заполнять"))
    guide.column_dimensions["A"].width = 110
    lines: Iterable[str] = (
        _(
            "Каждая услуга — одна строка листа «Услуги»; строки других листов относятся к услуге "
            "по реестровому номеру."
        ),
        _(
            "Реестровый номер вводите как текст: 11 цифр для федеральной услуги, 19 цифр для "
            "региональной и муниципальной."
        ),
        _("Орган и акты указываются идентификаторами со своих листов (например, body-1, act-1)."),
        _("Да/нет — ИСТИНА/ЛОЖЬ или «да»/«нет»; даты — в формате даты; коды справочников — через запятую."),
        _(
            "Вид срока — «не более» (максимальный срок), «не ранее чем через» (срок ожидания) или "
            "«через» (точный срок); пустая ячейка — «не более»."
        ),
        _(
            "Формы документов (ч. 2 п. 8) передаются только в XML: при загрузке книги формы в "
            "черновике не меняются."
        ),
        _("Загруженные данные становятся черновиками и проходят обычное согласование."),
        _(
            "Лист «Офисы»: офис органа (орган — идентификатор с листа «Органы», код уникален в пределах "
            "органа); в столбце услуг — реестровые номера услуг этого органа через «;». Офис с тем же "
            "органом и кодом изменяется, новый — создаётся; его услуги становятся ровно такими, как в строке."
        ),
        _(
            "Лист «Исключённые услуги» исключает перечисленные услуги из реестра только при загрузке "
            "с публикацией (администратор реестра); иначе строки листа только сообщаются в отчёте."
        ),
    )
    for line in lines:
        guide.append([line])
    if READ_ONLY_SHEETS:
        guide.append([_("Лист «Формы» только для чтения: при загрузке он не учитывается.")])
    workbook.save(output)
