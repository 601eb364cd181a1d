"""Editing a draft, with optimistic locking.

Every save names the ``lock_version`` the user started from. The version is bumped by a
conditional UPDATE … WHERE lock_version = expected; when another save got there first the
UPDATE touches no row, nothing is applied, and EditConflict carries both the refused input
and the stored values, so the form can show them side by side."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import AttributeValue, AuditEvent, AuditEventKind, Edition, EditionContent, EditionStatus
from registry.permissions import User, can_edit_edition
from registry.services.audit import audit_record, audit_value, field_changes
from registry.services.checks import OFFICIAL_OR_ADMIN, require_role, require_visible_edition
from registry.services.copying import WORKFLOW_FIELDS
from registry.services.errors import EditConflict, EditionNotEditable, RowNotInEdition, UnknownField

# What an official may set in a draft: every section, plus the edition's own amending act,
# change note and intended effective date; never the workflow columns.
DRAFT_EDITABLE_EXTRA = frozenset({"amending_act", "change_note", "effective_date"})


def editable_edition_fields() -> dict[str, models.Field]:
    fields = {
        field.name: field
        for field in [*Edition._meta.concrete_fields, *Edition._meta.many_to_many]
        if field.name not in WORKFLOW_FIELDS or field.name in DRAFT_EDITABLE_EXTRA
    }
    return fields


def _fetch_for_edit(edition: Edition | int, actor: User) -> Edition:
    pk = edition.pk if isinstance(edition, Edition) else edition
    current = Edition.objects.select_related("service__provider").get(pk=pk)
    require_visible_edition(actor, current)
    require_role(
        can_edit_edition(actor, current),
        action=_("изменять черновик"),
        who=OFFICIAL_OR_ADMIN,
        service=current.service,
    )
    if current.status != EditionStatus.DRAFT:
        raise EditionNotEditable(params={"number": current.number, "status": current.get_status_display()})
    return current


def _last_editor(edition: Edition) -> str:
    event = (
        AuditEvent.objects.filter(edition=edition, kind=AuditEventKind.EDITED)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None or event.actor is None:
        return str(_("система"))
    return event.actor.get_full_name() or event.actor.get_username()


def _conflict(edition_pk: int, refused: dict[str, Any], current_values: dict[str, Any]) -> Exception:
    """EditConflict, or EditionNotEditable when the draft was submitted meanwhile."""
    stored = Edition.objects.get(pk=edition_pk)
    if stored.status != EditionStatus.DRAFT:
        return EditionNotEditable(params={"number": stored.number, "status": stored.get_status_display()})
    return EditConflict(
        refused_changes=refused,
        current_values=current_values,
        current_version=stored.lock_version,
        params={"who": _last_editor(stored)},
    )


def _bump_version(edition: Edition, expected_version: int, **columns: Any) -> bool:
    """The conditional UPDATE: applies ``columns`` only if nobody saved since ``expected_version``."""
    updated = Edition.objects.filter(
        pk=edition.pk, lock_version=expected_version, status=EditionStatus.DRAFT
    ).update(lock_version=F("lock_version") + 1, updated_at=timezone.now(), **columns)
    if updated == 1:
        edition.lock_version = expected_version + 1
    return updated == 1


def _stored_values(edition: Edition, names: Iterable[str]) -> dict[str, Any]:
    fields = editable_edition_fields()
    values = {}
    for name in names:
        field_ = fields[name]
        if field_.many_to_many:
            values[name] = list(getattr(edition, name).all())
        else:
            values[name] = getattr(edition, name)
    return values


def edition_update(
    *, edition: Edition, actor: User, changes: Mapping[str, Any], expected_version: int
) -> Edition:
    """Change fields of a draft (many-to-many choices as lists). Returns the stored edition."""
    changes = dict(changes)
    fields = editable_edition_fields()
    unknown = sorted(set(changes) - set(fields))
    if unknown:
        raise UnknownField(params={"field": unknown[0]})
    with transaction.atomic():
        current = _fetch_for_edit(edition, actor)
        before = _stored_values(current, changes)
        if current.lock_version != expected_version:
            raise _conflict(current.pk, changes, before)
        scalar = {name: value for name, value in changes.items() if not fields[name].many_to_many}
        choices = {name: value for name, value in changes.items() if fields[name].many_to_many}
        for name, value in scalar.items():
            setattr(current, name, value)
        current.clean_fields(
            exclude=[field_.name for field_ in Edition._meta.fields if field_.name not in scalar]
        )
        current.clean()
        diff = field_changes(before, {**choices, **{name: getattr(current, name) for name in scalar}})
        if not diff:
            return current
        columns = {fields[name].attname: getattr(current, fields[name].attname) for name in scalar}
        if not _bump_version(current, expected_version, **columns):
            stored = Edition.objects.get(pk=current.pk)
            raise _conflict(current.pk, changes, _stored_values(stored, changes))
        for name, value in choices.items():
            getattr(current, name).set(value)
        audit_record(
            kind=AuditEventKind.EDITED, service=current.service, edition=current, actor=actor, changes=diff
        )
        current.refresh_from_db()
        return current


def row_snapshot(row: models.Model) -> dict[str, Any]:
    """A row's values for the audit trail."""
    values = {}
    for field_ in row._meta.concrete_fields:
        if field_.primary_key or field_.name in ("edition", "name_key"):
            continue
        values[field_.name] = audit_value(getattr(row, field_.attname))
    for field_ in row._meta.many_to_many:
        if row.pk is not None:
            values[field_.name] = audit_value(list(getattr(row, field_.name).all()))
    return values


def _row_edition_id(row: EditionContent) -> int | None:
    if isinstance(row, AttributeValue):
        return row.attribute.edition_id if row.attribute_id else None
    return row.edition_id


def _row_key(row: models.Model) -> str:
    return f"{row._meta.model_name}#{row.pk}"


def _split(model: type[models.Model], values: Mapping[str, Any]) -> tuple[dict, dict]:
    many = {field_.name for field_ in model._meta.many_to_many}
    scalar = {name: value for name, value in values.items() if name not in many}
    choices = {name: value for name, value in values.items() if name in many}
    return scalar, choices


@dataclass
class RowsUpdate:
    edition: Edition
    created: list[models.Model] = field(default_factory=list)


def edition_rows_update(
    *,
    edition: Edition,
    actor: User,
    expected_version: int,
    add: Sequence[tuple[type[EditionContent], Mapping[str, Any]]] = (),
    change: Sequence[tuple[EditionContent, Mapping[str, Any]]] = (),
    remove: Sequence[EditionContent] = (),
) -> RowsUpdate:
    """Add, change and remove rows of a draft's sections in one save (one version, one event).

    ``add`` pairs a row model with its values (the edition is set here), ``change`` a row with
    the changed values; many-to-many values (a variant's attribute values) are lists. Every
    row is validated with ``full_clean`` before it is written."""
    with transaction.atomic():
        current = _fetch_for_edit(edition, actor)
        nothing_to_do = not (add or change or remove)
        if current.lock_version != expected_version or not (
            nothing_to_do or _bump_version(current, expected_version)
        ):
            refused = {"add": list(add), "change": list(change), "remove": list(remove)}
            raise _conflict(current.pk, refused, _stored_rows([row for row, _values in change], remove))
        if nothing_to_do:
            return RowsUpdate(edition=current)
        diff: dict[str, list[Any]] = {}
        result = RowsUpdate(edition=current)
        for row in remove:
            stored = _own_row(type(row), row.pk, current)
            diff[_row_key(stored)] = [row_snapshot(stored), None]
            stored.delete()
        for row, values in change:
            stored = _own_row(type(row), row.pk, current)
            before = row_snapshot(stored)
            scalar, choices = _split(type(row), values)
            for name, value in scalar.items():
                setattr(stored, name, value)
            stored.full_clean()
            _require_own(stored, current)
            stored.save()
            for name, value in choices.items():
                getattr(stored, name).set(value)
            stored.refresh_from_db()
            after = row_snapshot(stored)
            if before != after:
                diff[_row_key(stored)] = [before, after]
        for model, values in add:
            scalar, choices = _split(model, values)
            if model is not AttributeValue:
                scalar["edition"] = current
            row = model(**scalar)
            row.full_clean()
            _require_own(row, current)
            row.save()
            for name, value in choices.items():
                getattr(row, name).set(value)
            row.refresh_from_db()
            diff[_row_key(row)] = [None, row_snapshot(row)]
            result.created.append(row)
        if diff:
            audit_record(
                kind=AuditEventKind.EDITED,
                service=current.service,
                edition=current,
                actor=actor,
                changes=diff,
            )
        return result


def _stored_rows(*groups: Iterable[EditionContent]) -> dict[str, Any]:
    """The stored values of the rows a refused save meant to change or remove."""
    values = {}
    for group in groups:
        for row in group:
            stored = type(row).objects.filter(pk=row.pk).first()
            values[_row_key(row)] = row_snapshot(stored) if stored is not None else None
    return values


def _own_row(model: type[EditionContent], pk: Any, edition: Edition) -> EditionContent:
    row = model.objects.filter(pk=pk).first()
    if row is None or _row_edition_id(row) != edition.pk:
        raise RowNotInEdition(params={"row": row or pk, "number": edition.number})
    return row


def _require_own(row: EditionContent, edition: Edition) -> None:
    """A row may not be moved to another edition, nor point at another edition's variant."""
    if _row_edition_id(row) != edition.pk:
        raise RowNotInEdition(params={"row": row, "number": edition.number})
    variant_id = getattr(row, "variant_id", None)
    if variant_id is not None and row.variant.edition_id != edition.pk:
        raise RowNotInEdition(params={"row": row.variant, "number": edition.number})
