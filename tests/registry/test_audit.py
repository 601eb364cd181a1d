"""The audit trail: every change event with actor, time and old/new values, written in the
same transaction as the change, never editable."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from registry import selectors
from registry.models import (
    AuditEvent,
    AuditEventKind,
    DocumentSource,
    Edition,
    EditionStatus,
    Fee,
    Membership,
    Role,
)
from registry.services import (
    edition_approve,
    edition_create_draft,
    edition_publish,
    edition_reject,
    edition_rows_update,
    edition_submit,
    edition_update,
    lifecycle,
    service_create,
    service_restore,
    service_withdraw,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    body = factories.body()
    users = get_user_model().objects
    official, reviewer = users.create_user("official"), users.create_user("reviewer")
    Membership.objects.create(user=official, body=body, role=Role.OFFICIAL)
    Membership.objects.create(user=reviewer, body=body, role=Role.REVIEWER)
    return body, official, reviewer


def kinds(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("kind", flat=True))


def test_the_whole_life_of_a_service_is_in_its_trail(people):
    body, official, reviewer = people
    service = service_create(actor=official, provider=body)
    first = factories.complete_edition(service, created_by=official)
    edition_submit(edition=first, actor=official)
    edition_reject(edition=first, actor=reviewer, comment="Добавьте показатель.")
    edition_submit(edition=first, actor=official)
    edition_approve(edition=first, actor=reviewer)
    edition_publish(edition=first, actor=reviewer, effective_date=datetime.date(2024, 1, 1))
    second = edition_create_draft(service=service, actor=official)
    edition_update(edition=second, actor=official, changes={"change_note": "Новый срок."}, expected_version=1)
    edition_submit(edition=second, actor=official)
    edition_approve(edition=second, actor=reviewer)
    edition_publish(edition=second, actor=reviewer, effective_date=datetime.date(2099, 1, 1))
    lifecycle.editions_publish_due(today=datetime.date(2099, 1, 1))
    service_withdraw(service=service, actor=reviewer, reason="Упразднена.", date=datetime.date(2099, 2, 1))
    service_restore(service=service, actor=reviewer, comment="Восстановлена по решению суда.")

    trail = list(selectors.service_audit_trail(service))

    assert [event.kind for event in reversed(trail)] == [
        AuditEventKind.CREATED,
        AuditEventKind.SUBMITTED,
        AuditEventKind.REJECTED,
        AuditEventKind.SUBMITTED,
        AuditEventKind.APPROVED,
        AuditEventKind.PUBLISHED,
        AuditEventKind.CREATED,
        AuditEventKind.EDITED,
        AuditEventKind.SUBMITTED,
        AuditEventKind.APPROVED,
        AuditEventKind.SCHEDULED,
        AuditEventKind.SUPERSEDED,
        AuditEventKind.PUBLISHED,
        AuditEventKind.WITHDRAWN,
        AuditEventKind.RESTORED,
    ]
    actors = [event.actor for event in reversed(trail)]
    assert actors[:6] == [official, official, reviewer, official, reviewer, reviewer]
    assert actors[11:13] == [None, None]  # the scheduled publication is done by the system
    assert all(event.created_at for event in trail)


def test_an_edit_event_holds_old_and_new_values(people):
    body, official, _reviewer = people
    draft = factories.complete_edition(factories.service(provider=body))
    act = factories.legal_act()

    edition_update(
        edition=draft,
        actor=official,
        changes={
            "deadline_value": 10,
            "effective_date": datetime.date(2025, 7, 1),
            "amending_act": act,
            "short_name": draft.short_name,
        },
        expected_version=1,
    )

    event = AuditEvent.objects.get(edition=draft, kind=AuditEventKind.EDITED)
    assert event.actor == official
    assert event.changes == {
        "amending_act": [None, act.pk],
        "deadline_value": [5, 10],
        "effective_date": [None, "2025-07-01"],
    }


def test_a_row_edit_event_holds_the_rows_before_and_after(people):
    body, official, _reviewer = people
    draft = factories.complete_edition(factories.service(provider=body))
    document = draft.documents.get(source=DocumentSource.APPLICANT)
    removed = draft.documents.get(source=DocumentSource.INTERAGENCY)
    act = factories.legal_act()

    result = edition_rows_update(
        edition=draft,
        actor=official,
        expected_version=1,
        add=[(Fee, {"name": "Пошлина", "amount": Decimal("300"), "act": act, "article": "333.33"})],
        change=[(document, {"copies": 2})],
        remove=[removed],
    )

    fee = result.created[0]
    changes = AuditEvent.objects.get(edition=draft, kind=AuditEventKind.EDITED).changes
    assert changes[f"document#{document.pk}"][0]["copies"] == 1
    assert changes[f"document#{document.pk}"][1]["copies"] == 2
    assert changes[f"document#{removed.pk}"][0]["name"] == removed.name
    assert changes[f"document#{removed.pk}"][1] is None
    assert changes[f"fee#{fee.pk}"][0] is None
    assert changes[f"fee#{fee.pk}"][1]["amount"] == "300.00"


def test_a_rejection_keeps_the_reviewers_comment(people):
    body, official, reviewer = people
    draft = factories.complete_edition(factories.service(provider=body))
    edition_submit(edition=draft, actor=official)

    edition_reject(edition=draft, actor=reviewer, comment="Нет показателей качества.")

    event = AuditEvent.objects.get(edition=draft, kind=AuditEventKind.REJECTED)
    assert (event.actor, event.comment) == (reviewer, "Нет показателей качества.")
    assert event.changes["status"] == [EditionStatus.SUBMITTED, EditionStatus.DRAFT]


def test_the_event_is_written_in_the_same_transaction_as_the_change(people, monkeypatch):
    body, official, _reviewer = people
    draft = factories.complete_edition(factories.service(provider=body))

    def failing_audit(**kwargs):
        raise RuntimeError("журнал недоступен")

    monkeypatch.setattr(lifecycle, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        edition_submit(edition=draft, actor=official)

    assert Edition.objects.get(pk=draft.pk).status == EditionStatus.DRAFT


def test_an_audit_event_cannot_be_changed_or_deleted(people):
    body, official, _reviewer = people
    service = service_create(actor=official, provider=body)
    event = AuditEvent.objects.get(service=service)

    event.comment = "подчистка"
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        event.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(comment="подчистка")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["comment"])

    assert AuditEvent.objects.get(pk=event.pk).comment == ""


def test_the_trail_keeps_users_who_acted(people):
    body, official, _reviewer = people
    service_create(actor=official, provider=body)

    with pytest.raises(IntegrityError), transaction.atomic():
        official.delete()

    assert kinds(actor=official) == [AuditEventKind.CREATED]
