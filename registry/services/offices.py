"""Writes of the bodies' offices (where services are delivered): the exchange's import calls
``office_save``; the admin edits them through its own forms."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from registry.exchange.records import OFFICE_FIELDS
from registry.models import Office, ProviderBody, Service
from registry.permissions import User, can_create_service
from registry.services.checks import OFFICIAL_OR_ADMIN
from registry.services.errors import ActionForbidden


def office_save(
    *,
    actor: User,
    body: ProviderBody,
    values: dict[str, Any],
    services: Iterable[Service],
    office: Office | None = None,
) -> Office:
    """Create the body's office (``office`` None) or change ``office``: its fields and exactly
    these services. An official of the body or an administrator (the system, for loaders).
    The services must be the body's own: an office delivers what its body provides."""
    services = list(services)
    with transaction.atomic():
        if not can_create_service(actor, body):
            raise ActionForbidden(
                params={"action": _("менять офисы органа"), "who": str(OFFICIAL_OR_ADMIN) % {"body": body}}
            )
        if office is None:
            office = Office(body=body)
        elif office.body_id != body.pk:
            raise ValueError("the office belongs to another body")
        for name in OFFICE_FIELDS:
            setattr(office, name, values[name])
        foreign = [service for service in services if service.provider_id != body.pk]
        if foreign:
            raise ActionForbidden(
                params={
                    "action": _("указывать в офисе услугу %(number)s")
                    % {"number": foreign[0].registry_number},
                    "who": str(_("орган, который её предоставляет")),
                }
            )
        # The unique (body, code) is the caller's match key; the database checks it again.
        office.full_clean(exclude=["body", "services"], validate_unique=False, validate_constraints=False)
        office.save()
        office.services.set(services)
    return office
