"""Optimistic locking of drafts: the later of two saves from the same version is refused as a
conflict, keeps the refused input, and applies nothing."""

import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection

from registry.models import (
    AuditEvent,
    AuditEventKind,
    Document,
    DocumentSource,
    Edition,
    Fee,
    Membership,
    PaymentMethod,
    Role,
)
from registry.services import (
    EditConflict,
    EditionNotEditable,
    UnknownField,
    editing,
    edition_rows_update,
    edition_submit,
    edition_update,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def officials():
    body = factories.body()
    users = get_user_model().objects
    anna = users.create_user("anna", first_name="Анна", last_name="Петрова")
    boris = users.create_user("boris", first_name="Борис", last_name="Иванов")
    for user in (anna, boris):
        Membership.objects.create(user=user, body=body, role=Role.OFFICIAL)
    draft = factories.complete_edition(factories.service(provider=body))
    return draft, anna, boris


def test_the_later_save_from_the_same_version_is_refused_with_both_values(officials):
    draft, anna, boris = officials
    opened_version = draft.lock_version

    saved = edition_update(
        edition=draft, actor=anna, changes={"short_name": "Версия Анны"}, expected_version=opened_version
    )
    with pytest.raises(EditConflict) as conflict:
        edition_update(
            edition=draft,
            actor=boris,
            changes={"short_name": "Версия Бориса", "deadline_value": 7},
            expected_version=opened_version,
        )

    assert saved.lock_version == opened_version + 1
    assert conflict.value.refused_changes == {"short_name": "Версия Бориса", "deadline_value": 7}
    assert conflict.value.current_values == {"short_name": "Версия Анны", "deadline_value": 5}
    assert conflict.value.current_version == opened_version + 1
    assert "Анна Петрова" in str(conflict.value)
    stored = Edition.objects.get(pk=draft.pk)
    assert (stored.short_name, stored.deadline_value) == ("Версия Анны", 5)
    assert AuditEvent.objects.filter(edition=draft, kind=AuditEventKind.EDITED).count() == 1


def test_a_retry_with_the_current_version_succeeds(officials):
    draft, anna, boris = officials
    edition_update(edition=draft, actor=anna, changes={"short_name": "Анна"}, expected_version=1)
    with pytest.raises(EditConflict) as conflict:
        edition_update(edition=draft, actor=boris, changes={"full_name": "Борис"}, expected_version=1)

    saved = edition_update(
        edition=draft,
        actor=boris,
        changes=conflict.value.refused_changes,
        expected_version=conflict.value.current_version,
    )

    assert (saved.short_name, saved.full_name, saved.lock_version) == ("Анна", "Борис", 3)


def test_a_row_edit_bumps_the_version_and_conflicts_with_a_stale_field_save(officials):
    draft, anna, boris = officials

    result = edition_rows_update(
        edition=draft,
        actor=anna,
        expected_version=1,
        add=[(Document, {"source": DocumentSource.APPLICANT, "name": "Доверенность представителя"})],
    )

    assert result.edition.lock_version == 2
    assert result.created[0].edition_id == draft.pk
    with pytest.raises(EditConflict):
        edition_update(edition=draft, actor=boris, changes={"short_name": "Борис"}, expected_version=1)


def test_a_stale_row_edit_is_refused_with_the_refused_rows_and_stored_values(officials):
    draft, anna, boris = officials
    document = draft.documents.get(source=DocumentSource.APPLICANT)
    edition_rows_update(
        edition=draft, actor=anna, expected_version=1, change=[(document, {"name": "Заявление (Анна)"})]
    )

    with pytest.raises(EditConflict) as conflict:
        edition_rows_update(
            edition=draft, actor=boris, expected_version=1, change=[(document, {"name": "Заявление (Борис)"})]
        )

    assert conflict.value.refused_changes["change"] == [(document, {"name": "Заявление (Борис)"})]
    assert conflict.value.current_values[f"document#{document.pk}"]["name"] == "Заявление (Анна)"
    assert Document.objects.get(pk=document.pk).name == "Заявление (Анна)"


def test_choices_are_saved_under_the_lock_too(officials):
    draft, anna, _boris = officials
    card = PaymentMethod.objects.create(code="card", name="Карта")

    saved = edition_update(edition=draft, actor=anna, changes={"payment_methods": [card]}, expected_version=1)

    assert list(saved.payment_methods.all()) == [card]
    assert saved.lock_version == 2
    event = AuditEvent.objects.get(edition=draft, kind=AuditEventKind.EDITED)
    assert event.changes == {"payment_methods": [[], [card.pk]]}


def test_an_invalid_change_is_refused_and_nothing_is_applied(officials):
    draft, anna, _boris = officials

    with pytest.raises(ValidationError) as invalid:
        edition_update(
            edition=draft,
            actor=anna,
            changes={"short_name": "Новое", "deadline_unit": "weeks"},  # not a unit the list offers
            expected_version=1,
        )

    assert "deadline_unit" in invalid.value.message_dict
    stored = Edition.objects.get(pk=draft.pk)
    assert (stored.short_name, stored.lock_version) == (draft.short_name, 1)


def test_an_invalid_row_is_refused_and_nothing_is_applied(officials):
    draft, anna, _boris = officials

    with pytest.raises(ValidationError):
        edition_rows_update(
            edition=draft,
            actor=anna,
            expected_version=1,
            add=[
                (Fee, {"name": "Пошлина", "amount": Decimal("-100")}),  # never valid, even in a draft
            ],
            remove=[draft.documents.first()],
        )

    assert Edition.objects.get(pk=draft.pk).lock_version == 1
    assert draft.documents.count() == 2


def test_workflow_columns_are_not_editable(officials):
    draft, anna, _boris = officials

    with pytest.raises(UnknownField):
        edition_update(edition=draft, actor=anna, changes={"status": "published"}, expected_version=1)
    with pytest.raises(UnknownField):
        edition_update(edition=draft, actor=anna, changes={"lock_version": 9}, expected_version=1)


def test_a_submitted_edition_is_not_editable(officials):
    draft, anna, _boris = officials
    edition_submit(edition=draft, actor=anna)

    with pytest.raises(EditionNotEditable):
        edition_update(edition=draft, actor=anna, changes={"short_name": "Поздно"}, expected_version=1)


def test_a_save_that_changes_nothing_keeps_the_version(officials):
    draft, anna, _boris = officials

    saved = edition_update(
        edition=draft, actor=anna, changes={"short_name": draft.short_name}, expected_version=1
    )

    assert saved.lock_version == 1
    assert not AuditEvent.objects.filter(kind=AuditEventKind.EDITED).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_saves_from_one_version_never_both_apply(monkeypatch):
    """Both saves pass the early version check before either writes; the conditional UPDATE
    lets exactly one through."""
    body = factories.body()
    users = get_user_model().objects
    anna, boris = users.create_user("anna"), users.create_user("boris")
    for user in (anna, boris):
        Membership.objects.create(user=user, body=body, role=Role.OFFICIAL)
    draft = factories.edition(factories.service(provider=body))
    both_checked = threading.Barrier(2, timeout=10)
    original = editing._stored_values

    waited = threading.local()

    def stored_values_then_wait(edition, names):
        values = original(edition, names)
        if not getattr(waited, "done", False):
            waited.done = True
            both_checked.wait()
        return values

    monkeypatch.setattr(editing, "_stored_values", stored_values_then_wait)
    outcomes = {}

    def save(user, name):
        try:
            edition_update(edition=draft, actor=user, changes={"short_name": name}, expected_version=1)
            outcomes[user.username] = "saved"
        except EditConflict:
            outcomes[user.username] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user, user.username)) for user in (anna, boris)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    stored = Edition.objects.get(pk=draft.pk)
    assert (stored.short_name, stored.lock_version) == (winner, 2)
