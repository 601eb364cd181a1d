"""The public performance pages and the block on the service page: aggregates only, the
unreliable-figure rule, downloads with the page's figures, and the page cache."""

import csv
import io

import pytest
from openpyxl import load_workbook

from registry.deliveries.storage import store_rows
from registry.models import DeliveryMonthly
from tests.catalogue.helpers import published
from tests.performance.conftest import monthly

pytestmark = pytest.mark.django_db


def performance_url(service) -> str:
    return f"/services/{service.registry_number}/performance/"


def test_the_service_page_shows_the_last_12_months_in_practice_with_a_link(client, service, figures):
    text = client.get(f"/services/{service.registry_number}/").content.decode()
    assert "Как услуга предоставляется на деле" in text
    # 12 × 110 requests, 12 × 100 + 10 × 10 + 2 × 5 on time.
    assert "За последние 12 месяцев, 1320 запросов" in text
    assert "90,2\u00a0%" in text
    assert "3 дн. при сроке 5 дн." not in text  # the median weighs the busy office: 4 days
    assert "4 дн. при сроке 5 дн." in text
    assert performance_url(service) in text
    # Below the answer: after the standard's own sections, before the legal bases.
    assert text.index('id="in-practice"') > text.index('id="deadline"')
    assert text.index('id="in-practice"') < text.index('id="legal"')


def test_the_block_is_absent_without_figures_and_satisfaction_is_absent_without_its_source(client, service):
    text = client.get(f"/services/{service.registry_number}/").content.decode()
    assert "Как услуга предоставляется на деле" not in text
    assert "Оценки заявителей" not in text


def test_new_figures_retire_the_cached_service_page(client, service, offices, months):
    url = f"/services/{service.registry_number}/"
    assert "Как услуга предоставляется на деле" not in client.get(url).content.decode()
    monthly(service, months[-1], office=offices[0])
    assert "Как услуга предоставляется на деле" in client.get(url).content.decode()


def test_stored_records_reach_the_cached_service_page(client, service, offices):
    from django.utils import timezone

    from tests.deliveries.helpers import row

    url = f"/services/{service.registry_number}/"
    client.get(url)
    now = timezone.now()
    store_rows([row(service, office=offices[0], submitted_at=now, registered_at=now, result_at=now)])
    assert "За последние 12 месяцев, 1 запрос" in client.get(url).content.decode()


def test_the_performance_page_compares_months_offices_and_indicators_with_targets(client, service, figures):
    page = client.get(performance_url(service))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('role="img"') == 4  # on time, queue, registration, offices
    assert "Показатели против целевых значений" in text
    assert "ниже цели два месяца подряд" in text
    assert text.count("заявлен, не измеряется") == 3  # satisfaction too: no ratings wired
    assert "Офис на Ленина" in text and "Офис на Мира" in text
    assert "<script" not in text


def test_a_month_with_fewer_than_30_requests_is_shown_and_marked_unreliable(client, service, offices, months):
    monthly(
        service, months[-2], office=offices[0], count=29, on_time=29, queue=(29, 29), registration=(29, 29)
    )
    monthly(
        service, months[-1], office=offices[0], count=30, on_time=15, queue=(30, 30), registration=(30, 30)
    )
    text = client.get(performance_url(service)).content.decode()
    assert "100\u00a0% (мало данных — показатель ненадёжен)" in text  # the chart's tooltip
    assert '<tr class="perf-unreliable"><th scope="row">' + f"{months[-2]:%m.%Y}" in text
    assert '<tr class="perf-unreliable"><th scope="row">' + f"{months[-1]:%m.%Y}" not in text
    block = client.get(f"/services/{service.registry_number}/").content.decode()
    assert "мало данных — показатель ненадёжен" not in block  # 59 requests over the 12 months


def test_the_block_marks_an_unreliable_share(client, service, offices, months):
    monthly(
        service, months[-1], office=offices[0], count=12, on_time=12, queue=(12, 12), registration=(12, 12)
    )
    text = client.get(f"/services/{service.registry_number}/").content.decode()
    assert 'class="perf-flag">мало данных — показатель ненадёжен' in text


def test_the_csv_download_has_the_figures_of_the_table(client, service, figures):
    response = client.get(performance_url(service), {"table": "on_time", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="performance-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Месяц", "В срок", "Проверено запросов", "Надёжность"]
    assert rows[1][1:3] == ["90,9", "110"]
    assert len(rows) == 13
    page = client.get(performance_url(service)).content.decode()
    assert "90,9\u00a0%" in page


def test_the_excel_download_has_the_figures_as_numbers(client, service, figures):
    response = client.get(performance_url(service), {"table": "offices", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "Офис"
    assert values[2][0] == "Офис на Ленина"
    assert values[2][2] == 1200
    assert values[2][3] == 90.0


def test_an_unknown_table_or_format_is_not_found(client, service, figures):
    assert client.get(performance_url(service), {"table": "cases", "format": "csv"}).status_code == 404
    assert client.get(performance_url(service), {"table": "on_time", "format": "pdf"}).status_code == 404


def test_the_public_pages_show_only_aggregates(client, service, offices):
    from django.utils import timezone

    from tests.deliveries.helpers import row

    now = timezone.now()
    rows = [
        row(service, office=offices[0], submitted_at=now, registered_at=now, result_at=now) for _ in range(3)
    ]
    store_rows(rows)
    for url in (performance_url(service), f"/bodies/{service.provider_id}/performance/"):
        text = client.get(url).content.decode()
        assert "Офис на Ленина" in text
        for record in rows:
            assert record.case_id not in text
    csv_text = client.get(performance_url(service), {"table": "offices", "format": "csv"}).content.decode()
    assert all(record.case_id not in csv_text for record in rows)


def test_a_service_not_in_the_public_registry_has_no_performance_page(client):
    from tests import factories

    draft = factories.complete_edition(factories.service())
    assert client.get(performance_url(draft.service)).status_code == 404


def test_the_body_page_compares_its_public_services_and_is_found_by_id_or_ogrn(
    client, service, figures, months
):
    from tests import factories

    other = published(factories.service(provider=service.provider), short_name="Справка").service
    monthly(other, months[-1], count=40, on_time=10)
    hidden = factories.complete_edition(factories.service(provider=service.provider), short_name="Черновик")
    monthly(hidden.service, months[-1], count=40, on_time=40)
    page = client.get(f"/bodies/{service.provider_id}/performance/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Сравнение услуг" in text
    assert f"{other.registry_number} — Справка" in text
    assert hidden.service.registry_number not in text
    assert f'href="{performance_url(service)}"' in text
    service.provider.ogrn = "1027700000001"
    service.provider.save(update_fields=["ogrn"])
    assert client.get("/bodies/1027700000001/performance/").status_code == 200
    assert client.get("/bodies/999999/performance/").status_code == 404


def test_the_service_page_query_count_does_not_grow_with_the_rollup_rows(
    client, service, figures, offices, months
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/services/{service.registry_number}/"
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"a-x": "1"})  # an uncached address
    for month in months:
        monthly(service, month, office=None, count=5)
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"a-x": "2"})
    assert len(more) == len(few)
    assert DeliveryMonthly.objects.filter(service=service).count() == 36
