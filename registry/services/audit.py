"""Writing the audit trail: one event per change, in the caller's transaction."""

from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from registry.models import AuditEvent, Edition, Service
from registry.permissions import User, is_signed_in


def audit_value(value: Any) -> Any:
    """A value as the audit trail stores it: model instances by primary key, files by name,
    lists of instances as sorted keys; dates and decimals are encoded by the JSON field."""
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset, models.QuerySet)):
        items = [audit_value(item) for item in value]
        return sorted(items, key=str)
    return value


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose values differ."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = audit_value(before.get(name)), audit_value(after.get(name))
        if old != new:
            changes[name] = [old, new]
    return changes


def audit_record(
    *,
    kind: str,
    service: Service,
    actor: User,
    edition: Edition | None = None,
    changes: dict[str, list[Any]] | None = None,
    comment: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        service=service,
        edition=edition,
        actor=actor if is_signed_in(actor) else None,
        kind=kind,
        changes=changes or {},
        comment=comment,
    )
