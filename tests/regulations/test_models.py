"""Legal acts, citations and the statutory requirements of 210-FZ art. 14."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from regulations.models import (
    LegalAct,
    LegalActKind,
    LegalActStatus,
    RequirementProfile,
    StatutoryRequirement,
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


def new_act(**fields) -> LegalAct:
    values = {
        "kind": LegalActKind.CODE,
        "number": "117-ФЗ",
        "date": datetime.date(2000, 8, 5),
        "title": "Налоговый кодекс Российской Федерации (часть вторая)",
        "short_title": "НК РФ",
        "in_force_from": datetime.date(2001, 1, 1),
    }
    values.update(fields)
    return LegalAct(**values)


def profile(code: str = "test-profile", order: int = 10) -> RequirementProfile:
    return RequirementProfile.objects.create(code=code, title=f"Профиль {code}", order=order)


def requirement(profile_obj: RequirementProfile, **fields) -> StatutoryRequirement:
    values = {
        "profile": profile_obj,
        "act": factories.legal_act(),
        "code": "test-requirement",
        "number": 1,
        "title": "Тестовое требование",
        "section": "name",
        "filled_when": "Поле заполнено.",
    }
    values.update(fields)
    return StatutoryRequirement.objects.create(**values)


# Legal acts: database constraints


def test_database_refuses_two_acts_of_one_kind_number_and_date():
    new_act().save()
    assert_integrity_error(lambda: new_act(title="Другое наименование").save())


@pytest.mark.parametrize(
    "difference",
    [
        {"kind": LegalActKind.FEDERAL_LAW},
        {"number": "118-ФЗ"},
        {"date": datetime.date(2000, 8, 6)},
    ],
    ids=["kind", "number", "date"],
)
def test_database_stores_acts_differing_in_kind_number_or_date(difference):
    new_act().save()
    new_act(**difference).save()
    assert LegalAct.objects.filter(title=new_act().title).count() == 2


def test_database_refuses_an_act_that_ends_before_it_starts():
    assert_integrity_error(
        lambda: new_act(
            in_force_from=datetime.date(2001, 1, 2), in_force_until=datetime.date(2001, 1, 1)
        ).save(),
        "legalact_in_force_period_ordered",
    )


@pytest.mark.parametrize(
    ("in_force_from", "in_force_until"),
    [
        (datetime.date(2001, 1, 1), datetime.date(2001, 1, 1)),
        (datetime.date(2001, 1, 1), datetime.date(2020, 12, 31)),
        (None, datetime.date(2020, 12, 31)),
        (datetime.date(2001, 1, 1), None),
    ],
)
def test_database_stores_an_ordered_or_open_period(in_force_from, in_force_until):
    act = new_act(in_force_from=in_force_from, in_force_until=in_force_until)
    act.save()
    assert LegalAct.objects.get(pk=act.pk).in_force_until == in_force_until


# Legal acts: clean()


def test_reversed_period_is_reported_on_in_force_until():
    act = new_act(in_force_from=datetime.date(2001, 1, 2), in_force_until=datetime.date(2001, 1, 1))
    with pytest.raises(ValidationError) as exc_info:
        act.full_clean()
    assert error_codes(exc_info, "in_force_until") == ["in_force_period_reversed"]


def test_repealed_act_without_end_date_is_reported_on_in_force_until():
    with pytest.raises(ValidationError) as exc_info:
        new_act(status=LegalActStatus.REPEALED).full_clean()
    assert error_codes(exc_info, "in_force_until") == ["repealed_without_end_date"]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"status": LegalActStatus.REPEALED, "in_force_until": datetime.date(2020, 12, 31)},
        {"in_force_until": datetime.date(2001, 1, 1)},
        {"status": LegalActStatus.NOT_YET_IN_FORCE, "in_force_from": datetime.date(2030, 1, 1)},
    ],
    ids=["in-force", "repealed-with-end-date", "one-day", "not-yet-in-force"],
)
def test_consistent_act_passes_full_clean(fields):
    new_act(**fields).full_clean()


def test_act_taken_by_kind_number_and_date_is_invalid():
    new_act().save()
    with pytest.raises(ValidationError) as exc_info:
        new_act(title="Другое наименование").full_clean()
    assert "__all__" in exc_info.value.error_dict


# Legal acts: in force on a date

FROM = datetime.date(2001, 1, 1)
UNTIL = datetime.date(2020, 12, 31)


@pytest.mark.parametrize(
    ("fields", "date", "in_force"),
    [
        ({"in_force_from": FROM}, datetime.date(2000, 12, 31), False),
        ({"in_force_from": FROM}, FROM, True),
        ({"in_force_from": FROM}, datetime.date(2030, 1, 1), True),
        ({"in_force_from": FROM, "in_force_until": UNTIL}, UNTIL, True),
        ({"in_force_from": FROM, "in_force_until": UNTIL}, datetime.date(2021, 1, 1), False),
        ({"in_force_from": None, "in_force_until": None}, datetime.date(1990, 1, 1), True),
        ({"status": LegalActStatus.REPEALED, "in_force_until": UNTIL}, datetime.date(2010, 1, 1), True),
        ({"status": LegalActStatus.REPEALED, "in_force_until": UNTIL}, datetime.date(2021, 1, 1), False),
        ({"status": LegalActStatus.REPEALED, "in_force_until": None}, datetime.date(2010, 1, 1), False),
    ],
    ids=[
        "before-start",
        "first-day",
        "open-ended",
        "last-day",
        "after-end",
        "no-dates",
        "repealed-before-end",
        "repealed-after-end",
        "repealed-without-end-date",
    ],
)
def test_act_in_force_on_a_date_agrees_with_the_queryset(fields, date, in_force):
    act = new_act(**fields)
    act.save()
    assert act.is_in_force_on(date) is in_force
    assert LegalAct.objects.filter(pk=act.pk).in_force_on(date).exists() is in_force


def test_queryset_in_force_on_selects_only_acts_in_force():
    current = factories.legal_act(in_force_from=FROM)
    future = factories.legal_act(in_force_from=datetime.date(2030, 1, 1))
    ended = factories.legal_act(in_force_from=FROM, in_force_until=datetime.date(2015, 1, 1))
    repealed = factories.legal_act(status=LegalActStatus.REPEALED, in_force_from=FROM, in_force_until=None)
    candidates = LegalAct.objects.filter(pk__in=[current.pk, future.pk, ended.pk, repealed.pk])
    assert list(candidates.in_force_on(datetime.date(2024, 1, 1))) == [current]
    assert set(candidates.in_force_on(datetime.date(2010, 1, 1))) == {current, ended}


# Citations


def test_citation_renders_article_point_subpoint_and_act():
    nk = factories.legal_act(short_title="НК РФ")
    citation = StatutoryRequirement(act=nk, article="333.33", point="1", subpoint="17")
    assert citation.render_citation() == "ст. 333.33 п. 1 пп. 17 НК РФ"


def test_citation_renders_the_part():
    law = factories.legal_act(short_title="Федерального закона № 210-ФЗ")
    citation = StatutoryRequirement(act=law, article="14", part="1", point="7")
    assert citation.render_citation() == "ст. 14 ч. 1 п. 7 Федерального закона № 210-ФЗ"


def test_citation_of_an_act_without_short_title_names_kind_and_number_or_date():
    numbered = factories.legal_act(kind=LegalActKind.FEDERAL_LAW, number="210-ФЗ", short_title="")
    unnumbered = factories.legal_act(
        kind=LegalActKind.MUNICIPAL_ACT, number="", date=datetime.date(2021, 3, 15), short_title=""
    )
    assert (
        StatutoryRequirement(act=numbered, article="7").render_citation()
        == "ст. 7 Федеральный закон № 210-ФЗ"
    )
    assert (
        StatutoryRequirement(act=unnumbered).render_citation() == "Муниципальный правовой акт от 15.03.2021"
    )


# Statutory requirements: database constraints


def test_database_refuses_two_requirements_with_one_number_in_a_profile():
    first = profile()
    requirement(first, code="first", number=1)
    assert_integrity_error(lambda: requirement(first, code="second", number=1))


def test_database_stores_one_requirement_number_in_different_profiles():
    requirement(profile("one"), code="first", number=1)
    requirement(profile("two"), code="second", number=1)
    requirement(profile("three"), code="third", number=2)
    assert StatutoryRequirement.objects.filter(code__in=["first", "second"]).count() == 2


def test_database_refuses_two_requirements_with_one_code():
    requirement(profile("one"), code="same", number=1)
    assert_integrity_error(lambda: requirement(profile("two"), code="same", number=1))


def test_database_refuses_two_profiles_with_one_code():
    profile("one")
    assert_integrity_error(lambda: profile("one"))


def test_database_refuses_negative_requirement_number_or_profile_order():
    assert_integrity_error(lambda: requirement(profile(), number=-1))
    assert_integrity_error(lambda: profile("negative", order=-1))
    assert RequirementProfile.objects.filter(code__in=["test-profile", "negative"]).count() == 0


# The statutory requirements loaded by the data migration


def test_migration_loads_fourteen_requirements_of_part_one_and_nine_of_part_two():
    part_one = StatutoryRequirement.objects.filter(profile__code="standard")
    part_two = StatutoryRequirement.objects.filter(profile__code="single_standard")
    assert sorted(part_one.values_list("number", flat=True)) == list(range(1, 15))
    assert sorted(part_two.values_list("number", flat=True)) == list(range(1, 10))


def test_migrated_requirements_have_unique_codes():
    codes = list(
        StatutoryRequirement.objects.filter(profile__code__in=["standard", "single_standard"]).values_list(
            "code", flat=True
        )
    )
    assert len(codes) == 23
    assert len(set(codes)) == 23
    assert all(codes)


@pytest.mark.parametrize(("profile_code", "part"), [("standard", "1"), ("single_standard", "2")])
def test_each_migrated_requirement_cites_article_14_of_210_fz_with_its_part_and_point(profile_code, part):
    requirements = StatutoryRequirement.objects.filter(profile__code=profile_code).select_related("act")
    assert requirements.exists()
    for item in requirements:
        assert (item.act.kind, item.act.number, item.act.date) == (
            LegalActKind.FEDERAL_LAW,
            "210-ФЗ",
            datetime.date(2010, 7, 27),
        )
        assert (item.article, item.part, item.point, item.subpoint) == ("14", part, str(item.number), "")
        assert item.render_citation() == f"ст. 14 ч. {part} п. {item.number} Федерального закона № 210-ФЗ"


def test_migration_creates_the_210_fz_act_once_and_in_force():
    law = LegalAct.objects.get(
        kind=LegalActKind.FEDERAL_LAW, number="210-ФЗ", date=datetime.date(2010, 7, 27)
    )
    assert law.is_in_force_on(datetime.date(2024, 1, 1))
    assert law.title == "Об организации предоставления государственных и муниципальных услуг"


def test_an_act_cited_as_a_whole_is_named_in_the_nominative_with_its_date():
    import datetime

    from regulations.models import LegalAct, LegalActKind

    order = LegalAct(
        kind=LegalActKind.MINISTERIAL_ORDER,
        number="773",
        date=datetime.date(2020, 11, 16),
        title="Об утверждении Административного регламента",
        short_title="Приказа МВД России № 773",
    )
    assert order.nominative_reference == "Приказ МВД России от 16.11.2020 № 773"
    assert (
        order.full_reference
        == "Приказ МВД России от 16.11.2020 № 773 «Об утверждении Административного регламента»"
    )
    code = LegalAct(
        kind=LegalActKind.CODE,
        number="190-ФЗ",
        date=datetime.date(2004, 12, 29),
        title="Градостроительный кодекс Российской Федерации",
        short_title="ГрК РФ",
    )
    assert code.nominative_reference == "ГрК РФ"
    assert code.full_reference == "Градостроительный кодекс Российской Федерации от 29.12.2004 № 190-ФЗ"
    decree = LegalAct(
        kind=LegalActKind.MUNICIPAL_ACT,
        number="1745",
        date=datetime.date(2021, 5, 1),
        title="О внесении изменений",
        short_title="Постановления администрации г. Ульяновска № 1745",
    )
    assert decree.nominative_reference == "Постановление администрации г. Ульяновска от 01.05.2021 № 1745"


@pytest.mark.django_db
def test_a_citation_of_an_article_keeps_the_genitive_and_a_whole_act_the_nominative():
    from registry.models import LegalBasis
    from tests import factories

    act = factories.legal_act(short_title="Приказа МВД России № 773", number="773")
    whole = LegalBasis(act=act)
    assert whole.render_citation().startswith("Приказ МВД России от ")
    point = LegalBasis(act=act, point="27")
    assert point.render_citation() == "п. 27 Приказа МВД России № 773"
