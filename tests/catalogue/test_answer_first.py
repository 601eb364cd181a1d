"""The service page answers first: the short name as the heading, what the applicant gets
(never a refusal), and the wording of counts and names inside sentences."""

import pytest
from django.urls import reverse

from registry.models import Channel, Result, ResultKind
from registry.wording import counted, lower_first
from tests import factories
from tests.catalogue.helpers import publish, published
from tests.catalogue.test_pages import text_of

pytestmark = pytest.mark.django_db


def summary_of(response) -> str:
    content = response.content.decode()
    start = content.index('class="summary"')
    return content[start : content.index("</div>", content.index("summary__documents", start))]


def test_the_heading_is_the_short_name_and_the_legal_name_follows(client):
    edition = published(
        full_name="Выдача справки о составе семьи заявителя", short_name="Справка о составе семьи"
    )
    content = client.get(
        reverse("catalogue:service_detail", args=[edition.service.registry_number])
    ).content.decode()
    assert '<h1 id="service-title">Справка о составе семьи</h1>' in content
    assert '<p class="service__legal-name">Выдача справки о составе семьи заявителя</p>' in content


def test_a_refusal_is_not_among_what_the_applicant_gets(client):
    edition = factories.complete_edition()
    Result.objects.create(
        edition=edition, kind=ResultKind.REFUSAL, name="Решение об отказе в выдаче разрешения"
    )
    edition = publish(edition)
    response = client.get(reverse("catalogue:service_detail", args=[edition.service.registry_number]))
    assert "Решение об отказе" not in summary_of(response)
    result_section = response.content.decode().split('id="result"')[1].split("</section>")[0]
    assert "Решение об отказе" not in result_section
    assert "При отказе вы получите: решение об отказе в выдаче разрешения." in text_of(response)


def test_the_summary_lists_the_first_documents_and_links_to_the_rest(client):
    edition = factories.complete_edition()
    for index in range(4):
        factories.document(edition, name=f"Дополнительный документ {index}")
    edition = publish(edition)
    response = client.get(reverse("catalogue:service_detail", args=[edition.service.registry_number]))
    summary = summary_of(response)
    assert summary.count("<li>") == 3
    applicant_documents = edition.documents.filter(source="applicant").count()
    assert f"и ещё {counted(applicant_documents - 3, 'документ', 'документа', 'документов')}" in summary
    assert 'href="#documents"' in summary


def test_breadcrumbs_name_the_service(client):
    edition = published(short_name="Справка о составе семьи")
    content = client.get(
        reverse("catalogue:service_detail", args=[edition.service.registry_number])
    ).content.decode()
    crumbs = content.split('class="breadcrumbs')[1].split("</nav>")[0]
    assert "Справка о составе семьи" in crumbs
    assert edition.service.registry_number not in crumbs


def test_channel_names_inside_a_sentence_keep_their_abbreviations(client):
    edition = factories.complete_edition()
    mfc = Channel.objects.create(code="mfc-t", name="Через многофункциональный центр (МФЦ)")
    edition.result_delivery_channels.add(mfc)
    edition = publish(edition)
    text = text_of(client.get(reverse("catalogue:service_detail", args=[edition.service.registry_number])))
    assert "через многофункциональный центр (МФЦ)" in text
    assert "(мфц)" not in text


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 ошибка"), (2, "2 ошибки"), (5, "5 ошибок"), (11, "11 ошибок"), (12, "12 ошибок"),
     (21, "21 ошибка"), (22, "22 ошибки"), (111, "111 ошибок"), (0, "0 ошибок")],
)  # fmt: skip
def test_counts_take_the_russian_plural_form(n, expected):
    assert counted(n, "ошибка", "ошибки", "ошибок") == expected


def test_lower_first_keeps_abbreviations():
    assert lower_first("Через ЕПГУ") == "через ЕПГУ"
    assert lower_first("МФЦ по месту жительства") == "МФЦ по месту жительства"
    assert lower_first("Подлинник") == "подлинник"
