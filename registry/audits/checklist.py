"""The checklist of a mystery-shopper audit, generated from the edition of the standard in force.

The standard is the benchmark: every row checks something the edition itself promises
(210-FZ art. 14 part 1), so a new edition changes the next audit's checklist.

A visit gets, in this order:

- ``premises.N``: each sentence of the premises requirements (item 12);
- ``access.<field>``: each accessibility measure the edition declares (item 12) — the ramp,
  the parking, Braille … (its description, sentence by sentence, when no measure is ticked);
- ``stand.documents``, ``stand.term``, ``stand.fee``: the information stand shows the exhaustive
  list of documents (item 6), the term (item 4) and the fee (item 9);
- ``documents.asked``: the documents the staff asked for against the exhaustive list (item 6):
  a document beyond the list, or one the body must request itself through inter-agency
  interaction (the applicant only *may* bring it, 210-FZ art. 7 part 1 item 2), is a violation;
- ``queue.submission`` and ``queue.receipt``: the measured queue wait against the maximum
  (item 10), when the edition states it;
- ``registration``: the time until the request was registered, against item 11;
- ``mfc.accepts``: in an МФЦ office, when the edition says the service is available in МФЦ
  (item 14), the office accepts the request;
- ``criteria.<criterion>``: the five criteria of Постановление Правительства РФ № 1284, scored
  from 1 to 5.

A call checks what a call can: the documents named over the phone and the criteria of
politeness and of the availability of information.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from registry.models import (
    AuditKind,
    CheckKind,
    DocumentSource,
    Edition,
    ItemGroup,
    Office,
    RegistrationTerm,
)

STATUTE = "210-ФЗ, ст. 14 ч. 1 п. %(item)s"
RESOLUTION_1284 = "Постановление Правительства РФ № 1284"

# The accessibility measures an edition declares (item 12), in the order the editor shows them.
ACCESS_FIELDS = (
    "access_ramp",
    "access_parking",
    "access_braille",
    "access_sign_language",
    "access_guide_dog",
    "access_assistance",
    "access_audio_visual",
)


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    visit_only: bool


def criteria() -> tuple[Criterion, ...]:
    """Постановление № 1284, п. 3 of its rules: the five criteria of the applicants' rating."""
    return (
        Criterion("term", _("Время предоставления услуги"), True),
        Criterion("queue", _("Время ожидания в очереди"), True),
        Criterion("politeness", _("Вежливость и компетентность сотрудника"), False),
        Criterion("comfort", _("Комфортность условий в помещении"), True),
        Criterion("information", _("Доступность информации о порядке предоставления услуги"), False),
    )


@dataclass
class ChecklistRow:
    code: str
    group: str
    requirement: str
    basis: str
    check_kind: str = CheckKind.ANSWER
    statutory_item: int | None = None
    limit_minutes: int | None = None
    allowed_documents: list[dict] = field(default_factory=list)


SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[«\"(A-ZА-ЯЁ])")


def sentences(text: str) -> list[str]:
    """The requirements of a text, one a sentence, without the closing full stop."""
    parts = (part.strip().rstrip(".;").strip() for part in SENTENCE_END.split(text or ""))
    return [part for part in parts if part]


def statute(item: int) -> str:
    return STATUTE % {"item": item}


def generate_checklist(
    edition: Edition, office: Office, *, kind: str = AuditKind.VISIT
) -> list[ChecklistRow]:
    """The rows of an audit of ``office`` against ``edition`` (the edition in force)."""
    visit = kind == AuditKind.VISIT
    rows: list[ChecklistRow] = []
    if visit:
        rows.extend(_premises_rows(edition))
        rows.extend(_accessibility_rows(edition))
        rows.extend(_stand_rows(edition))
    rows.append(_documents_row(edition, visit))
    if visit:
        rows.extend(_queue_rows(edition))
        registration = _registration_row(edition)
        if registration is not None:
            rows.append(registration)
        if office.is_mfc and edition.available_in_mfc:
            rows.append(
                ChecklistRow(
                    "mfc.accepts",
                    ItemGroup.MFC,
                    _("Запрос на предоставление услуги принимается в этом офисе МФЦ"),
                    statute(14),
                    statutory_item=14,
                )
            )
    for criterion in criteria():
        if visit or not criterion.visit_only:
            rows.append(
                ChecklistRow(
                    f"criteria.{criterion.code}",
                    ItemGroup.CRITERIA,
                    criterion.label,
                    RESOLUTION_1284,
                    check_kind=CheckKind.RATING,
                )
            )
    return rows


def _premises_rows(edition: Edition) -> list[ChecklistRow]:
    return [
        ChecklistRow(f"premises.{number}", ItemGroup.PREMISES, text, statute(12), statutory_item=12)
        for number, text in enumerate(sentences(edition.premises_requirements), start=1)
    ]


def _accessibility_rows(edition: Edition) -> list[ChecklistRow]:
    declared = [name for name in ACCESS_FIELDS if getattr(edition, name)]
    if declared:
        return [
            ChecklistRow(
                f"access.{name.removeprefix('access_')}",
                ItemGroup.ACCESSIBILITY,
                _("Для инвалидов обеспечено: %(measure)s")
                % {"measure": Edition._meta.get_field(name).verbose_name},
                statute(12),
                statutory_item=12,
            )
            for name in declared
        ]
    return [
        ChecklistRow(f"access.text.{number}", ItemGroup.ACCESSIBILITY, text, statute(12), statutory_item=12)
        for number, text in enumerate(sentences(edition.accessibility_requirements), start=1)
    ]


def _allowed_documents(edition: Edition) -> list[dict]:
    # Common documents and those of every variant: the inspector applies for one variant, and
    # which one the staff chose is not known in advance.
    documents = edition.documents.exclude(name="").order_by("source", "order", "id")
    seen: set[str] = set()
    allowed = []
    for document in documents:
        if document.name_key in seen:
            continue
        seen.add(document.name_key)
        allowed.append({"name": document.name, "source": document.source})
    return allowed


def _stand_rows(edition: Edition) -> list[ChecklistRow]:
    count = edition.documents.exclude(name="").count()
    rows = [
        ChecklistRow(
            "stand.documents",
            ItemGroup.INFORMATION,
            _(
                "На информационном стенде размещён исчерпывающий перечень документов для получения "
                "услуги (в стандарте — документов: %(count)s)"
            )
            % {"count": count},
            statute(6),
            statutory_item=6,
        )
    ]
    if edition.deadline_display():
        rows.append(
            ChecklistRow(
                "stand.term",
                ItemGroup.INFORMATION,
                _("На стенде указан срок предоставления услуги: %(term)s")
                % {"term": edition.deadline_display()},
                statute(4),
                statutory_item=4,
            )
        )
    if edition.is_free is not None:
        fee = _("услуга бесплатна") if edition.is_free else _("размеры платы и способы её внесения")
        rows.append(
            ChecklistRow(
                "stand.fee",
                ItemGroup.INFORMATION,
                _("На стенде указана плата за услугу: %(fee)s") % {"fee": fee},
                statute(9),
                statutory_item=9,
            )
        )
    return rows


def _documents_row(edition: Edition, visit: bool) -> ChecklistRow:
    allowed = _allowed_documents(edition)
    own = sum(1 for document in allowed if document["source"] == DocumentSource.APPLICANT)
    requirement = (
        _(
            "Сотрудник запросил только документы из исчерпывающего перечня, которые заявитель "
            "представляет сам (%(own)s из %(all)s), и не потребовал документов, которые орган "
            "получает по межведомственному запросу"
        )
        if visit
        else _(
            "По телефону названы только документы из исчерпывающего перечня, которые заявитель "
            "представляет сам (%(own)s из %(all)s)"
        )
    )
    return ChecklistRow(
        "documents.asked",
        ItemGroup.DOCUMENTS,
        requirement % {"own": own, "all": len(allowed)},
        statute(6),
        check_kind=CheckKind.DOCUMENTS,
        statutory_item=6,
        allowed_documents=allowed,
    )


def _queue_rows(edition: Edition) -> list[ChecklistRow]:
    rows = []
    for code, limit, label in (
        (
            "queue.submission",
            edition.queue_wait_minutes_submission,
            _("Ожидание в очереди при подаче запроса — не более %(limit)s мин."),
        ),
        (
            "queue.receipt",
            edition.queue_wait_minutes_receipt,
            _("Ожидание в очереди при получении результата — не более %(limit)s мин."),
        ),
    ):
        if limit is not None:
            rows.append(
                ChecklistRow(
                    code,
                    ItemGroup.QUEUE,
                    label % {"limit": limit},
                    statute(10),
                    check_kind=CheckKind.MINUTES,
                    statutory_item=10,
                    limit_minutes=limit,
                )
            )
    return rows


def _registration_row(edition: Edition) -> ChecklistRow | None:
    term = edition.registration_term
    if not term:
        return None
    if term == RegistrationTerm.MINUTES and edition.registration_term_value:
        limit = edition.registration_term_value
        text = _("Запрос зарегистрирован в течение %(limit)s мин.") % {"limit": limit}
    elif term == RegistrationTerm.WORKING_DAYS and edition.registration_term_value:
        limit = None
        text = _("Запрос зарегистрирован в течение %(n)s рабочих дней") % {
            "n": edition.registration_term_value
        }
    else:
        limit = None
        text = _("Запрос зарегистрирован %(term)s") % {"term": edition.get_registration_term_display()}
    return ChecklistRow(
        "registration",
        ItemGroup.REGISTRATION,
        text,
        statute(11),
        check_kind=CheckKind.MINUTES,
        statutory_item=11,
        limit_minutes=limit,
    )
