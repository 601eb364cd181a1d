"""The exports' bulk records (one query per table per chunk) are exactly the records the
model-based ``edition_record`` builds from prefetched rows, whatever the chunk size."""

import pytest

from registry.exchange.records import Lookups, act_key, edition_record, export_editions_prefetch
from registry.exchange.selectors import (
    CONTENT_DRAFTS,
    CONTENT_PUBLISHED,
    ExportRequest,
    export_records,
    export_selection,
)
from registry.models import ApplicantCategory, EditionStatus, Service
from registry.services import edition_create_draft
from regulations.models import LegalAct
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_draft(demo):
    """A draft opened over a published edition: the drafts export must carry the draft."""
    return edition_create_draft(service=Service.objects.get(registry_number="10000000520"), actor=None)


def prefetched_records(selection, *, with_content: bool) -> dict[str, dict]:
    services = selection.services.prefetch_related(
        "categories", export_editions_prefetch(selection.editions, "candidates")
    )
    return {
        service.registry_number: edition_record(service, service.candidates[0], with_content=with_content)
        for service in services
        if service.candidates
    }


@pytest.mark.parametrize("content", [CONTENT_PUBLISHED, CONTENT_DRAFTS])
@pytest.mark.parametrize("chunk_size", [1, 3, 500])
@pytest.mark.parametrize("with_content", [False, True])
def test_bulk_records_equal_the_model_records(open_draft, content, chunk_size, with_content):
    selection = export_selection(ExportRequest(content=content))
    expected = prefetched_records(selection, with_content=with_content)
    pairs = list(export_records(selection, chunk_size=chunk_size, with_content=with_content))
    # In the order the services were entered: the order their rows are stored in.
    assert [service.registry_number for service, _record in pairs] == list(expected)
    assert [service.pk for service, _record in pairs] == sorted(service.pk for service, _record in pairs)
    for service, record in pairs:
        assert record == expected[service.registry_number], service.registry_number
        # Same keys in the same order too: the Excel writer spreads the edition's dictionary.
        assert list(record["edition"]) == list(expected[service.registry_number]["edition"])
        for section in ("results", "legal_bases", "documents", "grounds", "fees", "indicators", "forms"):
            assert [list(row) for row in record[section]] == [
                list(row) for row in expected[service.registry_number][section]
            ]
    assert any(record["forms"] and record["variants"] and record["attributes"] for _s, record in pairs)
    if with_content:
        assert any(row["content"] for _s, record in pairs for row in record["forms"])


def test_drafts_export_carries_the_newest_open_edition(open_draft):
    selection = export_selection(ExportRequest(content=CONTENT_DRAFTS))
    numbers = {
        service.registry_number: record["edition"]["number"]
        for service, record in export_records(selection, chunk_size=4)
    }
    for service in Service.objects.filter(registry_number__in=numbers):
        open_numbers = [
            edition.number for edition in service.editions.exclude(status=EditionStatus.SUPERSEDED)
        ]
        assert numbers[service.registry_number] == max(open_numbers)
    assert numbers[open_draft.service.registry_number] == open_draft.number == 3


def test_lookups_read_once_then_only_what_is_new(demo, django_assert_num_queries):
    """Acts and categories are read once; one created after that (an import creating the acts
    of its file) is read when it is first met, and known ones cost nothing."""
    lookups = Lookups()
    with django_assert_num_queries(2):
        lookups.load()
        lookups.load()
    known = LegalAct.objects.order_by("pk").first()
    act = factories.legal_act()
    category = ApplicantCategory.objects.create(code="lookup_test", name="Категория для проверки")
    with django_assert_num_queries(0):
        assert lookups.act(known.pk) == act_key(known)
        assert lookups.act(None) is None and lookups.category(None) == ""
    with django_assert_num_queries(2):
        assert lookups.act(act.pk) == act_key(act)
        assert lookups.category(category.pk) == "lookup_test"
    with django_assert_num_queries(0):
        assert lookups.act(act.pk) == act_key(act)
        assert lookups.category(category.pk) == "lookup_test"
