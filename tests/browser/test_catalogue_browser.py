"""The public catalogue in a real browser: axe-core finds no violation (of any impact) on any
public page type, the list and the service page fit a phone, and the service page is
captured as a screenshot for review."""

import pytest
from django.urls import reverse

from registry.services import service_withdraw
from tests.browser.conftest import axe_violations, describe_violations
from tests.catalogue.helpers import TODAY, next_edition, publish, published
from tests.catalogue.test_pages import passport  # noqa: F401  (the service with variants)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def registry(passport):  # noqa: F811
    plain = published(full_name="Выдача справки о составе семьи", short_name="Справка о составе семьи")
    amended = next_edition(plain.service, deadline_value=3, change_note="Сокращён срок.")
    amended = publish(amended, effective_date=TODAY)
    withdrawn = published(full_name="Выдача охотничьего билета", short_name="Охотничий билет")
    service_withdraw(service=withdrawn.service, actor=None, reason="Полномочие передано.", date=TODAY)
    return {"variants": passport, "amended": amended, "withdrawn": withdrawn}


def pages(registry) -> dict[str, str]:
    def number(key: str) -> dict:
        return {"registry_number": registry[key].service.registry_number}

    return {
        "home": reverse("catalogue:home"),
        "list with results": reverse("catalogue:service_list") + "?q=справка",
        "empty list": reverse("catalogue:service_list") + "?q=вертолёт&mfc=on",
        "list of one body": reverse("catalogue:service_list")
        + f"?provider={registry['variants'].service.provider_id}&body=мвд",
        "list with a filter error": reverse("catalogue:service_list") + "?q=справка&deadline_max=много",
        "service page": reverse("catalogue:service_detail", kwargs=number("amended")),
        "service with variants": reverse("catalogue:service_detail", kwargs=number("variants"))
        + "?a-reason=lost",
        "withdrawn service": reverse("catalogue:service_detail", kwargs=number("withdrawn")),
        "editions list": reverse("catalogue:edition_list", kwargs=number("amended")),
        "comparison": reverse("catalogue:edition_compare", kwargs=number("amended")) + "?from=1&to=2",
    }


def test_every_public_page_type_passes_axe_with_no_violation(live_server, page, registry):
    failures = []
    for name, path in pages(registry).items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        violations = axe_violations(page, impacts=None)
        if violations:
            failures.append(f"{name} ({path}):\n{describe_violations(violations)}")
    assert not failures, "\n\n".join(failures)


def test_list_and_service_page_fit_a_phone_and_the_page_is_captured(
    live_server, browser, registry, artifacts_dir
):
    context = browser.new_context(locale="ru-RU", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    try:
        for name in ("list with results", "service with variants"):
            phone.goto(live_server.url + pages(registry)[name])
            overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name}: {overflow}px wider than the phone"
            assert not axe_violations(phone, impacts=None), name
        phone.goto(live_server.url + pages(registry)["service with variants"])
        phone.get_by_label("Мне исполнилось 14 лет").check()
        phone.get_by_role("button", name="Показать мой вариант").click()
        # The answer's page loads at its anchor; read it once it has.
        phone.wait_for_url("**#your-variant")
        phone.wait_for_load_state()
        assert "Свидетельство о рождении" in phone.content()
        assert "Заявление об утрате паспорта" not in phone.content()
        phone.screenshot(path=str(artifacts_dir / "catalogue-service-phone.png"), full_page=True)
    finally:
        context.close()


def test_the_service_page_screenshot_and_keyboard_search(live_server, page, registry, artifacts_dir):
    page.goto(live_server.url + pages(registry)["service page"])
    page.screenshot(path=str(artifacts_dir / "catalogue-service-page.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts_dir / "catalogue-service-page-print.png"), full_page=True)
    assert page.locator(".toc").is_hidden()
    page.emulate_media(media="screen")
    page.goto(live_server.url + reverse("catalogue:home"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.get_by_label("Найти услугу").fill("справки")
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/?q=*")
    assert "Справка о составе семьи" in page.content()


FIRST_SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.mark.parametrize("screen", FIRST_SCREENS)
def test_the_answer_is_on_the_first_screen(live_server, browser, registry, artifacts_dir, screen):
    """The service page's heading, deadline, cost and the start of «what to bring», and the
    search page's count and first result, are all visible without scrolling."""
    viewport = FIRST_SCREENS[screen]
    context = browser.new_context(locale="ru-RU", viewport=viewport, is_mobile=screen == "phone")
    page = context.new_page()

    def on_first_screen(locator) -> bool:
        box = locator.first.bounding_box()
        return box is not None and box["y"] + min(box["height"], 40) <= viewport["height"]

    try:
        page.goto(live_server.url + pages(registry)["service with variants"].split("?")[0])
        heading = page.locator("h1")
        assert heading.inner_text() == "Паспорт гражданина РФ"
        summary = page.locator(".summary")
        for label in ("Срок", "Стоимость", "Что взять с собой"):
            fact = summary.locator("dt", has_text=label)
            assert on_first_screen(fact.locator("xpath=following-sibling::dd[1]")), (screen, label)
        assert on_first_screen(heading), screen
        assert on_first_screen(summary.locator(".summary__documents li")), screen
        page.screenshot(path=str(artifacts_dir / f"catalogue-service-first-screen-{screen}.png"))

        page.goto(live_server.url + pages(registry)["list with results"])
        assert on_first_screen(page.locator("#results-heading")), screen
        assert on_first_screen(page.locator(".service-card")), screen
        filters = page.locator("details.catalogue-filters__more")
        assert filters.evaluate("d => d.open") is (screen == "desktop")
        page.screenshot(path=str(artifacts_dir / f"catalogue-search-first-screen-{screen}.png"))
        assert not axe_violations(page, impacts=None), screen
    finally:
        context.close()


def test_the_questionnaire_keeps_the_reader_at_the_answer(live_server, browser, registry):
    context = browser.new_context(locale="ru-RU", viewport=FIRST_SCREENS["phone"], is_mobile=True)
    phone = context.new_page()
    try:
        phone.goto(live_server.url + pages(registry)["service with variants"].split("?")[0])
        phone.get_by_label("Паспорт утерян").check()
        phone.get_by_role("button", name="Показать мой вариант").click()
        phone.wait_for_url("**#your-variant")
        answer = phone.locator("#your-variant")
        assert "Замена утраченного паспорта" in answer.inner_text()
        box = answer.bounding_box()
        assert -1 <= box["y"] < FIRST_SCREENS["phone"]["height"] / 2
    finally:
        context.close()
