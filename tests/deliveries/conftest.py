import datetime
from dataclasses import dataclass

import pytest

from registry.models import (
    Channel,
    DayType,
    DeadlineUnit,
    Edition,
    EditionStatus,
    GroundKind,
    Office,
    RegistrationTerm,
    status_transition,
)
from registry.workdays import WorkCalendar
from tests import factories
from tests.deliveries.files import CITY_OGRN, MVD_OGRN


def put_in_force(edition: Edition, effective: datetime.date, *, superseded: bool = False) -> Edition:
    """As the workflow does it (the models refuse status changes made anywhere else)."""
    with status_transition():
        Edition.objects.filter(pk=edition.pk).update(
            status=EditionStatus.SUPERSEDED if superseded else EditionStatus.PUBLISHED,
            published_at=datetime.datetime(2025, 12, 1, 9, 0, tzinfo=datetime.UTC),
            effective_date=effective,
            superseded_at=datetime.datetime(2026, 3, 1, 0, 0, tzinfo=datetime.UTC) if superseded else None,
        )
    edition.refresh_from_db()
    return edition


@pytest.fixture
def calendar():
    """2026: 9 March is the day off moved from Sunday 8 March."""
    return WorkCalendar.from_days([(datetime.date(2026, 3, 9), "holiday")])


@pytest.fixture
def service():
    """Edition 1 in force from 1 January 2026, edition 2 from 1 March 2026, with different terms."""
    service = factories.service()
    first = factories.edition(
        service,
        deadline_value=5,
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type=DayType.WORKING,
        deadline_start_event="со дня регистрации заявления",
        queue_wait_minutes_submission=15,
        queue_wait_minutes_receipt=15,
        registration_term=RegistrationTerm.NEXT_WORKING_DAY,
    )
    first.grounds.create(
        kind=GroundKind.REFUSAL, text="Представление неполного комплекта документов", order=1
    )
    first.grounds.create(kind=GroundKind.REFUSAL, text="Недостоверные сведения в заявлении", order=2)
    first.grounds.create(kind=GroundKind.SUSPENSION, text="Запрос сведений у другого органа", order=3)
    factories.variant(
        first,
        code="zamena",
        deadline_value=2,
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type=DayType.WORKING,
        deadline_start_event="со дня регистрации заявления",
    )
    put_in_force(first, datetime.date(2026, 1, 1), superseded=True)
    second = factories.edition(
        service,
        change_note="Срок сокращён.",
        deadline_value=3,
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type=DayType.CALENDAR,
        deadline_start_event="со дня подачи заявления",
        queue_wait_minutes_submission=10,
        queue_wait_minutes_receipt=20,
        registration_term=RegistrationTerm.MINUTES,
        registration_term_value=30,
    )
    second.grounds.create(kind=GroundKind.REFUSAL, text="Заявитель не относится к кругу заявителей", order=1)
    put_in_force(second, datetime.date(2026, 3, 1))
    service.first_edition, service.second_edition = first, second
    return service


@pytest.fixture
def office(service):
    return Office.objects.create(body=service.provider, code="01", name="Приёмная", address="ул. Ленина, 1")


# The intake's small world: two bodies, a service of each, an office, a channel, a variant.


@dataclass
class World:
    mvd: object
    city: object
    passport: object  # a service of the МВД
    permit: object  # a service of the city
    office: object
    channel: object

    def row(self, case_id: str = "К-1", **changes) -> list[str]:
        values = {
            "case": case_id,
            "service": self.passport.registry_number,
            "body": MVD_OGRN,
            "office": self.office.code,
            "channel": self.channel.code,
            "variant": "first",
            "submitted": "2025-03-03T10:00:00",
            "registered": "03.03.2025 10:15",
            "result": "2025-03-20T12:00:00+03:00",
            "outcome": "issued",
            "ground": "",
            "wait_in": "12",
            "wait_out": "5",
        }
        values.update(changes)
        return list(values.values())


@pytest.fixture
def world(db):
    mvd = factories.body(ogrn=MVD_OGRN, short_name="МВД России")
    city = factories.body(ogrn=CITY_OGRN, short_name="Администрация")
    passport = factories.service(provider=mvd)
    edition = factories.edition(passport)
    factories.variant(edition, code="first")
    permit = factories.service(provider=city)
    office = Office.objects.create(body=mvd, code="MSK-01", name="Отдел 1", address="Москва")
    office.services.add(passport)
    channel, _created = Channel.objects.get_or_create(code="in_person", defaults={"name": "Лично"})
    return World(mvd, city, passport, permit, office, channel)
