"""The workspace page of a body's officials: their services' compliance per office and month."""

import pytest

from registry.deliveries.storage import store_rows
from registry.models import Role
from tests import factories
from tests.deliveries.helpers import row
from tests.workspace.helpers import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def recent(service, office):
    """Two requests of the current month at the office (the page shows the last months)."""
    from django.utils import timezone

    now = timezone.now()
    store_rows(
        [row(service, office=office, submitted_at=now, registered_at=now, result_at=now) for _ in range(2)]
    )


def test_an_official_sees_the_table_of_the_bodys_service(client, service, office, recent):
    client.force_login(user_with(Role.OFFICIAL, service.provider))
    page = client.get("/workspace/compliance/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Соблюдение стандартов" in text
    assert str(service) in text
    assert '<th scope="row">Приёмная</th>' in text
    assert "Отказов вне перечня" in text


def test_an_official_of_another_body_sees_nothing_of_it(client, service, office, recent):
    stranger = user_with(Role.OFFICIAL, factories.body())
    client.force_login(stranger)
    text = client.get("/workspace/compliance/").content.decode()
    assert "сведений о предоставлении услуг нет" in text
    assert "Приёмная" not in text
    assert client.get(f"/workspace/compliance/?service={service.registry_number}").status_code == 404


def test_an_administrator_sees_every_body_and_a_visitor_is_sent_to_log_in(client, service, office, recent):
    assert client.get("/workspace/compliance/").status_code == 302
    client.force_login(user_with(Role.ADMINISTRATOR))
    text = client.get(f"/workspace/compliance/?service={service.registry_number}&months=24").content.decode()
    assert "Приёмная" in text
    assert 'value="24" selected' in text
