"""Delivery files for the intake tests: the same rows written as CSV (either encoding and
delimiter), an Excel workbook and an XML file by deliveries-1.0.xsd."""

import csv
import io
from pathlib import Path

from openpyxl import Workbook

MVD_OGRN = "1037700029620"
CITY_OGRN = "1027300621941"
HEADERS = (
    "Номер дела",
    "Реестровый номер услуги",
    "ОГРН органа",
    "Код офиса",
    "Способ подачи",
    "Код варианта",
    "Дата подачи",
    "Дата регистрации",
    "Дата результата",
    "Исход",
    "Основание отказа",
    "Ожидание при подаче, мин",
    "Ожидание при получении, мин",
)
XML_ATTRIBUTES = (
    "caseId",
    "service",
    "body",
    "office",
    "channel",
    "variant",
    "submittedAt",
    "registeredAt",
    "resultAt",
    "outcome",
    "refusalGround",
    "queueWaitSubmission",
    "queueWaitReceipt",
)


def write_csv(path: Path, rows: list[list[str]], *, encoding="utf-8", delimiter=";", headers=HEADERS) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], headers=HEADERS) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_xml(path: Path, rows: list[list[str]], extra: str = "") -> Path:
    from xml.sax.saxutils import quoteattr

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<deliveries xmlns="urn:registry:deliveries:1.0" version="1.0">',
    ]
    for row in rows:
        attributes = " ".join(
            f"{name}={quoteattr(value)}"
            for name, value in zip(XML_ATTRIBUTES, row, strict=True)
            if value != ""
        )
        lines.append(f"  <delivery {attributes}{extra}/>")
    lines.append("</deliveries>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
