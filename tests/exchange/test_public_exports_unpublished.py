"""Every public face of the registry carries published editions only: the XML and Excel
downloads (whole, filtered as a search, one service, changes), the export command, the
sitemaps, and the catalogue's pages with their JSON-LD. A draft, an edition under review, an
approved one and a scheduled one stay out, on the demo registry plus one of each kind."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from registry.models import EditionStatus, Service
from registry.services import (
    edition_approve,
    edition_create_draft,
    edition_publish,
    edition_submit,
    edition_update,
)

pytestmark = pytest.mark.django_db

# The open edition made of each demo service's current one, and the status it is left in.
OPEN_EDITIONS = {
    "10000000361": "draft",
    "10000000362": "submitted",
    "7300000000160000102": "approved",
    "7700000000160000101": "scheduled",
}


def marker(number: str) -> str:
    return f"НЕОПУБЛИКОВАНО-{number}"


@pytest.fixture(scope="module")
def unpublished(demo, django_db_blocker) -> dict[str, str]:
    """The markers of the open editions, and the demo's never-published services, by number."""
    with django_db_blocker.unblock(), transaction.atomic():
        for number, status in OPEN_EDITIONS.items():
            draft = edition_create_draft(service=Service.objects.get(registry_number=number), actor=None)
            draft = edition_update(
                edition=draft,
                actor=None,
                changes={
                    "full_name": f"{draft.full_name} {marker(number)}",
                    "short_name": f"{draft.short_name} {marker(number)}",
                    "change_note": marker(number),
                    "effective_date": None,
                },
                expected_version=draft.lock_version,
            )
            if status == "draft":
                continue
            draft = edition_submit(edition=draft, actor=None)
            if status == "submitted":
                continue
            draft = edition_approve(edition=draft, actor=None)
            if status == "scheduled":
                later = timezone.localdate() + datetime.timedelta(days=30)
                draft = edition_publish(edition=draft, actor=None, effective_date=later)
                assert draft.status == EditionStatus.APPROVED and draft.is_scheduled
        never_published = set(
            Service.objects.exclude(editions__status=EditionStatus.PUBLISHED).values_list(
                "registry_number", flat=True
            )
        )
    assert len(never_published) >= 3
    return {
        "markers": [marker(number) for number in OPEN_EDITIONS],
        "never_published": sorted(never_published),
    }


def _leaks(text: str, unpublished) -> list[str]:
    found = [marker_ for marker_ in unpublished["markers"] if marker_ in text]
    found += [
        number for number in unpublished["never_published"] if re.search(rf"(?<!\d){number}(?!\d)", text)
    ]
    return found


def _workbook_text(data: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


DOWNLOADS = {
    "whole registry": {},
    "search": {"q": "паспорт"},
    "filtered by level": {"level": "federal"},
    "one service with an open draft": {"service": "10000000361"},
    "changes since 0": {"since": "0"},
}


@pytest.mark.parametrize("fmt", ["xml", "xlsx"])
@pytest.mark.parametrize("query", DOWNLOADS.values(), ids=DOWNLOADS.keys())
def test_public_downloads_carry_no_unpublished_edition(client, unpublished, fmt, query):
    response = client.get(reverse("exchange:export"), {"format": fmt, **query})
    assert response.status_code == 200
    data = _body(response)
    text = data.decode() if fmt == "xml" else _workbook_text(data)
    assert "10000000361" in text  # the published edition of the service with an open draft
    assert not _leaks(text, unpublished)


def test_public_downloads_carry_the_published_edition_of_a_service_with_an_open_one(client, unpublished):
    """The service with an open edition is still exported: with its current edition."""
    for number in OPEN_EDITIONS:
        data = _body(client.get(reverse("exchange:export"), {"format": "xml", "service": number}))
        assert f'registryNumber="{number}"' in data.decode() or f">{number}<" in data.decode()


@pytest.mark.parametrize("fmt", ["xml", "xlsx"])
def test_export_command_without_drafts_carries_no_unpublished_edition(unpublished, tmp_path, fmt):
    path = tmp_path / f"registry.{fmt}"
    call_command("export_registry", "--format", fmt, "--output", str(path), stdout=io.StringIO())
    text = path.read_text(encoding="utf-8") if fmt == "xml" else _workbook_text(path.read_bytes())
    assert "7700000000160000101" in text
    assert not _leaks(text, unpublished)


def test_sitemaps_list_no_service_without_a_published_edition(client, unpublished):
    index = client.get(reverse("catalogue:sitemap"))
    assert index.status_code == 200
    sections = re.findall(r"<loc>https?://[^/]+(/[^<]+)</loc>", index.content.decode())
    assert sections
    text = ""
    for section in sections:
        response = client.get(section)
        assert response.status_code == 200, section
        text += response.content.decode()
    assert "/services/10000000361/" in text
    assert not _leaks(text, unpublished)


def test_catalogue_pages_and_json_ld_show_the_current_edition_not_the_open_one(client, unpublished):
    for number in OPEN_EDITIONS:
        for name in ("catalogue:service_detail", "catalogue:edition_list"):
            response = client.get(reverse(name, args=[number]))
            assert response.status_code == 200, (name, number)
            text = response.content.decode()
            assert "application/ld+json" in text or name != "catalogue:service_detail"
            assert not _leaks(text, unpublished), (name, number)
    for number in unpublished["never_published"]:
        assert client.get(reverse("catalogue:service_detail", args=[number])).status_code == 404
    search = client.get(reverse("catalogue:service_list"), {"q": "НЕОПУБЛИКОВАНО"})
    assert search.status_code == 200
    assert not _leaks(search.content.decode(), unpublished)
