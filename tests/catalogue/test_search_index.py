"""The catalogue's search table follows the workflow in the same transaction, can be rebuilt,
and keeps the list bounded: more matches than the list shows are counted as «более N»."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from registry.catalogue import views
from registry.catalogue.search import catalogue_entries_refresh, deadline_days
from registry.models import CatalogueEntry, Category, CategoryKind, DeadlineUnit
from registry.services import service_restore, service_withdraw
from tests.catalogue.helpers import TODAY, card_names, found_count, next_edition, publish, published

pytestmark = pytest.mark.django_db

URL = reverse("catalogue:service_list")


def names(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return card_names(response)


def entry_rows() -> list[tuple]:
    return list(
        CatalogueEntry.objects.order_by("pk").values_list(
            "service_id",
            "edition_id",
            "sort_name",
            "name_text",
            "search_text",
            "deadline_days",
            "is_withdrawn",
        )
    )


def test_publication_writes_the_search_row_and_a_new_edition_replaces_it(client):
    first = published(full_name="Выдача справки о составе семьи", short_name="Справка о составе семьи")
    entry = CatalogueEntry.objects.get(service=first.service)
    assert entry.edition_id == first.pk
    assert "справки о составе семьи" in entry.name_text
    draft = next_edition(first.service, short_name="Справка о семье", full_name="Выдача справки о семье")
    second = publish(draft, effective_date=TODAY)
    assert CatalogueEntry.objects.get(service=first.service).edition_id == second.pk
    assert names(client, q="справка") == ["Справка о семье"]


def test_withdrawal_and_restoration_update_the_search_row(client):
    edition = published(full_name="Выдача охотничьего билета", short_name="Охотничий билет")
    service_withdraw(service=edition.service, actor=None, reason="Полномочие передано.", date=TODAY)
    assert CatalogueEntry.objects.get(service=edition.service).is_withdrawn
    assert names(client, q="охотничий") == []
    service_restore(service=edition.service, actor=None)
    assert names(client, q="охотничий") == ["Охотничий билет"]


def test_renaming_a_category_or_adding_one_to_a_service_is_searchable(client):
    edition = published(full_name="Выдача разрешения на строительство", short_name="Разрешение")
    situation = Category.objects.create(code="house", name="Строю дом", kind=CategoryKind.LIFE_SITUATION)
    edition.service.categories.add(situation)
    assert names(client, q="дом") == ["Разрешение"]
    situation.name = "Строю баню"
    situation.save()
    assert names(client, q="баня") == ["Разрешение"]
    assert names(client, q="дом") == []
    assert names(client, category="house") == ["Разрешение"]


def test_the_rebuild_command_reproduces_the_rows_kept_by_the_workflow():
    published(full_name="Выдача паспорта", short_name="Паспорт")
    published(full_name="Выдача справки", short_name="Справка", deadline_value=2, deadline_unit="months")
    kept = entry_rows()
    CatalogueEntry.objects.all().delete()
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert entry_rows() == kept
    assert catalogue_entries_refresh() == 2


def test_deadline_days_count_minutes_and_hours_as_zero_and_a_month_as_31():
    assert deadline_days(DeadlineUnit.HOURS, 2) == 0
    assert deadline_days(DeadlineUnit.DAYS, 5) == 5
    assert deadline_days(DeadlineUnit.MONTHS, 2) == 62
    assert deadline_days(DeadlineUnit.DAYS, None) is None


def test_more_matches_than_the_list_shows_are_counted_as_more_than_the_limit(client, monkeypatch):
    monkeypatch.setattr(views, "RESULT_LIMIT", 3)
    for n in range(5):
        published(full_name=f"Выдача справки {n}", short_name=f"Справка {n}")
    for params in ({"q": "справка"}, {"q": "справка", "sort": "name"}, {}):
        response = client.get(URL, params)
        assert "Найдено более 3 услуг" in response.content.decode()
        assert len(card_names(response)) == 3
    response = client.get(URL, {"q": "вертолёт"})
    assert "Найдено более" not in response.content.decode()
    assert found_count(response) == 0
