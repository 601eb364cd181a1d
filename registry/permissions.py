"""Who may do what to which service or edition.

Each function answers one question for one user; the workflow services call them and
refuse, views call them to decide what to show. ``None`` as the user is the system itself
(the scheduled publication command, data loaders): it may do everything, and its audit
events have no actor. Roles are memberships (registry.models.access):

- official of a body: creates services and drafts of its body, edits and submits drafts;
- reviewer of a body: rejects, approves and publishes editions of its body, withdraws and
  restores its services; never approves or publishes an edition it authored (four eyes);
- administrator (a superuser or the administrator role): everything, anywhere;
- anyone, anonymous included: reads published and superseded editions;
- inspector of a body (mystery-shopper audits): audits that body's offices; an inspector without
  a body audits the offices of every body. A draft audit is seen by its inspector only (the
  check is unannounced); a submitted one also by the officials and reviewers of the office's
  body, who answer its findings with corrective actions. Administrators may do both.

An edition's authors are the user who created it and every user who edited or submitted it
(the audit trail records them); any of them is refused the approval and the publication.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import (
    BODY_ROLES,
    FROZEN_STATUSES,
    Audit,
    AuditEvent,
    AuditEventKind,
    Edition,
    Membership,
    Office,
    ProviderBody,
    Role,
    Service,
)

User = Any  # an AUTH_USER_MODEL instance, AnonymousUser, or None for the system

AUTHORING_EVENTS = (AuditEventKind.CREATED, AuditEventKind.EDITED, AuditEventKind.SUBMITTED)


class Action(models.TextChoices):
    VIEW = "view", _("просматривать")
    CREATE_SERVICE = "create_service", _("создавать услуги")
    CREATE_DRAFT = "create_draft", _("создавать черновики")
    EDIT = "edit", _("редактировать черновик")
    SUBMIT = "submit", _("отправлять на согласование")
    REJECT = "reject", _("возвращать на доработку")
    APPROVE = "approve", _("утверждать")
    PUBLISH = "publish", _("публиковать")
    WITHDRAW = "withdraw", _("исключать услугу из реестра и восстанавливать её")


def is_system(user: User) -> bool:
    return user is None


def is_signed_in(user: User) -> bool:
    if user is None or isinstance(user, AnonymousUser):
        return False
    return user.is_authenticated and user.is_active


def is_administrator(user: User) -> bool:
    if is_system(user):
        return True
    if not is_signed_in(user):
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()


def body_ids_with_role(user: User, *roles: str) -> set[int]:
    """The bodies in which the user holds one of the roles (any body role when none is given)."""
    if not is_signed_in(user):
        return set()
    # Not "any membership": an inspector of a body audits its offices, it does not work on its
    # services (its drafts stay hidden from it).
    memberships = Membership.objects.filter(user=user, body__isnull=False, role__in=roles or BODY_ROLES)
    return set(memberships.values_list("body_id", flat=True))


def has_role_in(user: User, body: ProviderBody | int, *roles: str) -> bool:
    body_id = body.pk if isinstance(body, ProviderBody) else body
    if not is_signed_in(user):
        return False
    return Membership.objects.filter(user=user, body_id=body_id, role__in=roles).exists()


def is_staff_of(user: User, body: ProviderBody | int) -> bool:
    return has_role_in(user, body, Role.OFFICIAL, Role.REVIEWER)


def is_author(user: User, edition: Edition) -> bool:
    """Whether the user created, edited or submitted the edition (four-eyes rule)."""
    if not is_signed_in(user):
        return False
    if edition.created_by_id == user.pk:
        return True
    return AuditEvent.objects.filter(edition=edition, actor=user, kind__in=AUTHORING_EVENTS).exists()


def has_public_edition(service: Service) -> bool:
    return service.editions.filter(status__in=FROZEN_STATUSES).exists()


def can_view_service(user: User, service: Service) -> bool:
    return is_administrator(user) or is_staff_of(user, service.provider_id) or has_public_edition(service)


def can_view_edition(user: User, edition: Edition) -> bool:
    """Published and superseded editions are public; open ones only to their body and admins.

    A scheduled edition (approved, effective later) is not public before it takes effect.
    """
    if edition.status in FROZEN_STATUSES:
        return True
    return is_administrator(user) or is_staff_of(user, edition.service.provider_id)


def can_create_service(user: User, body: ProviderBody) -> bool:
    return is_administrator(user) or has_role_in(user, body, Role.OFFICIAL)


def can_create_draft(user: User, service: Service) -> bool:
    return is_administrator(user) or has_role_in(user, service.provider_id, Role.OFFICIAL)


def can_edit_edition(user: User, edition: Edition) -> bool:
    return is_administrator(user) or has_role_in(user, edition.service.provider_id, Role.OFFICIAL)


def can_submit_edition(user: User, edition: Edition) -> bool:
    return is_administrator(user) or has_role_in(user, edition.service.provider_id, Role.OFFICIAL)


def can_reject_edition(user: User, edition: Edition) -> bool:
    return is_administrator(user) or has_role_in(user, edition.service.provider_id, Role.REVIEWER)


def can_approve_edition(user: User, edition: Edition) -> bool:
    if is_administrator(user):
        return True
    return has_role_in(user, edition.service.provider_id, Role.REVIEWER) and not is_author(user, edition)


def can_publish_edition(user: User, edition: Edition) -> bool:
    return can_approve_edition(user, edition)


def can_withdraw_service(user: User, service: Service) -> bool:
    return is_administrator(user) or has_role_in(user, service.provider_id, Role.REVIEWER)


ALL_BODIES = None


def inspected_body_ids(user: User) -> set[int] | None:
    """The bodies whose offices the user may audit: ``ALL_BODIES`` (None) for a registry-wide
    inspector and an administrator, an empty set for anyone who is no inspector."""
    if is_administrator(user):
        return ALL_BODIES
    if not is_signed_in(user):
        return set()
    memberships = list(
        Membership.objects.filter(user=user, role=Role.INSPECTOR).values_list("body_id", flat=True)
    )
    if None in memberships:
        return ALL_BODIES
    return set(memberships)


def is_inspector(user: User) -> bool:
    scope = inspected_body_ids(user)
    return scope is ALL_BODIES or bool(scope)


def can_audit_office(user: User, office: Office) -> bool:
    scope = inspected_body_ids(user)
    return scope is ALL_BODIES or office.body_id in scope


def can_edit_audit(user: User, audit: Audit) -> bool:
    """A draft is completed by its own inspector, while the office is still in the inspector's scope."""
    if not is_signed_in(user) or not audit.is_draft:
        return is_system(user) and audit.is_draft
    return audit.inspector_id == user.pk and can_audit_office(user, audit.office)


def can_view_audit(user: User, audit: Audit) -> bool:
    if is_administrator(user):
        return True
    if not is_signed_in(user):
        return False
    if audit.is_draft:
        return audit.inspector_id == user.pk
    return can_audit_office(user, audit.office) or has_role_in(user, audit.office.body_id, *BODY_ROLES)


def can_answer_findings(user: User, audit: Audit) -> bool:
    """Officials and reviewers of the audited office's body answer its findings."""
    if audit.is_draft:
        return False
    return is_administrator(user) or has_role_in(user, audit.office.body_id, *BODY_ROLES)


def _service_of(target: Service | Edition) -> Service:
    return target if isinstance(target, Service) else target.service


def _view(user: User, target: Service | Edition) -> bool:
    if isinstance(target, Edition):
        return can_view_edition(user, target)
    return can_view_service(user, target)


CHECKS: dict[str, Callable[[User, Any], bool]] = {
    Action.VIEW: _view,
    Action.CREATE_SERVICE: lambda user, target: can_create_service(
        user, target if isinstance(target, ProviderBody) else _service_of(target).provider
    ),
    Action.CREATE_DRAFT: lambda user, target: can_create_draft(user, _service_of(target)),
    Action.EDIT: can_edit_edition,
    Action.SUBMIT: can_submit_edition,
    Action.REJECT: can_reject_edition,
    Action.APPROVE: can_approve_edition,
    Action.PUBLISH: can_publish_edition,
    Action.WITHDRAW: lambda user, target: can_withdraw_service(user, _service_of(target)),
}


def can(user: User, action: str, target: Any) -> bool:
    """``can(user, Action.APPROVE, edition)``: the same answers as the functions above."""
    return CHECKS[action](user, target)
