"""Every page that links a form's file links the registry's download view, under the file's own
name: the draft editor, the workspace's edition page, the Django admin (a draft's editable
inline and a published edition's read-only one)."""

import re

import lxml.html
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from registry.models import FormKind, StandardForm
from registry.services import edition_create_draft
from tests import factories, form_samples
from tests.catalogue.helpers import publish

pytestmark = pytest.mark.django_db

NAME = "Заявление о выдаче.pdf"


@pytest.fixture
def draft(body):
    edition = factories.edition(factories.service(provider=body, under_single_standard=True))
    StandardForm.objects.create(
        edition=edition,
        kind=FormKind.REQUEST,
        title="Заявление",
        file=ContentFile(form_samples.PDF, name=NAME),
    )
    return edition


def links_to(html: bytes | str, url: str) -> list[str]:
    """The texts of the links to ``url`` on the page."""
    document = lxml.html.fromstring(html.decode() if isinstance(html, bytes) else html)
    return [link.text_content().strip() for link in document.xpath("//a[@href=$url]", url=url)]


def test_the_editor_links_the_stored_file_through_the_view_by_its_name(client, official, draft):
    client.force_login(official)
    form = draft.forms.get()
    response = client.get(reverse("workspace:edition_edit", kwargs={"pk": draft.pk, "section": "forms"}))
    assert response.status_code == 200
    assert links_to(response.content, form.file.url) == [NAME]
    assert "/media/" not in response.content.decode()
    assert client.get(form.file.url).status_code == 200


def test_the_workspace_edition_page_links_the_file(client, reviewer, draft):
    client.force_login(reviewer)
    form = draft.forms.get()
    response = client.get(reverse("workspace:edition", kwargs={"pk": draft.pk}))
    assert links_to(response.content, form.file.url) == [NAME]


def test_the_admin_links_a_drafts_file_through_the_view(client, admin_user, draft):
    client.force_login(admin_user)
    form = draft.forms.get()
    response = client.get(reverse("admin:registry_edition_change", args=[draft.pk]))
    assert response.status_code == 200
    assert links_to(response.content, form.file.url) == [NAME]
    assert not re.search(r'href="/media/', response.content.decode())


def test_the_admin_links_a_published_editions_file_by_its_name(client, admin_user):
    client.force_login(admin_user)
    current = publish(factories.complete_edition(factories.service(under_single_standard=True)))
    edition_create_draft(service=current.service, actor=None)
    form = current.forms.get()
    response = client.get(reverse("admin:registry_edition_change", args=[current.pk]))
    assert response.status_code == 200
    assert links_to(response.content, form.file.url) == ["zayavlenie.pdf"]
