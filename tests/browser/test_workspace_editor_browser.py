"""The draft editor in a real browser: an official creates a service from nothing, saves an
incomplete draft, sees exactly the missing sections, completes them and submits; a reviewer
sends it back, the official fixes it, the reviewer publishes; two people editing at once get
the conflict screen and lose nothing; axe-core finds no serious or critical violations."""

import re

import pytest
from django.contrib.auth import get_user_model

from registry.models import Edition, EditionStatus, Membership, Role, Service
from registry.workspace.sections import SECTIONS_BY_SLUG
from tests import factories
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Brauzer-Test-2024"


def make_user(username: str, role: str, body, **fields):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    Membership.objects.create(user=user, role=role, body=body)
    return user


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/workspace/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(re.compile(r"/workspace/$"))


def save(page) -> None:
    page.locator(".editor__buttons button[name=save]").click()
    page.wait_for_load_state()


def open_section(page, slug: str) -> None:
    page.locator(".section-menu").get_by_role("link", name=str(SECTIONS_BY_SLUG[slug].title)).click()
    page.wait_for_load_state()


def missing_sections(page) -> list[str]:
    return page.locator(".findings--errors h4").all_inner_texts()


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


@pytest.fixture
def people():
    body = factories.body(
        full_name="Министерство внутренних дел Российской Федерации", short_name="МВД России"
    )
    return {
        "body": body,
        "official": make_user("olga", Role.OFFICIAL, body, first_name="Ольга", last_name="Петрова"),
        "colleague": make_user("ivan", Role.OFFICIAL, body, first_name="Иван", last_name="Коллегин"),
        "reviewer": make_user("roman", Role.REVIEWER, body, first_name="Роман", last_name="Сидоров"),
        "act": factories.legal_act(
            title="Налоговый кодекс Российской Федерации (часть вторая)", short_title="НК РФ", number="117-ФЗ"
        ),
    }


def fill_missing_sections(page, act) -> None:
    open_section(page, "results")
    page.fill("#id_results-0-name", "Паспорт гражданина Российской Федерации")
    page.fill("#id_results-0-document_form", "бумажный документ")
    save(page)

    open_section(page, "deadline")
    page.fill("#id_edition-deadline_value", "5")
    page.select_option("#id_edition-deadline_unit", "days")
    page.select_option("#id_edition-deadline_day_type", "working")
    page.fill("#id_edition-deadline_start_event", "со дня регистрации заявления")
    save(page)

    open_section(page, "legal_bases")
    page.fill("#act-filter-1", "налоговый")
    page.select_option("#id_legal_bases-0-act", str(act.pk))
    page.fill("#id_legal_bases-0-article", "333.33")
    save(page)

    open_section(page, "documents")
    page.fill("#id_documents_applicant-0-name", "Заявление о выдаче паспорта")
    page.fill("#id_documents_interagency-0-name", "Сведения о регистрации по месту жительства")
    page.fill("#id_documents_interagency-0-holder_body", "МВД России")
    save(page)

    open_section(page, "grounds")
    page.check("#id_edition-no_accept_refusal_grounds")
    page.check("#id_edition-no_suspension_grounds")
    page.fill("#id_grounds_refusal-0-text", "Заявитель не является гражданином Российской Федерации.")
    save(page)

    open_section(page, "fees")
    page.check("#id_edition-is_free_0")  # «Да»
    save(page)

    open_section(page, "queue")
    page.fill("#id_edition-queue_wait_minutes_submission", "15")
    page.fill("#id_edition-queue_wait_minutes_receipt", "15")
    page.select_option("#id_edition-registration_term", "same_day")
    save(page)

    open_section(page, "premises")
    page.fill("#id_edition-premises_requirements", "Зал ожидания, места для заполнения запросов.")
    page.fill("#id_edition-accessibility_requirements", "Помощь сотрудников в преодолении барьеров.")
    page.check("#id_edition-access_ramp")
    save(page)

    open_section(page, "indicators")
    page.select_option("#id_indicators-0-kind", "quality")
    page.fill("#id_indicators-0-name", "Число обращений заявителя к должностным лицам")
    page.select_option("#id_indicators-0-comparison", "le")
    page.fill("#id_indicators-0-target_value", "2")
    save(page)

    open_section(page, "availability")
    page.check("#id_edition-available_in_mfc_0")
    page.check("#id_edition-available_electronically_0")
    page.check("#id_edition-extraterritorial_1")
    save(page)


def test_an_official_enters_a_standard_and_it_is_published(live_server, browser, people, artifacts_dir):
    official_context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = official_context.new_page()
    log_in(page, live_server, "olga")

    # A service from nothing.
    page.goto(f"{live_server.url}/workspace/services/new/")
    assert_accessible(page)
    page.fill("#id_full_name", "Выдача, замена паспорта гражданина Российской Федерации")
    page.fill("#id_short_name", "Паспорт гражданина РФ")
    page.get_by_role("button", name="Создать услугу и перейти к заполнению").click()
    page.wait_for_url(re.compile(r"/workspace/editions/\d+/edit/$"))
    service = Service.objects.get(provider=people["body"])
    edition = service.editions.get()

    # Saving the incomplete draft is allowed; the panel names exactly the missing sections.
    save(page)
    assert "сохранён" in page.locator(".messages").inner_text()
    expected = [
        str(SECTIONS_BY_SLUG[slug].title)
        for slug in (
            "results",
            "deadline",
            "legal_bases",
            "documents",
            "grounds",
            "fees",
            "queue",
            "premises",
            "indicators",
            "availability",
        )
    ]
    assert missing_sections(page) == expected
    assert_accessible(page)

    # A half-entered deadline saves; the panel names what it lacks, linked to the field.
    open_section(page, "deadline")
    page.fill("#id_edition-deadline_value", "5")
    page.select_option("#id_edition-deadline_unit", "days")
    save(page)
    assert "сохранён" in page.locator(".messages").inner_text()
    assert (
        page.locator('.findings--errors li[data-code="deadline.incomplete"] a')
        .get_attribute("href")
        .endswith("/edit/deadline/#field-deadline_day_type")
    )

    # A value that can never be valid: the message is at its field, the summary links to it.
    page.fill("#id_edition-deadline_value", "0")
    save(page)
    assert page.locator("#error-summary").is_visible()
    assert page.get_attribute("#id_edition-deadline_value", "aria-invalid") == "true"
    assert "положительным" in page.inner_text("#id_edition-deadline_value_error")
    assert_accessible(page)

    # A panel link leads to its section and field.
    page.locator(".findings--errors a", has_text="результат").first.click()
    page.wait_for_url(re.compile(r"/edit/results/#field-results$"))

    fill_missing_sections(page, people["act"])
    assert missing_sections(page) == []
    assert "Ошибок нет" in page.inner_text("#validation")
    for slug in ("documents", "fees", "grounds", "legal_bases"):
        open_section(page, slug)
        assert_accessible(page)
    open_section(page, "documents")
    page.screenshot(path=str(artifacts_dir / "editor.png"), full_page=True)

    # Submit through the workflow buttons in the editor's sidebar.
    page.get_by_role("button", name="Отправить на согласование").click()
    page.wait_for_load_state()
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.SUBMITTED

    # The reviewer sends it back with a comment.
    reviewer_context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    review = reviewer_context.new_page()
    log_in(review, live_server, "roman")
    review.goto(f"{live_server.url}/workspace/editions/{edition.pk}/")
    review.get_by_text("Вернуть на доработку").click()
    review.locator("form[action$='/reject/'] textarea").fill(
        "Укажите краткое наименование без сокращения «РФ»."
    )
    review.get_by_role("button", name="Вернуть с замечаниями").click()
    review.wait_for_load_state()
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.DRAFT

    # The official fixes the name and resubmits.
    page.goto(f"{live_server.url}/workspace/editions/{edition.pk}/edit/name/")
    page.fill("#id_edition-short_name", "Паспорт гражданина Российской Федерации")
    save(page)
    page.get_by_role("button", name="Отправить на согласование").click()
    page.wait_for_load_state()
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.SUBMITTED

    # The reviewer approves and publishes.
    review.goto(f"{live_server.url}/workspace/editions/{edition.pk}/")
    review.get_by_role("button", name="Утвердить").click()
    review.wait_for_load_state()
    review.locator("summary", has_text="Опубликовать").click()
    review.get_by_role("button", name="Опубликовать редакцию").click()
    review.wait_for_load_state()
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.PUBLISHED

    # Citizens see it in the catalogue.
    public = browser.new_context(locale="ru-RU").new_page()
    public.goto(f"{live_server.url}/services/{service.registry_number}/")
    assert "Паспорт гражданина Российской Федерации" in public.content()
    for context in (official_context, reviewer_context, public.context):
        context.close()


def test_a_concurrent_edit_shows_the_conflict_screen_and_loses_nothing(live_server, browser, people):
    service = factories.service(provider=people["body"])
    edition = factories.edition(service, full_name="Выдача справки", short_name="")
    url = f"{live_server.url}/workspace/editions/{edition.pk}/edit/deadline/"
    contexts = [
        browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900}) for _ in range(2)
    ]
    olga, ivan = (context.new_page() for context in contexts)
    log_in(olga, live_server, "olga")
    log_in(ivan, live_server, "ivan")
    olga.goto(url)
    ivan.goto(url)

    ivan.fill("#id_edition-deadline_value", "10")
    ivan.select_option("#id_edition-deadline_unit", "days")
    ivan.select_option("#id_edition-deadline_day_type", "calendar")
    save(ivan)
    assert "сохранён" in ivan.locator(".messages").inner_text()

    olga.fill("#id_edition-deadline_value", "5")
    olga.select_option("#id_edition-deadline_unit", "days")
    olga.select_option("#id_edition-deadline_day_type", "working")
    olga.fill("#id_edition-deadline_start_event", "со дня регистрации заявления")
    save(olga)

    conflict = olga.locator("#conflict")
    assert conflict.is_visible()
    assert "Иван Коллегин" in conflict.inner_text()
    assert "10" in conflict.inner_text() and "календарных" in conflict.inner_text()
    # Nothing Olga typed is lost.
    assert olga.input_value("#id_edition-deadline_value") == "5"
    assert olga.input_value("#id_edition-deadline_day_type") == "working"
    assert olga.input_value("#id_edition-deadline_start_event") == "со дня регистрации заявления"
    stored = Edition.objects.get(pk=edition.pk)
    assert (stored.deadline_value, stored.deadline_day_type) == (10, "calendar")
    assert_accessible(olga)

    olga.get_by_role("button", name="Сохранить мои значения").click()
    olga.wait_for_load_state()
    stored = Edition.objects.get(pk=edition.pk)
    assert stored.deadline_display() == "не более 5 рабочих дней со дня регистрации заявления"
    for context in contexts:
        context.close()


def test_rows_are_added_with_the_keyboard_and_javascript(live_server, page, people):
    service = factories.service(provider=people["body"])
    edition = factories.edition(service)
    log_in(page, live_server, "olga")
    page.goto(f"{live_server.url}/workspace/editions/{edition.pk}/edit/results/")
    page.fill("#id_results-0-name", "Первый результат")
    page.get_by_role("button", name="Добавить строку").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_results-1-kind"
    page.fill("#id_results-1-name", "Второй результат")
    page.keyboard.press("Tab")
    save(page)
    assert [r.name for r in Edition.objects.get(pk=edition.pk).results.all()] == [
        "Первый результат",
        "Второй результат",
    ]
