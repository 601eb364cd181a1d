"""An official states the kind of a term (maximum, minimum, fixed) in the editor, for the
edition and for a variant, and the workspace shows the term in words."""

import lxml.html
import pytest
from django.urls import reverse

from registry.models import DeadlineKind, Edition
from registry.services import edition_create_draft
from tests import factories
from tests.workspace.test_editor import page_form, post_section, section_url, stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(body, official):
    service = factories.service(provider=body, under_single_standard=True)
    return edition_create_draft(service=service, actor=official)


@pytest.fixture
def signed_in(client, official):
    client.force_login(official)
    return client


def kind_options(html: bytes, name: str) -> list[tuple[str, str]]:
    (select,) = lxml.html.fromstring(html).xpath(f'//select[@name="{name}"]')
    return [(option.get("value"), option.text_content().strip()) for option in select.xpath(".//option")]


def test_the_deadline_section_offers_the_three_kinds_with_maximum_chosen(signed_in, draft):
    response = signed_in.get(section_url(draft, "deadline"))

    assert kind_options(response.content, "edition-deadline_kind") == [
        ("maximum", "максимальный: «не более …»"),
        ("minimum", "минимальный: «не ранее чем через …»"),
        ("fixed", "точный: «через …»"),
    ]
    assert page_form(signed_in, draft, "deadline")["edition-deadline_kind"] == ["maximum"]


def test_an_official_states_a_waiting_period_and_the_workspace_words_it(signed_in, draft):
    response = post_section(
        signed_in,
        draft,
        "deadline",
        {
            "edition-deadline_kind": ["minimum"],
            "edition-deadline_value": ["1"],
            "edition-deadline_unit": ["months"],
            "edition-deadline_day_type": ["calendar"],
            "edition-deadline_start_event": ["со дня подачи заявления"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(draft).deadline_kind == DeadlineKind.MINIMUM

    page = signed_in.get(reverse("workspace:edition", kwargs={"pk": draft.pk})).content.decode()

    assert "не ранее чем через 1 календарный месяц со дня подачи заявления" in page
    assert "не более 1 календарного месяца" not in page


def test_a_variant_gets_its_own_kind_of_term(signed_in, draft):
    response = post_section(
        signed_in,
        draft,
        "variants",
        {
            "variants-0-code": ["special"],
            "variants-0-name": ["При особых обстоятельствах"],
            "variants-0-deadline_kind": ["fixed"],
            "variants-0-deadline_value": ["1"],
            "variants-0-deadline_unit": ["days"],
            "variants-0-deadline_day_type": ["working"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (variant,) = Edition.objects.get(pk=draft.pk).variants.all()
    assert variant.deadline_kind == DeadlineKind.FIXED
    assert variant.deadline_display() == "через 1 рабочий день"


def test_an_unknown_kind_is_refused_at_its_field(signed_in, draft):
    response = post_section(signed_in, draft, "deadline", {"edition-deadline_kind": ["at_least"]})

    assert response.status_code == 400
    assert stored(draft).lock_version == draft.lock_version
    page = lxml.html.fromstring(response.content)
    assert page.get_element_by_id("id_edition-deadline_kind").get("aria-invalid") == "true"
    error = page.get_element_by_id("id_edition-deadline_kind_error").text_content()
    assert "Выберите корректный вариант" in error
