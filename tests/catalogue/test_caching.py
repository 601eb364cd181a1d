"""Cached public pages (registry/catalogue/caching.py): a repeated page costs one query, and
whatever changes what a page shows (a publication, a withdrawal, reference data edited outside
the workflow) shows at once; signed-in users and pending messages are never cached."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.session import SessionStorage
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.catalogue import caching
from registry.models import CatalogueRevision, LegalBasis, Result
from registry.services import service_restore, service_withdraw
from tests import factories
from tests.catalogue.helpers import TODAY, card_names, next_edition, publish, published

pytestmark = pytest.mark.django_db

LIST = reverse("catalogue:service_list")


def page_url(edition) -> str:
    return reverse("catalogue:service_detail", kwargs={"registry_number": edition.service.registry_number})


def queries_of(client, url: str, params: dict | None = None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


@pytest.fixture
def certificate():
    return published(
        factories.service(
            provider=factories.body(full_name="Архивный отдел администрации", short_name="Архив")
        ),
        full_name="Выдача архивной справки",
        short_name="Архивная справка",
    )


def public_urls(edition) -> list[tuple[str, dict]]:
    number = edition.service.registry_number
    return [
        (reverse("catalogue:home"), {}),
        (LIST, {"q": "справка", "mfc": "on"}),
        (page_url(edition), {}),
        (reverse("catalogue:edition_list", kwargs={"registry_number": number}), {}),
        (reverse("catalogue:edition_detail", kwargs={"registry_number": number, "number": 1}), {}),
    ]


def test_a_repeated_public_page_costs_one_query_and_reads_the_same(client, certificate):
    for url, params in public_urls(certificate):
        first_count, first = queries_of(client, url, params)
        repeated_count, repeated = queries_of(client, url, params)
        assert repeated == first, url
        assert first_count > 1, url
        assert repeated_count == 1, url  # the catalogue's version


def test_a_repeated_page_costs_one_query_however_many_services_there_are(client, certificate):
    published(full_name="Выдача справки о составе семьи", short_name="Справка о семье")
    queries_of(client, LIST, {"q": "справка"})
    assert queries_of(client, LIST, {"q": "справка"})[0] == 1
    for n in range(12):
        published(full_name=f"Выдача справки {n}", short_name=f"Справка {n}")
    queries_of(client, LIST, {"q": "справка"})
    assert queries_of(client, LIST, {"q": "справка"})[0] == 1


def test_a_new_edition_shows_at_once_on_every_cached_page(client, certificate):
    for url, params in public_urls(certificate):
        queries_of(client, url, params)
    publish(
        next_edition(
            certificate.service, short_name="Справка из архива", full_name="Выдача справки из архива"
        )
    )
    assert "Справка из архива" in queries_of(client, page_url(certificate))[1]
    assert "Справка из архива" in card_names(client.get(LIST, {"q": "справка", "mfc": "on"}))
    assert "Редакция № 2" in queries_of(client, public_urls(certificate)[3][0])[1]


def test_a_withdrawal_and_a_restoration_show_at_once(client, certificate):
    queries_of(client, page_url(certificate))
    queries_of(client, LIST, {"q": "справка"})
    service_withdraw(service=certificate.service, actor=None, reason="Услуга передана в МФЦ.", date=TODAY)
    assert "Услуга передана в МФЦ." in queries_of(client, page_url(certificate))[1]
    assert card_names(client.get(LIST, {"q": "справка"})) == []
    service_restore(service=certificate.service, actor=None)
    assert card_names(client.get(LIST, {"q": "справка"})) == ["Архивная справка"]


def test_reference_data_edited_outside_the_workflow_shows_at_once(client, certificate):
    queries_of(client, page_url(certificate))
    queries_of(client, LIST, {"q": "справка"})
    body = certificate.service.provider
    body.address = "Ульяновск, ул. Гончарова, д. 1"
    body.short_name = "Госархив"
    body.save()
    assert "ул. Гончарова" in queries_of(client, page_url(certificate))[1]
    assert "Госархив" in queries_of(client, LIST, {"q": "справка"})[1]
    act = LegalBasis.objects.filter(edition=certificate).select_related("act").first().act
    act.title = "Закон об архивном деле в Российской Федерации"
    act.save()
    assert "Закон об архивном деле" in queries_of(client, page_url(certificate))[1]


def test_a_draft_service_does_not_retire_the_cached_pages(client, certificate):
    queries_of(client, page_url(certificate))
    before = CatalogueRevision.objects.values_list("revision", flat=True).first()
    draft = factories.complete_edition(factories.service(), short_name="Черновик")
    Result.objects.filter(edition=draft).update(name="Черновик")
    draft.service.save()
    assert CatalogueRevision.objects.values_list("revision", flat=True).first() == before
    assert queries_of(client, page_url(certificate))[0] == 1


def test_a_signed_in_user_is_never_served_a_cached_page_nor_stores_one(client, certificate):
    anonymous = queries_of(client, page_url(certificate))[1]
    assert "Рабочее место" not in anonymous
    user = get_user_model().objects.create_user("official", password="x")
    client.force_login(user)
    signed_in_count, signed_in = queries_of(client, page_url(certificate))
    assert "Рабочее место" in signed_in
    assert signed_in_count > 1
    client.logout()
    assert "Рабочее место" not in queries_of(client, page_url(certificate))[1]


def test_a_request_with_pending_messages_is_not_cached():
    request = RequestFactory().get("/services/")
    request.session = {}
    request._messages = SessionStorage(request)
    request.user = None
    assert caching._cacheable(request)
    request._messages.add(constants.INFO, "Вы вышли из рабочего места.")
    assert not caching._cacheable(request)
    assert len(get_messages(request)) == 1  # checking did not consume the message


def test_a_post_is_never_cached():
    assert not caching._cacheable(RequestFactory().post("/services/"))


def test_the_version_changes_with_the_change_sequence_the_reference_data_and_the_day(certificate):
    before = caching.catalogue_version()
    caching.revision_bump()
    bumped = caching.catalogue_version()
    assert bumped.key != before.key and bumped.reference != before.reference
    publish(next_edition(certificate.service))
    published_again = caching.catalogue_version()
    assert published_again.key != bumped.key
    assert caching.catalogue_version(today=TODAY.replace(year=TODAY.year + 1)).key != published_again.key


def test_cards_are_shared_between_searches_and_follow_a_renamed_provider(client, certificate):
    queries_of(client, LIST, {"q": "справка"})
    other_search_count, _ = queries_of(client, LIST, {"q": "архивная"})
    cold_count, _ = queries_of(client, LIST, {"q": "выдача"})
    assert other_search_count == cold_count  # both read the cached card, no card queries
    body = certificate.service.provider
    body.short_name = "Госархив"
    body.save()
    assert "Госархив" in queries_of(client, LIST, {"q": "архивная"})[1]


def test_pages_work_with_the_cache_switched_off(client, certificate, settings):
    settings.CACHES = {
        **settings.CACHES,
        "catalogue": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    first = queries_of(client, page_url(certificate))
    assert queries_of(client, page_url(certificate))[0] == first[0] > 1
    assert card_names(client.get(LIST, {"q": "справка"})) == ["Архивная справка"]


def test_a_publication_of_another_service_keeps_a_service_page_cached(client, certificate):
    other = published(full_name="Выдача выписки из реестра", short_name="Выписка")
    queries_of(client, page_url(certificate))
    queries_of(client, LIST, {"q": "справка"})
    publish(next_edition(other.service, short_name="Выписка из реестра"))
    assert queries_of(client, page_url(certificate))[0] == 1  # still cached: its own version
    assert queries_of(client, LIST, {"q": "справка"})[0] > 1  # the list depends on every service
    assert "Выписка из реестра" in queries_of(client, page_url(other))[1]


def test_rebuilding_the_search_index_retires_the_cached_pages(client, certificate):
    from io import StringIO

    from django.core.management import call_command

    queries_of(client, page_url(certificate))
    call_command("rebuild_search_index", stdout=StringIO())
    assert queries_of(client, page_url(certificate))[0] > 1


def test_a_browser_revalidates_its_copy_with_the_etag(client, certificate):
    first = client.get(page_url(certificate))
    etag = first["ETag"]
    assert first["Cache-Control"] == "no-cache"
    with CaptureQueriesContext(connection) as queries:
        again = client.get(page_url(certificate), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and len(queries) == 1
    assert client.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 200  # another page, another tag
    publish(next_edition(certificate.service, short_name="Справка из архива"))
    changed = client.get(page_url(certificate), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Справка из архива" in changed.content.decode()


def test_a_signed_in_user_gets_no_etag(client, certificate):
    client.force_login(get_user_model().objects.create_user("official", password="x"))
    assert "ETag" not in client.get(page_url(certificate))


def test_the_same_names_in_another_order_are_another_page(client, certificate):
    published(full_name="Выдача паспорта", short_name="Паспорт")
    first = client.get(LIST + "?q=паспорт&q=архивная")
    second = client.get(LIST + "?q=архивная&q=паспорт")
    assert card_names(first) != card_names(second)  # the view reads the last value of a name
    assert card_names(client.get(LIST + "?q=архивная&q=паспорт")) == card_names(second)


def test_parameters_a_page_does_not_read_are_not_cached(client, certificate):
    for n in range(3):
        count, _content = queries_of(client, page_url(certificate), {"utm_source": f"mail-{n}"})
        assert count > 1
    assert queries_of(client, page_url(certificate), {"utm_source": "mail-0"})[0] > 1
    queries_of(client, LIST, {"q": "справка", "page": "1"})
    assert queries_of(client, LIST, {"q": "справка", "page": "1"})[0] == 1


def test_a_cached_sitemap_keeps_its_headers(client, certificate):
    first = client.get("/sitemap-services.xml")
    again = client.get("/sitemap-services.xml")
    assert again.content == first.content
    assert again["X-Robots-Tag"] == first["X-Robots-Tag"]
    assert again["Content-Type"] == first["Content-Type"]


def test_a_service_moved_to_another_body_is_found_under_it_at_once(client, certificate):
    client.get(LIST, {"body": "архивный"})
    other = factories.body(full_name="Государственный архив области", short_name="Госархив")
    service = certificate.service
    service.provider = other
    service.save()
    assert card_names(client.get(LIST, {"body": "госархив"})) == ["Архивная справка"]
    assert card_names(client.get(LIST, {"provider": other.pk})) == ["Архивная справка"]
    assert card_names(client.get(LIST, {"body": "архивный отдел"})) == []


def test_a_withdrawal_keeps_the_other_services_pages_cached(client, certificate):
    other = published(full_name="Выдача выписки из реестра", short_name="Выписка")
    queries_of(client, page_url(other))
    service_withdraw(service=certificate.service, actor=None, reason="Передано.", date=TODAY)
    assert queries_of(client, page_url(other))[0] == 1


def test_without_the_cache_table_pages_are_served_uncached(client, certificate, settings):
    settings.CACHES = {
        **settings.CACHES,
        "catalogue": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_table"},
    }
    assert client.get(page_url(certificate)).status_code == 200
    assert card_names(client.get(LIST, {"q": "справка"})) == ["Архивная справка"]
