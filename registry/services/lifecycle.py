"""The lifecycle of an edition: draft → submitted → approved → published → superseded.

Every status change of an edition happens here, each in one transaction with its audit
event; the models refuse status changes made anywhere else (``status_transition``)."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.catalogue.search import catalogue_entries_refresh
from registry.exchange.changes import record_publication
from registry.models import AuditEventKind, Edition, EditionStatus, Role, Service, status_transition
from registry.permissions import (
    User,
    can_approve_edition,
    can_create_draft,
    can_publish_edition,
    can_reject_edition,
    can_submit_edition,
    has_role_in,
    is_author,
    is_signed_in,
)
from registry.services.audit import audit_record, field_changes
from registry.services.checks import (
    OFFICIAL_OR_ADMIN,
    REVIEWER_OR_ADMIN,
    lock_edition,
    lock_service,
    require_role,
    require_status,
    require_visible_edition,
    require_visible_service,
)
from registry.services.copying import edition_copy
from registry.services.errors import (
    AmendmentNotNamed,
    ApprovalRefused,
    CommentRequired,
    EffectiveDateBeforeCurrent,
    FourEyesViolation,
    OpenEditionExists,
    PublicationRefused,
    ServiceWithdrawn,
    SubmissionRefused,
    WorkflowError,
)


def format_date(value: datetime.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def service_withdrawn_error(service: Service) -> ServiceWithdrawn:
    return ServiceWithdrawn(
        params={"date": format_date(service.withdrawn_on), "reason": service.withdrawal_reason}
    )


def _transition(
    edition: Edition,
    status: str,
    *,
    actor: User,
    kind: str,
    comment: str = "",
    fields: dict[str, Any] | None = None,
    earlier: dict[str, Any] | None = None,
) -> Edition:
    """Set the status (and the given fields), save only those columns, record the event.

    ``earlier`` holds values changed earlier in the same action, for the audit event."""
    fields = fields or {}
    before = {"status": edition.status, **{name: getattr(edition, name) for name in fields}}
    edition.status = status
    for name, value in fields.items():
        setattr(edition, name, value)
    update_fields = ["status", *fields]
    if status != EditionStatus.SUPERSEDED:
        # A published edition changes in nothing but its status and superseded_at.
        update_fields.append("updated_at")
    with status_transition():
        edition.save(update_fields=update_fields)
    before.update(earlier or {})
    after = {"status": status, **fields, **{name: getattr(edition, name) for name in earlier or {}}}
    audit_record(
        kind=kind,
        service=edition.service,
        edition=edition,
        actor=actor,
        changes=field_changes(before, after),
        comment=comment,
    )
    return edition


def edition_create_draft(*, service: Service, actor: User) -> Edition:
    """A new open edition: the first one, empty, or a full copy of the current edition."""
    with transaction.atomic():
        service = lock_service(service)
        require_visible_service(actor, service)
        require_role(
            can_create_draft(actor, service),
            action=_("создавать черновики редакций"),
            who=OFFICIAL_OR_ADMIN,
            service=service,
        )
        if service.is_withdrawn:
            raise service_withdrawn_error(service)
        open_edition = service.editions.open().first()
        if open_edition is not None:
            raise OpenEditionExists(
                params={"number": open_edition.number, "status": open_edition.get_status_display()}
            )
        number = (service.editions.aggregate(highest=Max("number"))["highest"] or 0) + 1
        author = actor if is_signed_in(actor) else None
        current = service.editions.published().first()
        if current is None:
            draft = Edition.objects.create(service=service, number=number, created_by=author)
            comment = ""
        else:
            draft = edition_copy(source=current, number=number, created_by=author)
            comment = str(_("Копия действующей редакции № %(number)s.") % {"number": current.number})
        audit_record(
            kind=AuditEventKind.CREATED,
            service=service,
            edition=draft,
            actor=actor,
            changes={"number": [None, number]},
            comment=comment,
        )
        return draft


def edition_submit(*, edition: Edition, actor: User, comment: str = "") -> Edition:
    with transaction.atomic():
        edition = lock_edition(edition)
        require_visible_edition(actor, edition)
        require_role(
            can_submit_edition(actor, edition),
            action=_("отправлять редакцию на согласование"),
            who=OFFICIAL_OR_ADMIN,
            service=edition.service,
        )
        require_status(edition, [EditionStatus.DRAFT], action=_("отправить на согласование"))
        # The draft as stored, on its entered effective date (today when it has none).
        _require_valid(edition, SubmissionRefused, params={"number": edition.number})
        return _transition(
            edition, EditionStatus.SUBMITTED, actor=actor, kind=AuditEventKind.SUBMITTED, comment=comment
        )


def edition_reject(*, edition: Edition, actor: User, comment: str) -> Edition:
    """Back to draft with the reviewer's comments; also cancels an approval or a schedule."""
    with transaction.atomic():
        edition = lock_edition(edition)
        require_visible_edition(actor, edition)
        require_role(
            can_reject_edition(actor, edition),
            action=_("возвращать редакцию на доработку"),
            who=REVIEWER_OR_ADMIN,
            service=edition.service,
        )
        require_status(
            edition, [EditionStatus.SUBMITTED, EditionStatus.APPROVED], action=_("вернуть на доработку")
        )
        if not (comment or "").strip():
            raise CommentRequired()
        return _transition(
            edition,
            EditionStatus.DRAFT,
            actor=actor,
            kind=AuditEventKind.REJECTED,
            comment=comment.strip(),
            fields={"scheduled_at": None},
        )


def _require_second_pair_of_eyes(actor: User, edition: Edition, *, allowed: bool, action: str) -> None:
    if allowed:
        return
    if has_role_in(actor, edition.service.provider_id, Role.REVIEWER) and is_author(actor, edition):
        raise FourEyesViolation(params={"number": edition.number, "action": action})
    require_role(False, action=action, who=REVIEWER_OR_ADMIN, service=edition.service)


def edition_approve(
    *, edition: Edition, actor: User, comment: str = "", effective_date: datetime.date | None = None
) -> Edition:
    """Approve a submitted edition for the date it takes effect on.

    The date is the given one, else the one entered in the draft, else today: an approved
    edition always has its effective date, and the validator is run again on that date (a
    cited act may have been repealed since submission), refusing with its errors
    (ApprovalRefused.findings) and changing nothing."""
    with transaction.atomic():
        edition = lock_edition(edition)
        require_visible_edition(actor, edition)
        _require_second_pair_of_eyes(
            actor, edition, allowed=can_approve_edition(actor, edition), action=str(_("утверждать редакцию"))
        )
        require_status(edition, [EditionStatus.SUBMITTED], action=_("утвердить"))
        date = effective_date or edition.effective_date or timezone.localdate()
        old_date = edition.effective_date
        _require_not_before_current(edition, date)
        _store_effective_date(edition, date)
        _require_valid(edition, ApprovalRefused, params={"number": edition.number, "date": format_date(date)})
        return _transition(
            edition,
            EditionStatus.APPROVED,
            actor=actor,
            kind=AuditEventKind.APPROVED,
            comment=comment,
            earlier={"effective_date": old_date},
        )


def _require_valid(edition: Edition, refusal: type[PublicationRefused], *, params: dict[str, Any]) -> None:
    """Run the publication validator on the edition as stored; its errors refuse the action."""
    from registry.validation import validate_edition

    report = validate_edition(edition)
    if report.errors:
        raise refusal(findings=report.errors, params=params)


def _require_not_before_current(edition: Edition, effective_date: datetime.date) -> Edition | None:
    """The published edition this one replaces (locked), refusing a date earlier than its."""
    current = (
        Edition.objects.select_for_update(of=("self",))
        .filter(service=edition.service, status=EditionStatus.PUBLISHED)
        .exclude(pk=edition.pk)
        .first()
    )
    if current is not None and current.effective_date and effective_date < current.effective_date:
        raise EffectiveDateBeforeCurrent(
            params={
                "date": format_date(effective_date),
                "current_number": current.number,
                "current_date": format_date(current.effective_date),
            }
        )
    return current


def _store_effective_date(edition: Edition, effective_date: datetime.date) -> None:
    """Stored before validating: the validator checks the cited acts on that date. The caller's
    transaction rolls the date back when anything after it refuses."""
    if edition.effective_date != effective_date:
        edition.effective_date = effective_date
        edition.save(update_fields=["effective_date", "updated_at"])


def _check_publishable(edition: Edition, effective_date: datetime.date) -> Edition | None:
    """Refuse unless the edition may take effect on the date; returns the edition it replaces."""
    service = edition.service
    if service.is_withdrawn:
        raise service_withdrawn_error(service)
    if edition.number > 1 and not edition.amending_act_id and not edition.change_note.strip():
        raise AmendmentNotNamed(params={"number": edition.number})
    current = _require_not_before_current(edition, effective_date)
    _store_effective_date(edition, effective_date)
    _require_valid(edition, PublicationRefused, params={"number": edition.number})
    return current


def _make_current(
    edition: Edition,
    *,
    replaces: Edition | None,
    actor: User,
    earlier_date: datetime.date | None,
    comment: str = "",
) -> Edition:
    now = timezone.now()
    if replaces is not None:
        # The previous edition leaves first: a service has one published edition at a time.
        _transition(
            replaces,
            EditionStatus.SUPERSEDED,
            actor=actor,
            kind=AuditEventKind.SUPERSEDED,
            comment=str(_("Вступила в силу редакция № %(number)s.") % {"number": edition.number}),
            fields={"superseded_at": now},
        )
    published = _transition(
        edition,
        EditionStatus.PUBLISHED,
        actor=actor,
        kind=AuditEventKind.PUBLISHED,
        comment=comment,
        fields={"published_at": now},
        earlier={"effective_date": earlier_date},
    )
    record_publication(edition=published, replaces=replaces)
    catalogue_entries_refresh(service_ids=[published.service_id])
    return published


def edition_publish(*, edition: Edition, actor: User, effective_date: datetime.date | None = None) -> Edition:
    """Publish an approved edition, or schedule it when it takes effect later.

    The effective date is the given one, else the one entered in the draft, else today.
    Today or earlier: the edition becomes the current one now and the previous one is
    superseded. Later: it stays approved, scheduled, and ``editions_publish_due`` makes it
    current on that date. Runs the publication validator inside the transaction and refuses
    with its errors (PublicationRefused.findings)."""
    with transaction.atomic():
        edition = lock_edition(edition)
        require_visible_edition(actor, edition)
        _require_second_pair_of_eyes(
            actor, edition, allowed=can_publish_edition(actor, edition), action=str(_("публиковать редакцию"))
        )
        require_status(edition, [EditionStatus.APPROVED], action=_("опубликовать"))
        today = timezone.localdate()
        date = effective_date or edition.effective_date or today
        old_date = edition.effective_date
        replaces = _check_publishable(edition, date)
        if date <= today:
            return _make_current(edition, replaces=replaces, actor=actor, earlier_date=old_date)
        edition.scheduled_at = timezone.now()
        edition.save(update_fields=["scheduled_at", "updated_at"])
        audit_record(
            kind=AuditEventKind.SCHEDULED,
            service=edition.service,
            edition=edition,
            actor=actor,
            changes=field_changes({"effective_date": old_date}, {"effective_date": date}),
        )
        return edition


@dataclass
class PublicationRun:
    """What a run of the scheduled publication did."""

    published: list[Edition] = field(default_factory=list)
    failed: list[tuple[Edition, WorkflowError]] = field(default_factory=list)


def editions_publish_due(*, today: datetime.date) -> PublicationRun:
    """Make current every scheduled edition whose effective date has come (cron).

    Each edition in its own transaction: one that the validator now refuses (say, a cited
    act was repealed meanwhile) stays scheduled and is reported, the others take effect."""
    run = PublicationRun()
    due = (
        Edition.objects.filter(
            status=EditionStatus.APPROVED, scheduled_at__isnull=False, effective_date__lte=today
        )
        .order_by("effective_date", "service_id", "number")
        .values_list("pk", flat=True)
    )
    for pk in list(due):
        try:
            with transaction.atomic():
                edition = lock_edition(pk)
                if not edition.is_scheduled or edition.effective_date > today:
                    continue
                replaces = _check_publishable(edition, edition.effective_date)
                _make_current(
                    edition,
                    replaces=replaces,
                    actor=None,
                    earlier_date=edition.effective_date,
                    comment=str(_("Вступила в силу по графику публикации.")),
                )
        except WorkflowError as error:
            run.failed.append((Edition.objects.select_related("service").get(pk=pk), error))
        else:
            run.published.append(edition)
    return run
