"""A form's file follows its edition's visibility: the file of a published (or superseded)
edition downloads for anyone; a draft's only for its body's staff and administrators, 404 for
everyone else. It always downloads as an attachment under its own name, with the type of its
content and no sniffing; its stored address is not guessable, and nothing serves MEDIA_ROOT."""

import re
import urllib.parse

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from registry.models import FormKind, Role, StandardForm
from tests import factories, form_samples
from tests.catalogue.helpers import next_edition, published
from tests.workspace.helpers import user_with

pytestmark = pytest.mark.django_db

DRAFT_FORM_NAME = "Заявление о выдаче дубликата.pdf"


@pytest.fixture
def body():
    return factories.body()


@pytest.fixture
def current(body):
    return published(factories.service(provider=body, under_single_standard=True))


@pytest.fixture
def draft(current):
    """Edition 2: a copy of the current one (sharing its form's file) with a form of its own."""
    edition = next_edition(current.service)
    StandardForm.objects.create(
        edition=edition,
        kind=FormKind.DUPLICATE,
        title="Заявление о выдаче дубликата",
        file=ContentFile(form_samples.PDF, name=DRAFT_FORM_NAME),
    )
    return edition


def draft_form(draft) -> StandardForm:
    return draft.forms.get(kind=FormKind.DUPLICATE)


def test_anyone_downloads_a_published_editions_form_as_an_attachment(client, current):
    form = current.forms.get()
    response = client.get(form.file.url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="zayavlenie.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"


def test_a_drafts_form_is_404_without_a_session(client, draft):
    url = reverse(
        "catalogue:form_file",
        kwargs={
            "registry_number": draft.service.registry_number,
            "number": draft.number,
            "form_id": draft_form(draft).pk,
        },
    )
    assert draft_form(draft).file.url == url
    assert client.get(url).status_code == 404


def test_a_drafts_form_is_404_for_another_bodys_official(client, draft):
    client.force_login(user_with(Role.OFFICIAL, factories.body()))
    assert client.get(draft_form(draft).file.url).status_code == 404


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.REVIEWER, Role.ADMINISTRATOR])
def test_a_drafts_form_downloads_for_its_bodys_staff_and_administrators(client, draft, body, role):
    client.force_login(user_with(role, body))
    response = client.get(draft_form(draft).file.url)
    assert response.status_code == 200
    quoted = urllib.parse.quote(DRAFT_FORM_NAME)
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quoted}"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == form_samples.PDF


def test_a_shared_file_answers_only_under_an_edition_the_user_may_see(client, current, draft):
    shared = draft.forms.get(kind=FormKind.REQUEST)
    assert shared.file.name == current.forms.get().file.name
    assert client.get(shared.file.url).status_code == 404  # the draft's address
    assert client.get(current.forms.get().file.url).status_code == 200  # the published one's


def test_a_form_asked_under_another_edition_is_404(client, current, draft, body):
    client.force_login(user_with(Role.OFFICIAL, body))
    url = reverse(
        "catalogue:form_file",
        kwargs={
            "registry_number": current.service.registry_number,
            "number": current.number,
            "form_id": draft_form(draft).pk,
        },
    )
    assert client.get(url).status_code == 404


def test_the_stored_address_is_random_and_keeps_the_files_own_name(draft, current):
    name = draft_form(draft).file.name
    number = draft.service.registry_number
    match = re.fullmatch(rf"forms/{number}/([A-Za-z0-9_-]{{22}})/{re.escape(DRAFT_FORM_NAME)}", name)
    assert match, name
    other = StandardForm.objects.create(
        edition=draft,
        kind=FormKind.CORRECTION,
        title="Заявление об исправлении",
        file=ContentFile(form_samples.PDF, name=DRAFT_FORM_NAME),
    )
    assert other.file.name != name and other.file.download_name == DRAFT_FORM_NAME
    assert f"/{draft.number}/" not in name.removeprefix(f"forms/{number}/")


def test_media_root_is_not_served(client, draft, current):
    for form in (draft_form(draft), current.forms.get()):
        assert client.get(f"/media/{form.file.name}").status_code == 404


def test_a_file_stored_before_contents_were_checked_downloads_as_plain_bytes(client, body, current):
    draft = next_edition(current.service)
    legacy = StandardForm.objects.create(  # create() skips validation, as rows of the past did
        edition=draft,
        kind=FormKind.RESULT,
        title="Бланк",
        file=ContentFile(form_samples.HTML, name="blank.pdf"),
    )
    client.force_login(user_with(Role.OFFICIAL, body))
    response = client.get(legacy.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_missing_file_is_404(client, current):
    form = current.forms.get()
    form.file.storage.delete(form.file.name)
    assert client.get(form.file.url).status_code == 404


def test_the_cached_service_page_links_a_form_that_downloads(client, current):
    page = reverse("catalogue:service_detail", kwargs={"registry_number": current.service.registry_number})
    first = client.get(page).content.decode()
    again = client.get(page)
    assert again.has_header("ETag")  # served from the page cache
    links = re.findall(r'href="([^"]+/forms/\d+/)"', again.content.decode())
    assert links and links == re.findall(r'href="([^"]+/forms/\d+/)"', first)
    assert client.get(links[0]).status_code == 200


def test_a_published_editions_page_links_its_form_through_the_view(client, current, draft):
    url = reverse(
        "catalogue:edition_detail",
        kwargs={"registry_number": current.service.registry_number, "number": current.number},
    )
    html = client.get(url).content.decode()
    assert f'href="{current.forms.get().file.url}"' in html


# Behind nginx (FORM_FILES_X_ACCEL_PREFIX): the view checks, nginx sends the bytes.


def test_behind_nginx_the_view_hands_the_file_to_an_internal_location(client, draft, body, settings):
    settings.FORM_FILES_X_ACCEL_PREFIX = "/protected-forms/"
    form = draft_form(draft)
    client.force_login(user_with(Role.OFFICIAL, body))
    response = client.get(form.file.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-forms/" + urllib.parse.quote(form.file.name)
    assert response.content == b""  # nginx adds the file
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_behind_nginx_a_drafts_form_is_still_404_without_a_session(client, draft, settings):
    settings.FORM_FILES_X_ACCEL_PREFIX = "/protected-forms/"
    response = client.get(draft_form(draft).file.url)
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response
