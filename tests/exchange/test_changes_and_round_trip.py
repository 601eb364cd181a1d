"""The change sequence written by the workflow, and a round trip of generated data with
variants, attribute values, fees and every kind of row."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from lxml import etree

from registry.demo import load_reference
from registry.exchange.changes import changes_since, last_sequence
from registry.exchange.service import import_file
from registry.models import (
    ChangeKind,
    ChangeLog,
    DayType,
    DeadlineUnit,
    Fee,
    Level,
    PaymentMethod,
    Result,
    Variant,
)
from registry.services import (
    PublicationRefused,
    edition_approve,
    edition_publish,
    edition_submit,
    service_restore,
    service_withdraw,
)
from regulations.models import LegalAct, LegalActStatus
from tests import factories
from tests.exchange.conftest import NS, assert_valid, export_xml, normalised

pytestmark = pytest.mark.django_db


def publish(edition, effective_date=datetime.date(2024, 3, 1)):
    edition_submit(edition=edition, actor=None)
    edition_approve(edition=edition, actor=None)
    try:
        return edition_publish(edition=edition, actor=None, effective_date=effective_date)
    except PublicationRefused as refused:
        raise AssertionError([finding.message for finding in refused.findings]) from refused


def rich_service(level: str = Level.MUNICIPAL):
    service = factories.service(level, under_single_standard=True)
    edition = factories.complete_edition(service)
    attribute = edition.applicant_attributes.create(code="who", question="Кто обращается?")
    lost = attribute.values.create(code="lost", label="Паспорт утрачен")
    variant = Variant.objects.create(
        edition=edition,
        code="replace",
        name="Замена",
        deadline_value=30,
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type=DayType.CALENDAR,
    )
    variant.attribute_values.add(lost)
    Result.objects.create(edition=edition, name="Новый документ", variant=variant, document_form="бумажный")
    Fee.objects.create(
        edition=edition,
        name="Пошлина за замену",
        amount="1500.00",
        act=factories.legal_act(),
        article="333.33",
        point="1",
        subpoint="18",
        variant=variant,
        valid_from=datetime.date(2020, 1, 1),
    )
    edition.is_free = False
    edition.save(update_fields=["is_free"])
    method, _created = PaymentMethod.objects.get_or_create(
        code="bank_card", defaults={"name": "Банковская карта"}
    )
    edition.payment_methods.add(method)
    return service, publish(edition)


def test_publication_supersession_withdrawal_and_restoration_each_take_a_sequence_number():
    start = last_sequence()
    service, first = rich_service()
    second = factories.complete_edition(service, number=2)
    publish(second, datetime.date(2024, 4, 1))
    service_withdraw(service=service, actor=None, reason="Передано.", date=datetime.date.today())
    service_restore(service=service, actor=None)
    kinds = list(ChangeLog.objects.filter(sequence__gt=start).values_list("kind", "edition_id"))
    assert kinds == [
        (ChangeKind.PUBLISHED, first.pk),
        (ChangeKind.SUPERSEDED, first.pk),
        (ChangeKind.PUBLISHED, second.pk),
        (ChangeKind.WITHDRAWN, None),
        (ChangeKind.RESTORED, None),
    ]
    changes = changes_since(start)
    assert changes.changed_service_ids == {service.pk} and not changes.withdrawn_service_ids


def test_the_change_log_is_append_only():
    rich_service()
    row = ChangeLog.objects.first()
    with pytest.raises(IntegrityError):
        row.save()
    with pytest.raises(IntegrityError):
        ChangeLog.objects.all().delete()


def test_a_refused_publication_records_no_change():
    service = factories.service()
    edition = factories.complete_edition(service)
    edition_submit(edition=edition, actor=None)
    edition_approve(edition=edition, actor=None, effective_date=datetime.date(2024, 3, 1))
    # Repealed after approval: publication re-runs the validator and refuses.
    LegalAct.objects.filter(pk=edition.legal_bases.get().act_id).update(
        status=LegalActStatus.REPEALED, in_force_until=datetime.date(2024, 2, 1)
    )
    before = last_sequence()
    with pytest.raises(Exception):  # noqa: B017 — whichever refusal, the log must not move
        edition_publish(edition=edition, actor=None)
    assert last_sequence() == before


def test_round_trip_of_generated_services_with_variants_and_fees(tmp_path):
    savepoint = transaction.savepoint()
    for level in (Level.FEDERAL, Level.REGIONAL, Level.MUNICIPAL):
        rich_service(level)
    first = export_xml()
    root = assert_valid(first)
    assert len(root.find(f"{NS}services")) == 3
    transaction.savepoint_rollback(savepoint)
    load_reference()
    path = tmp_path / "generated.xml"
    path.write_bytes(first)
    report = import_file(path, actor=None, dry_run=False, publish=True)
    assert report.ok, list(report.lines())
    second = export_xml()
    assert normalised(second) == normalised(first)
    assert etree.fromstring(second).find(f".//{NS}variant/{NS}selectedBy").get("value") == "lost"
