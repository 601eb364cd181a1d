"""The reads the performance pages use: monthly audit scores and open corrective actions."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from registry.audits.selectors import audit_scores, month_starts, open_corrective_actions
from registry.audits.services import ItemInput, finding_answer, finding_mark_done
from registry.models import Answer
from tests.audits.helpers import filled, office_with_service, started

pytestmark = pytest.mark.django_db


def months_ago(months: int) -> datetime.datetime:
    if months == 0:
        return timezone.now() - datetime.timedelta(seconds=1)
    first = month_starts(months + 1)[0]
    return timezone.make_aware(datetime.datetime.combine(first.replace(day=10), datetime.time(11)))


def audit_with(office, service, inspector, met: int, not_met: int, visited_at):
    codes = ["premises.1", "access.ramp", "access.parking", "stand.documents", "stand.term", "stand.fee"]
    entries = {code: ItemInput(answer=Answer.MET) for code in codes[:met]}
    entries.update({code: ItemInput(answer=Answer.NOT_MET) for code in codes[met : met + not_met]})
    return filled(started(office, service, inspector, visited_at=visited_at), inspector, entries)


@pytest.fixture
def office_and_service(body):
    """In force for two years: the audits of past months are checked against it."""
    return office_with_service(body, in_force_since=timezone.localdate() - datetime.timedelta(days=730))


def test_audit_scores_average_each_month_and_count_only_submitted_audits(office, service, inspector, body):
    audit_with(office, service, inspector, 1, 1, months_ago(2))  # 50 %
    audit_with(office, service, inspector, 3, 0, months_ago(2))  # 100 %
    audit_with(office, service, inspector, 1, 3, months_ago(0))  # 25 %
    started(office, service, inspector)  # a draft: never counted
    audit_with(office, service, inspector, 2, 0, months_ago(13))  # before the 12 months

    scores = audit_scores(service=service, months=12)
    assert len(scores) == 12 and scores[-1].month == timezone.localdate().replace(day=1)
    assert (scores[-3].average, scores[-3].count) == (Decimal("75.0"), 2)
    assert (scores[-1].average, scores[-1].count) == (Decimal("25.0"), 1)
    assert sum(score.count for score in scores) == 3
    assert scores[0].average is None and scores[0].count == 0


def test_audit_scores_narrow_to_a_body_and_an_office(office, service, inspector, body, other_body):
    second_office, second_service = office_with_service(
        body, code="OFFICE-2", in_force_since=timezone.localdate() - datetime.timedelta(days=730)
    )
    audit_with(office, service, inspector, 1, 0, months_ago(1))
    audit_with(second_office, second_service, inspector, 0, 1, months_ago(1))
    assert audit_scores(body=body)[-2].count == 2
    assert audit_scores(body=body)[-2].average == Decimal("50.0")
    assert audit_scores(office=second_office)[-2].average == Decimal("0.0")
    assert audit_scores(body=other_body)[-2].count == 0


def test_open_corrective_actions_are_the_bodys_findings_not_done_soonest_due_first(
    office, service, inspector, official, body, other_body
):
    audit = audit_with(office, service, inspector, 0, 3, months_ago(1))
    first, second, third = audit.findings.order_by("item__order")
    today = timezone.localdate()
    finding_answer(
        finding=second,
        actor=official,
        corrective_action="Сделать",
        due_date=today + datetime.timedelta(days=3),
    )
    finding_answer(
        finding=third,
        actor=official,
        corrective_action="Сделать",
        due_date=today + datetime.timedelta(days=9),
    )
    finding_mark_done(finding=third, actor=official)
    assert list(open_corrective_actions(body)) == [second, first] or list(open_corrective_actions(body)) == [
        first,
        second,
    ]
    assert third not in open_corrective_actions(body)
    assert list(open_corrective_actions(other_body)) == []
