"""Published and superseded editions cannot be changed: not through model methods, not through
querysets, not through many-to-many managers, and on PostgreSQL not even through raw SQL."""

import contextlib
from collections.abc import Iterator

import pytest
from django.db import IntegrityError, connection, transaction

from registry.models import (
    ApplicantAttribute,
    AttributeValue,
    Audit,
    AuditEvent,
    Document,
    Edition,
    EditionContent,
    EditionImmutable,
    EditionStatus,
    PaymentMethod,
    Result,
    Variant,
    status_transition,
)
from registry.services import edition_create_draft, edition_update
from registry.services.copying import edition_row_models
from tests import factories
from tests.registry.test_workflow import publish, rich_edition

pytestmark = pytest.mark.django_db

ROW_MODELS = [*edition_row_models(), AttributeValue]


@pytest.fixture
def published() -> Edition:
    return publish(rich_edition())


@pytest.fixture
def superseded(published) -> Edition:
    draft = edition_create_draft(service=published.service, actor=None)
    draft = edition_update(
        edition=draft,
        actor=None,
        changes={"change_note": "Новая редакция."},
        expected_version=draft.lock_version,
    )
    publish(draft)
    return Edition.objects.get(pk=published.pk)


@pytest.fixture(params=[EditionStatus.PUBLISHED, EditionStatus.SUPERSEDED])
def frozen(request) -> Edition:
    edition = request.getfixturevalue(request.param)
    assert edition.status == request.param
    return edition


def rows_of(model: type[EditionContent], edition: Edition):
    if model is AttributeValue:
        return model.objects.filter(attribute__edition=edition)
    return model.objects.filter(edition=edition)


@contextlib.contextmanager
def refused() -> Iterator[None]:
    """The model guards raise EditionImmutable (an IntegrityError, as the triggers raise). The
    savepoint keeps the test's transaction usable after a refusal inside Django's own atomic
    blocks (many-to-many writes)."""
    with pytest.raises(EditionImmutable), transaction.atomic():
        yield


# --- the edition itself ---------------------------------------------------------------------------


def test_saving_a_changed_frozen_edition_is_refused(frozen):
    frozen.full_name = "Исправленное наименование"

    with refused():
        frozen.save()
    with refused():
        frozen.save(update_fields=["full_name"])

    assert Edition.objects.get(pk=frozen.pk).full_name != "Исправленное наименование"


def test_deleting_a_frozen_edition_is_refused(frozen):
    with refused():
        frozen.delete()

    assert Edition.objects.filter(pk=frozen.pk).exists()


def test_queryset_update_and_delete_touching_a_frozen_edition_are_refused(frozen):
    with refused():
        Edition.objects.filter(pk=frozen.pk).update(full_name="Другое")
    with refused():
        Edition.objects.all().delete()

    assert Edition.objects.get(pk=frozen.pk).full_name == frozen.full_name


def test_a_frozen_editions_status_cannot_go_back_even_inside_the_workflow(frozen):
    frozen.status = EditionStatus.DRAFT

    with refused(), status_transition():
        frozen.save(update_fields=["status"])


def test_superseding_with_any_other_column_is_refused(published):
    published.status = EditionStatus.SUPERSEDED
    published.full_name = "Другое"

    with refused(), status_transition():
        published.save(update_fields=["status", "superseded_at", "full_name"])


# --- status changes outside the workflow -----------------------------------------------------------


def test_an_edition_cannot_be_published_by_saving_its_status():
    edition = factories.complete_edition()
    edition.status = EditionStatus.PUBLISHED

    with pytest.raises(EditionImmutable) as error:
        edition.save()

    assert "Статус редакции меняется только" in str(error.value)
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.DRAFT


def test_an_edition_cannot_be_created_published_or_bulk_updated_to_published():
    service = factories.service()

    with pytest.raises(EditionImmutable):
        Edition.objects.create(service=service, number=1, status=EditionStatus.PUBLISHED)
    with pytest.raises(EditionImmutable):
        Edition.objects.bulk_create([Edition(service=service, number=1, status=EditionStatus.APPROVED)])
    draft = factories.edition(service)
    with pytest.raises(EditionImmutable):
        Edition.objects.filter(pk=draft.pk).update(status=EditionStatus.SUBMITTED)


def test_a_draft_stays_editable_and_deletable():
    draft = factories.complete_edition()
    draft.full_name = "Новое наименование"
    draft.save()
    Result.objects.filter(edition=draft).update(name="Новый результат")
    draft.documents.first().delete()

    assert Edition.objects.get(pk=draft.pk).full_name == "Новое наименование"
    draft.delete()
    assert not Edition.objects.filter(pk=draft.pk).exists()


# --- rows -------------------------------------------------------------------------------------------


def copy_of(row: EditionContent) -> EditionContent:
    """An unsaved new row like ``row`` (same edition), with its unique codes and names changed."""
    new_row = type(row).objects.get(pk=row.pk)
    new_row.pk = None
    new_row._state.adding = True
    for field in ("code", "name", "text", "title", "question", "label"):
        if hasattr(new_row, field):
            setattr(new_row, field, f"new-{field}")
    return new_row


@pytest.mark.parametrize("model", ROW_MODELS, ids=lambda model: model.__name__)
def test_no_orm_write_reaches_a_row_of_a_frozen_edition(model, frozen):
    rows = rows_of(model, frozen)
    row = rows.first()
    assert row is not None
    snapshot = list(rows.values())

    with refused():
        row.save()
    with refused():
        row.delete()
    with refused():
        rows.update(order=99)
    with refused():
        model.objects.all().delete()
    with refused():
        copy_of(row).save()
    with refused():
        model.objects.bulk_create([copy_of(row)])

    assert list(rows_of(model, frozen).values()) == snapshot


def test_moving_a_row_out_of_or_into_a_frozen_edition_is_refused(published):
    draft = factories.complete_edition()
    frozen_row = published.documents.first()
    frozen_row.edition = draft
    with refused():
        frozen_row.save()

    draft_row = draft.documents.first()
    with refused():
        published.documents.add(draft_row)
    with refused():
        Document.objects.filter(pk=draft_row.pk).update(edition=published)

    assert Document.objects.get(pk=draft_row.pk).edition_id == draft.pk


# --- many-to-many choices ----------------------------------------------------------------------------


def test_changing_the_choices_of_a_frozen_edition_is_refused(frozen):
    method = PaymentMethod.objects.create(code="cash", name="Наличные")
    before = list(frozen.payment_methods.all())

    with refused():
        frozen.payment_methods.add(method)
    with refused():
        frozen.payment_methods.remove(*before)
    with refused():
        frozen.payment_methods.clear()
    with refused():
        frozen.submission_channels.set([])

    assert list(frozen.payment_methods.all()) == before


def test_changing_the_attribute_values_of_a_frozen_variant_is_refused(frozen):
    variant = frozen.variants.get(code="replace")
    value = AttributeValue.objects.get(attribute__edition=frozen, code="first")

    with refused():
        variant.attribute_values.add(value)
    with refused():
        value.variants.add(variant)
    with refused():
        variant.attribute_values.clear()

    assert list(variant.attribute_values.values_list("code", flat=True)) == ["lost"]


# --- raw SQL on PostgreSQL ------------------------------------------------------------------------------


def postgres_only(test):
    """Marked ``postgres`` (select with ``-m postgres``) and skipped on other databases."""
    skip = pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers exist on PostgreSQL only")
    return pytest.mark.postgres(skip(test))


ROW_TABLES = [
    ("registry_result", "edition_id = %s"),
    ("registry_legalbasis", "edition_id = %s"),
    ("registry_document", "edition_id = %s"),
    ("registry_ground", "edition_id = %s"),
    ("registry_fee", "edition_id = %s"),
    ("registry_qualityindicator", "edition_id = %s"),
    ("registry_standardform", "edition_id = %s"),
    ("registry_variant", "edition_id = %s"),
    ("registry_applicantattribute", "edition_id = %s"),
    (
        "registry_attributevalue",
        "attribute_id IN (SELECT id FROM registry_applicantattribute WHERE edition_id = %s)",
    ),
    (
        "registry_variant_attribute_values",
        "variant_id IN (SELECT id FROM registry_variant WHERE edition_id = %s)",
    ),
    ("registry_edition_payment_methods", "edition_id = %s"),
    ("registry_edition_applicant_categories", "edition_id = %s"),
    ("registry_edition_submission_channels", "edition_id = %s"),
    ("registry_edition_result_delivery_channels", "edition_id = %s"),
]


def raw(sql: str, params: list) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def columns_of(table: str) -> list[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return [column.name for column in description if column.name != "id"]


@postgres_only
def test_raw_sql_cannot_update_or_delete_a_frozen_edition(frozen):
    with pytest.raises(IntegrityError, match="не изменяется"):
        raw("UPDATE registry_edition SET full_name = 'Другое' WHERE id = %s", [frozen.pk])
    with pytest.raises(IntegrityError, match="не изменяется"):
        raw("UPDATE registry_edition SET status = 'draft' WHERE id = %s", [frozen.pk])
    with pytest.raises(IntegrityError, match="не изменяется"):
        raw("DELETE FROM registry_edition WHERE id = %s", [frozen.pk])

    assert Edition.objects.get(pk=frozen.pk).status == frozen.status


@postgres_only
def test_raw_sql_may_only_supersede_a_published_edition(published):
    with pytest.raises(IntegrityError):
        raw(
            "UPDATE registry_edition SET status = 'superseded', superseded_at = now(), full_name = 'x' "
            "WHERE id = %s",
            [published.pk],
        )

    assert (
        raw(
            "UPDATE registry_edition SET status = 'superseded', superseded_at = now() WHERE id = %s",
            [published.pk],
        )
        == 1
    )


@postgres_only
def test_raw_sql_cannot_insert_a_published_edition(published):
    columns = columns_of("registry_edition")
    listed = ", ".join(f'"{column}"' for column in columns)
    selected = ", ".join('"number" + 100' if column == "number" else f'"{column}"' for column in columns)

    with pytest.raises(IntegrityError, match="черновиком"):
        raw(
            f"INSERT INTO registry_edition ({listed}) SELECT {selected} FROM registry_edition WHERE id = %s",
            [published.pk],
        )


@postgres_only
@pytest.mark.parametrize(("table", "where"), ROW_TABLES, ids=[table for table, _where in ROW_TABLES])
def test_raw_sql_cannot_change_delete_or_add_rows_of_a_frozen_edition(table, where, frozen):
    count_sql = f"SELECT count(*) FROM {table} WHERE {where}"
    with connection.cursor() as cursor:
        cursor.execute(count_sql, [frozen.pk])
        (count,) = cursor.fetchone()
    assert count > 0
    columns = columns_of(table)
    first = columns[0]

    with pytest.raises(IntegrityError, match="опубликованн"):
        raw(f'UPDATE {table} SET "{first}" = "{first}" WHERE {where}', [frozen.pk])
    with pytest.raises(IntegrityError, match="опубликованн"):
        raw(f"DELETE FROM {table} WHERE {where}", [frozen.pk])
    listed = ", ".join(f'"{column}"' for column in columns)
    with pytest.raises(IntegrityError, match="опубликованн"):
        raw(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {table} WHERE {where}", [frozen.pk])

    with connection.cursor() as cursor:
        cursor.execute(count_sql, [frozen.pk])
        assert cursor.fetchone() == (count,)


@postgres_only
def test_raw_sql_still_changes_a_draft():
    draft = factories.complete_edition()

    assert raw("UPDATE registry_edition SET full_name = 'Черновик' WHERE id = %s", [draft.pk]) == 1
    assert raw("DELETE FROM registry_document WHERE edition_id = %s", [draft.pk]) == 2


@postgres_only
def test_raw_sql_cannot_change_or_delete_the_audit_trail(published):
    event = AuditEvent.objects.filter(edition=published).first()

    with pytest.raises(IntegrityError, match="Журнал изменений"):
        raw("UPDATE registry_auditevent SET comment = 'подчистка' WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="Журнал изменений"):
        raw("DELETE FROM registry_auditevent WHERE id = %s", [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).comment == event.comment


def test_every_model_hanging_off_an_edition_is_guarded():
    """A section model added later must use the guarded base class, or this test fails."""
    children = {
        relation.related_model
        for relation in Edition._meta.related_objects
        # The audit trail and a mystery-shopper audit refer to an edition; neither is its content.
        if relation.related_model not in (AuditEvent, Audit) and not relation.many_to_many
    }
    assert children == set(edition_row_models())
    assert {Variant, ApplicantAttribute, Document, Result} <= children
    for model in ROW_MODELS:
        assert issubclass(model, EditionContent)
        assert model._meta.base_manager_name == "objects"
