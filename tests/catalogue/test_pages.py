"""The public pages: the service page with every section and its variants, a withdrawn
service, editions and their comparison, the home page, sitemap.xml, JSON-LD; only published
content, ever; query counts that do not grow with the rows."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import (
    ApplicantAttribute,
    AttributeValue,
    Category,
    CategoryKind,
    DayType,
    DeadlineUnit,
    Document,
    DocumentSource,
    Edition,
    EditionStatus,
    Fee,
    PaymentMethod,
    Result,
    Variant,
)
from registry.services import service_withdraw
from tests import factories
from tests.catalogue.helpers import TODAY, found_count, next_edition, publish, published, unpublished

pytestmark = pytest.mark.django_db


def page_url(edition: Edition) -> str:
    return reverse("catalogue:service_detail", kwargs={"registry_number": edition.service.registry_number})


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def passport() -> Edition:
    """A paid service with variants chosen by a questionnaire."""
    body = factories.body(
        full_name="Главное управление по вопросам миграции МВД России",
        short_name="ГУВМ МВД России",
        address="Москва, ул. Житная, д. 16",
        phone="8 800 222-74-47",
        email="guvm@example.org",
    )
    edition = factories.complete_edition(
        factories.service(provider=body, under_single_standard=True),
        full_name="Выдача, замена паспорта гражданина Российской Федерации",
        short_name="Паспорт гражданина РФ",
        is_free=False,
    )
    edition.results.update(name="Паспорт гражданина Российской Федерации")
    tax_code = factories.legal_act(short_title="НК РФ", title="Налоговый кодекс Российской Федерации")
    edition.payment_methods.add(PaymentMethod.objects.create(code="card-t", name="Банковской картой"))
    first = Variant.objects.create(edition=edition, code="first", name="Получение впервые в 14 лет")
    lost = Variant.objects.create(
        edition=edition,
        code="lost",
        name="Замена утраченного паспорта",
        order=1,
        deadline_value=30,
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type=DayType.CALENDAR,
    )
    reason = ApplicantAttribute.objects.create(
        edition=edition, code="reason", question="Почему вы обращаетесь?"
    )
    age14 = AttributeValue.objects.create(attribute=reason, code="age14", label="Мне исполнилось 14 лет")
    was_lost = AttributeValue.objects.create(attribute=reason, code="lost", label="Паспорт утерян", order=1)
    first.attribute_values.add(age14)
    lost.attribute_values.add(was_lost)
    Fee.objects.create(
        edition=edition, variant=first, name="Госпошлина за выдачу паспорта", amount="300.00", act=tax_code,
        article="333.33", point="1", subpoint="17",
    )  # fmt: skip
    Fee.objects.create(
        edition=edition, variant=lost, name="Госпошлина за выдачу взамен утраченного", amount="1500.00",
        act=tax_code, article="333.33", point="1", subpoint="18",
    )  # fmt: skip
    Document.objects.create(
        edition=edition, variant=lost, source=DocumentSource.APPLICANT, name="Заявление об утрате паспорта"
    )
    Document.objects.create(
        edition=edition, variant=first, source=DocumentSource.APPLICANT, name="Свидетельство о рождении"
    )
    return publish(edition)


def test_the_service_page_renders_every_section_for_a_citizen(client, passport):
    response = client.get(page_url(passport))
    assert response.status_code == 200
    text = text_of(response)
    for expected in [
        "Выдача, замена паспорта гражданина Российской Федерации",  # name
        "Главное управление по вопросам миграции МВД России",  # provider
        "Паспорт гражданина Российской Федерации",  # result
        "не более 5 рабочих дней со дня регистрации заявления",  # deadline in plain words
        "от 300 ₽ до 1 500 ₽",  # cost
        "Банковской картой",  # how to pay
        "Принесите с собой",
        "Заявление о выдаче разрешения на строительство",  # a document to bring
        "Орган запросит сам",
        "Можно принести самому, чтобы ускорить",
        "Выписка из ЕГРН о земельном участке",  # requested by the body itself
        "запрашивается у: Росреестр",
        "не позднее следующего рабочего дня",  # registration
        "не более 15 минут",  # queue
        "Отказ в приеме документов",
        "Заявление подано лицом, не являющимся застройщиком.",  # refusal grounds
        "Приостановление предоставления услуги",
        "Основания не предусмотрены.",
        "Пандус, беспрепятственный вход",  # accessibility
        "Число обращений заявителя к должностным лицам",  # quality indicator
        "не более 2 раз",
        "ст. 51",  # legal basis with its citation
        "Заявление о выдаче разрешения на строительство",  # the form to download
        "Как обжаловать решение",
        "глава 2.1 Федерального закона от 27.07.2010 № 210-ФЗ",
        "Москва, ул. Житная, д. 16",  # the body's contacts
        "Редакция № 1 от",  # the edition line
        "Почему вы обращаетесь?",  # the questionnaire
        "только для варианта «Замена утраченного паспорта»",
    ]:
        assert expected in text, expected
    form = passport.forms.get()
    number = passport.service.registry_number
    # The form downloads through the registry's view, never from MEDIA_ROOT.
    assert f'href="/services/{number}/editions/1/forms/{form.pk}/"' in response.content.decode()
    assert "/media/" not in response.content.decode()


def test_the_questionnaire_narrows_the_page_to_one_variant(client, passport):
    response = client.get(page_url(passport), {"a-reason": "lost"})
    text = text_of(response)
    assert "Показан вариант «Замена утраченного паспорта»" in text
    assert "не более 30 календарных дней" in text
    assert "1 500 ₽" in text and "300 ₽" not in text.replace("1 500 ₽", "")
    assert "Заявление об утрате паспорта" in text
    assert "Свидетельство о рождении" not in text
    first = text_of(client.get(page_url(passport), {"a-reason": "age14"}))
    assert "Свидетельство о рождении" in first and "Заявление об утрате паспорта" not in first
    assert "не более 5 рабочих дней" in first


def test_an_unknown_answer_shows_every_variant(client, passport):
    text = text_of(client.get(page_url(passport), {"a-reason": "nonsense"}))
    assert "Свидетельство о рождении" in text and "Заявление об утрате паспорта" in text


def test_a_free_service_says_so(client):
    edition = published()
    assert "Бесплатно." in text_of(client.get(page_url(edition)))


def test_json_ld_describes_a_government_service_and_cannot_break_out_of_its_script(client):
    edition = published(full_name="Справка </script><script>alert(1)</script>", short_name="Справка")
    content = client.get(page_url(edition)).content.decode()
    assert "<script>alert(1)" not in content
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S).group(1)
    data = json.loads(payload)
    assert data["@type"] == "GovernmentService"
    assert data["name"] == "Справка </script><script>alert(1)</script>"
    assert data["identifier"] == edition.service.registry_number
    assert data["provider"]["@type"] == "GovernmentOrganization"
    assert data["offers"]["price"] == "0"


def test_a_withdrawn_service_shows_its_withdrawal_notice(client):
    edition = published(full_name="Выдача лицензии на охоту", short_name="Охотничья лицензия")
    service_withdraw(
        service=edition.service, actor=None, reason="Полномочие передано в другой орган.", date=TODAY
    )
    response = client.get(page_url(edition))
    text = text_of(response)
    assert response.status_code == 200
    assert "Услуга исключена из реестра" in text
    assert "Полномочие передано в другой орган." in text
    assert "Принесите с собой" not in text
    assert "Охотничья лицензия" not in text_of(client.get(reverse("catalogue:service_list")))


def test_a_service_withdrawn_from_a_later_date_stays_listed_with_a_notice(client):
    edition = published(short_name="Лицензия")
    later = TODAY + datetime.timedelta(days=5)
    service_withdraw(service=edition.service, actor=None, reason="Услуга упраздняется.", date=later)
    assert "Услуга будет исключена из реестра" in text_of(client.get(page_url(edition)))
    assert "Лицензия" in text_of(client.get(reverse("catalogue:service_list")))


@pytest.fixture
def amended() -> tuple[Edition, Edition]:
    first = published(full_name="Выдача справки о составе семьи", short_name="Справка о составе семьи")
    second = next_edition(first.service, deadline_value=3, change_note="Сокращён срок.")
    second.documents.create(source=DocumentSource.APPLICANT, name="Домовая книга")
    second = publish(second, effective_date=TODAY)
    return Edition.objects.get(pk=first.pk), second


def test_the_edition_line_links_to_earlier_editions(client, amended):
    first, second = amended
    response = client.get(page_url(second))
    text = text_of(response)
    assert second.edition_line() in text
    editions_url = reverse(
        "catalogue:edition_list", kwargs={"registry_number": second.service.registry_number}
    )
    assert f'href="{editions_url}"' in response.content.decode()
    listing = text_of(client.get(editions_url))
    assert "Редакция № 2" in listing and "Редакция № 1" in listing
    assert "действующая" in listing and "утратила силу" in listing
    assert "Сокращён срок." in listing


def test_the_comparison_shows_what_changed_section_by_section(client, amended):
    first, second = amended
    url = reverse("catalogue:edition_compare", kwargs={"registry_number": second.service.registry_number})
    text = text_of(client.get(url, {"from": 1, "to": 2}))
    assert "не более 5 рабочих дней" in text and "не более 3 рабочих дней" in text
    assert "Домовая книга" in text
    assert "добавлено" in text.lower()
    assert text == text_of(client.get(url))  # defaults: the current edition against the one before


def test_an_earlier_edition_stays_readable(client, amended):
    first, second = amended
    url = reverse(
        "catalogue:edition_detail", kwargs={"registry_number": first.service.registry_number, "number": 1}
    )
    text = text_of(client.get(url))
    assert f"Эта редакция утратила силу с {second.effective_date:%d.%m.%Y}." in text
    assert "не более 5 рабочих дней" in text


def test_the_home_page_shows_categories_situations_providers_and_recent_changes(client, amended):
    first, second = amended
    new_service = published(full_name="Выдача охотничьего билета", short_name="Охотничий билет")
    situation = Category.objects.create(
        code="birth", name="Рождение ребёнка", kind=CategoryKind.LIFE_SITUATION
    )
    category = Category.objects.create(code="docs", name="Справки", kind=CategoryKind.CATEGORY)
    Category.objects.create(code="empty", name="Пустая категория", kind=CategoryKind.CATEGORY)
    new_service.service.categories.add(situation, category)
    text = text_of(client.get(reverse("catalogue:home")))
    assert "Рождение ребёнка (1)" in text
    assert "Справки (1)" in text
    assert "Пустая категория" not in text
    assert new_service.service.provider.short_name in text
    assert "Охотничий билет новая услуга" in text
    assert "Справка о составе семьи изменения" in text


def test_sitemap_lists_the_services_in_the_catalogue(client, amended):
    first, second = amended
    draft = unpublished("draft")
    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sitemap-services.xml</loc>" in index
    content = client.get("/sitemap-services.xml").content.decode()
    assert page_url(second) in content
    assert draft.service.registry_number not in content
    assert "<loc>http://testserver/services/</loc>" in client.get("/sitemap-pages.xml").content.decode()


def test_the_sitemap_index_lists_every_page_of_a_large_catalogue(client, monkeypatch):
    from registry.catalogue.sitemaps import ServiceSitemap

    monkeypatch.setattr(ServiceSitemap, "limit", 2)
    editions = [published(full_name=f"Выдача справки {n}", short_name=f"Справка {n}") for n in range(5)]
    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sitemap-services.xml?p=3</loc>" in index
    listed = "".join(client.get("/sitemap-services.xml", {"p": p}).content.decode() for p in (1, 2, 3))
    assert all(page_url(edition) in listed for edition in editions)


NON_PUBLISHED = ["draft", "submitted", "rejected", "approved", "scheduled"]


@pytest.mark.parametrize("status", NON_PUBLISHED)
def test_an_unpublished_edition_never_appears_anywhere(client, status):
    visible = published(full_name="Выдача справки", short_name="Справка")
    hidden = unpublished(status, full_name="Выдача разрешения на зебру", short_name="Разрешение на зебру")
    situation = Category.objects.create(code="zoo", name="Зоопарк", kind=CategoryKind.LIFE_SITUATION)
    hidden.service.categories.add(situation)
    expected_status = {"rejected": EditionStatus.DRAFT, "scheduled": EditionStatus.APPROVED}.get(
        status, status
    )
    assert hidden.status == expected_status
    pages = [
        reverse("catalogue:home"),
        reverse("catalogue:service_list"),
        reverse("catalogue:service_list") + "?q=зебра",
        reverse("catalogue:service_list") + "?category=zoo",
        "/sitemap.xml",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "на зебру" not in content.lower(), url
        assert "Зоопарк" not in content, url
        assert hidden.service.registry_number not in content, url
        assert hidden.service.provider.short_name not in content, url
    listing = client.get(reverse("catalogue:service_list"))
    assert found_count(listing) == 1
    assert visible.short_name in text_of(listing)
    number = hidden.service.registry_number
    for name in ("catalogue:service_detail", "catalogue:edition_list", "catalogue:edition_compare"):
        assert client.get(reverse(name, kwargs={"registry_number": number})).status_code == 404


def test_a_superseded_edition_is_never_shown_as_current(client):
    first = published(full_name="Выдача разрешения на зебру", short_name="Разрешение на зебру")
    second = next_edition(first.service, full_name="Выдача справки", short_name="Справка")
    second.results.update(name="Справка")
    publish(second, effective_date=TODAY)
    assert Edition.objects.get(pk=first.pk).status == EditionStatus.SUPERSEDED
    for url in [reverse("catalogue:home"), reverse("catalogue:service_list") + "?q=зебра", page_url(first)]:
        assert "на зебру" not in client.get(url).content.decode().lower(), url
    assert found_count(client.get(reverse("catalogue:service_list") + "?q=зебра")) == 0


def test_a_draft_of_a_published_service_does_not_leak(client):
    current = published(full_name="Выдача справки", short_name="Справка")
    draft = next_edition(current.service, short_name="Зебра", full_name="Выдача зебры")
    assert draft.status == EditionStatus.DRAFT
    assert "Зебр" not in client.get(page_url(current)).content.decode()
    editions = reverse("catalogue:edition_list", kwargs={"registry_number": current.service.registry_number})
    assert "Зебр" not in client.get(editions).content.decode()
    detail = reverse(
        "catalogue:edition_detail",
        kwargs={"registry_number": current.service.registry_number, "number": draft.number},
    )
    assert client.get(detail).status_code == 404


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_the_service_page_query_count_does_not_grow_with_the_rows(client, passport):
    small = published(full_name="Выдача справки", short_name="Справка")
    small_count = _queries(client, page_url(small))
    bigger = factories.complete_edition(factories.service(), full_name="Выдача выписки", short_name="Выписка")
    for n in range(8):
        Document.objects.create(edition=bigger, source=DocumentSource.APPLICANT, name=f"Документ {n}")
        Document.objects.create(
            edition=bigger, source=DocumentSource.INTERAGENCY, name=f"Сведения {n}", holder_body="ФНС России"
        )
        Result.objects.create(edition=bigger, name=f"Результат {n}", document_form="электронный")
    bigger = publish(bigger)
    assert _queries(client, page_url(bigger)) == small_count
    # With variants and a questionnaire: a fixed number of queries more (their prefetches). The
    # page also reads the offices that deliver the service and the working-day calendar (one each).
    assert _queries(client, page_url(passport), {"a-reason": "lost"}) <= small_count + 3 <= 22


def test_the_home_page_shows_the_busiest_bodies_of_a_level_and_finds_the_others_by_name(client, monkeypatch):
    from registry.catalogue import views

    monkeypatch.setattr(views, "HOME_PROVIDERS_PER_LEVEL", 2)
    busy = factories.body(full_name="Министерство строительства", short_name="Минстрой")
    for n in range(3):
        published(
            factories.service(provider=busy), full_name=f"Выдача разрешения {n}", short_name=f"Разрешение {n}"
        )
    quiet = [factories.body(full_name=f"Комитет {n}", short_name=f"Комитет {n}") for n in range(3)]
    for n, body in enumerate(quiet):
        published(
            factories.service(provider=body), full_name=f"Выдача справки {n}", short_name=f"Справка {n}"
        )
    text = text_of(client.get(reverse("catalogue:home")))
    assert "Минстрой (3)" in text
    assert sum(f"Комитет {n} (1)" in text for n in range(3)) == 1
    assert "Ещё органов: 2 — найдите нужный по названию." in text
    found = client.get(reverse("catalogue:service_list"), {"body": "комитет 2"})
    assert "Справка 2" in found.content.decode()
