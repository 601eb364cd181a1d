"""A small world for the intake: two bodies, a service of each, an office, a channel, a variant,
and writers of the same rows as CSV (either encoding and delimiter), Excel and XML."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook

from registry.models import Channel, Office
from tests import factories

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


@dataclass
class World:
    mvd: object
    city: object
    passport: object  # a service of the МВД
    permit: object  # a service of the city
    office: object
    channel: object

    def row(self, case_id: str = "К-1", **changes) -> list[str]:
        values = {
            "case": case_id,
            "service": self.passport.registry_number,
            "body": MVD_OGRN,
            "office": self.office.code,
            "channel": self.channel.code,
            "variant": "first",
            "submitted": "2025-03-03T10:00:00",
            "registered": "03.03.2025 10:15",
            "result": "2025-03-20T12:00:00+03:00",
            "outcome": "issued",
            "ground": "",
            "wait_in": "12",
            "wait_out": "5",
        }
        values.update(changes)
        return list(values.values())


@pytest.fixture
def world(db):
    mvd = factories.body(ogrn=MVD_OGRN, short_name="МВД России")
    city = factories.body(ogrn=CITY_OGRN, short_name="Администрация")
    passport = factories.service(provider=mvd)
    edition = factories.edition(passport)
    factories.variant(edition, code="first")
    permit = factories.service(provider=city)
    office = Office.objects.create(body=mvd, code="MSK-01", name="Отдел 1", address="Москва")
    office.services.add(passport)
    channel, _created = Channel.objects.get_or_create(code="in_person", defaults={"name": "Лично"})
    return World(mvd, city, passport, permit, office, channel)


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
