"""The dashboard: a body's services with their editions, validator figures and last change;
filters and search; the query count does not grow with the number of services."""

import pytest
from django.urls import reverse

from registry.models import Category, Role
from registry.services import edition_submit, service_withdraw
from registry.validation import validate_edition
from registry.validation.engine import validate_editions
from tests import factories
from tests.workspace.helpers import draft_of, published_service, user_with

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("workspace:dashboard")


def rows_of(response):
    return response.context["rows"]


def test_anonymous_user_is_sent_to_login():
    from django.test import Client

    response = Client().get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workspace:login"))


def test_official_sees_own_body_services_only(client, official, body, other_body):
    own = published_service(body)
    published_service(other_body)
    client.force_login(official)
    response = client.get(DASHBOARD)
    assert [row.service for row in rows_of(response)] == [own]


def test_administrator_sees_every_service(client, administrator, body, other_body):
    services = {published_service(body), published_service(other_body)}
    client.force_login(administrator)
    assert {row.service for row in rows_of(client.get(DASHBOARD))} == services


def test_row_shows_current_edition_open_draft_figures_and_last_change(client, official, body):
    service = published_service(body)
    draft = draft_of(service, official)
    client.force_login(official)
    response = client.get(DASHBOARD)
    (row,) = rows_of(response)
    report = validate_edition(draft)
    assert row.current.number == 1
    assert row.open_edition == draft
    assert row.error_count == len(report.errors) == 1  # a second edition must name its amendment
    assert row.warning_count == len(report.warnings)
    assert row.completeness_percent == round(report.completeness * 100)
    assert row.last_event.actor == official
    content = response.content.decode()
    assert "Петрова" in content
    assert "№ 2: Черновик" in content
    assert reverse("workspace:service", kwargs={"registry_number": service.registry_number}) in content


def test_user_without_roles_is_told_to_ask_the_administrator(client):
    client.force_login(user_with())
    response = client.get(DASHBOARD)
    assert rows_of(response) == []
    assert "нет ролей ни в одном органе" in response.content.decode()


def test_filter_by_status(client, official, body):
    published = published_service(body)
    with_draft = published_service(body)
    draft_of(with_draft, official)
    submitted = factories.service(provider=body)
    edition_submit(edition=factories.complete_edition(submitted), actor=official)
    client.force_login(official)

    def services(status):
        return [row.service for row in rows_of(client.get(DASHBOARD, {"status": status}))]

    assert services("draft") == [with_draft]
    assert services("submitted") == [submitted]
    assert services("published") == [published, with_draft]


def test_filter_withdrawn(client, official, body):
    service = published_service(body)
    published_service(body)
    import datetime

    service_withdraw(
        service=service, actor=None, reason="Полномочие передано.", date=datetime.date(2024, 1, 1)
    )
    client.force_login(official)
    assert [row.service for row in rows_of(client.get(DASHBOARD, {"status": "withdrawn"}))] == [service]


def test_filter_by_errors(client, official, body):
    clean = published_service(body)
    broken = published_service(body)
    draft_of(broken, official)  # edition 2 names no amendment: one error
    client.force_login(official)
    assert [row.service for row in rows_of(client.get(DASHBOARD, {"errors": "yes"}))] == [broken]
    assert [row.service for row in rows_of(client.get(DASHBOARD, {"errors": "no"}))] == [clean]


def test_filter_by_category(client, official, body):
    category = Category.objects.create(code="building", name="Строительство")
    in_category = published_service(body)
    in_category.categories.add(category)
    published_service(body)
    client.force_login(official)
    response = client.get(DASHBOARD, {"category": category.pk})
    assert [row.service for row in rows_of(response)] == [in_category]


def test_search_by_name_and_number(client, official, body):
    named = factories.service(provider=body)
    factories.edition(named, full_name="Выдача паспорта гражданина", short_name="Паспорт")
    other = factories.service(provider=body)
    factories.edition(other, full_name="Регистрация брака", short_name="Брак")
    client.force_login(official)
    assert [row.service for row in rows_of(client.get(DASHBOARD, {"q": "паспорт"}))] == [named]
    assert [row.service for row in rows_of(client.get(DASHBOARD, {"q": other.registry_number}))] == [other]


def test_reviewer_sees_queue_counts_official_does_not(client, official, reviewer, body):
    service = factories.service(provider=body)
    edition_submit(edition=factories.complete_edition(service), actor=official)
    client.force_login(reviewer)
    response = client.get(DASHBOARD)
    assert response.context["queue_counts"] == {"submitted": 1, "approved": 0, "scheduled": 0}
    client.force_login(official)
    assert client.get(DASHBOARD).context["queue_counts"] is None


def _services_with_drafts(body, official, count):
    for _ in range(count):
        service = factories.service(provider=body)
        edition = factories.complete_edition(service)
        factories.document(edition)
        factories.variant(edition)
    # one service with a draft in progress and one with nothing at all
    draft_of(factories.service(provider=body), official)
    factories.service(provider=body)


@pytest.mark.parametrize("filters", [{}, {"errors": "yes"}, {"q": "Разрешение", "status": "draft"}])
def test_query_count_does_not_grow_with_services(
    client, django_assert_max_num_queries, official, body, filters
):
    _services_with_drafts(body, official, 10)
    client.force_login(official)
    client.get(DASHBOARD, filters)  # warm up caches of content types and sessions
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(DASHBOARD, filters).status_code == 200
    _services_with_drafts(body, official, 190)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(DASHBOARD, filters)
    assert response.status_code == 200
    if not filters:
        assert response.context["page"].paginator.count == 200 + 4


def test_bulk_reports_equal_the_validator(official, body):
    single = factories.service(provider=body, under_single_standard=True)
    editions = [
        factories.complete_edition(factories.service(provider=body)),
        factories.complete_edition(single),
        draft_of(factories.service(provider=body), official),
        factories.edition(factories.service(provider=body), deadline_value=400, deadline_unit="days"),
    ]
    factories.variant(editions[1])
    factories.fee(editions[0], act=factories.legal_act(in_force_until=None, status="repealed"))
    reports = validate_editions(edition.pk for edition in editions)
    for edition in editions:
        assert reports[edition.pk] == validate_edition(edition), edition


def test_bulk_reports_equal_the_validator_on_the_demo_registry():
    from registry.demo import load_demo
    from registry.models import Edition

    load_demo()
    editions = list(Edition.objects.all())
    assert len(editions) >= 16
    reports = validate_editions(edition.pk for edition in editions)
    for edition in editions:
        assert reports[edition.pk] == validate_edition(edition), edition


def test_dashboard_links_to_service_create_for_officials_only(client, official, reviewer):
    create_url = reverse("workspace:service_create")  # NoReverseMatch, a failure, if the route is gone
    client.force_login(official)
    assert create_url in client.get(DASHBOARD).content.decode()
    client.force_login(reviewer)
    assert create_url not in client.get(DASHBOARD).content.decode()


def test_service_create_link_is_for_officials_and_administrators(official, reviewer, administrator):
    from registry.workspace.views_dashboard import service_create_url

    assert service_create_url(reviewer) == ""
    assert service_create_url(user_with(Role.REVIEWER, factories.body())) == ""
