"""An edition's period in force ends the day its successor takes effect, never later: the
history of редакции reads like a law's, without overlapping periods."""

import datetime
import re

import pytest

from registry.models import FROZEN_STATUSES, Edition, Service
from registry.selectors import with_end_of_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_registry):
    return demo_registry


def periods(service: Service) -> list[tuple[int, datetime.date, datetime.date | None]]:
    editions = with_end_of_force(service.editions.filter(status__in=FROZEN_STATUSES).order_by("number"))
    return [(e.number, e.effective_date, e.lost_force_on) for e in editions]


def test_no_demo_edition_is_in_force_after_its_successor_took_effect(demo):
    services_with_history = 0
    for service in Service.objects.order_by("registry_number"):
        history = periods(service)
        if len(history) > 1:
            services_with_history += 1
        for index, (number, start, end) in enumerate(history):
            following = history[index + 1] if index + 1 < len(history) else None
            if following is None:
                assert end is None, (service.registry_number, number)
                continue
            assert end == following[1], (service.registry_number, number)
            assert start <= end, (service.registry_number, number, start, end)
    assert services_with_history, "the demo has services with more than one edition"


def dates_on(text: str, phrase: str) -> list[datetime.date]:
    return [
        datetime.datetime.strptime(found, "%d.%m.%Y").date()
        for found in re.findall(phrase + r"\s+(\d\d\.\d\d\.\d{4})", text)
    ]


def test_the_public_history_shows_the_successors_effective_date_as_the_end(client, demo):
    for service in Service.objects.order_by("registry_number"):
        history = periods(service)
        if len(history) < 2:
            continue
        text = client.get(f"/services/{service.registry_number}/editions/").content.decode()
        starts = sorted(dates_on(text, "вступила в силу"))
        ends = sorted(dates_on(text, "утратила силу с"))
        assert starts == sorted(start for _, start, _ in history)
        assert ends == sorted(end for _, _, end in history if end)
        old = history[0][0]
        archived = client.get(f"/services/{service.registry_number}/editions/{old}/").content.decode()
        assert dates_on(archived, "утратила силу с") == [history[0][2]]


def test_the_workspace_history_shows_the_same_end(client, demo):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.filter(
        is_superuser=True
    ).first() or get_user_model().objects.create_superuser("periods-admin", password="x")
    client.force_login(admin)
    edition = Edition.objects.filter(status="superseded").select_related("service").first()
    (_, _, end), *_ = [p for p in periods(edition.service) if p[0] == edition.number]
    text = client.get(f"/workspace/services/{edition.service.registry_number}/").content.decode()
    assert f"утратила силу с {end:%d.%m.%Y}" in text
