"""The catalogue search in citizens' words: compounds, colloquial words and abbreviations through
the synonym dictionary (``SearchSynonym``, loaded from fixtures/reference and edited in the
admin), typos against the catalogue's vocabulary, ranking by name and phrase, and a query that
finds nothing staying cheap. Every test runs on SQLite and on PostgreSQL."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from registry.catalogue.search import significant_words
from registry.demo import REFERENCE_DIR, SYNONYMS_FILE, LoadReport, _load_synonyms
from registry.models import Category, CategoryKind, SearchSynonym, SearchWord
from tests import factories
from tests.catalogue.helpers import card_names, found_count, published

pytestmark = pytest.mark.django_db

URL = reverse("catalogue:service_list")


def search(client, query: str) -> list[str]:
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    return card_names(response)


@pytest.fixture
def dictionary():
    """The dictionary the demo and a fresh installation load (fixtures/reference)."""
    report = LoadReport()
    _load_synonyms(REFERENCE_DIR / SYNONYMS_FILE, report)
    assert report.count(SearchSynonym, "created") > 50


@pytest.fixture
def registry(dictionary):
    """Services named as in the demo registry, with its categories where they matter."""
    business = Category.objects.create(
        code="business-test",
        name="Бизнес",
        description="Регистрация юридических лиц и индивидуальных предпринимателей.",
        kind=CategoryKind.CATEGORY,
    )
    mvd = factories.body(
        full_name="Министерство внутренних дел Российской Федерации", short_name="МВД России"
    )
    fns = factories.body(full_name="Федеральная налоговая служба", short_name="ФНС России")
    editions = {
        "passport": published(
            factories.service(provider=mvd),
            full_name="Выдача, замена паспортов гражданина Российской Федерации",
            short_name="Выдача (замена) паспорта гражданина РФ",
            result="Паспорт гражданина Российской Федерации",
        ),
        "foreign": published(
            factories.service(provider=mvd),
            full_name="Оформление и выдача паспортов гражданина Российской Федерации, удостоверяющих "
            "личность гражданина Российской Федерации за пределами территории Российской Федерации",
            short_name="Выдача заграничного паспорта нового образца",
            result="Заграничный паспорт",
        ),
        "entrepreneur": published(
            factories.service(provider=fns),
            full_name="Государственная регистрация физического лица в качестве индивидуального "
            "предпринимателя",
            short_name="Регистрация индивидуального предпринимателя",
            result="Лист записи ЕГРИП",
        ),
        "legal_entity": published(
            factories.service(provider=fns),
            full_name="Государственная регистрация юридического лица при его создании",
            short_name="Регистрация юридического лица",
            result="Лист записи ЕГРЮЛ",
        ),
        "alcohol": published(
            full_name="Лицензирование розничной продажи алкогольной продукции",
            short_name="Лицензия на розничную продажу алкоголя",
            result="Лицензия",
        ),
        "building": published(
            full_name="Выдача разрешения на строительство объекта капитального строительства",
            short_name="Разрешение на строительство",
            result="Разрешение на строительство",
        ),
        "benefit": published(
            full_name="Назначение ежемесячного пособия в связи с рождением и воспитанием ребёнка "
            "(единого пособия)",
            short_name="Единое пособие в связи с рождением и воспитанием ребёнка",
            result="Решение о назначении единого пособия",
        ),
    }
    for key in ("entrepreneur", "legal_entity", "alcohol"):
        editions[key].service.categories.add(business)
    return editions


def test_a_compound_finds_the_service_named_in_two_words(client, registry):
    assert search(client, "загранпаспорт")[0] == "Выдача заграничного паспорта нового образца"
    assert search(client, "Загранпаспорт ребёнку")[0] == "Выдача заграничного паспорта нового образца"
    # An alternative, not a replacement: the words of the catalogue still find it.
    assert search(client, "заграничный паспорт")[0] == "Выдача заграничного паспорта нового образца"


def test_the_home_pages_example_finds_the_benefit(client, registry):
    benefit = "Единое пособие в связи с рождением и воспитанием ребёнка"
    assert search(client, "пособие на ребёнка")[0] == benefit
    assert search(client, "пособие")[0] == benefit
    assert search(client, "ПОСОБИЕ НА РЕБЕНКА")[0] == benefit


def test_a_typo_finds_the_service(client, registry):
    assert search(client, "пасспорт")[:2] == [
        "Выдача (замена) паспорта гражданина РФ",
        "Выдача заграничного паспорта нового образца",
    ]
    assert search(client, "разришение")[0] == "Разрешение на строительство"
    assert search(client, "разришение на стройку")[0] == "Разрешение на строительство"


def test_an_abbreviation_finds_the_service(client, registry):
    assert search(client, "ИП")[0] == "Регистрация индивидуального предпринимателя"
    assert search(client, "открыть ООО")[0] == "Регистрация юридического лица"


def test_the_name_and_the_phrase_rank_above_a_category(client, registry):
    # The licence's category reads «регистрация юридических лиц»: a match elsewhere than in the
    # name, behind the registration itself and the entrepreneur's (two words in its name).
    assert search(client, "регистрация юридического лица") == [
        "Регистрация юридического лица",
        "Регистрация индивидуального предпринимателя",
        "Лицензия на розничную продажу алкоголя",
    ]


def test_a_question_finds_the_service_by_its_words(client, registry):
    assert search(client, "как поменять паспорт в 45 лет")[0] == "Выдача (замена) паспорта гражданина РФ"


def test_a_query_of_stop_words_finds_nothing_rather_than_everything(client, registry):
    response = client.get(URL, {"q": "как где что"})
    assert found_count(response) == 0
    assert "Ничего не найдено" in response.content.decode()


def test_the_vocabulary_holds_the_catalogues_words(registry):
    assert SearchWord.objects.filter(word__in=["паспорта", "заграничного", "пособия"]).count() == 3


def test_a_synonym_added_in_the_admin_finds_the_service_at_once(client, registry):
    anonymous = client
    assert search(anonymous, "вертушка") == []  # now cached for the catalogue's version
    admin = type(client)()
    admin.force_login(get_user_model().objects.create_superuser("admin-test", password="x"))
    response = admin.post(
        reverse("admin:registry_searchsynonym_add"),
        {"term": "Вертушка", "meaning": "лицензия на продажу алкоголя"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert search(anonymous, "вертушка") == ["Лицензия на розничную продажу алкоголя"]

    synonym = SearchSynonym.objects.get(term="Вертушка")
    response = admin.post(
        reverse("admin:registry_searchsynonym_change", args=[synonym.pk]),
        {"term": "Вертушка", "meaning": "разрешение на строительство"},
    )
    assert response.status_code == 302
    assert search(anonymous, "вертушки") == ["Разрешение на строительство"]

    admin.post(reverse("admin:registry_searchsynonym_delete", args=[synonym.pk]), {"post": "yes"})
    assert search(anonymous, "вертушка") == []


def test_a_synonym_without_words_is_refused_with_its_field_named(dictionary):
    synonym = SearchSynonym(term="— ?", meaning="…")
    with pytest.raises(ValidationError) as raised:
        synonym.full_clean()
    errors = raised.value.error_dict
    assert [error.code for error in errors["term"]] == ["no_words"]
    assert [error.code for error in errors["meaning"]] == ["no_words"]
    assert "В выражении «— ?» нет ни одного слова" in errors["term"][0].messages[0]


def test_a_query_that_finds_nothing_stays_cheap(client, registry, django_assert_max_num_queries):
    # The dictionary (SQLite: with the vocabulary) and the catalogue's version are read once;
    # each query below then costs the version, the lookups and the search.
    search(client, "паспорт")
    words = "вертолёт дирижабль квадрокоптер аэростат планер гидроплан батискаф субмарина"
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"q": words, "sort": "name"})
    assert found_count(response) == 0
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"q": "пасспорт разришение"})
    assert found_count(response) > 0


def test_long_queries_are_cut_to_a_few_words():
    assert len(significant_words(" ".join(f"слово{n}" for n in range(50)))) == 12


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_the_lookups_of_a_query_are_answered_from_indexes(registry):
    """The query words are checked against the document's GIN index, and a mistyped word's
    closest words are read from the vocabulary's trigram GiST index in distance order."""
    from registry.catalogue.search import SEARCH_CONFIG

    SearchWord.objects.bulk_create([SearchWord(word=f"слово{n}") for n in range(5000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_searchword")
        # A test catalogue of seven rows is read whole; the point is that the index serves it.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT w FROM unnest(%s::text[]) AS w WHERE NOT EXISTS (SELECT 1 FROM "
            "registry_catalogueentry WHERE document @@ plainto_tsquery(%s::regconfig, w))",
            [["вертолёт"], SEARCH_CONFIG],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "catalogue_entry_document" in plan
        cursor.execute("RESET enable_seqscan")  # the vocabulary's plan is the planner's own
        cursor.execute(
            "EXPLAIN SELECT word FROM registry_searchword ORDER BY word <-> %s LIMIT 3", ["вертолёт"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "registry_searchword_trgm" in plan


def test_the_ranked_set_takes_the_services_matching_most_words_first(dictionary):
    """A query of several words matches any of them, and the list ranks only its first matches:
    those matching every word must be among them, however many match one word."""
    from registry.catalogue.filters import ServiceFilter

    for n in range(4):
        published(full_name=f"Выдача справки номер {n}", short_name=f"Справка {n}")
    wanted = published(full_name="Выдача архивной справки", short_name="Архивная справка")
    edition_ids, count = ServiceFilter({"q": "архивная справка"}).page_editions(limit=2)
    assert edition_ids[0] == wanted.pk
    assert count == 3  # more than the limit: «более 2»
