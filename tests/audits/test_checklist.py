"""The checklist of an audit comes from the edition of the standard in force."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.audits.checklist import generate_checklist, sentences
from registry.models import AuditKind, CheckKind, DocumentSource
from registry.selectors import current_edition
from registry.services import edition_approve, edition_publish, edition_submit
from tests import factories
from tests.audits.helpers import office_with_service, publish_new_edition, started

pytestmark = pytest.mark.django_db


def codes(rows):
    return [row.code for row in rows]


def test_a_visit_checks_every_requirement_of_items_6_10_11_12_and_the_five_criteria(office, service):
    rows = generate_checklist(current_edition(service), office)
    assert codes(rows) == [
        "premises.1",
        "access.ramp",
        "access.parking",
        "stand.documents",
        "stand.term",
        "stand.fee",
        "documents.asked",
        "queue.submission",
        "queue.receipt",
        "registration",
        "criteria.term",
        "criteria.queue",
        "criteria.politeness",
        "criteria.comfort",
        "criteria.information",
    ]
    by_code = {row.code: row for row in rows}
    assert (
        by_code["premises.1"].requirement
        == "Зал ожидания, места для заполнения запросов, информационные стенды"
    )
    assert by_code["premises.1"].statutory_item == 12
    assert by_code["access.ramp"].requirement == "Для инвалидов обеспечено: пандус, беспрепятственный вход"
    assert by_code["queue.submission"].limit_minutes == 15
    assert by_code["queue.submission"].check_kind == CheckKind.MINUTES
    assert by_code["registration"].requirement == "Запрос зарегистрирован не позднее следующего рабочего дня"
    assert by_code["registration"].limit_minutes is None
    assert by_code["stand.term"].requirement.endswith("не более 5 рабочих дней со дня регистрации заявления")
    assert by_code["documents.asked"].allowed_documents == [
        {"name": "Заявление о выдаче разрешения на строительство", "source": DocumentSource.APPLICANT},
        {"name": "Выписка из ЕГРН о земельном участке", "source": DocumentSource.INTERAGENCY},
    ]
    assert {row.check_kind for row in rows if row.code.startswith("criteria.")} == {CheckKind.RATING}


def test_a_new_edition_changes_the_checklist_of_the_next_audit_but_not_of_the_last(
    office, service, inspector
):
    before = started(office, service, inspector)
    edition = publish_new_edition(
        service,
        premises_requirements="Зал ожидания оборудован стульями. Есть туалет для посетителей.",
        access_parking=False,
        access_braille=True,
        queue_wait_minutes_submission=10,
        queue_wait_minutes_receipt=20,
    )
    after = started(office, service, inspector)

    assert after.edition == edition and before.edition != edition
    new_codes = list(after.items.values_list("code", flat=True))
    assert "premises.2" in new_codes and "access.braille" in new_codes
    assert "access.parking" not in new_codes
    assert after.items.get(code="queue.submission").limit_minutes == 10
    assert after.items.get(code="queue.receipt").requirement == (
        "Ожидание в очереди при получении результата — не более 20 мин."
    )
    assert after.items.get(code="premises.2").requirement == "Есть туалет для посетителей"
    # The audit already started keeps the checklist of its own edition.
    assert before.items.get(code="queue.submission").limit_minutes == 15
    assert "access.parking" in before.items.values_list("code", flat=True)


def test_a_registration_term_in_minutes_is_a_limit(body):
    office, service = office_with_service(body, code="OFFICE-2")
    publish_new_edition(service, registration_term="minutes", registration_term_value=15)
    row = next(
        row for row in generate_checklist(current_edition(service), office) if row.code == "registration"
    )
    assert row.limit_minutes == 15
    assert row.requirement == "Запрос зарегистрирован в течение 15 мин."


def test_an_mfc_office_checks_that_it_accepts_a_service_available_in_mfc(body):
    office, service = office_with_service(body, code="MFC-1", is_mfc=True)
    assert "mfc.accepts" in codes(generate_checklist(current_edition(service), office))


def test_a_call_checks_what_a_call_can(office, service):
    rows = generate_checklist(current_edition(service), office, kind=AuditKind.CALL)
    assert codes(rows) == ["documents.asked", "criteria.politeness", "criteria.information"]


def test_without_declared_measures_the_accessibility_description_is_checked_sentence_by_sentence(
    office, service
):
    publish_new_edition(
        service,
        access_ramp=False,
        access_parking=False,
        accessibility_requirements="Вход оборудован пандусом; Есть кнопка вызова персонала.",
    )
    rows = [
        row for row in generate_checklist(current_edition(service), office) if row.code.startswith("access.")
    ]
    assert [row.requirement for row in rows] == ["Вход оборудован пандусом", "Есть кнопка вызова персонала"]


def test_sentences_split_at_full_stops_before_a_capital_letter_only():
    assert sentences("Стенд у входа, в т.ч. образцы. Зал ожидания.") == [
        "Стенд у входа, в т.ч. образцы",
        "Зал ожидания",
    ]


def test_an_audit_entered_later_is_checked_against_the_edition_in_force_on_the_day_of_the_visit(
    office, body, inspector
):
    service = factories.service(provider=body)
    first = factories.complete_edition(service)
    a_month_ago = timezone.localdate() - datetime.timedelta(days=30)
    edition_submit(edition=first, actor=None)
    edition_approve(edition=first, actor=None, effective_date=a_month_ago)
    edition_publish(edition=first, actor=None, effective_date=a_month_ago)
    office.services.add(service)
    publish_new_edition(service, queue_wait_minutes_submission=10)
    last_week = started(office, service, inspector, visited_at=timezone.now() - datetime.timedelta(days=7))
    assert last_week.edition == first
    assert last_week.items.get(code="queue.submission").limit_minutes == 15
    assert started(office, service, inspector).items.get(code="queue.submission").limit_minutes == 10
    with pytest.raises(ValidationError) as caught:
        started(office, service, inspector, visited_at=timezone.now() - datetime.timedelta(days=60))
    assert caught.value.message_dict["service"] == [
        f"У услуги «{service.registry_number}» в день проверки не было действующей редакции стандарта."
    ]
