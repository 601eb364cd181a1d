"""The performance pages in a real browser, on the demo data `make run` loads, at a phone's and
a desktop's size: the block on the service page stays below the answer, the charts fit the
width, axe-core finds nothing serious, and an official reads the body's dashboard (issue 15).
Screenshots go to the test artifacts (TEST_ARTIFACTS)."""

import pytest
from django.db.models import Sum
from playwright.sync_api import expect

from registry.deliveries import generator
from registry.demo import load_demo
from registry.demo_users import DEMO_PASSWORD, ensure_demo_users
from registry.models import DeliveryMonthly, Service
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SIZES = ((390, 844), (1366, 900))


def busiest_service_of(ogrn: str) -> Service:
    totals = (
        DeliveryMonthly.objects.filter(body__ogrn=ogrn)
        .values("service_id")
        .annotate(requests=Sum("count"))
        .order_by("-requests")
    )
    return Service.objects.get(pk=totals[0]["service_id"])


def charts_fit(page, width: int) -> None:
    for chart in page.locator("svg.chart").all():
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200
        assert box["x"] + box["width"] <= width, "a chart is wider than the screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_public_performance_pages_read_well_at_phone_and_desktop_sizes(
    browser, live_server, artifacts_dir, width, height
):
    from registry.demo_users import MVD

    load_demo()
    generator.store_generated()
    service = busiest_service_of(MVD)
    context = browser.new_context(
        locale="ru-RU", timezone_id="Europe/Moscow", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/services/{service.registry_number}/")
        block = page.locator("#in-practice")
        expect(block).to_contain_text("Рассмотрено в срок")
        assert block.bounding_box()["y"] > height, "the block must stay below the answer on the first screen"
        assert describe_violations(axe_violations(page)) == ""
        block.get_by_role(
            "link", name="Подробно: по месяцам, по офисам и против показателей стандарта"
        ).click()
        expect(
            page.get_by_role("heading", name="Как услуга предоставляется на деле", level=1)
        ).to_be_visible()
        expect(
            page.get_by_role("img", name="Доля запросов, рассмотренных в срок", exact=True)
        ).to_be_visible()
        expect(page.get_by_role("img", name="Сравнение офисов", exact=True)).to_be_visible()
        page.get_by_text("Таблица с теми же цифрами").first.click()
        expect(
            page.get_by_role("region", name="Таблица: Доля запросов, рассмотренных в срок", exact=True)
        ).to_be_visible()
        charts_fit(page, width)
        assert describe_violations(axe_violations(page)) == ""
        page.screenshot(path=str(artifacts_dir / f"performance-service-{width}.png"), full_page=True)
        page.locator("#perf-offices").screenshot(path=str(artifacts_dir / f"performance-offices-{width}.png"))
        page.get_by_role("link", name=service.provider.short_name or service.provider.full_name).first.click()
        expect(page.get_by_role("img", name="Сравнение услуг", exact=True)).to_be_visible()
        charts_fit(page, width)
        assert describe_violations(axe_violations(page)) == ""
        page.screenshot(path=str(artifacts_dir / f"performance-body-{width}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_an_official_reads_the_bodys_dashboard(browser, live_server, artifacts_dir, width, height):
    load_demo()
    generator.store_generated()
    ensure_demo_users()
    context = browser.new_context(
        locale="ru-RU", timezone_id="Europe/Moscow", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/workspace/login/")
        page.get_by_label("Имя пользователя").fill("mvd_official")
        page.get_by_label("Пароль").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Войти").click()
        page.get_by_role("link", name="Показатели органа").click()
        expect(page.get_by_role("heading", name="Показатели органа", level=1)).to_be_visible()
        expect(page.get_by_role("heading", name="Ниже цели два месяца подряд")).to_be_visible()
        expect(page.get_by_role("img", name="Услуги по отклонению от стандарта", exact=True)).to_be_visible()
        charts_fit(page, width)
        assert describe_violations(axe_violations(page)) == ""
        page.screenshot(path=str(artifacts_dir / f"performance-dashboard-{width}.png"), full_page=True)
    finally:
        context.close()
