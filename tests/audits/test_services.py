"""Answers computed from measurements, the score, findings and the corrective-action flow."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from registry.audits.services import (
    ItemInput,
    audit_record,
    audit_start,
    audit_submit,
    finding_answer,
    finding_mark_done,
)
from registry.models import Answer, AuditStatus, FindingStatus, Office, Role
from registry.models.audits import score_of
from tests import factories
from tests.audits.helpers import a_moment_ago, filled, inspector_of, item, started
from tests.workspace.helpers import user_with

pytestmark = pytest.mark.django_db

APPLICATION = "Заявление о выдаче разрешения на строительство"
EGRN = "Выписка из ЕГРН о земельном участке"


def test_a_queue_wait_above_the_maximum_of_item_10_is_not_met(office, service, inspector):
    audit = started(office, service, inspector)
    audit = filled(
        audit,
        inspector,
        {"queue.submission": ItemInput(measured_minutes=27), "queue.receipt": ItemInput(measured_minutes=15)},
        submit=False,
    )
    assert item(audit, "queue.submission").answer == Answer.NOT_MET
    assert item(audit, "queue.receipt").answer == Answer.MET  # the maximum itself is within it


def test_an_inspector_answer_never_overrides_a_measured_queue_wait(office, service, inspector):
    audit = filled(
        started(office, service, inspector),
        inspector,
        {"queue.submission": ItemInput(measured_minutes=40, answer=Answer.MET)},
        submit=False,
    )
    assert item(audit, "queue.submission").answer == Answer.NOT_MET


def test_a_document_asked_beyond_the_exhaustive_list_is_a_violation_of_item_6(office, service, inspector):
    audit = filled(
        started(office, service, inspector),
        inspector,
        {
            "documents.asked": ItemInput(
                documents_asked=[APPLICATION], other_documents="Копия трудовой книжки\n"
            )
        },
        submit=False,
    )
    row = item(audit, "documents.asked")
    assert row.answer == Answer.NOT_MET
    assert row.documents_asked == [APPLICATION]
    assert row.other_documents == "Копия трудовой книжки"


def test_asking_the_applicant_for_an_inter_agency_document_is_a_violation(office, service, inspector):
    audit = filled(
        started(office, service, inspector),
        inspector,
        {"documents.asked": ItemInput(documents_asked=[APPLICATION, EGRN])},
        submit=False,
    )
    assert item(audit, "documents.asked").answer == Answer.NOT_MET


def test_asking_only_for_the_applicants_own_documents_of_the_list_is_met(office, service, inspector):
    audit = filled(
        started(office, service, inspector),
        inspector,
        {"documents.asked": ItemInput(documents_asked=[APPLICATION])},
        submit=False,
    )
    assert item(audit, "documents.asked").answer == Answer.MET


def test_a_document_not_in_the_list_cannot_be_ticked(office, service, inspector):
    audit = started(office, service, inspector)
    with pytest.raises(ValidationError, match="документа «Паспорт» нет в исчерпывающем перечне"):
        filled(audit, inspector, {"documents.asked": ItemInput(documents_asked=["Паспорт"])}, submit=False)


def test_criteria_scored_4_or_5_are_met_and_1_to_3_are_not(office, service, inspector):
    audit = filled(
        started(office, service, inspector),
        inspector,
        {"criteria.politeness": ItemInput(rating=4), "criteria.comfort": ItemInput(rating=3)},
        submit=False,
    )
    assert item(audit, "criteria.politeness").answer == Answer.MET
    assert item(audit, "criteria.comfort").answer == Answer.NOT_MET
    assert item(audit, "criteria.term").answer == Answer.NOT_CHECKED


def test_a_request_registered_during_the_visit_keeps_a_term_in_days(office, service, inspector):
    audit = filled(
        started(office, service, inspector),
        inspector,
        {"registration": ItemInput(measured_minutes=40)},
        submit=False,
    )
    assert item(audit, "registration").answer == Answer.MET


def test_the_score_is_the_share_of_met_items_among_the_checked_ones(office, service, inspector):
    audit = filled(
        started(office, service, inspector),
        inspector,
        {
            "premises.1": ItemInput(answer=Answer.MET),
            "access.ramp": ItemInput(answer=Answer.NOT_MET, note="Пандус без поручней"),
            "access.parking": ItemInput(answer=Answer.NOT_CHECKED),
            "queue.submission": ItemInput(measured_minutes=12),
            "criteria.politeness": ItemInput(rating=5),
            "criteria.information": ItemInput(rating=2),
        },
    )
    assert audit.status == AuditStatus.SUBMITTED and audit.submitted_at is not None
    assert (audit.checked_count, audit.met_count) == (5, 3)
    assert audit.score == Decimal("60.0")
    assert sorted(audit.findings.values_list("item__code", flat=True)) == [
        "access.ramp",
        "criteria.information",
    ]
    assert set(audit.findings.values_list("status", flat=True)) == {FindingStatus.OPEN}


def test_score_rounds_half_up_to_one_decimal():
    assert score_of(2, 3) == Decimal("66.7")
    assert score_of(1, 8) == Decimal("12.5")
    assert score_of(0, 0) is None


def test_an_audit_with_nothing_checked_is_not_submitted(office, service, inspector):
    audit = started(office, service, inspector)
    with pytest.raises(ValidationError, match="Ни один пункт не проверен"):
        audit_submit(audit=audit, actor=inspector)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.DRAFT


def test_a_submitted_audit_is_not_changed_again(office, service, inspector):
    audit = filled(
        started(office, service, inspector), inspector, {"premises.1": ItemInput(answer=Answer.MET)}
    )
    with pytest.raises(PermissionDenied):
        audit_record(
            audit=audit,
            actor=inspector,
            inputs={item(audit, "premises.1").pk: ItemInput(answer=Answer.NOT_MET)},
        )
    with pytest.raises(PermissionDenied):
        audit_submit(audit=audit, actor=inspector)


def test_the_official_answers_a_finding_with_a_corrective_action_and_later_marks_it_done(
    office, service, inspector, official
):
    audit = filled(
        started(office, service, inspector), inspector, {"access.ramp": ItemInput(answer=Answer.NOT_MET)}
    )
    finding = audit.findings.get()
    with pytest.raises(ValidationError, match="Сначала укажите корректирующую меру"):
        finding_mark_done(finding=finding, actor=official)
    due = timezone.localdate() + datetime.timedelta(days=30)
    finding = finding_answer(
        finding=finding, actor=official, corrective_action="Установить поручни", due_date=due
    )
    assert (finding.status, finding.due_date, finding.answered_by) == (FindingStatus.PLANNED, due, official)
    finding = finding_mark_done(finding=finding, actor=official)
    assert finding.status == FindingStatus.DONE and finding.done_by == official and finding.done_at
    with pytest.raises(ValidationError, match="уже отмечена выполненной"):
        finding_answer(finding=finding, actor=official, corrective_action="Другое", due_date=due)


def test_a_corrective_action_needs_its_text_and_a_date_not_before_the_audit(
    office, service, inspector, official
):
    audit = filled(
        started(office, service, inspector), inspector, {"access.ramp": ItemInput(answer=Answer.NOT_MET)}
    )
    finding = audit.findings.get()
    with pytest.raises(ValidationError) as caught:
        finding_answer(
            finding=finding, actor=official, corrective_action="  ", due_date=datetime.date(2000, 1, 1)
        )
    assert caught.value.message_dict["corrective_action"] == ["Опишите корректирующую меру."]
    assert caught.value.message_dict["due_date"][0].startswith(
        "Срок выполнения меры не может быть раньше даты проверки"
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and finding.corrective_action == ""


def test_only_the_staff_of_the_audited_body_answer_findings(office, service, inspector, other_body):
    audit = filled(
        started(office, service, inspector), inspector, {"access.ramp": ItemInput(answer=Answer.NOT_MET)}
    )
    stranger = user_with(Role.OFFICIAL, other_body)
    due = timezone.localdate() + datetime.timedelta(days=5)
    with pytest.raises(PermissionDenied):
        finding_answer(finding=audit.findings.get(), actor=stranger, corrective_action="Что-то", due_date=due)
    with pytest.raises(PermissionDenied):
        finding_answer(
            finding=audit.findings.get(), actor=inspector, corrective_action="Что-то", due_date=due
        )


def test_an_inspector_of_one_body_cannot_audit_another_bodys_office(service, inspector, other_body):
    foreign = Office.objects.create(body=other_body, code="F-1", name="Чужой офис", address="г. Москва")
    foreign.services.add(service)
    with pytest.raises(PermissionDenied):
        audit_start(
            office=foreign, service=service, inspector=inspector, kind="visit", visited_at=a_moment_ago()
        )


def test_a_registry_wide_inspector_audits_any_bodys_office(office, service, other_body):
    anywhere = inspector_of(None)
    audit = started(office, service, anywhere)
    assert audit.items.exists()
    foreign = Office.objects.create(body=other_body, code="F-2", name="Офис ФНС", address="г. Москва")
    foreign.services.add(service)
    assert started(foreign, service, anywhere).office == foreign


def test_starting_an_audit_refuses_a_service_not_provided_in_the_office_and_a_future_time(
    office, inspector, body
):
    other_service = factories.service(provider=body)
    with pytest.raises(ValidationError) as caught:
        audit_start(
            office=office,
            service=other_service,
            inspector=inspector,
            kind="visit",
            visited_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert "не предоставляется в офисе" in caught.value.message_dict["service"][0]
    assert caught.value.message_dict["visited_at"] == [
        "Дата и время проверки не могут быть позже текущего момента."
    ]


def test_an_official_is_no_inspector(office, service, official):
    with pytest.raises(PermissionDenied):
        started(office, service, official)
