"""The exchange record: everything the registry holds about one service's standard, as plain
values, independent of the file format.

The XML and Excel writers turn records into files and the readers turn files back into
records; the importer compares a record with the one built from the database to decide
created / updated / unchanged. Field lists are checked against the models by the tests, so a
column added to a section later cannot be dropped from the exchange without a failing test.
"""

import datetime
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from registry.models import (
    ApplicantAttribute,
    Document,
    Edition,
    Fee,
    Ground,
    LegalBasis,
    ProviderBody,
    QualityIndicator,
    Result,
    Service,
    StandardForm,
    Variant,
)
from regulations.models import LegalAct

# (kind, number, date) — how a legal act is recognised in another registry.
ActKey = tuple[str, str, str]

# Edition columns that describe the standard (every statutory section) or the edition itself.
EDITION_META = ("effective_date", "amending_act", "change_note")
EDITION_SCALARS = (
    "full_name",
    "short_name",
    "deadline_value",
    "deadline_unit",
    "deadline_day_type",
    "deadline_start_event",
    "unusual_deadline_confirmed",
    "no_accept_refusal_grounds",
    "no_suspension_grounds",
    "no_refusal_grounds",
    "no_correction_refusal_grounds",
    "no_duplicate_refusal_grounds",
    "no_without_consideration_grounds",
    "is_free",
    "queue_wait_minutes_submission",
    "queue_wait_minutes_receipt",
    "registration_term",
    "registration_term_value",
    "premises_requirements",
    "accessibility_requirements",
    "access_ramp",
    "access_parking",
    "access_braille",
    "access_sign_language",
    "access_guide_dog",
    "access_assistance",
    "access_audio_visual",
    "available_in_mfc",
    "available_electronically",
    "extraterritorial",
    "other_requirements",
    "applicants_description",
    "progress_tracking",
    "correction_procedure",
    "duplicate_procedure",
    "without_consideration_procedure",
)
EDITION_CHOICES = (
    "payment_methods",
    "applicant_categories",
    "submission_channels",
    "result_delivery_channels",
)
# Edition columns the exchange deliberately leaves out: workflow bookkeeping of this registry.
EDITION_NOT_EXCHANGED = frozenset(
    {
        "id",
        "service",
        "number",
        "status",
        "lock_version",
        "published_at",
        "scheduled_at",
        "superseded_at",
        "created_at",
        "updated_at",
        "created_by",
    }
)

CITATION = ("act", "article", "part", "point", "subpoint")
# section key -> (model, fields in the record, in order); "variant" is the variant's code.
ROW_SECTIONS: dict[str, tuple[type, tuple[str, ...]]] = {
    "results": (Result, ("kind", "name", "document_form", "variant")),
    "legal_bases": (LegalBasis, (*CITATION, "note", "variant")),
    "documents": (Document, ("source", "name", "presentation", "copies", "holder_body", "note", "variant")),
    "grounds": (Ground, ("kind", "text", *CITATION, "variant")),
    "fees": (
        Fee,
        (
            "name",
            "amount",
            "applicant_category",
            "exemptions",
            "valid_from",
            "valid_to",
            *CITATION,
            "variant",
        ),
    ),
    "indicators": (QualityIndicator, ("kind", "name", "comparison", "target_value", "unit", "variant")),
    "forms": (StandardForm, ("kind", "title", "file_name", "sha256", "variant")),
}
ROW_NOT_EXCHANGED = frozenset({"id", "edition", "order", "name_key", "file"})
VARIANT_FIELDS = (
    "code",
    "name",
    "description",
    "deadline_value",
    "deadline_unit",
    "deadline_day_type",
    "deadline_start_event",
)
BODY_FIELDS = (
    "full_name",
    "short_name",
    "level",
    "region",
    "oktmo",
    "ogrn",
    "inn",
    "address",
    "phone",
    "email",
    "website",
    "working_hours",
)
ACT_FIELDS = (
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

MONEY = Decimal("0.01")


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(MONEY)


def act_key(act: LegalAct) -> ActKey:
    return (act.kind, act.number, act.date.isoformat())


def act_record(act: LegalAct) -> dict[str, Any]:
    return {name: getattr(act, name) for name in ACT_FIELDS}


def body_record(body: ProviderBody) -> dict[str, Any]:
    values = {name: getattr(body, name) for name in BODY_FIELDS if name != "region"}
    values["region"] = body.region.code if body.region_id else ""
    return values


def body_key(body: dict[str, Any]) -> tuple[str, str]:
    return ("ogrn", body["ogrn"]) if body.get("ogrn") else ("name", body["full_name"])


def file_digest(form: StandardForm, *, with_content: bool) -> tuple[str, bytes | None]:
    """The SHA-256 of a form's file and, when asked, its bytes ("" when the file is missing)."""
    try:
        with form.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):
        return "", None
    return hashlib.sha256(content).hexdigest(), content if with_content else None


def export_editions_prefetch(editions: QuerySet[Edition], to_attr: str) -> Prefetch:
    """The editions of services with every row an exchange record needs, per chunk of services."""
    return Prefetch(
        "editions",
        queryset=editions.select_related("amending_act").prefetch_related(
            Prefetch("results", queryset=Result.objects.select_related("variant")),
            Prefetch("legal_bases", queryset=LegalBasis.objects.select_related("act", "variant")),
            Prefetch("documents", queryset=Document.objects.select_related("variant")),
            Prefetch("grounds", queryset=Ground.objects.select_related("act", "variant")),
            Prefetch("fees", queryset=Fee.objects.select_related("act", "variant", "applicant_category")),
            Prefetch("indicators", queryset=QualityIndicator.objects.select_related("variant")),
            Prefetch("forms", queryset=StandardForm.objects.select_related("variant")),
            Prefetch("variants", queryset=Variant.objects.prefetch_related("attribute_values__attribute")),
            Prefetch("applicant_attributes", queryset=ApplicantAttribute.objects.prefetch_related("values")),
            "payment_methods",
            "applicant_categories",
            "submission_channels",
            "result_delivery_channels",
        ),
        to_attr=to_attr,
    )


def _codes(items: Iterable[Any]) -> list[str]:
    return sorted(item.code for item in items)


def _row_values(row: Any, fields: tuple[str, ...], *, with_content: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in fields:
        if name == "variant":
            values[name] = row.variant.code if row.variant_id else ""
        elif name == "act":
            values[name] = act_key(row.act) if row.act_id else None
        elif name == "applicant_category":
            values[name] = row.applicant_category.code if row.applicant_category_id else ""
        elif name in ("amount", "target_value"):
            values[name] = money(getattr(row, name))
        elif name == "file_name":
            values[name] = row.file.name.rsplit("/", 1)[-1] if row.file else ""
        elif name == "sha256":
            values[name], values["content"] = file_digest(row, with_content=with_content)
        else:
            values[name] = getattr(row, name)
    return values


def edition_record(service: Service, edition: Edition, *, with_content: bool = False) -> dict[str, Any]:
    """The record of a service and one of its editions, its rows prefetched
    (``export_editions_prefetch``); with_content reads the forms' files for the XML."""
    values: dict[str, Any] = {name: getattr(edition, name) for name in EDITION_SCALARS}
    values["effective_date"] = edition.effective_date
    values["amending_act"] = act_key(edition.amending_act) if edition.amending_act_id else None
    values["change_note"] = edition.change_note
    values["number"] = edition.number
    values["status"] = edition.status
    for name in EDITION_CHOICES:
        values[name] = _codes(getattr(edition, name).all())
    record: dict[str, Any] = {
        "registry_number": service.registry_number,
        "level": service.level,
        "under_single_standard": service.under_single_standard,
        "categories": _codes(service.categories.all()),
        "body": body_record(service.provider),
        "edition": values,
        "attributes": [
            {
                "code": attribute.code,
                "question": attribute.question,
                "values": [{"code": value.code, "label": value.label} for value in attribute.values.all()],
            }
            for attribute in edition.applicant_attributes.all()
        ],
        "variants": [
            {
                **{name: getattr(variant, name) for name in VARIANT_FIELDS},
                "selected_by": sorted(
                    (value.attribute.code, value.code) for value in variant.attribute_values.all()
                ),
            }
            for variant in edition.variants.all()
        ],
    }
    for section, (_model, fields) in ROW_SECTIONS.items():
        record[section] = [
            _row_values(row, fields, with_content=with_content) for row in getattr(edition, section).all()
        ]
    return record


def cited_acts(record: dict[str, Any]) -> set[ActKey]:
    keys = {record["edition"]["amending_act"]}
    for section in ("legal_bases", "grounds", "fees"):
        keys.update(row["act"] for row in record[section])
    keys.discard(None)
    return keys


def comparable(record: dict[str, Any], *, include_forms: bool = True) -> dict[str, Any]:
    """What decides "unchanged": the standard's content and the edition's own metadata, not
    this registry's numbering, statuses, file bytes (their digest counts) or file locations."""
    edition = {name: value for name, value in record["edition"].items() if name not in ("number", "status")}
    result = {
        "level": record["level"],
        "under_single_standard": record["under_single_standard"],
        "edition": edition,
        "attributes": record["attributes"],
        "variants": record["variants"],
    }
    for section in ROW_SECTIONS:
        if section == "forms":
            if include_forms:
                result[section] = [
                    {
                        "kind": row["kind"],
                        "title": row["title"],
                        "sha256": row["sha256"],
                        "variant": row["variant"],
                    }
                    for row in record[section]
                ]
            continue
        result[section] = record[section]
    return result


def parse_date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)
