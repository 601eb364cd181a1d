"""Services as registry entries: creating one, classifying it, withdrawing it from the catalogue,
restoring it."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from registry.catalogue.search import catalogue_entries_refresh
from registry.exchange.changes import record_restoration, record_withdrawal
from registry.models import WITHDRAWAL_FIELDS, AuditEventKind, Category, EditionStatus, ProviderBody, Service
from registry.permissions import User, can_create_service, can_withdraw_service
from registry.services.audit import audit_record, field_changes
from registry.services.checks import (
    OFFICIAL_OR_ADMIN,
    REVIEWER_OR_ADMIN,
    lock_service,
    require_role,
    require_visible_service,
)
from registry.services.errors import ScheduledEditionPending, ServiceNotWithdrawn, WithdrawalIncomplete
from registry.services.lifecycle import format_date, service_withdrawn_error


def service_create(
    *,
    actor: User,
    provider: ProviderBody,
    level: str | None = None,
    registry_number: str = "",
    under_single_standard: bool = False,
    categories: Iterable[Category] = (),
) -> Service:
    """A new service of the body; its number is assigned unless given. No edition yet:
    ``edition_create_draft`` starts the first one."""
    with transaction.atomic():
        service = Service(
            provider=provider,
            level=level or provider.level,
            registry_number=registry_number,
            under_single_standard=under_single_standard,
        )
        require_role(
            can_create_service(actor, provider),
            action=_("создавать услуги органа"),
            who=OFFICIAL_OR_ADMIN,
            service=service,
        )
        service.full_clean(exclude=["registry_number"] if not registry_number else None)
        service.save()
        categories = list(categories)
        service.categories.set(categories)
        audit_record(
            kind=AuditEventKind.CREATED,
            service=service,
            actor=actor,
            changes=field_changes(
                {},
                {
                    "registry_number": service.registry_number,
                    "provider": provider,
                    "level": service.level,
                    "under_single_standard": under_single_standard,
                    "categories": categories,
                },
            ),
        )
        return service


def service_categories_set(*, service: Service, actor: User, categories: Iterable[Category]) -> Service:
    """Put the service under these categories and life situations (the catalogue's
    classification, not statutory content: it takes effect at once, without a new edition)."""
    with transaction.atomic():
        service = lock_service(service)
        require_visible_service(actor, service)
        require_role(
            can_create_service(actor, service.provider),
            action=_("менять категории услуг органа"),
            who=OFFICIAL_OR_ADMIN,
            service=service,
        )
        categories = sorted(set(categories), key=lambda category: category.code)
        before = sorted(service.categories.all(), key=lambda category: category.code)
        if before == categories:
            return service
        service.categories.set(categories)
        audit_record(
            kind=AuditEventKind.EDITED,
            service=service,
            actor=actor,
            changes=field_changes({"categories": before}, {"categories": categories}),
        )
        return service


def service_withdraw(*, service: Service, actor: User, reason: str, date: datetime.date) -> Service:
    """Withdraw the service from the catalogue, publicly, with a reason and a date.

    Its editions stay readable; none is prepared or published while it is withdrawn. A
    withdrawal dated in the future keeps the service in the catalogue until that date."""
    with transaction.atomic():
        service = lock_service(service)
        require_visible_service(actor, service)
        require_role(
            can_withdraw_service(actor, service),
            action=_("исключать услугу из реестра"),
            who=REVIEWER_OR_ADMIN,
            service=service,
        )
        if service.is_withdrawn:
            raise service_withdrawn_error(service)
        reason = (reason or "").strip()
        if not reason or date is None:
            raise WithdrawalIncomplete()
        scheduled = service.editions.filter(status=EditionStatus.APPROVED, scheduled_at__isnull=False).first()
        if scheduled is not None:
            raise ScheduledEditionPending(
                params={"number": scheduled.number, "date": format_date(scheduled.effective_date)}
            )
        service = _set_withdrawal(
            service, actor, (True, date, reason), kind=AuditEventKind.WITHDRAWN, comment=reason
        )
        record_withdrawal(service=service)
        catalogue_entries_refresh(service_ids=[service.pk])
        return service


def service_restore(*, service: Service, actor: User, comment: str = "") -> Service:
    """Return a withdrawn service to the catalogue; its current edition is shown again."""
    with transaction.atomic():
        service = lock_service(service)
        require_visible_service(actor, service)
        require_role(
            can_withdraw_service(actor, service),
            action=_("восстанавливать услугу в реестре"),
            who=REVIEWER_OR_ADMIN,
            service=service,
        )
        if not service.is_withdrawn:
            raise ServiceNotWithdrawn()
        service = _set_withdrawal(
            service, actor, (False, None, ""), kind=AuditEventKind.RESTORED, comment=(comment or "").strip()
        )
        record_restoration(service=service)
        catalogue_entries_refresh(service_ids=[service.pk])
        return service


def _set_withdrawal(service: Service, actor: User, values: tuple, *, kind: str, comment: str) -> Service:
    before = {name: getattr(service, name) for name in WITHDRAWAL_FIELDS}
    after = dict(zip(WITHDRAWAL_FIELDS, values, strict=True))
    for name, value in after.items():
        setattr(service, name, value)
    service.save(update_fields=list(WITHDRAWAL_FIELDS))
    audit_record(
        kind=kind, service=service, actor=actor, changes=field_changes(before, after), comment=comment
    )
    return service
