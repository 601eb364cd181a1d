"""Preconditions shared by the workflow services: visibility, roles, status."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from registry.models import Edition, EditionStatus, Service
from registry.permissions import User, can_view_edition, can_view_service
from registry.services.errors import ActionForbidden, InvalidTransition, NotVisible

OFFICIAL_OR_ADMIN = _("должностное лицо органа «%(body)s» или администратор реестра")
REVIEWER_OR_ADMIN = _("согласующий органа «%(body)s» или администратор реестра")


def lock_edition(edition: Edition | int) -> Edition:
    """The edition as stored, its row locked until the transaction ends (PostgreSQL)."""
    pk = edition.pk if isinstance(edition, Edition) else edition
    return (
        Edition.objects.select_for_update(of=("self",))
        .select_related("service__provider", "amending_act")
        .get(pk=pk)
    )


def lock_service(service: Service | int) -> Service:
    pk = service.pk if isinstance(service, Service) else service
    return Service.objects.select_for_update(of=("self",)).select_related("provider").get(pk=pk)


def require_visible_edition(actor: User, edition: Edition) -> None:
    if not can_view_edition(actor, edition):
        raise NotVisible()


def require_visible_service(actor: User, service: Service) -> None:
    if not can_view_service(actor, service):
        raise NotVisible()


def require_role(allowed: bool, *, action: str, who: str, service: Service) -> None:
    if not allowed:
        raise ActionForbidden(
            params={"action": action, "who": str(who) % {"body": service.provider}},
        )


def require_status(edition: Edition, allowed: Iterable[str], *, action: str) -> None:
    allowed = tuple(allowed)
    if edition.status not in allowed:
        raise InvalidTransition(
            params={
                "action": action,
                "number": edition.number,
                "status": edition.get_status_display(),
                "allowed": ", ".join(f"«{EditionStatus(status).label}»" for status in allowed),
            }
        )
