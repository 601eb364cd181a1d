"""The filter choices' counts (``CatalogueChoiceCount``) follow every change that lists, unlists
or reclassifies a service, so the choices read from them are those a recount of the catalogue
gives — and reading them after a change costs a few queries whatever the registry's size."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, Exists, OuterRef

from registry.catalogue import selectors
from registry.catalogue.search import catalogue_entries_refresh
from registry.models import (
    ApplicantCategory,
    CatalogueChoiceCount,
    Category,
    CategoryKind,
    ProviderBody,
    Region,
)
from registry.services import service_restore, service_withdraw
from tests import factories
from tests.catalogue.helpers import TODAY, next_edition, publish, published

pytestmark = pytest.mark.django_db

TOMORROW = TODAY + datetime.timedelta(days=1)


def recounted(today: datetime.date) -> dict:
    """The choices counted from the catalogue's services, as the filters counted them before."""

    def counted(prefix: str) -> Count:
        listed = selectors.in_catalogue_q(f"{prefix}catalogue_entry__", today=today)
        return Count(f"{prefix}catalogue_entry", filter=listed)

    editions = selectors.catalogue_editions(today=today).filter(applicant_categories=OuterRef("pk"))
    return {
        "categories": list(
            Category.objects.annotate(service_count=counted("services__"))
            .filter(service_count__gt=0)
            .order_by("kind", "order", "name")
            .values("pk", "code", "name", "kind", "service_count")
        ),
        "providers": list(
            ProviderBody.objects.annotate(service_count=counted("services__"))
            .filter(service_count__gt=0)
            .order_by("level", "short_name")
            .values("pk", "level", "full_name", "short_name", "service_count")
        ),
        "regions": [
            (code, f"{code} — {name}")
            for code, name in Region.objects.filter(
                pk__in=selectors.catalogue_entries(today=today).values("region_id")
            )
            .order_by("code")
            .values_list("code", "name")
        ],
        "applicants": list(
            ApplicantCategory.objects.filter(Exists(editions))
            .order_by("order", "name")
            .values_list("code", "name")
        ),
    }


def read(today: datetime.date) -> dict:
    choices = selectors._filter_choices(today)
    return {
        "categories": choices.categories,
        "providers": choices.providers,
        "regions": choices.regions,
        "applicants": choices.applicant_categories,
    }


def assert_counts_agree(today: datetime.date = TODAY) -> dict:
    expected = recounted(today)
    assert read(today) == expected
    return expected


@pytest.fixture
def categories():
    return [
        Category.objects.create(code=f"c{n}", name=f"Категория {n}", kind=CategoryKind.CATEGORY, order=n)
        for n in range(3)
    ]


def test_publications_amendments_and_regional_services_are_counted(categories):
    federal = published(full_name="Выдача паспорта", short_name="Паспорт")
    federal.service.categories.add(categories[0], categories[1])
    regional = published(factories.service("regional"), full_name="Выдача справки", short_name="Справка")
    regional.service.categories.add(categories[1])
    draft = next_edition(federal.service)
    individuals, _created = ApplicantCategory.objects.get_or_create(
        code="individuals", defaults={"name": "Физические лица"}
    )
    draft.applicant_categories.add(individuals)
    publish(draft, effective_date=TODAY)
    expected = assert_counts_agree()
    assert [(c["code"], c["service_count"]) for c in expected["categories"]] == [("c0", 1), ("c1", 2)]
    assert len(expected["providers"]) == 2
    assert expected["applicants"] == [("individuals", "Физические лица")]
    assert len(expected["regions"]) == 1


def test_categories_changed_from_either_side_and_deleted_are_counted(categories):
    first = published(full_name="Выдача паспорта", short_name="Паспорт")
    second = published(full_name="Выдача справки", short_name="Справка")
    first.service.categories.add(*categories)
    categories[2].services.add(second.service)
    assert_counts_agree()
    first.service.categories.remove(categories[0], categories[1])
    categories[2].services.remove(first.service)
    assert_counts_agree()
    first.service.categories.set([categories[1]])
    categories[2].services.clear()
    assert_counts_agree()
    categories[1].delete()
    assert_counts_agree()
    assert read(TODAY)["categories"] == []


def test_withdrawal_now_or_later_and_restoration_are_counted(categories):
    edition = published(full_name="Выдача охотничьего билета", short_name="Охотничий билет")
    edition.service.categories.add(categories[0])
    published(full_name="Выдача справки", short_name="Справка")
    service_withdraw(service=edition.service, actor=None, reason="Полномочие передано.", date=TOMORROW)
    # Withdrawn from tomorrow: listed today, gone tomorrow.
    assert [c["code"] for c in assert_counts_agree()["categories"]] == ["c0"]
    assert assert_counts_agree(TOMORROW)["categories"] == []
    service_restore(service=edition.service, actor=None)
    assert_counts_agree(TOMORROW)
    service_withdraw(service=edition.service, actor=None, reason="Полномочие передано.", date=TODAY)
    assert len(assert_counts_agree()["providers"]) == 1


def test_a_service_moved_to_another_body_and_a_body_moved_to_another_region_are_counted():
    edition = published(factories.service("regional"), full_name="Выдача справки", short_name="Справка")
    service = edition.service
    service.provider = factories.body("regional")
    service.save()
    assert_counts_agree()
    body = service.provider
    body.region = factories.region()
    body.save()
    assert [name for _code, name in assert_counts_agree()["regions"]] == [
        f"{body.region.code} — {body.region.name}"
    ]


def test_a_rebuild_and_a_refresh_of_unchanged_rows_keep_the_counts(categories):
    edition = published(full_name="Выдача паспорта", short_name="Паспорт")
    edition.service.categories.add(categories[0])
    published(factories.service("regional"), full_name="Выдача справки", short_name="Справка")
    kept = sorted(
        CatalogueChoiceCount.objects.filter(services__gt=0).values_list("kind", "object_id", "services")
    )
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(CatalogueChoiceCount.objects.values_list("kind", "object_id", "services")) == kept
    catalogue_entries_refresh(service_ids=[edition.service_id])
    assert (
        sorted(
            CatalogueChoiceCount.objects.filter(services__gt=0).values_list("kind", "object_id", "services")
        )
        == kept
    )
    assert_counts_agree()


def test_the_choices_after_a_change_cost_the_same_few_queries_at_any_size(
    django_assert_num_queries, categories
):
    def queries_for_choices() -> None:
        choices = selectors._filter_choices(TODAY)
        assert choices.categories
        choices.providers  # noqa: B018 - read on first use

    for _n in range(2):
        published(full_name="Выдача паспорта", short_name="Паспорт").service.categories.add(categories[0])
    # The services withdrawn later, the categories, regions and applicant categories with their
    # counts; then the bodies with theirs.
    with django_assert_num_queries(5):
        queries_for_choices()
    for _n in range(3):
        published(factories.service("regional"), full_name="Выдача справки", short_name="Справка")
    with django_assert_num_queries(5):
        queries_for_choices()
