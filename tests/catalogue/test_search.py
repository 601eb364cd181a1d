"""Search and filters of the catalogue (/services/): Russian morphology, case, typos, every
filter, sorting, the empty result, and a query count that does not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.catalogue.filters import ServiceFilter
from registry.catalogue.search import russian_stem
from registry.catalogue.selectors import catalogue_editions, services_matching
from registry.models import (
    Category,
    CategoryKind,
    DayType,
    DeadlineUnit,
    Level,
    PaymentMethod,
)
from tests import factories
from tests.catalogue.helpers import card_names, found_count, publish, published

pytestmark = pytest.mark.django_db

URL = reverse("catalogue:service_list")


def names(response) -> list[str]:
    return card_names(response)


def search(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return names(response)


@pytest.fixture
def passport():
    return published(
        factories.service(provider=factories.body(full_name="Министерство внутренних дел", short_name="МВД")),
        full_name="Выдача паспорта гражданина Российской Федерации",
        short_name="Паспорт гражданина",
    )


@pytest.fixture
def building():
    return published(
        factories.service(
            level=Level.MUNICIPAL,
            provider=factories.body(
                Level.MUNICIPAL, full_name="Администрация города", short_name="Администрация"
            ),
        ),
        full_name="Выдача разрешения на строительство",
        short_name="Разрешение на строительство",
    )


def test_a_word_form_finds_its_other_forms(client, passport, building):
    assert search(client, q="паспорта") == ["Паспорт гражданина"]
    assert search(client, q="строительство") == ["Разрешение на строительство"]
    assert search(client, q="паспортов") == ["Паспорт гражданина"]


def test_search_ignores_the_case_of_cyrillic_letters(client, passport, building):
    assert search(client, q="ПАСПОРТ") == ["Паспорт гражданина"]
    assert search(client, q="РаЗрЕшЕнИе") == ["Разрешение на строительство"]


def test_search_finds_a_service_by_its_result_provider_or_life_situation(client, passport, building):
    situation = Category.objects.create(code="house", name="Строю дом", kind=CategoryKind.LIFE_SITUATION)
    building.service.categories.add(situation)
    assert search(client, q="внутренних дел") == ["Паспорт гражданина"]
    assert search(client, q="дом") == ["Разрешение на строительство"]


def test_search_by_a_result_name(client, passport):
    published(full_name="Выдача справки", short_name="Справка", result="Справка о наличии судимости")
    assert search(client, q="судимости") == ["Справка"]


def test_a_typo_still_finds_the_service(client, passport, building):
    # PostgreSQL: trigram similarity against the catalogue's vocabulary; SQLite: difflib.
    assert search(client, q="пасспорт") == ["Паспорт гражданина"]
    assert search(client, q="разрешенее") == ["Разрешение на строительство"]


def test_the_fallback_stemmer_cuts_common_endings():
    assert russian_stem("паспорта") == "паспорт"
    assert russian_stem("строительство") == "строительств"
    assert russian_stem("дом") == "дом"


def test_nothing_found_says_so_and_suggests_what_to_try(client, passport):
    response = client.get(URL, {"q": "вертолёт", "mfc": "on"})
    content = response.content.decode()
    assert found_count(response) == 0
    assert "Ничего не найдено" in content
    assert "искать без фильтров" in content
    assert "выбрать категорию или жизненную ситуацию" in content


@pytest.fixture
def catalogue(passport, building):
    """Four services that differ in every filtered property."""
    region_77 = factories.region("77", "г. Москва")
    regional = factories.complete_edition(
        factories.service(
            level=Level.REGIONAL, provider=factories.body(Level.REGIONAL, region=region_77, short_name="ЗАГС")
        ),
        full_name="Регистрация брака",
        short_name="Регистрация брака",
        is_free=False,
        available_in_mfc=False,
        available_electronically=True,
        deadline_value=1,
        deadline_unit=DeadlineUnit.MONTHS,
        deadline_day_type=DayType.CALENDAR,
    )
    factories.fee(regional)
    regional.payment_methods.add(PaymentMethod.objects.create(code="card-test", name="Банковская карта"))
    regional.results.update(name="Свидетельство о заключении брака")
    regional = publish(regional)
    free_slow = published(
        full_name="Выдача архивной справки",
        short_name="Архивная справка",
        available_electronically=False,
        deadline_value=30,
    )
    family = Category.objects.create(code="family-test", name="Семья", kind=CategoryKind.CATEGORY)
    regional.service.categories.add(family)
    return {"regional": regional, "free_slow": free_slow, "family": family}


def test_every_filter_narrows_the_list(client, catalogue, passport, building):
    regional = catalogue["regional"]
    everything = sorted(search(client))
    assert len(everything) == 4
    assert search(client, provider=passport.service.provider_id) == ["Паспорт гражданина"]
    assert search(client, level=Level.MUNICIPAL) == ["Разрешение на строительство"]
    assert search(client, region="77") == ["Регистрация брака"]
    assert search(client, category="family-test") == ["Регистрация брака"]
    assert search(client, cost="paid") == ["Регистрация брака"]
    assert "Регистрация брака" not in search(client, cost="free")
    assert len(search(client, cost="free")) == 3
    assert "Регистрация брака" not in search(client, mfc="on")
    assert "Архивная справка" not in search(client, electronic="on")
    # 5 working days fit in 10 days; 30 days and a month do not.
    assert sorted(search(client, deadline_max=10)) == ["Паспорт гражданина", "Разрешение на строительство"]
    assert "Регистрация брака" in search(client, deadline_max=31)
    assert search(client, q="брак", region="77", electronic="on") == [regional.short_name]


def test_the_applicant_category_filter(client):
    single = published(factories.service(under_single_standard=True))
    published(full_name="Другая услуга", short_name="Другая услуга")
    assert single.applicant_categories.filter(code="individuals").exists()
    assert search(client, applicant="individuals") == [single.short_name]


def test_an_invalid_filter_is_reported_next_to_its_field_and_ignored(client, passport):
    response = client.get(URL, {"deadline_max": "много", "q": "паспорт"})
    content = response.content.decode()
    assert names(response) == ["Паспорт гражданина"]
    assert 'id="id_deadline_max_error"' in content
    assert 'aria-describedby="id_deadline_max_error"' in content


def test_results_sort_by_relevance_or_by_name(client):
    published(full_name="Архивная справка о стаже", short_name="Архивная справка о стаже")
    published(
        factories.service(
            provider=factories.body(full_name="Служба паспортов", short_name="Служба паспортов")
        ),
        full_name="Адресная справка",
        short_name="Адресная справка",
    )
    published(full_name="Выдача паспорта", short_name="Паспорт")
    # By relevance: the match in the service's own name comes before the match in its provider.
    assert search(client, q="паспорт") == ["Паспорт", "Адресная справка"]
    assert search(client, q="паспорт", sort="name") == ["Адресная справка", "Паспорт"]
    assert search(client) == ["Адресная справка", "Архивная справка о стаже", "Паспорт"]


def test_the_filter_state_lives_in_the_url_and_pages_keep_it(client):
    for n in range(23):
        published(full_name=f"Справка номер {n:02d}", short_name=f"Справка {n:02d}")
    response = client.get(URL, {"q": "справка", "sort": "name"})
    content = response.content.decode()
    assert "Страница 1 из 2" in content
    assert "?q=%D1%81%D0%BF%D1%80%D0%B0%D0%B2%D0%BA%D0%B0&amp;sort=name&amp;page=2" in content
    second = client.get(URL, {"q": "справка", "sort": "name", "page": 2})
    assert names(second) == ["Справка 20", "Справка 21", "Справка 22"]


def test_the_filterset_is_reusable_for_exports(passport, building):
    filterset = ServiceFilter({"level": Level.MUNICIPAL}, queryset=catalogue_editions())
    assert list(services_matching(filterset.qs)) == [building.service]


def _list_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


def test_the_list_query_count_does_not_grow_with_the_results(client):
    for n in range(2):
        published(full_name=f"Выдача справки {n}", short_name=f"Справка {n}")
    small = _list_queries(client, {"q": "справка", "mfc": "on"})
    for n in range(2, 15):
        edition = published(full_name=f"Выдача справки {n}", short_name=f"Справка {n}", is_free=True)
        assert edition.status == "published"
    large = _list_queries(client, {"q": "справка", "mfc": "on"})
    assert small == large
    assert large <= 10


def test_a_deadline_filter_keeps_minutes_and_hours(client):
    published(
        full_name="Выдача выписки",
        short_name="Выписка",
        deadline_value=2,
        deadline_unit=DeadlineUnit.HOURS,
        deadline_day_type="",
        unusual_deadline_confirmed=True,
    )
    assert search(client, deadline_max=1) == ["Выписка"]


def test_the_body_filter_finds_services_by_part_of_a_body_name(client, passport, building):
    assert search(client, body="мвд") == ["Паспорт гражданина"]
    assert search(client, body="МИНИСТЕРСТВО внутренних") == ["Паспорт гражданина"]
    assert search(client, body="министерства") == ["Паспорт гражданина"]  # a word's other form
    assert search(client, body="мвд", q="паспорт") == ["Паспорт гражданина"]
    assert search(client, body="мвд", q="строительство") == []
    assert search(client, body="вертолётный отряд") == []


def test_a_body_chosen_by_a_link_is_shown_and_can_be_removed(client, passport):
    response = client.get(URL, {"provider": passport.service.provider_id, "q": "паспорт"})
    content = response.content.decode()
    assert card_names(response) == ["Паспорт гражданина"]
    assert "Убрать фильтр «МВД»" in content
    assert '<a href="?q=%D0%BF%D0%B0%D1%81%D0%BF%D0%BE%D1%80%D1%82">' in content
    assert f'type="hidden" name="provider" value="{passport.service.provider_id}"' in content


def test_the_search_form_does_not_list_every_body(client, passport):
    for n in range(30):
        published(factories.service(), full_name=f"Выдача выписки {n}", short_name=f"Выписка {n}")
    content = client.get(URL).content.decode()
    assert '<select name="provider"' not in content
    assert "Орган 1" not in content.split('id="results-heading"')[0]  # no body names in the form
    assert 'name="body"' in content


@pytest.mark.parametrize("value", ["abc", "1.5", "0", "99999999999999999999999", "-3"])
def test_a_malformed_body_link_lists_nothing_or_reports_the_filter(client, passport, value):
    response = client.get(URL, {"provider": value})
    assert response.status_code == 200
    assert card_names(response) in ([], ["Паспорт гражданина"])
    if card_names(response):
        assert "Проверьте фильтры" in response.content.decode()


def test_a_link_to_a_body_without_services_lists_nothing(client, passport):
    other = factories.body(full_name="Комитет по делам архивов", short_name="Комитет")
    response = client.get(URL, {"provider": other.pk})
    assert card_names(response) == []
    assert "Ничего не найдено" in response.content.decode()
