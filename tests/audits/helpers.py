"""Builders for the audit tests: an office providing a published service, and its audits."""

import datetime

from django.utils import timezone

from registry.audits.services import ItemInput, audit_record, audit_start, audit_submit
from registry.models import Office, Role
from registry.services import edition_approve, edition_create_draft, edition_publish, edition_submit
from tests import factories
from tests.workspace.helpers import published_service, user_with


def office_with_service(body, *, code="OFFICE-1", is_mfc=False, in_force_since=None):
    """An office of ``body`` providing a new service whose first edition is in force since
    ``in_force_since`` (today when not given)."""
    if in_force_since is None:
        service = published_service(body)
    else:
        service = factories.service(provider=body)
        edition = factories.complete_edition(service)
        edition_submit(edition=edition, actor=None)
        edition_approve(edition=edition, actor=None, effective_date=in_force_since)
        edition_publish(edition=edition, actor=None, effective_date=in_force_since)
    office = Office.objects.create(
        body=body, code=code, name=f"Офис {code}", address="г. Ульяновск, ул. Гончарова, д. 1", is_mfc=is_mfc
    )
    office.services.add(service)
    return office, service


def publish_new_edition(service, **changes):
    """The next edition of ``service``, a copy of the current one with ``changes``, in force today."""
    draft = edition_create_draft(service=service, actor=None)
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.change_note = "Изменены требования к помещениям и очереди."
    draft.save()
    edition_submit(edition=draft, actor=None)
    edition_approve(edition=draft, actor=None)
    return edition_publish(edition=draft, actor=None)


def inspector_of(body=None, **fields):
    """An inspector of ``body``'s offices, or of every body's when ``body`` is None."""
    return user_with(Role.INSPECTOR, body, **fields)


def a_moment_ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**(delta or {"minutes": 1}))


def item(audit, code):
    return audit.items.get(code=code)


def started(office, service, inspector, **fields):
    return audit_start(
        office=office,
        service=service,
        inspector=inspector,
        kind=fields.pop("kind", "visit"),
        visited_at=fields.pop("visited_at", None) or a_moment_ago(),
    )


def filled(audit, inspector, entries: dict[str, ItemInput], *, submit=True):
    """Record ``entries`` (by row code) and, unless told otherwise, submit the audit."""
    codes = {row.code: row.pk for row in audit.items.all()}
    audit_record(audit=audit, actor=inspector, inputs={codes[code]: entry for code, entry in entries.items()})
    if submit:
        return audit_submit(audit=audit, actor=inspector)
    audit.refresh_from_db()
    return audit
