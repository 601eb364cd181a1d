"""Text the exchange cannot carry: a character XML 1.0 does not admit, or text longer than an
Excel cell. The validators refuse it at entry; what was stored before them is found here, named
the way an official finds it (service, edition, section, row, field), so that an export stops
with that name instead of lxml's ValueError halfway through the file or openpyxl's silent cut,
and the publication validator (``edition.text_not_exchangeable``) refuses to publish a draft
that still holds it."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from registry.exchange.records import EDITION_SCALARS, ROW_SECTIONS, VARIANT_FIELDS, row_values
from registry.exchange.selectors import ExportRequestError
from registry.models import (
    ApplicantAttribute,
    AttributeValue,
    Edition,
    EditionStatus,
    ProviderBody,
    Service,
    Variant,
)
from registry.validators import EXCEL_CELL_MAX_CHARS, NOT_EXCHANGEABLE, exchangeable_text_error
from regulations.models import LegalAct

TOO_LONG = "text_too_long"
# Columns of a row that name another row rather than hold its own text: a variant is checked in
# its own list, a cited act and a fee's applicant category apart; a form's digest is computed.
ROW_REFERENCES = frozenset({"variant", "act", "applicant_category", "sha256"})
SECTION_MODELS: dict[str, type[models.Model]] = {
    "edition": Edition,
    "attributes": ApplicantAttribute,
    "attribute_values": AttributeValue,
    "variants": Variant,
    **{section: model for section, (model, _fields) in ROW_SECTIONS.items()},
}


def text_problem(value: object) -> str | None:
    """Why the exchange cannot carry ``value``, in Russian, or None (also for anything not a
    string). Cheap enough for a writer to call on every cell."""
    if not isinstance(value, str) or (
        len(value) <= EXCEL_CELL_MAX_CHARS and NOT_EXCHANGEABLE.search(value) is None
    ):
        return None
    return exchangeable_text_error(value).messages[0]


@dataclass(frozen=True)
class TextProblem:
    """Where in an exchange record a text is that the exchange cannot carry, and why.

    ``section`` is "edition" or a list of the record ("documents", "variants" …, and
    "attribute_values": the answers of every question in order, as the Excel sheet lists
    them); ``row`` counts from 1 in that list (None for the edition's own fields)."""

    section: str
    row: int | None
    field: str
    code: str
    message: str


def _problems(section: str, row: int | None, values: dict[str, Any]) -> Iterator[TextProblem]:
    for name, value in values.items():
        if text_problem(value) is not None:
            error = exchangeable_text_error(value)
            yield TextProblem(section, row, name, error.code, error.messages[0])


def record_text_problems(record: dict[str, Any]) -> Iterator[TextProblem]:
    """Every text of a record (``records.edition_record`` / ``chunk_records``) that the exchange
    cannot carry; its body is an element of its own in both formats and is checked apart."""
    yield from _problems("edition", None, record["edition"])
    answers = 0
    for row, attribute in enumerate(record["attributes"], start=1):
        yield from _problems("attributes", row, {"question": attribute["question"]})
        for value in attribute["values"]:
            answers += 1
            yield from _problems("attribute_values", answers, {"label": value["label"]})
    for row, variant in enumerate(record["variants"], start=1):
        yield from _problems("variants", row, {name: variant[name] for name in VARIANT_FIELDS})
    for section in ROW_SECTIONS:
        for row, values in enumerate(record[section], start=1):
            yield from _problems(section, row, values)


def edition_text_problems(edition: Edition) -> Iterator[tuple[TextProblem, models.Model]]:
    """The problems ``record_text_problems`` finds in the record of ``edition`` (same sections,
    rows and fields), each with the model row it is in (the edition for its own fields), read
    from the edition and its rows without building the record: no form file is read, and with
    the rows prefetched (the publication validator's ``edition_for_validation``) no query is
    made. A row's references (``ROW_REFERENCES``) are not its text: the record would repeat a
    variant's code in every row of that variant."""

    def found(
        section: str, row: int | None, owner: models.Model, values: dict[str, Any]
    ) -> Iterator[tuple[TextProblem, models.Model]]:
        return ((problem, owner) for problem in _problems(section, row, values))

    own = {name: getattr(edition, name) for name in (*EDITION_SCALARS, "change_note")}
    yield from found("edition", None, edition, own)
    answers = 0
    for row, attribute in enumerate(edition.applicant_attributes.all(), start=1):
        yield from found("attributes", row, attribute, {"question": attribute.question})
        for value in attribute.values.all():
            answers += 1
            yield from found("attribute_values", answers, value, {"label": value.label})
    for row, variant in enumerate(edition.variants.all(), start=1):
        yield from found("variants", row, variant, {name: getattr(variant, name) for name in VARIANT_FIELDS})
    for section, (_model, fields) in ROW_SECTIONS.items():
        text_fields = tuple(name for name in fields if name not in ROW_REFERENCES)
        for row, item in enumerate(getattr(edition, section).all(), start=1):
            yield from found(section, row, item, row_values(item, text_fields, with_content=False))


def _label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _shown(text: str) -> str:
    """A name for a message: without the characters at fault, and short."""
    text = NOT_EXCHANGEABLE.sub("�", text)
    return text if len(text) <= 80 else f"{text[:79]}…"


def problem_row(problem: TextProblem) -> str:
    """«раздел «Документы», строка 3»; "" for the edition's own fields."""
    if problem.row is None:
        return ""
    return _("раздел «%(section)s», строка %(row)s") % {
        "section": capfirst(SECTION_MODELS[problem.section]._meta.verbose_name_plural),
        "row": problem.row,
    }


def problem_place(problem: TextProblem) -> str:
    """«раздел «Документы», строка 3, поле «пояснение»», within its edition."""
    field = _("поле «%(field)s»") % {"field": _label(SECTION_MODELS[problem.section], problem.field)}
    row = problem_row(problem)
    return f"{row}, {field}" if row else field


def record_problem_place(record: dict[str, Any], problem: TextProblem) -> str:
    """«услуга 10000000648, редакция № 2 (черновик), раздел «Документы», строка 3, поле «пояснение»»."""
    edition = record["edition"]
    place = _("услуга %(number)s, редакция № %(edition)s (%(status)s)") % {
        "number": record["registry_number"],
        "edition": edition["number"],
        "status": str(EditionStatus(edition["status"]).label).lower(),
    }
    return f"{place}, {problem_place(problem)}"


Subject = dict[str, Any] | LegalAct | ProviderBody | Service


def text_problem_places(subject: Subject, *, include_length: bool = True) -> Iterator[tuple[str, str]]:
    """(where, why) for each text of an exchange record, a legal act, a body or a withdrawn
    service (its reason) that the exchange cannot carry. Without ``include_length`` only
    characters XML cannot carry count (an XML file holds long text)."""
    if isinstance(subject, dict):
        for problem in record_text_problems(subject):
            if include_length or problem.code != TOO_LONG:
                yield record_problem_place(subject, problem), problem.message
        return
    if isinstance(subject, LegalAct):
        owner = _("нормативный правовой акт «%(act)s» (№ %(pk)s в реестре)") % {
            "act": _shown(subject.title),
            "pk": subject.pk,
        }
        fields = ("number", "title", "short_title", "issuing_body", "source_url")
    elif isinstance(subject, ProviderBody):
        owner = _("орган «%(body)s»") % {"body": _shown(subject.short_name or subject.full_name)}
        fields = ("full_name", "short_name", "address", "phone", "email", "website", "working_hours")
    else:
        owner = _("услуга %(number)s") % {"number": subject.registry_number}
        fields = ("withdrawal_reason",)
    for name in fields:
        error = exchangeable_text_error(getattr(subject, name) or "")
        if error is not None and (include_length or error.code != TOO_LONG):
            place = _("%(owner)s, поле «%(field)s»") % {"owner": owner, "field": _label(type(subject), name)}
            yield place, error.messages[0]


class ExportTextError(ExportRequestError):
    """An export stopped at text it cannot carry (stored before the validators refused it)."""

    def __init__(self, place: str, problem: str) -> None:
        self.place = place
        self.problem = problem
        super().__init__(
            _(
                "Выгрузка не выполнена: %(place)s. %(problem)s Исправьте текст в реестре (в "
                "опубликованной редакции — новой редакцией); все такие места перечислит команда "
                "manage.py check_exchange_text."
            )
            % {"place": place, "problem": problem}
        )


def export_text_error(subject: Subject, *, include_length: bool = True) -> ExportTextError | None:
    """The error an export stops with at ``subject`` (a record, act, body or withdrawn service),
    or None when all its text can travel."""
    found = next(text_problem_places(subject, include_length=include_length), None)
    return None if found is None else ExportTextError(*found)
