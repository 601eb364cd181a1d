"""Editions, their deadline and registration term, variants and applicant attributes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.models import (
    ApplicantAttribute,
    AttributeValue,
    DayType,
    DeadlineKind,
    DeadlineUnit,
    Edition,
    EditionStatus,
    RegistrationTerm,
    Variant,
    status_transition,
)
from tests import factories

pytestmark = pytest.mark.django_db


def assert_integrity_error(create, constraint: str | None = None) -> None:
    """The insert fails in the database; a named check constraint is named in the error."""
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        create()
    if constraint:
        assert constraint in str(exc_info.value)


def error_codes(exc_info, field: str) -> list[str]:
    return [error.code for error in exc_info.value.error_dict.get(field, [])]


def new_edition(service=None, **fields) -> Edition:
    values = {"service": service or factories.service(), "number": 1, "full_name": "Выдача паспорта"}
    values.update(fields)
    return Edition(**values)


def new_variant(edition=None, **fields) -> Variant:
    values = {"edition": edition or factories.edition(), "code": "issue", "name": "Выдача"}
    values.update(fields)
    return Variant(**values)


# Database constraints: editions


def test_database_refuses_two_editions_with_one_number_in_a_service():
    service = factories.service()
    factories.edition(service, number=1)
    assert_integrity_error(lambda: new_edition(service, number=1).save())


def test_database_stores_editions_with_one_number_in_different_services():
    factories.edition(factories.service(), number=1)
    factories.edition(factories.service(), number=1)
    factories.edition(factories.service(), number=2)
    assert Edition.objects.filter(number=1).count() == 2


def test_database_refuses_edition_number_zero():
    assert_integrity_error(lambda: new_edition(number=0).save(), "edition_number_positive")


def test_database_stores_edition_number_one():
    edition = new_edition(number=1)
    edition.save()
    assert Edition.objects.get(pk=edition.pk).number == 1


def test_database_refuses_a_zero_deadline():
    assert_integrity_error(
        lambda: new_edition(
            deadline_value=0, deadline_unit=DeadlineUnit.DAYS, deadline_day_type=DayType.WORKING
        ).save(),
        "edition_deadline_positive",
    )


def test_database_stores_a_drafts_deadline_without_unit():
    edition = new_edition(deadline_value=5)
    edition.save()
    assert Edition.objects.get(pk=edition.pk).deadline_value == 5


def test_database_refuses_a_published_deadline_without_unit():
    edition = new_edition(deadline_value=5)
    edition.save()

    def publish_around_the_validator():
        with status_transition():
            Edition.objects.filter(pk=edition.pk).update(
                status=EditionStatus.PUBLISHED,
                published_at=timezone.now(),
                effective_date=datetime.date.today(),
            )

    assert_integrity_error(publish_around_the_validator, "edition_deadline_has_unit")


@pytest.mark.parametrize(
    "deadline",
    [
        {"deadline_value": 5, "deadline_unit": DeadlineUnit.DAYS, "deadline_day_type": DayType.WORKING},
        {},
    ],
    ids=["five-working-days", "not-yet-filled"],
)
def test_database_stores_a_positive_deadline_with_unit_or_none(deadline):
    edition = new_edition(**deadline)
    edition.save()
    assert Edition.objects.get(pk=edition.pk).deadline_value == deadline.get("deadline_value")


def test_database_refuses_a_zero_registration_term():
    assert_integrity_error(
        lambda: new_edition(registration_term=RegistrationTerm.MINUTES, registration_term_value=0).save(),
        "edition_registration_term_positive",
    )


def test_database_stores_a_positive_registration_term():
    edition = new_edition(registration_term=RegistrationTerm.MINUTES, registration_term_value=15)
    edition.save()
    assert Edition.objects.get(pk=edition.pk).registration_term_value == 15


@pytest.mark.parametrize(
    "field",
    ["number", "deadline_value", "queue_wait_minutes_submission", "queue_wait_minutes_receipt"],
)
def test_database_refuses_negative_values_in_positive_columns(field):
    assert_integrity_error(lambda: new_edition(**{field: -1, "deadline_unit": DeadlineUnit.HOURS}).save())


def test_database_stores_queue_waits_of_fifteen_minutes():
    edition = new_edition(queue_wait_minutes_submission=15, queue_wait_minutes_receipt=0)
    edition.save()
    stored = Edition.objects.get(pk=edition.pk)
    assert (stored.queue_wait_minutes_submission, stored.queue_wait_minutes_receipt) == (15, 0)


# Database constraints: variants and applicant attributes


def test_database_refuses_two_variants_with_one_code_in_an_edition():
    edition = factories.edition()
    factories.variant(edition, code="issue")
    assert_integrity_error(lambda: factories.variant(edition, code="issue"))


def test_database_stores_one_variant_code_in_different_editions():
    factories.variant(factories.edition(), code="issue")
    factories.variant(factories.edition(), code="issue")
    assert Variant.objects.filter(code="issue").count() == 2


def test_database_refuses_a_zero_variant_deadline():
    assert_integrity_error(
        lambda: new_variant(deadline_value=0, deadline_unit=DeadlineUnit.HOURS).save(),
        "variant_deadline_positive",
    )


def test_database_stores_a_draft_variants_deadline_without_unit():
    variant = new_variant(deadline_value=3)
    variant.save()
    assert Variant.objects.get(pk=variant.pk).deadline_value == 3


def test_database_stores_a_variant_with_its_own_deadline():
    variant = new_variant(
        deadline_value=3, deadline_unit=DeadlineUnit.DAYS, deadline_day_type=DayType.WORKING
    )
    variant.save()
    assert Variant.objects.get(pk=variant.pk).deadline_value == 3


def test_database_refuses_two_attributes_with_one_code_in_an_edition():
    edition = factories.edition()
    ApplicantAttribute.objects.create(edition=edition, code="age", question="Сколько вам лет?")
    assert_integrity_error(
        lambda: ApplicantAttribute.objects.create(edition=edition, code="age", question="Возраст?")
    )
    ApplicantAttribute.objects.create(edition=factories.edition(), code="age", question="Сколько вам лет?")
    assert ApplicantAttribute.objects.filter(code="age").count() == 2


def test_database_refuses_two_values_with_one_code_in_an_attribute():
    edition = factories.edition()
    reason = ApplicantAttribute.objects.create(
        edition=edition, code="reason", question="Почему нужен паспорт?"
    )
    other = ApplicantAttribute.objects.create(edition=edition, code="age", question="Сколько вам лет?")
    AttributeValue.objects.create(attribute=reason, code="lost", label="Паспорт утрачен")
    assert_integrity_error(
        lambda: AttributeValue.objects.create(attribute=reason, code="lost", label="Утерян")
    )
    AttributeValue.objects.create(attribute=other, code="lost", label="Другое значение")
    AttributeValue.objects.create(attribute=reason, code="damaged", label="Паспорт испорчен")
    assert AttributeValue.objects.count() == 3


# clean(): the deadline rules, shared by editions and variants

DAYS = DeadlineUnit.DAYS
WORKING = DayType.WORKING
INVALID_DEADLINES = [
    pytest.param(
        {"deadline_value": 0, "deadline_unit": DAYS, "deadline_day_type": WORKING},
        "deadline_value",
        "deadline_not_positive",
        id="zero",
    ),
    pytest.param(
        {"deadline_value": 2, "deadline_unit": DeadlineUnit.HOURS, "deadline_day_type": WORKING},
        "deadline_day_type",
        "deadline_day_type_not_applicable",
        id="hours-with-day-type",
    ),
    pytest.param(
        {"deadline_value": 15, "deadline_unit": DeadlineUnit.MINUTES, "deadline_day_type": DayType.CALENDAR},
        "deadline_day_type",
        "deadline_day_type_not_applicable",
        id="minutes-with-day-type",
    ),
]
VALID_DEADLINES = [
    ({"deadline_value": 0, "deadline_unit": DeadlineUnit.DAYS, "deadline_day_type": DayType.WORKING},
     "deadline_value", "deadline_not_positive"),
    ({"deadline_value": 5}, "deadline_unit", "deadline_unit_required"),
    ({"deadline_unit": DeadlineUnit.DAYS, "deadline_day_type": DayType.WORKING},
     "deadline_value", "deadline_value_required"),
    ({"deadline_value": 5, "deadline_unit": DeadlineUnit.DAYS},
     "deadline_day_type", "deadline_day_type_required"),
    ({"deadline_value": 1, "deadline_unit": DeadlineUnit.MONTHS},
     "deadline_day_type", "deadline_day_type_required"),
    ({"deadline_value": 2, "deadline_unit": DeadlineUnit.HOURS, "deadline_day_type": DayType.WORKING},
     "deadline_day_type", "deadline_day_type_not_applicable"),
    ({"deadline_value": 15, "deadline_unit": DeadlineUnit.MINUTES, "deadline_day_type": DayType.CALENDAR},
     "deadline_day_type", "deadline_day_type_not_applicable"),
]  # fmt: skip
INVALID_DEADLINE_IDS = [
    "zero",
    "no-unit",
    "unit-without-value",
    "days-without-day-type",
    "months-without-day-type",
    "hours-with-day-type",
    "minutes-with-day-type",
]
VALID_DEADLINES = [
    {"deadline_value": 5, "deadline_unit": DeadlineUnit.DAYS, "deadline_day_type": DayType.WORKING},
    {"deadline_value": 30, "deadline_unit": DeadlineUnit.DAYS, "deadline_day_type": DayType.CALENDAR},
    {"deadline_value": 1, "deadline_unit": DeadlineUnit.MONTHS, "deadline_day_type": DayType.CALENDAR},
    {"deadline_value": 2, "deadline_unit": DeadlineUnit.HOURS},
    {},
    # Half-entered: a draft keeps them, the publication validator names them (deadline.incomplete).
    {"deadline_value": 5},
    {"deadline_unit": DAYS, "deadline_day_type": WORKING},
    {"deadline_value": 5, "deadline_unit": DAYS},
    {"deadline_value": 1, "deadline_unit": DeadlineUnit.MONTHS},
]
VALID_DEADLINE_IDS = [
    "working-days",
    "calendar-days",
    "months",
    "hours",
    "not-yet-filled",
    "no-unit",
    "unit-without-value",
    "days-without-day-type",
    "months-without-day-type",
]


@pytest.mark.parametrize("build", [new_edition, new_variant], ids=["edition", "variant"])
@pytest.mark.parametrize(("deadline", "field", "code"), INVALID_DEADLINES)
def test_invalid_deadline_is_reported_on_its_field(build, deadline, field, code):
    with pytest.raises(ValidationError) as exc_info:
        build(**deadline).full_clean()
    assert error_codes(exc_info, field) == [code]


@pytest.mark.parametrize("build", [new_edition, new_variant], ids=["edition", "variant"])
@pytest.mark.parametrize("deadline", VALID_DEADLINES, ids=VALID_DEADLINE_IDS)
def test_valid_deadline_passes_full_clean(build, deadline):
    build(**deadline).full_clean()


# clean(): the registration term


@pytest.mark.parametrize(
    ("term", "value", "code"),
    [
        (RegistrationTerm.SAME_DAY, 1, "registration_term_value_not_applicable"),
        (RegistrationTerm.NEXT_WORKING_DAY, 1, "registration_term_value_not_applicable"),
    ],
)
def test_invalid_registration_term_value_is_reported_on_the_value(term, value, code):
    with pytest.raises(ValidationError) as exc_info:
        new_edition(registration_term=term, registration_term_value=value).full_clean()
    assert error_codes(exc_info, "registration_term_value") == [code]


@pytest.mark.parametrize(
    ("term", "value"),
    [
        (RegistrationTerm.MINUTES, 15),
        (RegistrationTerm.WORKING_DAYS, 1),
        (RegistrationTerm.SAME_DAY, None),
        (RegistrationTerm.NEXT_WORKING_DAY, None),
        ("", None),
        # Half-entered: kept in a draft, named by the validator (registration_term.value_missing, .missing).
        (RegistrationTerm.MINUTES, None),
        (RegistrationTerm.WORKING_DAYS, None),
        ("", 3),
    ],
)
def test_valid_registration_term_passes_full_clean(term, value):
    new_edition(registration_term=term, registration_term_value=value).full_clean()


# Display


def test_deadline_display_reads_as_the_statute_writes_it():
    edition = new_edition(
        deadline_value=5,
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type=DayType.WORKING,
        deadline_start_event="со дня регистрации заявления",
    )
    assert edition.deadline_display() == "не более 5 рабочих дней со дня регистрации заявления"


def test_deadline_display_in_hours_has_no_day_type():
    assert (
        new_variant(deadline_value=2, deadline_unit=DeadlineUnit.HOURS).deadline_display()
        == "не более 2 часов"
    )


@pytest.mark.parametrize(
    ("kind", "value", "unit", "day_type", "words"),
    [
        # A waiting period (СК РФ ст. 11: «по истечении месяца») and a fixed term take «через» and
        # the accusative: «1 календарный месяц», «2 рабочих дня», «5 рабочих дней», «21 час».
        (
            DeadlineKind.MINIMUM,
            1,
            DeadlineUnit.MONTHS,
            DayType.CALENDAR,
            "не ранее чем через 1 календарный месяц",
        ),
        (DeadlineKind.MINIMUM, 2, DeadlineUnit.DAYS, DayType.WORKING, "не ранее чем через 2 рабочих дня"),
        (DeadlineKind.MINIMUM, 5, DeadlineUnit.DAYS, DayType.WORKING, "не ранее чем через 5 рабочих дней"),
        (
            DeadlineKind.MINIMUM,
            11,
            DeadlineUnit.DAYS,
            DayType.CALENDAR,
            "не ранее чем через 11 календарных дней",
        ),
        (DeadlineKind.MINIMUM, 21, DeadlineUnit.HOURS, "", "не ранее чем через 21 час"),
        (DeadlineKind.FIXED, 1, DeadlineUnit.DAYS, DayType.WORKING, "через 1 рабочий день"),
        (DeadlineKind.FIXED, 3, DeadlineUnit.MONTHS, DayType.CALENDAR, "через 3 календарных месяца"),
        (DeadlineKind.FIXED, 1, DeadlineUnit.MINUTES, "", "через 1 минуту"),
        (DeadlineKind.FIXED, 14, DeadlineUnit.HOURS, "", "через 14 часов"),
        # A maximum keeps the genitive after «не более».
        (DeadlineKind.MAXIMUM, 1, DeadlineUnit.MONTHS, DayType.CALENDAR, "не более 1 календарного месяца"),
        (DeadlineKind.MAXIMUM, 21, DeadlineUnit.DAYS, DayType.WORKING, "не более 21 рабочего дня"),
        (DeadlineKind.MAXIMUM, 3, DeadlineUnit.HOURS, "", "не более 3 часов"),
    ],
)
def test_deadline_display_words_each_kind_of_term_with_its_number(kind, value, unit, day_type, words):
    for holder in (new_edition, new_variant):
        term = holder(
            deadline_kind=kind, deadline_value=value, deadline_unit=unit, deadline_day_type=day_type
        )
        assert term.deadline_display() == words


def test_minimum_term_reads_as_the_family_code_sets_the_wait_for_a_marriage():
    edition = new_edition(
        deadline_kind=DeadlineKind.MINIMUM,
        deadline_value=1,
        deadline_unit=DeadlineUnit.MONTHS,
        deadline_day_type=DayType.CALENDAR,
        deadline_start_event="со дня подачи заявления",
    )
    assert edition.deadline_display() == "не ранее чем через 1 календарный месяц со дня подачи заявления"


def test_a_term_is_a_maximum_unless_said_otherwise():
    edition = new_edition(deadline_value=5, deadline_unit=DeadlineUnit.HOURS)
    edition.save()
    variant = new_variant(deadline_value=5, deadline_unit=DeadlineUnit.HOURS)
    variant.save()
    assert Edition.objects.get(pk=edition.pk).deadline_kind == DeadlineKind.MAXIMUM
    assert Variant.objects.get(pk=variant.pk).deadline_kind == DeadlineKind.MAXIMUM


def test_an_unknown_kind_of_term_is_a_field_error():
    with pytest.raises(ValidationError) as exc_info:
        new_edition(deadline_kind="at_most", deadline_value=5, deadline_unit=DeadlineUnit.HOURS).full_clean()
    assert error_codes(exc_info, "deadline_kind") == ["invalid_choice"]


def test_deadline_display_is_empty_without_a_complete_deadline():
    assert new_edition().deadline_display() == ""
    assert new_edition(deadline_value=5).deadline_display() == ""
    assert new_edition(deadline_unit=DeadlineUnit.DAYS).deadline_display() == ""


def test_edition_line_names_number_date_and_amending_act():
    order = factories.legal_act(short_title="Приказ МВД России № 773")
    edition = new_edition(number=3, effective_date=datetime.date(2022, 7, 1), amending_act=order)
    assert edition.edition_line() == "Редакция № 3 от 01.07.2022 (в ред. Приказ МВД России № 773)"


def test_edition_line_of_a_first_edition_without_date_or_act_is_just_its_number():
    assert new_edition(number=1).edition_line() == "Редакция № 1"
