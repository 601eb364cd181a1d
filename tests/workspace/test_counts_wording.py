"""Counts of findings read as Russian sentences: the noun agrees with the number, and errors and
warnings are two sentences, not «…: 10 1 предупреждение» run together."""

import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

COUNT = r"\d+ (ошибка|ошибки|ошибок)"


def sentences(content: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))


def test_the_workspace_pages_count_errors_and_warnings_in_two_sentences(client, official, body):
    draft = factories.edition(factories.service(provider=body), full_name="Выдача справки")
    client.force_login(official)
    for url in (
        reverse("workspace:edition", kwargs={"pk": draft.pk}),
        reverse("workspace:edition_edit", kwargs={"pk": draft.pk}),
    ):
        text = sentences(client.get(url).content.decode())
        found = re.search(rf"Мешают публикации: ({COUNT})\.", text)
        assert found, url
        number, noun = found.group(1).split()
        expected = {1: "ошибка", 2: "ошибки", 3: "ошибки", 4: "ошибки"}.get(int(number) % 10, "ошибок")
        if 11 <= int(number) % 100 <= 14:
            expected = "ошибок"
        assert noun == expected, (url, found.group(0))
        assert "Ошибок, мешающих публикации:" not in text
        assert not re.search(r"публикации: \d+ \d+ предупрежд", text), url
