"""The exchange record: everything the registry holds about one service's standard, as plain
values, independent of the file format.

The XML and Excel writers turn records into files and the readers turn files back into
records; the importer compares a record with the one built from the database to decide
created / updated / unchanged. Field lists are checked against the models by the tests, so a
column added to a section later cannot be dropped from the exchange without a failing test.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models import Exists, F, Lookup, ManyToManyField, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from registry.exchange.report import ImportProblem, Location
from registry.models import (
    ApplicantAttribute,
    ApplicantCategory,
    Document,
    Edition,
    EditionStatus,
    Fee,
    Ground,
    LegalBasis,
    Office,
    ProviderBody,
    QualityIndicator,
    Result,
    Service,
    StandardForm,
    Variant,
)
from regulations.models import LegalAct

# Services read per chunk by the exports: a chunk costs 16 queries whatever its size, and its
# records stay in memory while it is written (2 000 services: ~20 MB more than 500, and 10 %
# faster at 100 000 services).
EXPORT_CHUNK_SIZE = getattr(settings, "REGISTRY_EXPORT_CHUNK_SIZE", 2000)

# (kind, number, date) — how a legal act is recognised in another registry.
ActKey = tuple[str, str, str]

# Edition columns that describe the standard (every statutory section) or the edition itself.
EDITION_META = ("effective_date", "amending_act", "change_note")
EDITION_SCALARS = (
    "full_name",
    "short_name",
    "deadline_kind",
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
    "online_application_url",
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
    "deadline_kind",
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


def with_superior(bodies: dict[str, dict[str, Any]], ref: str) -> dict[str, Any] | None:
    """The file's body ``ref`` with its superior's values under ``parent`` (and theirs, up the
    chain), as the importer creates them; a reference to no body of the file, or a loop, ends
    the chain."""
    chain: list[str] = []
    while ref in bodies and ref not in chain:
        chain.append(ref)
        ref = bodies[ref].get("parent") or ""
    superior = None
    for name in reversed(chain):
        superior = {**bodies[name], "parent": superior}
    return superior


def superior_problems(bodies: dict[str, dict[str, Any]], places: dict[str, Location]) -> list[ImportProblem]:
    """A body whose superior is not a body of the file, or is the body itself."""
    problems = []
    for ref, values in bodies.items():
        superior = values.get("parent") or ""
        if superior and (superior not in bodies or superior == ref):
            problems.append(
                ImportProblem(
                    _("Вышестоящий орган «%(parent)s» органа «%(body)s» не найден среди органов файла.")
                    % {"parent": superior, "body": values["full_name"]},
                    places[ref],
                )
            )
    return problems


# A body's values that its model's field validators check (check digits, codes, addresses): an
# error is the body's, reported where the body is written in the file, not at each service.
BODY_CHECKED_FIELDS = ("ogrn", "inn", "oktmo", "email", "website")


def body_field_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for each value of a file's body that the registry would refuse."""
    problems = []
    for name in BODY_CHECKED_FIELDS:
        value = values.get(name)
        if not value:
            continue
        try:
            ProviderBody._meta.get_field(name).run_validators(value)
        except ValidationError as error:
            problems.extend((name, message) for message in error.messages)
    return problems


def refers_to_refused_body(bodies: dict[str, dict[str, Any]], refused: set[str], ref: str) -> bool:
    """Whether the body ``ref`` or a superior up its chain was refused (its error is reported at
    the body): the services of that body are not read further."""
    seen: set[str] = set()
    while ref and ref not in seen:
        if ref in refused:
            return True
        seen.add(ref)
        ref = (bodies.get(ref) or {}).get("parent") or ""
    return False


def body_key(body: dict[str, Any]) -> tuple[str, str]:
    return ("ogrn", body["ogrn"]) if body.get("ogrn") else ("name", body["full_name"])


# An office of a body (a reception, an МФЦ office): matched by (body, code); ``services`` are the
# registry numbers of the services delivered there, in ascending order (the file's order does
# not matter: two lists of the same numbers are the same office).
OFFICE_FIELDS = ("code", "name", "address", "oktmo", "is_mfc", "working_hours")


def office_record(office: Office, services: Iterable[str]) -> dict[str, Any]:
    return {**{name: getattr(office, name) for name in OFFICE_FIELDS}, "services": sorted(services)}


def published_edition() -> Exists:
    """Whether a service has a published edition: a published export lists an office's services
    of this kind only (a service never published is not public, not even its number), and the
    import keeps an office's links to the others, which such a file cannot show."""
    return Exists(Edition.objects.filter(service_id=OuterRef("pk"), status=EditionStatus.PUBLISHED))


def office_field_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for each value of a file's office that the registry would refuse: an
    empty code, name or address, a wrong OKTMO, text too long; the message names the field."""
    office = Office(**{name: values[name] for name in OFFICE_FIELDS})
    try:
        office.clean_fields(exclude=["body", "services"])
    except ValidationError as error:
        problems = []
        for name, messages in error.message_dict.items():
            label = str(Office._meta.get_field(name).verbose_name)
            problems.extend((name, f"{label[:1].upper()}{label[1:]}: {message}") for message in messages)
        return problems
    return []


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


def row_values(row: Any, fields: tuple[str, ...], *, with_content: bool) -> dict[str, Any]:
    """A model row's ``fields`` as the record holds them (codes for references, act keys, money
    quantized; a form's file as its name and digest)."""
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
            row_values(row, fields, with_content=with_content) for row in getattr(edition, section).all()
        ]
    return record


# The bulk path of the exports: one values_list() query per table per chunk of services instead
# of a prefetch, which clones a queryset and builds model objects for every service and relation.
# A row's variant, applicant category and cited act come as ids, turned into codes and act keys
# here (``Lookups``), not joined to every row: the joins were a third of the server's time on the
# row tables, and their extra columns as many Python objects to build per row.


class Lookups:
    """Act keys and applicant category codes by id, for the records of one export or import.

    Every act and category is read once, at the first chunk that needs them (two small
    queries: a registry cites hundreds of acts, not millions); an id not known then (an act
    an import has just created) is read when it is first met. Sections carry the codes of
    their variants themselves: a chunk reads its editions' variants anyway."""

    def __init__(self) -> None:
        self.acts: dict[int, ActKey] | None = None
        self.categories: dict[int, str] | None = None

    def load(self) -> None:
        if self.acts is None:
            self.acts = {}
            self._add_acts(LegalAct.objects.all())
            self.categories = dict(ApplicantCategory.objects.values_list("id", "code"))

    def _add_acts(self, acts: QuerySet[LegalAct]) -> None:
        assert self.acts is not None
        for pk, kind, number, date in acts.values_list("id", "kind", "number", "date"):
            self.acts[pk] = (kind, number, date.isoformat())

    def act(self, pk: int | None) -> ActKey | None:
        if pk is None:
            return None
        assert self.acts is not None
        if pk not in self.acts:
            self._add_acts(LegalAct.objects.filter(pk=pk))
        return self.acts[pk]

    def category(self, pk: int | None) -> str:
        if pk is None:
            return ""
        assert self.categories is not None
        if pk not in self.categories:
            self.categories.update(ApplicantCategory.objects.filter(pk=pk).values_list("id", "code"))
        return self.categories[pk]


@dataclass(slots=True)
class ServiceRow:
    """What a record needs of a service (``chunk_records`` takes these or Service objects)."""

    pk: int
    registry_number: str
    level: str
    provider_id: int
    under_single_standard: bool
    provider: ProviderBody | None = None


ServiceLike = TypeVar("ServiceLike", Service, ServiceRow)


def service_rows(ids: Sequence[int]) -> list[ServiceRow]:
    """The services of ``ids``, in that order."""
    found = {
        row[0]: ServiceRow(*row)
        for row in Service.objects.filter(_of("id", ids)).values_list(
            "id", "registry_number", "level", "provider_id", "under_single_standard"
        )
    }
    return [found[pk] for pk in ids if pk in found]


class AnyOf(Lookup):
    """``column IN ids`` for a chunk's ids. On PostgreSQL the ids travel as one array literal,
    written here (``= ANY(%s::bigint[])``, the parameter ``{1,2,3}``): Django's ``__in``
    prepares and places every id of every list one by one, which cost as much as running the
    queries, and psycopg2 adapting a list of 2 000 ints took 4.6 ms, against 0.03 ms for the
    query itself on an empty table — 16 such queries a chunk."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            # int() first: nothing but integers can reach the literal.
            literal = "{" + ",".join(map(str, map(int, self.rhs))) + "}"
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, literal)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)


def _of(column: str, ids: Sequence[int]) -> AnyOf:
    return AnyOf(F(column), ids)


def _column_names(fields: tuple[str, ...]) -> list[str]:
    """The values_list() columns of a section: one per record field, in the record's order (a
    variant, an applicant category and a cited act as their ids; a form's file gives both its
    name and its digest), then ``edition_id`` — so that a row's first columns zip straight into
    its record."""
    columns = []
    for name in fields:
        if name in ("variant", "applicant_category", "act"):
            columns.append(f"{name}_id")
        elif name == "file_name":
            columns.append("file")
        elif name != "sha256":
            columns.append(name)
    columns.append("edition_id")
    return columns


def _row_builder(
    fields: tuple[str, ...], variants: dict[int, str], lookups: Lookups, *, with_content: bool
) -> Any:
    """A function from a section's values_list() tuple (``_column_names``) to the dictionary
    ``row_values`` gives for the model row: the same keys in the same order. ``variants`` are
    the codes of the chunk's variants by id."""
    columns = _column_names(fields)
    at = {name: index for index, name in enumerate(columns)}
    if "file" not in at:
        # The common case: the first columns are the record's fields, as they are but for the
        # few converted in place (assigning to a key keeps its place in the dictionary).
        cited, category = "act" in fields, "applicant_category" in fields
        moneys = tuple(name for name in fields if name in ("amount", "target_value"))
        act, code = lookups.act, lookups.category

        def build(row: Sequence[Any]) -> dict[str, Any]:
            values = dict(zip(fields, row, strict=False))
            values["variant"] = variants.get(values["variant"], "")
            if cited:
                values["act"] = act(values["act"])
            if category:
                values["applicant_category"] = code(values["applicant_category"])
            for name in moneys:
                values[name] = money(values[name])
            return values

        return build

    def build_slowly(row: Sequence[Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in fields:
            if name == "variant":
                values[name] = variants.get(row[at["variant_id"]], "")
            elif name == "file_name":
                value = row[at["file"]]
                values[name] = value.rsplit("/", 1)[-1] if value else ""
            elif name == "sha256":
                form = StandardForm(file=row[at["file"]] or "")
                values[name], values["content"] = file_digest(form, with_content=with_content)
            else:
                values[name] = row[at[name]]
        return values

    return build_slowly


def _m2m_codes(field: ManyToManyField, owner_ids: Sequence[int]) -> dict[int, list[str]]:
    """The sorted codes of a many-to-many field's choices, by owner id.

    One query per field: as one UNION ALL the planner costed it high enough, at 100 000
    services, to start parallel workers (40 ms a chunk, for branches of 1 ms each)."""
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    codes: dict[int, list[str]] = defaultdict(list)
    pairs = through.objects.filter(_of(f"{source}_id", owner_ids)).values_list(
        f"{source}_id", f"{target}__code"
    )
    for owner_id, code in pairs:
        codes[owner_id].append(code)
    for values in codes.values():
        values.sort()
    return codes


def _grouped(rows: Iterable[Sequence[Any]], at: int = 0) -> dict[int, list[Sequence[Any]]]:
    """Rows by their column ``at`` (the edition or attribute id)."""
    groups: dict[int, list[Sequence[Any]]] = defaultdict(list)
    for row in rows:
        groups[row[at]].append(row)
    return groups


_EDITION_COLUMNS = (
    "id",
    "service_id",
    *EDITION_SCALARS,
    "effective_date",
    "amending_act_id",
    "change_note",
    "number",
    "status",
)
_SCALARS_AT = len(EDITION_SCALARS) + 2


def chunk_records(
    services: Sequence[ServiceLike],
    editions: QuerySet[Edition],
    *,
    with_content: bool = False,
    lookups: Lookups | None = None,
) -> Iterator[tuple[ServiceLike, dict[str, Any]]]:
    """The records of a chunk of services (their providers and regions at hand), each with the
    newest of its editions in ``editions``; services without one are skipped. The same records as
    ``edition_record`` gives, read with a fixed number of queries whatever the chunk's size.

    ``lookups`` are the act keys and category codes of the export or import the chunk is part
    of; without them, the chunk reads its own (two more queries)."""
    if not services:
        return
    service_ids = [service.pk for service in services]
    newest: dict[int, tuple[Any, ...]] = {}
    for row in (
        editions.filter(_of("service_id", service_ids))
        .order_by("service_id", "-number")
        .values_list(*_EDITION_COLUMNS)
    ):
        newest.setdefault(row[1], row)
    edition_ids = [row[0] for row in newest.values()]
    if not edition_ids:
        return
    lookups = lookups or Lookups()
    lookups.load()
    categories = _m2m_codes(Service._meta.get_field("categories"), service_ids)
    choices = {name: _m2m_codes(Edition._meta.get_field(name), edition_ids) for name in EDITION_CHOICES}
    sections = {}
    for section, (model, fields) in ROW_SECTIONS.items():
        columns = _column_names(fields)
        sections[section] = _grouped(
            model.objects.filter(_of("edition_id", edition_ids))
            .order_by("edition_id", "order", "id")
            .values_list(*columns),
            columns.index("edition_id"),
        )
    variant_codes: dict[int, str] = {}  # filled below, before the builders are used
    builders = {
        section: _row_builder(fields, variant_codes, lookups, with_content=with_content)
        for section, (_model, fields) in ROW_SECTIONS.items()
    }
    # Variants with the answers that select them, attributes with their values: one row per
    # pair (outer joins), so the rows of one variant or attribute are consecutive.
    variants: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    selected_by: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for edition_id, variant_id, *columns, attribute, value in (
        Variant.objects.filter(_of("edition_id", edition_ids))
        .order_by("edition_id", "order", "id")
        .values_list(
            "edition_id", "id", *VARIANT_FIELDS, "attribute_values__attribute__code", "attribute_values__code"
        )
    ):
        if variant_id not in selected_by:
            variants[edition_id].append((edition_id, variant_id, *columns))
            variant_codes[variant_id] = columns[0]
        selected = selected_by[variant_id]
        if value is not None:
            selected.append((attribute, value))
    attributes: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    attribute_values: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for edition_id, attribute_id, code, question, value, label in (
        ApplicantAttribute.objects.filter(_of("edition_id", edition_ids))
        .order_by("edition_id", "order", "id", "values__order", "values__id")
        .values_list("edition_id", "id", "code", "question", "values__code", "values__label")
    ):
        if attribute_id not in attribute_values:
            attributes[edition_id].append((edition_id, attribute_id, code, question))
        found = attribute_values[attribute_id]
        if value is not None:
            found.append((attribute_id, value, label))
    bodies: dict[int, dict[str, Any]] = {}
    for service in services:
        edition = newest.get(service.pk)
        if edition is None:
            continue
        edition_id = edition[0]
        values: dict[str, Any] = dict(zip(EDITION_SCALARS, edition[2:_SCALARS_AT], strict=True))
        values["effective_date"] = edition[_SCALARS_AT]
        values["amending_act"] = lookups.act(edition[_SCALARS_AT + 1])
        values["change_note"], values["number"], values["status"] = edition[_SCALARS_AT + 2 :]
        for name in EDITION_CHOICES:
            values[name] = choices[name].get(edition_id, [])
        if service.provider_id not in bodies:
            bodies[service.provider_id] = body_record(service.provider)
        record: dict[str, Any] = {
            "registry_number": service.registry_number,
            "level": service.level,
            "under_single_standard": service.under_single_standard,
            "categories": categories.get(service.pk, []),
            "body": dict(bodies[service.provider_id]),
            "edition": values,
            "attributes": [
                {
                    "code": code,
                    "question": question,
                    "values": [
                        {"code": value, "label": label} for _id, value, label in attribute_values.get(pk, [])
                    ],
                }
                for _edition, pk, code, question in attributes.get(edition_id, [])
            ],
            "variants": [
                {
                    **dict(zip(VARIANT_FIELDS, variant[2:], strict=True)),
                    "selected_by": sorted(selected_by.get(variant[1], [])),
                }
                for variant in variants.get(edition_id, [])
            ],
        }
        for section, build in builders.items():
            record[section] = [build(row) for row in sections[section].get(edition_id, [])]
        yield service, record


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
