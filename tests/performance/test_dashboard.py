"""The body's dashboard in the workspace: who sees which body, the ranking by the gap to the
standard, the alerts, and the slots of the other sources."""

import pytest

from registry.models import Role
from registry.performance import sources
from tests import factories
from tests.performance.conftest import monthly
from tests.workspace.helpers import user_with

pytestmark = pytest.mark.django_db
URL = "/workspace/performance/"


def test_a_visitor_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_an_official_sees_the_dashboard_of_the_body(client, service, figures):
    client.force_login(user_with(Role.OFFICIAL, service.provider))
    page = client.get(URL)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Услуги по отклонению от стандарта" in text
    assert "Офисы по отклонению от стандарта" in text
    assert "Ниже цели два месяца подряд" in text
    # The share on time fell below its 95 % two months running; the queue did not.
    assert "Доля запросов, рассмотренных в установленный срок — норматив не менее 95 %" in text
    assert "Доля ожиданий в очереди не более 15 минут — норматив" not in text


def test_services_and_offices_are_ranked_by_the_gap_to_the_standard(client, service, figures, months):
    worse = factories.service(provider=service.provider)
    monthly(worse, months[-1], count=50, on_time=20)
    client.force_login(user_with(Role.REVIEWER, service.provider))
    text = client.get(URL).content.decode()
    services_table = text[text.index('id="perf-services"') : text.index('id="perf-offices"')]
    assert services_table.index(worse.registry_number) < services_table.index(service.registry_number)
    assert "60\u00a0% (срок)" in services_table


def test_an_official_of_another_body_cannot_see_it(client, service, figures):
    stranger = user_with(Role.OFFICIAL, factories.body())
    client.force_login(stranger)
    text = client.get(URL).content.decode()
    assert "Офис на Ленина" not in text
    assert client.get(URL, {"body": service.provider_id}).status_code == 404
    assert (
        client.get(URL, {"body": service.provider_id, "table": "offices", "format": "csv"}).status_code == 404
    )


def test_a_user_without_a_body_is_told_so(client, service, figures):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("nobody"))
    assert "Вы не состоите ни в одном органе" in client.get(URL).content.decode()


def test_an_administrator_chooses_any_body_with_figures(client, service, figures):
    client.force_login(user_with(Role.ADMINISTRATOR))
    text = client.get(URL, {"body": service.provider_id, "months": "24"}).content.decode()
    assert "Офис на Ленина" in text
    assert 'value="24" selected' in text


def test_the_dashboard_downloads_its_ranking(client, service, figures):
    client.force_login(user_with(Role.OFFICIAL, service.provider))
    response = client.get(URL, {"table": "services", "format": "csv"})
    assert response.status_code == 200
    assert service.registry_number in response.content.decode("utf-8-sig")


def test_the_audit_slot_renders_nothing_until_wired_then_the_open_corrective_actions(
    client, service, figures
):
    client.force_login(user_with(Role.OFFICIAL, service.provider))
    assert "корректирующие меры" not in client.get(URL).content.decode()
    sources.wire("open_corrective_actions", lambda body: [f"Нет стенда с перечнем документов ({body.pk})"])
    sources.wire("audit_scores", lambda **scope: [(figures[-1], 75.0, 2)])
    try:
        text = client.get(URL).content.decode()
    finally:
        sources.wire("open_corrective_actions", None)
        sources.wire("audit_scores", None)
    assert "Открытые корректирующие меры по проверкам" in text
    assert f"Нет стенда с перечнем документов ({service.provider_id})" in text
    assert "Контрольные проверки («тайный заявитель»)" in text
