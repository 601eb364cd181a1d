"""A waiting period reads as one on the public pages: the demo's marriage registration takes
place «по истечении месяца со дня подачи заявления» (СК РФ ст. 11), not within a month."""

import re

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from registry.demo import load_demo

MARRIAGE = "7700000000160000102"
WAIT = "не ранее чем через 1 календарный месяц со дня подачи совместного заявления лицами, вступающими в брак"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("term-kind-media")),
        transaction.atomic(),
    ):
        load_demo()
        yield
        transaction.set_rollback(True)


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db
def test_the_demo_marriage_page_says_not_earlier_than_a_month(client, demo):
    response = client.get(reverse("catalogue:service_detail", kwargs={"registry_number": MARRIAGE}))

    assert response.status_code == 200
    text = text_of(response)
    # Both the summary at the top and the section «Сроки».
    assert text.count(WAIT) == 2
    assert "не более 1 календарного месяца" not in text


@pytest.mark.django_db
def test_the_search_card_of_the_marriage_says_not_earlier_than_a_month(client, demo):
    response = client.get(reverse("catalogue:service_list"), {"q": "регистрация брака"})

    assert response.status_code == 200
    # Other services found (the divorce takes at most a month) keep their own maxima: only the
    # marriage's card is read.
    content = response.content.decode()
    link = reverse("catalogue:service_detail", kwargs={"registry_number": MARRIAGE})
    card = content[content.rindex("<li", 0, content.index(f'href="{link}"')) :]
    card = card[: card.index("</li>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    assert WAIT in text
    assert "не более" not in text
