"""Writes of mystery-shopper audits: start one (its checklist generated from the edition in
force), record the inspector's answers, submit it (score and findings), and the body's answers
to its findings.

How a row's answer is decided (``computed_answer``):

- an answered row (premises, stand, МФЦ …): the inspector's answer;
- a queue row: measured minutes ≤ the maximum of item 10 → met, above → not met; nothing
  measured → not checked;
- the registration row: with a term in minutes, measured minutes ≤ the term → met; with a term
  in days (the same day, the next working day, N working days) a request registered during the
  visit is within it → met whenever a time was measured; nothing measured → the inspector's
  answer (a receipt dated later can still show the term kept or missed);
- the documents row: not checked while no document is ticked and no other document is named;
  otherwise not met when the staff asked for any document beyond the exhaustive list of item 6
  (the free-text field) or for a document the body obtains itself through inter-agency
  interaction; met otherwise;
- a criterion of № 1284: 4 or 5 → met, 1 to 3 → not met, no score → not checked.

The score of an audit (``registry.models.audits.score_of``) is the share of met rows among the
checked ones (met or not met), in per cent to one decimal; rows not checked count for nothing.
An audit where nothing was checked cannot be submitted.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.audits.checklist import generate_checklist
from registry.models import (
    FROZEN_STATUSES,
    Answer,
    Audit,
    AuditItem,
    AuditKind,
    AuditStatus,
    CheckKind,
    DocumentSource,
    Edition,
    Finding,
    FindingStatus,
    Office,
    Service,
)
from registry.models.audits import score_of
from registry.permissions import can_answer_findings, can_audit_office, can_edit_audit

# A criterion scored 4 or 5 is met, as «хорошо» and «отлично» count as satisfied in «Ваш контроль».
RATING_MET_FROM = 4


@dataclass
class ItemInput:
    """What the inspector entered for one row; ``None`` leaves a value as it is."""

    answer: str | None = None
    note: str | None = None
    measured_minutes: int | None = None
    documents_asked: list[str] | None = None
    other_documents: str | None = None
    rating: int | None = None
    photo: UploadedFile | None = None
    remove_photo: bool = False


def computed_answer(item: AuditItem) -> str | None:
    """The answer that follows from what was measured, or None when the inspector's answer stands."""
    if item.check_kind == CheckKind.MINUTES:
        if item.measured_minutes is None:
            return Answer.NOT_CHECKED if item.statutory_item == 10 else None
        if item.limit_minutes is None:
            return Answer.MET
        return Answer.MET if item.measured_minutes <= item.limit_minutes else Answer.NOT_MET
    if item.check_kind == CheckKind.DOCUMENTS:
        if not item.documents_asked and not item.other_documents.strip():
            return Answer.NOT_CHECKED
        return Answer.NOT_MET if documents_beyond_list(item) else Answer.MET
    if item.check_kind == CheckKind.RATING:
        if item.rating is None:
            return Answer.NOT_CHECKED
        return Answer.MET if item.rating >= RATING_MET_FROM else Answer.NOT_MET
    return None


def documents_beyond_list(item: AuditItem) -> list[str]:
    """The documents asked for that the applicant need not bring: those named outside the
    exhaustive list, and those of the list the body requests itself (inter-agency)."""
    interagency = {
        document["name"]
        for document in item.allowed_documents
        if document["source"] == DocumentSource.INTERAGENCY
    }
    beyond = [name for name in item.documents_asked if name in interagency]
    beyond.extend(line.strip() for line in item.other_documents.splitlines() if line.strip())
    return beyond


def edition_in_force_on(service: Service, day: datetime.date) -> Edition | None:
    """The edition in force on ``day``: the published or superseded one that took effect last on
    or before it (an audit entered the day after the visit is checked against that day's standard)."""
    return (
        Edition.objects.filter(service=service, status__in=FROZEN_STATUSES, effective_date__lte=day)
        .order_by("-effective_date", "-number")
        .first()
    )


@transaction.atomic
def audit_start(
    *, office: Office, service: Service, inspector, kind: str, visited_at: datetime.datetime
) -> Audit:
    """A draft audit of ``service`` in ``office``, its checklist from the edition in force on the
    day of the visit."""
    if not can_audit_office(inspector, office):
        raise PermissionDenied(_("Вы не можете проверять офисы органа «%(body)s».") % {"body": office.body})
    errors = {}
    if kind not in AuditKind.values:
        errors["kind"] = ValidationError(_("Выберите вид проверки: визит или звонок."), code="audit_kind")
    if not office.services.filter(pk=service.pk).exists():
        errors["service"] = ValidationError(
            _("Услуга «%(service)s» не предоставляется в офисе «%(office)s»."),
            code="service_not_in_office",
            params={"service": service.registry_number, "office": office.name},
        )
    if visited_at > timezone.now():
        errors["visited_at"] = ValidationError(
            _("Дата и время проверки не могут быть позже текущего момента."), code="visited_in_future"
        )
    edition = edition_in_force_on(service, timezone.localdate(visited_at))
    if edition is None and "service" not in errors:
        errors["service"] = ValidationError(
            _("У услуги «%(service)s» в день проверки не было действующей редакции стандарта."),
            code="no_edition_in_force",
            params={"service": service.registry_number},
        )
    if errors:
        raise ValidationError(errors)
    audit = Audit.objects.create(
        office=office, service=service, edition=edition, inspector=inspector, kind=kind, visited_at=visited_at
    )
    AuditItem.objects.bulk_create(
        AuditItem(
            audit=audit,
            order=order,
            code=row.code,
            group=row.group,
            requirement=row.requirement,
            statutory_item=row.statutory_item,
            basis=row.basis,
            check_kind=row.check_kind,
            limit_minutes=row.limit_minutes,
            allowed_documents=row.allowed_documents,
        )
        for order, row in enumerate(generate_checklist(edition, office, kind=kind), start=1)
    )
    return audit


@transaction.atomic
def audit_record(*, audit: Audit, actor, inputs: dict[int, ItemInput]) -> Audit:
    """Store the inspector's entries for the rows (by row id) of a draft audit."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if not can_edit_audit(actor, audit):
        raise PermissionDenied(
            _("Эту проверку изменять нельзя: она отправлена или проводится другим проверяющим.")
        )
    items = {item.pk: item for item in audit.items.all()}
    unknown = set(inputs) - set(items)
    if unknown:
        raise ValidationError(
            _("В проверке нет пунктов с номерами %(ids)s."),
            code="item_unknown",
            params={"ids": ", ".join(str(pk) for pk in sorted(unknown))},
        )
    for item_id, entry in inputs.items():
        item = items[item_id]
        _apply(item, entry)
        item.full_clean(exclude=["audit", "photo"])
        item.save()
    return audit


def _apply(item: AuditItem, entry: ItemInput) -> None:
    if entry.note is not None:
        item.note = entry.note.strip()
    if item.check_kind == CheckKind.MINUTES:
        item.measured_minutes = entry.measured_minutes
    if item.check_kind == CheckKind.DOCUMENTS:
        allowed = {document["name"] for document in item.allowed_documents}
        asked = entry.documents_asked or []
        strangers = [name for name in asked if name not in allowed]
        if strangers:
            raise ValidationError(
                _("Пункт «%(item)s»: документа «%(name)s» нет в исчерпывающем перечне."),
                code="document_not_listed",
                params={"item": item.requirement, "name": strangers[0]},
            )
        item.documents_asked = [
            document["name"] for document in item.allowed_documents if document["name"] in asked
        ]
        item.other_documents = (entry.other_documents or "").strip()
    if item.check_kind == CheckKind.RATING:
        item.rating = entry.rating
    if entry.remove_photo and item.photo:
        item.photo.delete(save=False)
        item.photo = ""
    if entry.photo is not None:
        if item.photo:
            item.photo.delete(save=False)
        item.photo = entry.photo
    answer = computed_answer(item)
    if answer is None:
        if entry.answer is not None:
            if entry.answer not in Answer.values:
                raise ValidationError(
                    _("Пункт «%(item)s»: выберите «соблюдено», «не соблюдено» или «не проверялось»."),
                    code="answer_invalid",
                    params={"item": item.requirement},
                )
            item.answer = entry.answer
    else:
        item.answer = answer


@transaction.atomic
def audit_submit(*, audit: Audit, actor) -> Audit:
    """Finalise a draft: its score, and a finding for every row not met."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if not can_edit_audit(actor, audit):
        raise PermissionDenied(
            _("Эту проверку отправить нельзя: она уже отправлена или проводится другим проверяющим.")
        )
    items = list(audit.items.all())
    checked = [item for item in items if item.answer != Answer.NOT_CHECKED]
    if not checked:
        raise ValidationError(
            _("Ни один пункт не проверен: отметьте результат хотя бы одного пункта перед отправкой."),
            code="nothing_checked",
        )
    met = sum(1 for item in checked if item.answer == Answer.MET)
    audit.checked_count = len(checked)
    audit.met_count = met
    audit.score = score_of(met, len(checked))
    audit.status = AuditStatus.SUBMITTED
    audit.submitted_at = timezone.now()
    audit.save(update_fields=["checked_count", "met_count", "score", "status", "submitted_at"])
    Finding.objects.bulk_create(
        Finding(audit=audit, item=item) for item in checked if item.answer == Answer.NOT_MET
    )
    return audit


@transaction.atomic
def finding_answer(*, finding: Finding, actor, corrective_action: str, due_date: datetime.date) -> Finding:
    """The body's corrective action for a finding, and the date by which it will be done."""
    finding = Finding.objects.select_for_update().select_related("audit__office").get(pk=finding.pk)
    if not can_answer_findings(actor, finding.audit):
        raise PermissionDenied(_("Отвечать на нарушения может только должностное лицо проверенного органа."))
    errors = {}
    if finding.status == FindingStatus.DONE:
        errors["corrective_action"] = ValidationError(
            _("Мера уже отмечена выполненной: её нельзя изменить."), code="finding_done"
        )
    if not (corrective_action or "").strip():
        errors["corrective_action"] = ValidationError(
            _("Опишите корректирующую меру."), code="corrective_action_missing"
        )
    if due_date is None:
        errors["due_date"] = ValidationError(_("Укажите срок выполнения меры."), code="due_date_missing")
    elif due_date < timezone.localdate(finding.audit.visited_at):
        errors["due_date"] = ValidationError(
            _("Срок выполнения меры не может быть раньше даты проверки (%(date)s)."),
            code="due_date_before_audit",
            params={"date": timezone.localdate(finding.audit.visited_at).strftime("%d.%m.%Y")},
        )
    if errors:
        raise ValidationError(errors)
    finding.corrective_action = corrective_action.strip()
    finding.due_date = due_date
    finding.status = FindingStatus.PLANNED
    finding.answered_by = actor
    finding.answered_at = timezone.now()
    finding.full_clean(exclude=["audit", "item"])
    finding.save(update_fields=["corrective_action", "due_date", "status", "answered_by", "answered_at"])
    return finding


@transaction.atomic
def finding_mark_done(*, finding: Finding, actor) -> Finding:
    finding = Finding.objects.select_for_update().select_related("audit__office").get(pk=finding.pk)
    if not can_answer_findings(actor, finding.audit):
        raise PermissionDenied(
            _("Отмечать выполнение мер может только должностное лицо проверенного органа.")
        )
    if finding.status != FindingStatus.PLANNED:
        raise ValidationError(
            _("Сначала укажите корректирующую меру и срок её выполнения, затем отметьте её выполненной.")
            if finding.status == FindingStatus.OPEN
            else _("Мера уже отмечена выполненной."),
            code="finding_not_planned",
        )
    finding.status = FindingStatus.DONE
    finding.done_by = actor
    finding.done_at = timezone.now()
    finding.save(update_fields=["status", "done_by", "done_at"])
    return finding
