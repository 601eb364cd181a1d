"""The XML export, written as a stream with lxml's incremental writer (``etree.xmlfile``).

Services are read in chunks (``selectors.export_records``: one query per table per chunk) and each
is written and forgotten, so memory stays flat however large the registry; the query count
grows with the number of chunks, never with the rows."""

import base64
import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.utils import timezone
from lxml import etree

from registry.exchange.records import EXPORT_CHUNK_SIZE, ActKey, act_key
from registry.exchange.selectors import (
    ExportRequest,
    ExportSelection,
    export_offices,
    export_records,
    export_selection,
    export_snapshot,
)
from registry.exchange.text import export_text_error
from registry.models import DeadlineKind

NAMESPACE = "urn:registry:service-standards:1.0"
FORMAT_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "registry-1.0.xsd"
SCHEMA_FILENAME = SCHEMA_PATH.name
CHUNK_SIZE = EXPORT_CHUNK_SIZE
FLUSH_BYTES = 256 * 1024

_schema: etree.XMLSchema | None = None


def registry_schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        _schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))
    return _schema


def q(tag: str) -> str:
    return f"{{{NAMESPACE}}}{tag}"


def xml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _attrs(pairs: dict[str, Any]) -> dict[str, str]:
    """Attributes with a value; None and "" are left out (absent means not set)."""
    return {name: xml_value(value) for name, value in pairs.items() if value is not None and value != ""}


class _Chunks:
    """A file-like sink that hands the written bytes back in pieces."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> None:
        self.parts.append(bytes(data))
        self.size += len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


class _Writer:
    def __init__(self, xf: Any, act_ids: dict[ActKey, str], body_ids: dict[int, str]) -> None:
        self.xf = xf
        self.act_ids = act_ids
        self.body_ids = body_ids

    def leaf(
        self, tag: str, text: str | None, attrs: dict[str, Any] | None = None, *, required=False
    ) -> None:
        if not required and not text and not attrs:
            return
        with self.xf.element(q(tag), _attrs(attrs or {})):
            if text:
                self.xf.write(text)

    def text(self, tag: str, value: str) -> None:
        if value:
            self.leaf(tag, value)

    def citation(self, row: dict[str, Any]) -> dict[str, Any]:
        return {
            "act": self.act_ids[row["act"]] if row["act"] else None,
            "article": row["article"],
            "part": row["part"],
            "point": row["point"],
            "subpoint": row["subpoint"],
        }

    def deadline(self, tag: str, values: dict[str, Any]) -> None:
        if not (values["deadline_value"] and values["deadline_unit"]):
            return
        # A maximum is the schema's default and is left out, so a file of maxima reads as before
        # the attribute existed (and as a 1.0 receiver that ignores it understands it).
        kind = values["deadline_kind"]
        attrs = {
            "kind": "" if kind == DeadlineKind.MAXIMUM else kind,
            "value": values["deadline_value"],
            "unit": values["deadline_unit"],
            "dayType": values["deadline_day_type"],
        }
        with self.xf.element(q(tag), _attrs(attrs)):
            self.text("startEvent", values["deadline_start_event"])

    def rows(self, container: str, rows: list[dict[str, Any]], write_row) -> None:
        if not rows:
            return
        with self.xf.element(q(container)):
            for row in rows:
                write_row(row)

    def offices(self, offices: Iterable[dict[str, Any]]) -> None:
        """A body's offices (added within 1.0, optional): a file without them is read as before."""
        if not offices:
            return
        with self.xf.element(q("offices")):
            for office in offices:
                attrs = {"code": office["code"], "mfc": office["is_mfc"], "oktmo": office["oktmo"]}
                with self.xf.element(q("office"), _attrs(attrs)):
                    self.leaf("name", office["name"], required=True)
                    self.leaf("address", office["address"], required=True)
                    self.text("workingHours", office["working_hours"])
                    for number in office["services"]:
                        self.leaf("deliveredService", None, {"registryNumber": number})

    def service(self, record: dict[str, Any]) -> None:
        xf = self.xf
        attrs = {
            "registryNumber": record["registry_number"],
            "level": record["level"],
            "body": self.body_ids[record["body_pk"]],
            "underSingleStandard": record["under_single_standard"],
        }
        with xf.element(q("service"), _attrs(attrs)):
            for code in record["categories"]:
                self.leaf("category", None, {"code": code})
            self.edition(record)

    def edition(self, record: dict[str, Any]) -> None:
        xf, e = self.xf, record["edition"]
        attrs = {
            "number": e["number"],
            "status": e["status"],
            "effectiveDate": e["effective_date"],
            "amendingAct": self.act_ids[e["amending_act"]] if e["amending_act"] else None,
            "unusualDeadlineConfirmed": e["unusual_deadline_confirmed"],
        }
        with xf.element(q("edition"), _attrs(attrs)):
            self.text("changeNote", e["change_note"])
            self.text("fullName", e["full_name"])
            self.text("shortName", e["short_name"])
            self.rows("applicantAttributes", record["attributes"], self.attribute)
            self.rows("variants", record["variants"], self.variant)
            self.rows("results", record["results"], self.result)
            self.deadline("deadline", e)
            self.rows("legalBases", record["legal_bases"], self.legal_basis)
            self.rows("documents", record["documents"], self.document)
            grounds = {
                "noAcceptRefusal": e["no_accept_refusal_grounds"],
                "noSuspension": e["no_suspension_grounds"],
                "noRefusal": e["no_refusal_grounds"],
                "noCorrectionRefusal": e["no_correction_refusal_grounds"],
                "noDuplicateRefusal": e["no_duplicate_refusal_grounds"],
                "noWithoutConsideration": e["no_without_consideration_grounds"],
            }
            with xf.element(q("grounds"), _attrs(grounds)):
                for row in record["grounds"]:
                    self.ground(row)
            with xf.element(q("payment"), _attrs({"free": e["is_free"]})):
                for code in e["payment_methods"]:
                    self.leaf("method", None, {"code": code})
                for row in record["fees"]:
                    self.fee(row)
            queue = {
                "submissionMinutes": e["queue_wait_minutes_submission"],
                "receiptMinutes": e["queue_wait_minutes_receipt"],
            }
            self.leaf("queue", None, queue, required=True)
            if e["registration_term"]:
                self.leaf(
                    "registration",
                    None,
                    {"term": e["registration_term"], "value": e["registration_term_value"]},
                )
            premises = {
                "ramp": e["access_ramp"],
                "parking": e["access_parking"],
                "braille": e["access_braille"],
                "signLanguage": e["access_sign_language"],
                "guideDog": e["access_guide_dog"],
                "assistance": e["access_assistance"],
                "audioVisual": e["access_audio_visual"],
            }
            with xf.element(q("premises"), _attrs(premises)):
                self.text("requirements", e["premises_requirements"])
                self.text("accessibility", e["accessibility_requirements"])
            self.rows("indicators", record["indicators"], self.indicator)
            availability = {
                "mfc": e["available_in_mfc"],
                "electronically": e["available_electronically"],
                "extraterritorial": e["extraterritorial"],
            }
            with xf.element(q("availability"), _attrs(availability)):
                self.text("otherRequirements", e["other_requirements"])
                self.text("onlineApplicationUrl", e["online_application_url"])
            if e["applicant_categories"] or e["applicants_description"]:
                with xf.element(q("applicants")):
                    for code in e["applicant_categories"]:
                        self.leaf("category", None, {"code": code})
                    self.text("description", e["applicants_description"])
            self.channels("submissionChannels", e["submission_channels"])
            self.text("progressTracking", e["progress_tracking"])
            self.text("correctionProcedure", e["correction_procedure"])
            self.text("duplicateProcedure", e["duplicate_procedure"])
            self.text("withoutConsiderationProcedure", e["without_consideration_procedure"])
            self.rows("forms", [row for row in record["forms"] if row["sha256"]], self.form)
            self.channels("resultDeliveryChannels", e["result_delivery_channels"])

    def channels(self, container: str, codes: list[str]) -> None:
        if codes:
            with self.xf.element(q(container)):
                for code in codes:
                    self.leaf("channel", None, {"code": code})

    def attribute(self, row: dict[str, Any]) -> None:
        with self.xf.element(q("attribute"), _attrs({"code": row["code"]})):
            self.leaf("question", row["question"], required=True)
            for value in row["values"]:
                with self.xf.element(q("value"), _attrs({"code": value["code"]})):
                    self.leaf("label", value["label"], required=True)

    def variant(self, row: dict[str, Any]) -> None:
        with self.xf.element(q("variant"), _attrs({"code": row["code"]})):
            self.leaf("name", row["name"], required=True)
            self.text("description", row["description"])
            self.deadline("deadline", row)
            for attribute, value in row["selected_by"]:
                self.leaf("selectedBy", None, {"attribute": attribute, "value": value})

    def result(self, row: dict[str, Any]) -> None:
        with self.xf.element(q("result"), _attrs({"kind": row["kind"], "variant": row["variant"]})):
            self.leaf("name", row["name"], required=True)
            self.text("documentForm", row["document_form"])

    def legal_basis(self, row: dict[str, Any]) -> None:
        with self.xf.element(q("legalBasis"), _attrs({**self.citation(row), "variant": row["variant"]})):
            self.text("note", row["note"])

    def document(self, row: dict[str, Any]) -> None:
        attrs = {
            "source": row["source"],
            "presentation": row["presentation"],
            "copies": row["copies"],
            "variant": row["variant"],
        }
        with self.xf.element(q("document"), _attrs(attrs)):
            self.leaf("name", row["name"], required=True)
            self.text("holderBody", row["holder_body"])
            self.text("note", row["note"])

    def ground(self, row: dict[str, Any]) -> None:
        with self.xf.element(
            q("ground"), _attrs({"kind": row["kind"], **self.citation(row), "variant": row["variant"]})
        ):
            self.leaf("text", row["text"], required=True)

    def fee(self, row: dict[str, Any]) -> None:
        attrs = {
            "amount": row["amount"],
            "applicantCategory": row["applicant_category"],
            "validFrom": row["valid_from"],
            "validTo": row["valid_to"],
            **self.citation(row),
            "variant": row["variant"],
        }
        with self.xf.element(q("fee"), _attrs(attrs)):
            self.leaf("name", row["name"], required=True)
            self.text("exemptions", row["exemptions"])

    def indicator(self, row: dict[str, Any]) -> None:
        attrs = {
            "kind": row["kind"],
            "comparison": row["comparison"],
            "targetValue": row["target_value"],
            "unit": row["unit"],
            "variant": row["variant"],
        }
        with self.xf.element(q("indicator"), _attrs(attrs)):
            self.leaf("name", row["name"], required=True)

    def form(self, row: dict[str, Any]) -> None:
        attrs = {
            "kind": row["kind"],
            "fileName": row["file_name"],
            "sha256": row["sha256"],
            "variant": row["variant"],
        }
        with self.xf.element(q("form"), _attrs(attrs)):
            self.leaf("title", row["title"], required=True)
            if row.get("content") is not None:
                self.leaf("content", base64.b64encode(row["content"]).decode("ascii"))


class _Subject:
    """What the export is writing: an act, a body, a service's record, a withdrawn service."""

    value: Any = None


def iter_registry_xml(selection: ExportSelection, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The export as pieces of bytes (for a streaming HTTP response or a file).

    Text stored before the validators refused it may hold a character XML cannot carry: lxml
    then refuses it, and the export stops with an ``ExportTextError`` naming where it is."""
    writing = _Subject()
    try:
        yield from _pieces(selection, chunk_size, writing)
    except ValueError as error:
        refusal = None if writing.value is None else export_text_error(writing.value, include_length=False)
        if refusal is None:
            raise
        raise refusal from error


def _pieces(selection: ExportSelection, chunk_size: int, writing: _Subject) -> Iterator[bytes]:
    sink = _Chunks()
    request = selection.request
    root_attrs = {
        "version": FORMAT_VERSION,
        "generatedAt": timezone.now().replace(microsecond=0).isoformat(),
        "sequence": selection.sequence,
        "since": request.since,
        "scope": request.scope,
        "content": request.content,
    }
    with etree.xmlfile(sink, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(q("registry"), _attrs(root_attrs), nsmap={None: NAMESPACE}):
            act_ids: dict[ActKey, str] = {}
            body_ids: dict[int, str] = {}
            writer = _Writer(xf, act_ids, body_ids)
            offices = export_offices(selection)
            with xf.element(q("legalActs")):
                for act in selection.acts.iterator(chunk_size=chunk_size):
                    writing.value = act
                    act_ids[act_key(act)] = f"act-{act.pk}"
                    attrs = {
                        "id": f"act-{act.pk}",
                        "kind": act.kind,
                        "number": act.number,
                        "date": act.date,
                        "status": act.status,
                        "inForceFrom": act.in_force_from,
                        "inForceUntil": act.in_force_until,
                    }
                    with xf.element(q("legalAct"), _attrs(attrs)):
                        writer.leaf("title", act.title, required=True)
                        writer.text("shortTitle", act.short_title)
                        writer.text("issuingBody", act.issuing_body)
                        writer.text("sourceUrl", act.source_url)
            with xf.element(q("bodies")):
                for body in selection.bodies.iterator(chunk_size=chunk_size):
                    writing.value = body
                    body_ids[body.pk] = f"body-{body.pk}"
                    attrs = {
                        "id": f"body-{body.pk}",
                        "level": body.level,
                        "region": body.region.code if body.region_id else None,
                        "oktmo": body.oktmo,
                        "ogrn": body.ogrn,
                        "inn": body.inn,
                        "parent": f"body-{body.parent_id}" if body.parent_id else None,
                    }
                    with xf.element(q("body"), _attrs(attrs)):
                        writer.leaf("fullName", body.full_name, required=True)
                        writer.leaf("shortName", body.short_name, required=True)
                        writer.text("address", body.address)
                        writer.text("phone", body.phone)
                        writer.text("email", body.email)
                        writer.text("website", body.website)
                        writer.text("workingHours", body.working_hours)
                        writer.offices(offices.get(body.pk, ()))
            xf.flush()
            yield sink.take()
            with xf.element(q("services")):
                for service, record in export_records(selection, chunk_size=chunk_size, with_content=True):
                    writing.value = record
                    record["body_pk"] = service.provider_id
                    writer.service(record)
                    if sink.size >= FLUSH_BYTES:
                        xf.flush()
                        yield sink.take()
            if request.since is not None:
                with xf.element(q("withdrawn")):
                    for service in selection.withdrawn.iterator(chunk_size=chunk_size):
                        writing.value = service
                        attrs = {
                            "registryNumber": service.registry_number,
                            "withdrawnOn": service.withdrawn_on,
                        }
                        with xf.element(q("service"), _attrs(attrs)):
                            writer.leaf("reason", service.withdrawal_reason, required=True)
    yield sink.take()


def iter_registry_xml_snapshot(request: ExportRequest, *, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The export of ``request`` for a streaming response, as one moment of the registry: the
    selection is built when the first piece is asked for, inside ``export_snapshot``, which lasts
    until the last piece. Closing the iterator early (a client that went away) ends the
    snapshot's transaction; an iterator never started opens none."""
    with export_snapshot():
        yield from iter_registry_xml(export_selection(request), chunk_size=chunk_size)


def write_registry_xml(selection: ExportSelection, output: BinaryIO, *, chunk_size: int = CHUNK_SIZE) -> None:
    for piece in iter_registry_xml(selection, chunk_size=chunk_size):
        output.write(piece)
