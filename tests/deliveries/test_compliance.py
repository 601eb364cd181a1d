"""Each rule, passing and failing, against the edition in force on the day of submission: edition 1
(from 1 January 2026: 5 working days from registration, variant «zamena» 2 working days, queues
15/15 minutes, registration by the next working day, two refusal grounds) and edition 2 (from
1 March 2026: 3 calendar days from submission, queues 10/20, registration within 30 minutes, one
refusal ground)."""

import pytest

from registry.deliveries.compliance import ComplianceChecker
from registry.deliveries.rows import Outcome
from registry.deliveries.storage import store_rows
from registry.models import DeliveryRecord
from tests.deliveries.helpers import at, row

pytestmark = pytest.mark.django_db


def stored(service, calendar, **fields) -> DeliveryRecord:
    line = row(service, **fields)
    store_rows([line], evaluate=ComplianceChecker(calendar).evaluate)
    return DeliveryRecord.objects.get(body_id=line.body_id, case_id=line.case_id)


def test_the_edition_in_force_at_submission_is_recorded(service, calendar):
    before = stored(service, calendar, submitted_at=at("2026-02-27"), registered_at=at("2026-02-27"))
    after = stored(service, calendar, submitted_at=at("2026-03-02"), registered_at=at("2026-03-02"))
    earlier = stored(service, calendar, submitted_at=at("2025-12-30"), registered_at=at("2025-12-30"))
    assert before.edition == service.first_edition
    assert after.edition == service.second_edition
    assert earlier.edition is None
    assert (earlier.on_time, earlier.queue_submission_ok, earlier.registered_in_time) == (None, None, None)


def test_term_in_working_days_from_registration_under_edition_1(service, calendar):
    # Registered Tuesday 3 February: the fifth working day after it is Tuesday 10 February.
    kept = stored(
        service,
        calendar,
        submitted_at=at("2026-02-02"),
        registered_at=at("2026-02-03"),
        result_at=at("2026-02-10"),
    )
    missed = stored(
        service,
        calendar,
        submitted_at=at("2026-02-02"),
        registered_at=at("2026-02-03"),
        result_at=at("2026-02-11"),
    )
    assert (kept.on_time, kept.term_used, kept.term_declared) == (True, 5, 5)
    assert (missed.on_time, missed.term_used, missed.term_declared) == (False, 6, 5)


def test_term_in_calendar_days_from_submission_under_edition_2_moves_past_days_off(service, calendar):
    # Submitted Thursday 5 March: 3 calendar days end on Sunday 8 March, moved past the day off
    # of Monday 9 March to Tuesday 10 March (ГК РФ ст. 193).
    kept = stored(
        service,
        calendar,
        submitted_at=at("2026-03-05"),
        registered_at=at("2026-03-05"),
        result_at=at("2026-03-10"),
    )
    missed = stored(
        service,
        calendar,
        submitted_at=at("2026-03-05"),
        registered_at=at("2026-03-05"),
        result_at=at("2026-03-11"),
    )
    assert (kept.on_time, kept.term_used, kept.term_declared) == (True, 5, 3)
    assert missed.on_time is False


def test_a_variants_own_term_replaces_the_editions(service, calendar):
    dates = {"submitted_at": at("2026-02-02"), "registered_at": at("2026-02-03")}
    kept = stored(service, calendar, variant_code="zamena", result_at=at("2026-02-05"), **dates)
    missed = stored(service, calendar, variant_code="zamena", result_at=at("2026-02-06"), **dates)
    ordinary = stored(service, calendar, result_at=at("2026-02-06"), **dates)
    assert (kept.on_time, kept.term_declared) == (True, 2)
    assert (missed.on_time, missed.term_declared) == (False, 2)
    assert ordinary.on_time is True


def test_no_term_check_without_a_decision(service, calendar):
    withdrawn = stored(service, calendar, outcome=Outcome.WITHDRAWN, result_at=at("2026-03-20"))
    pending = stored(service, calendar, result_at=None)
    assert (withdrawn.on_time, withdrawn.term_used) == (None, None)
    assert pending.on_time is None


def test_queue_waits_against_each_editions_maxima(service, calendar):
    feb = {"submitted_at": at("2026-02-02"), "registered_at": at("2026-02-02")}
    mar = {"submitted_at": at("2026-03-02"), "registered_at": at("2026-03-02")}
    at_max = stored(service, calendar, queue_wait_submission=15, queue_wait_receipt=15, **feb)
    over = stored(service, calendar, queue_wait_submission=16, queue_wait_receipt=18, **feb)
    later = stored(service, calendar, queue_wait_submission=12, queue_wait_receipt=18, **mar)
    unknown = stored(service, calendar, queue_wait_submission=None, queue_wait_receipt=None, **mar)
    assert (at_max.queue_submission_ok, at_max.queue_receipt_ok) == (True, True)
    assert (over.queue_submission_ok, over.queue_receipt_ok) == (False, False)
    assert (later.queue_submission_ok, later.queue_receipt_ok) == (False, True)
    assert (unknown.queue_submission_ok, unknown.queue_receipt_ok) == (None, None)


def test_registration_by_the_next_working_day_under_edition_1(service, calendar):
    # Friday 6 February: the next working day is Monday 9 February.
    kept = stored(service, calendar, submitted_at=at("2026-02-06"), registered_at=at("2026-02-09", "17:00"))
    missed = stored(service, calendar, submitted_at=at("2026-02-06"), registered_at=at("2026-02-10"))
    assert kept.registered_in_time is True
    assert missed.registered_in_time is False


def test_registration_within_minutes_under_edition_2(service, calendar):
    kept = stored(service, calendar, submitted_at=at("2026-03-02"), registered_at=at("2026-03-02", "10:30"))
    missed = stored(service, calendar, submitted_at=at("2026-03-02"), registered_at=at("2026-03-02", "10:31"))
    unknown = stored(service, calendar, submitted_at=at("2026-03-02"), registered_at=None)
    assert kept.registered_in_time is True
    assert missed.registered_in_time is False
    assert unknown.registered_in_time is None


def test_refusal_grounds_by_number_or_text_on_the_list_in_force(service, calendar):
    feb = {"submitted_at": at("2026-02-02"), "registered_at": at("2026-02-02"), "outcome": Outcome.REFUSED}
    mar = {"submitted_at": at("2026-03-02"), "registered_at": at("2026-03-02"), "outcome": Outcome.REFUSED}
    by_number = stored(service, calendar, refusal_ground="п. 2", **feb)
    beyond_list = stored(service, calendar, refusal_ground="3", **feb)
    by_text = stored(
        service, calendar, refusal_ground="  представление неполного  комплекта документов.", **feb
    )
    old_ground_later = stored(
        service, calendar, refusal_ground="Представление неполного комплекта документов", **mar
    )
    new_ground = stored(service, calendar, refusal_ground="1", **mar)
    issued = stored(service, calendar, **{**mar, "outcome": Outcome.ISSUED})
    assert (by_number.refusal_ground_listed, beyond_list.refusal_ground_listed) == (True, False)
    assert by_text.refusal_ground_listed is True
    assert old_ground_later.refusal_ground_listed is False
    assert new_ground.refusal_ground_listed is True
    assert issued.refusal_ground_listed is None
