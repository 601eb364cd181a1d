"""Reading an exchange XML file into records, safely and as a stream.

The file is read with ``iterparse`` (no DTD, no entities, no network, no huge trees) one
element at a time: each legal act, body and service is validated against the XSD on its own
(errors keep their line and XPath), turned into a record and dropped from the tree, so memory
stays flat for any number of services (a service's element lives on, detached, as long as its
parsed record: the importer takes a chunk of them at a time). What remains at the end (the
root and its empty lists) is validated too."""

import base64
import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from registry.exchange.applying import ImportSource, ParsedOffice, ParsedService, ParsedWithdrawal
from registry.exchange.records import (
    ActKey,
    body_field_problems,
    money,
    office_field_problems,
    refers_to_refused_body,
    superior_problems,
    with_superior,
)
from registry.exchange.report import ImportProblem, ImportReport, Location
from registry.exchange.safety import (
    PROLOG_BYTES,
    UnsafeFile,
    check_xml_prolog,
    check_xml_size,
    xml_parser_options,
)
from registry.exchange.schema_messages import schema_error
from registry.exchange.text import text_problem
from registry.exchange.xml_export import NAMESPACE, registry_schema
from registry.models import DeadlineKind
from registry.validators import character_code

# libxml2 names the character it refuses: "invalid Char value 11", "Char 0x0 out of allowed range".
_REFUSED_CHARACTER = re.compile(r"(?:value (\d+)|Char 0x([0-9A-Fa-f]+))")


def q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


_CONTENT = q("content")


def local(tag: Any) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return value in ("true", "1")


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return money(Decimal(value)) if value not in (None, "") else None


def _text(elem: etree._Element | None, tag: str) -> str:
    if elem is None:
        return ""
    child = elem.find(q(tag))
    return (child.text or "") if child is not None else ""


def _relative_path(elem: etree._Element, stop: etree._Element) -> str:
    parts = []
    while elem is not None and elem is not stop:
        parent = elem.getparent()
        name = local(elem.tag)
        same = [sibling for sibling in parent if sibling.tag == elem.tag] if parent is not None else [elem]
        parts.append(f"{name}[{same.index(elem) + 1}]" if len(same) > 1 else name)
        elem = parent
    return "/".join(reversed(parts))


class _ServiceReader:
    """Turns one validated ``service`` element into a record and a locator for its fields."""

    def __init__(self, elem: etree._Element, base: str, acts: dict[str, ActKey], bodies: dict[str, dict]):
        self.elem = elem
        self.base = base
        self.acts = acts
        self.bodies = bodies
        self.places: dict[tuple[str, int | None], etree._Element] = {}

    def location(self, elem: etree._Element, field: str | None = None) -> Location:
        path = self.base
        if elem is not self.elem:
            path = f"{path}/{_relative_path(elem, self.elem)}"
        if field:
            name = re.sub(r"_(\w)", lambda m: m.group(1).upper(), field)
            if name in elem.attrib:
                path = f"{path}/@{name}"
            elif elem.find(q(name)) is not None:
                path = f"{path}/{name}"
        return Location(xpath=path, line=elem.sourceline)

    def locate(self, section: str, index: int | None, field: str | None) -> Location:
        elem = self.places.get((section, index))
        if elem is None:
            elem = self.places.get((section, None), self.elem)
        return self.location(elem, field)

    def act(self, elem: etree._Element, name: str = "act") -> ActKey | None:
        ref = elem.get(name)
        if not ref:
            return None
        if ref not in self.acts:
            raise KeyError(ref)
        return self.acts[ref]

    def citation(self, elem: etree._Element) -> dict[str, Any]:
        return {
            "act": self.act(elem),
            "article": elem.get("article", ""),
            "part": elem.get("part", ""),
            "point": elem.get("point", ""),
            "subpoint": elem.get("subpoint", ""),
        }

    def deadline(self, elem: etree._Element | None) -> dict[str, Any]:
        # Absent, the kind is the schema's default: a maximum, as in every file written before it.
        kind = elem.get("kind") if elem is not None else None
        return {
            "deadline_kind": kind or DeadlineKind.MAXIMUM.value,
            "deadline_value": _int(elem.get("value")) if elem is not None else None,
            "deadline_unit": elem.get("unit", "") if elem is not None else "",
            "deadline_day_type": elem.get("dayType", "") if elem is not None else "",
            "deadline_start_event": _text(elem, "startEvent"),
        }

    def rows(self, edition: etree._Element, section: str, path: str) -> list[etree._Element]:
        found = edition.findall(path, namespaces={"r": NAMESPACE})
        for index, elem in enumerate(found):
            self.places[(section, index)] = elem
        return found

    def record(self) -> dict[str, Any]:
        service = self.elem
        edition = service.find(q("edition"))
        self.places[("service", None)] = service
        self.places[("edition", None)] = edition
        body = with_superior(self.bodies, service.get("body") or "")
        if body is None:
            raise KeyError(service.get("body"))
        grounds = edition.find(q("grounds"))
        payment = edition.find(q("payment"))
        queue = edition.find(q("queue"))
        registration = edition.find(q("registration"))
        premises = edition.find(q("premises"))
        availability = edition.find(q("availability"))
        applicants = edition.find(q("applicants"))
        values: dict[str, Any] = {
            "number": _int(edition.get("number")),
            "status": edition.get("status"),
            "effective_date": _date(edition.get("effectiveDate")),
            "amending_act": self.act(edition, "amendingAct"),
            "change_note": _text(edition, "changeNote"),
            "full_name": _text(edition, "fullName"),
            "short_name": _text(edition, "shortName"),
            **self.deadline(edition.find(q("deadline"))),
            "unusual_deadline_confirmed": _bool(edition.get("unusualDeadlineConfirmed")),
            "no_accept_refusal_grounds": _bool(grounds.get("noAcceptRefusal")),
            "no_suspension_grounds": _bool(grounds.get("noSuspension")),
            "no_refusal_grounds": _bool(grounds.get("noRefusal")),
            "no_correction_refusal_grounds": _bool(grounds.get("noCorrectionRefusal")),
            "no_duplicate_refusal_grounds": _bool(grounds.get("noDuplicateRefusal")),
            "no_without_consideration_grounds": _bool(grounds.get("noWithoutConsideration")),
            "is_free": _bool(payment.get("free")),
            "queue_wait_minutes_submission": _int(queue.get("submissionMinutes")),
            "queue_wait_minutes_receipt": _int(queue.get("receiptMinutes")),
            "registration_term": registration.get("term") if registration is not None else "",
            "registration_term_value": _int(registration.get("value")) if registration is not None else None,
            "premises_requirements": _text(premises, "requirements"),
            "accessibility_requirements": _text(premises, "accessibility"),
            "access_ramp": _bool(premises.get("ramp")),
            "access_parking": _bool(premises.get("parking")),
            "access_braille": _bool(premises.get("braille")),
            "access_sign_language": _bool(premises.get("signLanguage")),
            "access_guide_dog": _bool(premises.get("guideDog")),
            "access_assistance": _bool(premises.get("assistance")),
            "access_audio_visual": _bool(premises.get("audioVisual")),
            "available_in_mfc": _bool(availability.get("mfc")),
            "available_electronically": _bool(availability.get("electronically")),
            "extraterritorial": _bool(availability.get("extraterritorial")),
            "other_requirements": _text(availability, "otherRequirements"),
            "online_application_url": _text(availability, "onlineApplicationUrl"),
            "applicants_description": _text(applicants, "description"),
            "progress_tracking": _text(edition, "progressTracking"),
            "correction_procedure": _text(edition, "correctionProcedure"),
            "duplicate_procedure": _text(edition, "duplicateProcedure"),
            "without_consideration_procedure": _text(edition, "withoutConsiderationProcedure"),
            "payment_methods": sorted(m.get("code") for m in payment.findall(q("method"))),
            "applicant_categories": sorted(
                c.get("code") for c in (applicants.findall(q("category")) if applicants is not None else [])
            ),
            "submission_channels": sorted(
                c.get("code") for c in edition.findall("r:submissionChannels/r:channel", {"r": NAMESPACE})
            ),
            "result_delivery_channels": sorted(
                c.get("code") for c in edition.findall("r:resultDeliveryChannels/r:channel", {"r": NAMESPACE})
            ),
        }
        record: dict[str, Any] = {
            "registry_number": service.get("registryNumber"),
            "level": service.get("level"),
            "under_single_standard": _bool(service.get("underSingleStandard")),
            "categories": sorted(c.get("code") for c in service.findall(q("category"))),
            "body": body,
            "edition": values,
            "attributes": [
                {
                    "code": a.get("code"),
                    "question": _text(a, "question"),
                    "values": [
                        {"code": v.get("code"), "label": _text(v, "label")} for v in a.findall(q("value"))
                    ],
                }
                for a in self.rows(edition, "attributes", "r:applicantAttributes/r:attribute")
            ],
            "variants": [
                {
                    "code": v.get("code"),
                    "name": _text(v, "name"),
                    "description": _text(v, "description"),
                    **self.deadline(v.find(q("deadline"))),
                    "selected_by": sorted(
                        (s.get("attribute"), s.get("value")) for s in v.findall(q("selectedBy"))
                    ),
                }
                for v in self.rows(edition, "variants", "r:variants/r:variant")
            ],
            "results": [
                {
                    "kind": r.get("kind"),
                    "name": _text(r, "name"),
                    "document_form": _text(r, "documentForm"),
                    "variant": r.get("variant", ""),
                }
                for r in self.rows(edition, "results", "r:results/r:result")
            ],
            "legal_bases": [
                {**self.citation(r), "note": _text(r, "note"), "variant": r.get("variant", "")}
                for r in self.rows(edition, "legal_bases", "r:legalBases/r:legalBasis")
            ],
            "documents": [
                {
                    "source": d.get("source"),
                    "name": _text(d, "name"),
                    "presentation": d.get("presentation"),
                    "copies": _int(d.get("copies")),
                    "holder_body": _text(d, "holderBody"),
                    "note": _text(d, "note"),
                    "variant": d.get("variant", ""),
                }
                for d in self.rows(edition, "documents", "r:documents/r:document")
            ],
            "grounds": [
                {
                    "kind": g.get("kind"),
                    "text": _text(g, "text"),
                    **self.citation(g),
                    "variant": g.get("variant", ""),
                }
                for g in self.rows(edition, "grounds", "r:grounds/r:ground")
            ],
            "fees": [
                {
                    "name": _text(f, "name"),
                    "amount": _decimal(f.get("amount")),
                    "applicant_category": f.get("applicantCategory", ""),
                    "exemptions": _text(f, "exemptions"),
                    "valid_from": _date(f.get("validFrom")),
                    "valid_to": _date(f.get("validTo")),
                    **self.citation(f),
                    "variant": f.get("variant", ""),
                }
                for f in self.rows(edition, "fees", "r:payment/r:fee")
            ],
            "indicators": [
                {
                    "kind": i.get("kind"),
                    "name": _text(i, "name"),
                    "comparison": i.get("comparison"),
                    "target_value": _decimal(i.get("targetValue")),
                    "unit": i.get("unit", ""),
                    "variant": i.get("variant", ""),
                }
                for i in self.rows(edition, "indicators", "r:indicators/r:indicator")
            ],
            "forms": [
                {
                    "kind": f.get("kind"),
                    "title": _text(f, "title"),
                    "file_name": f.get("fileName"),
                    "sha256": f.get("sha256"),
                    "variant": f.get("variant", ""),
                    "content": base64.b64decode(_text(f, "content"))
                    if f.find(q("content")) is not None
                    else None,
                }
                for f in self.rows(edition, "forms", "r:forms/r:form")
            ],
        }
        return record


def _error_path(elem: etree._Element, path: str | None, base: str) -> str:
    """libxml2 names the element "/*/*[3]/*[5]" (relative to the element validated); find it
    and name it the way the report does: /registry/services/service[2]/edition/deadline."""
    steps = (path or "").split("/")[2:]
    if not steps:
        return base
    try:
        found = elem.xpath("./" + "/".join(steps))
    except etree.XPathError:
        found = []
    if not found or not isinstance(found[0], etree._Element):
        return base
    return f"{base}/{_relative_path(found[0], elem)}" if found[0] is not elem else base


def _text_problems(elem: etree._Element, base: str) -> list[ImportProblem]:
    """Text the registry cannot hold: longer than an Excel cell (the parser has already refused
    the characters XML cannot carry). A form's file (base64) is not text."""
    problems = []
    for node in elem.iter():
        if not isinstance(node.tag, str) or node.tag == _CONTENT or not node.text:
            continue
        problem = text_problem(node.text)
        if problem is not None:
            path = base if node is elem else f"{base}/{_relative_path(node, elem)}"
            problems.append(ImportProblem(problem, Location(xpath=path, line=node.sourceline)))
    return problems


def _root_message(root: etree._Element) -> str:
    """Why the root element is not this registry's: another namespace (another version of the
    format, or none) or another document altogether; each says what it found."""
    found = etree.QName(root).namespace or ""
    name = local(root.tag)
    if name == "registry" and found.startswith(NAMESPACE.rsplit(":", 1)[0] + ":"):
        return _(
            "Файл в пространстве имён «%(found)s» — это другая версия формата обмена. Реестр "
            "принимает версию 1.0, пространство имён «%(expected)s»."
        ) % {"found": found, "expected": NAMESPACE}
    if name == "registry" and found:
        return _(
            "Корневой элемент «registry» файла — в пространстве имён «%(found)s», а файл обмена "
            "реестра должен быть в пространстве имён «%(expected)s»."
        ) % {"found": found, "expected": NAMESPACE}
    if name == "registry":
        return _(
            "У корневого элемента «registry» нет пространства имён, а файл обмена реестра должен быть в "
            'пространстве имён «%(expected)s» (xmlns="%(expected)s").'
        ) % {"expected": NAMESPACE}
    return _(
        "Это не файл обмена реестра: корневой элемент «%(tag)s»%(namespace)s, а ожидается «registry» "
        "в пространстве имён «%(expected)s»."
    ) % {
        "tag": name,
        "namespace": _(" в пространстве имён «%(found)s»") % {"found": found} if found else "",
        "expected": NAMESPACE,
    }


def _ends_at(path: Path, line: int, column: int, code: int) -> bool:
    """Whether (line, column), libxml2's place of an error, is the very end of the file: the
    parser ran out of data there. Its column counts characters from 1; a UTF-8 character is its
    bytes less the continuation bytes (an exported file is one line of any length). A file cut
    inside a character ends in an invalid character: that is the end too."""
    lines, last_characters, tail = 1, 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            tail = (tail + chunk)[-4:]
            breaks = chunk.count(b"\n")
            if breaks:
                lines += breaks
                chunk, last_characters = chunk.rsplit(b"\n", 1)[1], 0
            last_characters += len(chunk.translate(None, _CONTINUATION_BYTES))
    if line < lines:
        return False
    if code == etree.ErrorTypes.ERR_INVALID_CHAR:
        return _cut_character(tail)
    return column > last_characters


def _cut_character(tail: bytes) -> bool:
    """Whether the bytes end inside a UTF-8 character (its lead byte without all of the rest)."""
    for back in range(1, min(len(tail), 4) + 1):
        byte = tail[-back]
        if byte < 0x80:
            return False
        if byte >= 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return back < needed
    return False


_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_OPEN_TAG = re.compile(r"in tag (?P<tag>[\w.:-]+)")
_MISMATCH = re.compile(r"mismatch: (?P<open>[\w.:-]+) line (?P<line>\d+) and (?P<close>[\w.:-]+)")
_ENTITY = re.compile(r"Entity '(?P<name>[^']*)' not defined")
_PREFIX_UNDEFINED = re.compile(r"Namespace prefix (?P<prefix>[\w.-]+) on (?P<tag>[\w.-]+) is not defined")


def _syntax_problem(error: etree.XMLSyntaxError, path: Path) -> ImportProblem:
    """A file that is not well-formed XML, at the line where the parser stopped."""
    message, line = _syntax_message(error, path)
    return ImportProblem(message, Location(line=line or None))


def _syntax_message(error: etree.XMLSyntaxError, path: Path) -> tuple[str, int]:  # noqa: PLR0911 — one wording per kind
    codes = etree.ErrorTypes
    code, line, message = error.code, error.lineno or 0, error.msg or ""
    column = error.position[1] if error.position else 0
    # iterparse may raise a later, misleading error («no element found», «Start tag expected» at
    # line 1) and keep the first one, the cause, with its place, in the log.
    fatal = [
        entry
        for entry in (error.error_log or [])
        if entry.level == etree.ErrorLevels.FATAL and entry.domain == etree.ErrorDomains.PARSER
    ]
    if fatal:
        code, line, column, message = fatal[0].type, fatal[0].line, fatal[0].column, fatal[0].message
    place = {"line": line, "column": column or "?"}
    if code == codes.ERR_TAG_NOT_FINISHED or (line and _ends_at(path, line, column, code)):
        open_tag = _OPEN_TAG.search(message)
        message = _(
            "Файл обрезан: данные кончаются в строке %(line)s (позиция %(column)s)%(inside)s, а документ "
            "не закончен. Скорее всего, файл скачан или скопирован не полностью: получите его заново."
        ) % {
            **place,
            "inside": _(" внутри элемента «%(tag)s»") % {"tag": open_tag["tag"]} if open_tag else "",
        }
        return message, line
    if code == codes.ERR_TAG_NAME_MISMATCH and (mismatch := _MISMATCH.search(message)):
        message = _(
            "Файл не является правильным XML: в строке %(line)s закрывающий тег «%(close)s» не "
            "соответствует открытому в строке %(open_line)s элементу «%(open)s»."
        ) % {**place, "close": mismatch["close"], "open": mismatch["open"], "open_line": mismatch["line"]}
        return message, line
    if code == codes.ERR_DOCUMENT_END:
        message = (
            _(
                "Файл не является правильным XML: после закрытия корневого элемента, в строке %(line)s "
                "(позиция %(column)s), идёт ещё содержимое. В файле должен быть один корневой элемент."
            )
            % place
        )
        return message, line
    if code == codes.ERR_UNDECLARED_ENTITY and (entity := _ENTITY.search(message)):
        message = _(
            "Файл не является правильным XML: в строке %(line)s ссылка на неизвестную сущность "
            "«&%(name)s;». В XML определены только &amp;, &lt;, &gt;, &quot; и &apos;; другой символ "
            "впишите как есть (файл в UTF-8)."
        ) % {**place, "name": entity["name"]}
        return message, line
    if code == codes.ERR_NAME_REQUIRED and "EntityRef" in message:
        message = (
            _(
                "Файл не является правильным XML: в строке %(line)s (позиция %(column)s) знак «&» не "
                "записан как «&amp;»."
            )
            % place
        )
        return message, line
    if code == codes.NS_ERR_UNDEFINED_NAMESPACE and (prefix := _PREFIX_UNDEFINED.search(message)):
        message = _(
            "Файл не является правильным XML: в строке %(line)s у элемента «%(tag)s» префикс "
            "пространства имён «%(prefix)s» не объявлен."
        ) % {**place, "tag": prefix["tag"], "prefix": prefix["prefix"]}
        return message, line
    if code == codes.ERR_DOCUMENT_EMPTY:
        message = (
            _(
                "Файл не читается как XML: в строке %(line)s (позиция %(column)s) ожидается начало элемента "
                "(знак «<»), а там другой текст. Это не файл обмена в формате XML."
            )
            % place
        )
        return message, line
    if code == codes.ERR_INVALID_ENCODING:
        message = (
            _(
                "Файл не в кодировке UTF-8: в строке %(line)s (позиция %(column)s) байты, которые не "
                "читаются как UTF-8 (так бывает с файлом в кодировке Windows-1251). Сохраните файл в UTF-8."
            )
            % place
        )
        return message, line
    if code != codes.ERR_INVALID_CHAR:
        message = (
            _(
                "Файл не является правильным XML: в строке %(line)s (позиция %(column)s) нарушена разметка "
                "(незакрытая кавычка, угловая скобка или тег). Проверьте файл в редакторе XML."
            )
            % place
        )
        return message, line
    found = _REFUSED_CHARACTER.search(message)
    character = ""
    if found is not None:
        character = chr(int(found.group(1)) if found.group(1) else int(found.group(2), 16))
    message = _(
        "Файл не является правильным XML: в строке %(line)s (позиция %(column)s) недопустимый символ"
        "%(code)s. XML 1.0 не допускает управляющие символы, кроме табуляции, перевода строки и "
        "возврата каретки (в тексте они часто появляются при вставке из Word): удалите символ в "
        "исходных данных и выгрузите файл заново."
    ) % {**place, "code": f" {character_code(character)}" if character else ""}
    return message, line


def _holding(elem: etree._Element, tag: str, value: str) -> tuple[etree._Element | None, str]:
    """The first ``tag`` element under ``elem`` with an attribute of this value, and the
    attribute's name: where a reference that leads nowhere (or a repeated key) stands."""
    for node in elem.iter(q(tag)):
        for name, attribute_value in node.attrib.items():
            if attribute_value == value:
                return node, name
    return None, ""


def _schema_problems(elem: etree._Element, base: str) -> list[ImportProblem]:
    """The element's schema errors in Russian (``schema_messages``), at the element's line and
    XPath (down to the attribute), each once: libxml2 repeats a reference error per field."""
    schema = registry_schema()
    if schema.validate(elem):
        return []
    problems: list[ImportProblem] = []
    for entry in schema.error_log:
        error = schema_error(entry.type_name, entry.message)
        if error is None:
            continue
        path = _error_path(elem, entry.path, base) or base
        line = entry.line or elem.sourceline
        if error.attribute:
            path = f"{path}/@{error.attribute}"
        elif error.value:
            holder, name = _holding(elem, error.element, error.value)
            if holder is not None:
                path = base if holder is elem else f"{base}/{_relative_path(holder, elem)}"
                path, line = f"{path}/@{name}", holder.sourceline
        problem = ImportProblem(error.message, Location(xpath=path, line=line))
        if problem not in problems:
            problems.append(problem)
    if not problems:
        problems.append(
            ImportProblem(
                _("Элемент не соответствует схеме обмена реестра."),
                Location(xpath=base, line=elem.sourceline),
            )
        )
    return problems


def _act_values(elem: etree._Element) -> dict[str, Any]:
    return {
        "kind": elem.get("kind"),
        "number": elem.get("number", ""),
        "date": _date(elem.get("date")),
        "title": _text(elem, "title"),
        "short_title": _text(elem, "shortTitle"),
        "issuing_body": _text(elem, "issuingBody"),
        "in_force_from": _date(elem.get("inForceFrom")),
        "in_force_until": _date(elem.get("inForceUntil")),
        "status": elem.get("status"),
        "source_url": _text(elem, "sourceUrl"),
    }


def _body_values(elem: etree._Element) -> dict[str, Any]:
    return {
        "full_name": _text(elem, "fullName"),
        "short_name": _text(elem, "shortName"),
        "level": elem.get("level"),
        "region": elem.get("region", ""),
        "oktmo": elem.get("oktmo", ""),
        "ogrn": elem.get("ogrn", ""),
        "inn": elem.get("inn", ""),
        "address": _text(elem, "address"),
        "phone": _text(elem, "phone"),
        "email": _text(elem, "email"),
        "website": _text(elem, "website"),
        "working_hours": _text(elem, "workingHours"),
        "parent": elem.get("parent", ""),
    }


def xml_source(path: Path, report: ImportReport) -> ImportSource:
    """The services of an exchange XML file; refused files and syntax errors go to the report."""
    acts: dict[ActKey, dict[str, Any]] = {}
    try:
        check_xml_size(path.stat().st_size)
        with path.open("rb") as handle:
            check_xml_prolog(handle.read(PROLOG_BYTES))
    except UnsafeFile as refused:
        report.add_file_error(str(refused))
        return ImportSource(acts=acts, services=[])
    source = ImportSource(acts=acts, services=[])
    source.services = _services(path, report, acts, source.withdrawals, source.offices)
    return source


def _services(
    path: Path,
    report: ImportReport,
    acts: dict[ActKey, dict[str, Any]],
    withdrawals: list[ParsedWithdrawal],
    offices: list[ParsedOffice],
) -> Iterator[ParsedService]:
    act_ids: dict[str, ActKey] = {}
    # The offices read with their bodies, by the body's id: their body's values (with its
    # superiors, which may come later in the list) are attached when the list ends.
    body_offices: list[tuple[str, dict[str, Any], Location, Any]] = []
    bodies: dict[str, dict[str, Any]] = {}
    refused_bodies: set[str] = set()
    counters = {"legalAct": 0, "body": 0, "service": 0, "withdrawn": 0}
    places: dict[str, Location] = {}
    root = None
    # The thread's error log keeps earlier parses' errors: a syntax error's cause is read from it.
    etree.clear_error_log()
    context = etree.iterparse(str(path), events=("start", "end"), **xml_parser_options())
    try:
        for event, elem in context:
            if event == "start":
                if root is None:
                    root = elem
                    docinfo = elem.getroottree().docinfo
                    if docinfo.doctype or docinfo.internalDTD is not None:
                        raise UnsafeFile(
                            _("Файл содержит объявление типа документа (DOCTYPE) и не принимается.")
                        )
                    if elem.tag != q("registry"):
                        report.add_file_error(
                            _root_message(elem), Location(xpath=f"/{local(elem.tag)}", line=elem.sourceline)
                        )
                        return
                continue
            parent = elem.getparent()
            if parent is None or not isinstance(elem.tag, str):
                continue
            name, container = local(elem.tag), local(parent.tag)
            if (name, container) == ("bodies", "registry"):
                for problem in superior_problems(bodies, places):
                    report.add_file_error(problem.message, problem.location)
                for ref, values, location, locate in body_offices:
                    if not refers_to_refused_body(bodies, refused_bodies, ref):
                        offices.append(ParsedOffice(with_superior(bodies, ref), values, location, locate))
                continue
            if (name, container) == ("legalAct", "legalActs"):
                counters[name] += 1
                base = f"/registry/legalActs/legalAct[{counters[name]}]"
                problems = _schema_problems(elem, base) or _text_problems(elem, base)
                for problem in problems:
                    report.add_file_error(problem.message, problem.location)
                if not problems:
                    values = _act_values(elem)
                    key = (values["kind"], values["number"], values["date"].isoformat())
                    act_ids[elem.get("id")] = key
                    acts[key] = values
            elif (name, container) == ("body", "bodies"):
                counters[name] += 1
                base = f"/registry/bodies/body[{counters[name]}]"
                problems = _schema_problems(elem, base) or _text_problems(elem, base)
                if not problems:
                    values = _body_values(elem)
                    problems = [
                        ImportProblem(message, _body_field_location(elem, base, field))
                        for field, message in body_field_problems(values)
                    ]
                    bodies[elem.get("id")] = values
                    places[elem.get("id")] = Location(xpath=f"{base}/@parent", line=elem.sourceline)
                    for office in elem.iterfind("r:offices/r:office", {"r": NAMESPACE}):
                        # An office's error is the file's, at the office; the body stands.
                        parsed_office, office_problems = _office(office, elem, base)
                        for problem in office_problems:
                            report.add_file_error(problem.message, problem.location)
                        if parsed_office is not None:
                            body_offices.append((elem.get("id"), *parsed_office))
                for problem in problems:
                    report.add_file_error(problem.message, problem.location)
                if problems:
                    refused_bodies.add(elem.get("id"))
            elif (name, container) == ("service", "withdrawn"):
                counters["withdrawn"] += 1
                base = f"/registry/withdrawn/service[{counters['withdrawn']}]"
                for problem in _text_problems(elem, base):
                    report.add_file_error(problem.message, problem.location)
                # Checked against the schema with the whole file at its end: an invalid entry
                # is a file error, and then nothing is applied.
                try:
                    withdrawn_on = _date(elem.get("withdrawnOn"))
                except ValueError:
                    withdrawn_on = None  # the schema check names it
                if withdrawn_on is not None:
                    withdrawals.append(
                        ParsedWithdrawal(
                            registry_number=elem.get("registryNumber", ""),
                            withdrawn_on=withdrawn_on,
                            reason=_text(elem, "reason"),
                            location=Location(xpath=base, line=elem.sourceline),
                        )
                    )
                continue
            elif (name, container) == ("service", "services"):
                counters[name] += 1
                parsed = _parse_service(elem, counters[name], act_ids, bodies, refused_bodies)
                # Detached, not cleared: the importer takes services a chunk at a time and
                # locates its errors in the element, which lives as long as the parsed service.
                parent.remove(elem)
                yield parsed
                continue
            else:
                continue
            elem.clear()
            parent.remove(elem)
    except UnsafeFile as refused:
        report.add_file_error(str(refused))
        return
    except etree.XMLSyntaxError as error:
        problem = _syntax_problem(error, path)
        report.add_file_error(problem.message, problem.location)
        return
    if root is not None:
        for problem in _schema_problems(root, "/registry"):
            report.add_file_error(problem.message, problem.location)


# An office's fields in the file: attributes, else child elements.
_OFFICE_ATTRIBUTES = {"code": "code", "oktmo": "oktmo", "is_mfc": "mfc"}
_OFFICE_ELEMENTS = {"name": "name", "address": "address", "working_hours": "workingHours"}


def _office(
    elem: etree._Element, body: etree._Element, body_base: str
) -> tuple[tuple[dict[str, Any], Location, Any] | None, list[ImportProblem]]:
    """A validated ``office`` element of a body: (values, location, locator), or its problems
    (a value the registry refuses, at its attribute or element)."""
    base = f"{body_base}/{_relative_path(elem, body)}"
    numbers = [service.get("registryNumber", "") for service in elem.findall(q("deliveredService"))]
    values = {
        "code": elem.get("code", ""),
        "name": _text(elem, "name"),
        "address": _text(elem, "address"),
        "oktmo": elem.get("oktmo", ""),
        "is_mfc": bool(_bool(elem.get("mfc"))),
        "working_hours": _text(elem, "workingHours"),
        "services": numbers,
    }

    # Located now: the body's element is cleared once it is read.
    here = Location(xpath=base, line=elem.sourceline)
    fields = {
        field: Location(xpath=f"{base}/@{name}", line=elem.sourceline)
        for field, name in _OFFICE_ATTRIBUTES.items()
    }
    for field, name in _OFFICE_ELEMENTS.items():
        child = elem.find(q(name))
        if child is not None:
            fields[field] = Location(xpath=f"{base}/{name}", line=child.sourceline)
    services = [
        Location(xpath=f"{base}/{_relative_path(child, elem)}/@registryNumber", line=child.sourceline)
        for child in elem.findall(q("deliveredService"))
    ]

    def locate(field: str | None, index: int | None) -> Location:
        if field == "services" and index is not None and index < len(services):
            return services[index]
        return fields.get(field or "", here)

    problems = [
        ImportProblem(message, locate(field, None)) for field, message in office_field_problems(values)
    ]
    if problems:
        return None, problems
    return (values, here, locate), []


def _body_field_location(elem: etree._Element, base: str, field: str) -> Location:
    """A body's value: an attribute (ogrn, inn, oktmo) or a child element (email, website)."""
    child = elem.find(q(field))
    if child is not None:
        return Location(xpath=f"{base}/{field}", line=child.sourceline)
    return Location(xpath=f"{base}/@{field}", line=elem.sourceline)


def _parse_service(
    elem: etree._Element,
    index: int,
    act_ids: dict[str, ActKey],
    bodies: dict[str, dict[str, Any]],
    refused_bodies: set[str],
) -> ParsedService:
    base = f"/registry/services/service[{index}]"
    number = elem.get("registryNumber", "")
    edition = elem.find(q("edition"))
    name = _text(edition, "shortName") or _text(edition, "fullName")
    location = Location(xpath=base, line=elem.sourceline)
    reader = _ServiceReader(elem, base, act_ids, bodies)
    problems = _schema_problems(elem, base) or _text_problems(elem, base)
    if problems:
        return ParsedService(number, name, location, None, reader.locate, errors=problems)
    if refers_to_refused_body(bodies, refused_bodies, elem.get("body") or ""):
        # The body's error is the file's, at the body; the service is not read on without it.
        return ParsedService(number, name, location, None, reader.locate)
    try:
        record = reader.record()
    except KeyError as missing:
        problem = ImportProblem(
            _("Ссылка «%(ref)s» не найдена среди актов и органов, перечисленных в начале файла.")
            % {"ref": missing.args[0]},
            location,
        )
        return ParsedService(number, name, location, None, reader.locate, errors=[problem])
    return ParsedService(number, name, location, record, reader.locate)
