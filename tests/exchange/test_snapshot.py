"""An export reads one moment of the registry: a publication committed while it runs is in
neither its act list nor its services, and its sequence number matches its content."""

import io
import threading

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from registry.exchange import xlsx_export, xml_export
from registry.exchange.changes import last_sequence
from registry.exchange.selectors import export_snapshot
from registry.models import LegalBasis, Service
from regulations.models import LegalAct
from tests import factories
from tests.exchange.conftest import NS, assert_valid, export_xml
from tests.exchange.test_changes_and_round_trip import publish

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections")
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def in_another_connection(work) -> None:
    """Run ``work`` in a thread, so on its own connection, committed when it returns."""
    failures = []

    def run():
        try:
            work()
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive() and not failures, failures


@pytest.fixture
def published_and_pending():
    """A published service, and a draft of another service (another body) citing a legal act that
    no published edition cites."""
    published = publish(factories.complete_edition())
    pending = factories.complete_edition()
    return published, pending


def publish_during_the_services(monkeypatch, module, pending) -> None:
    """Publish ``pending`` from another connection once the export has written its acts and
    bodies and starts on the services."""
    original = module.export_records
    published = []

    def publish_then_read(selection, **kwargs):
        if not published:
            in_another_connection(lambda: published.append(publish(pending)))
        return original(selection, **kwargs)

    monkeypatch.setattr(module, "export_records", publish_then_read)


@pytest.mark.postgres
@on_postgresql
@transactional
def test_a_publication_during_the_export_command_is_left_for_the_next_file(
    published_and_pending, monkeypatch, tmp_path
):
    published, pending = published_and_pending
    before = last_sequence()
    publish_during_the_services(monkeypatch, xml_export, pending)

    call_command("export_registry", "--output", str(tmp_path / "r.xml"), stdout=io.StringIO())

    root = assert_valid((tmp_path / "r.xml").read_bytes())
    numbers = [service.get("registryNumber") for service in root.iter(f"{NS}service")]
    assert numbers == [published.service.registry_number]
    assert root.get("sequence") == str(before) and last_sequence() > before
    # The receiver's next request gets it.
    later = assert_valid(export_xml(since=before))
    assert [s.get("registryNumber") for s in later.iter(f"{NS}service")] == [pending.service.registry_number]


@pytest.mark.postgres
@on_postgresql
@transactional
def test_a_publication_during_a_streamed_download_is_left_for_the_next_file(
    published_and_pending, monkeypatch, client
):
    published, pending = published_and_pending
    before = last_sequence()
    publish_during_the_services(monkeypatch, xml_export, pending)

    response = client.get(reverse("exchange:export"), {"format": "xml"})

    root = assert_valid(b"".join(response.streaming_content))
    assert [s.get("registryNumber") for s in root.iter(f"{NS}service")] == [published.service.registry_number]
    assert root.get("sequence") == response["X-Registry-Sequence"] == str(before)
    assert not connection.in_atomic_block


@pytest.mark.postgres
@on_postgresql
@transactional
def test_a_publication_during_an_excel_download_is_left_for_the_next_file(
    published_and_pending, monkeypatch, client
):
    published, pending = published_and_pending
    publish_during_the_services(monkeypatch, xlsx_export, pending)

    response = client.get(reverse("exchange:export"), {"format": "xlsx"})

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    services = list(workbook["Услуги"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in services] == [published.service.registry_number]
    listed = {row[0] for row in workbook["Акты"].iter_rows(min_row=2, values_only=True)}
    assert listed == {f"act-{basis.act_id}" for basis in LegalBasis.objects.filter(edition=published)}
    assert not connection.in_atomic_block


@pytest.mark.postgres
@on_postgresql
@transactional
def test_the_snapshot_is_a_read_only_repeatable_read_transaction_that_sees_no_later_commit():
    factories.service()
    with export_snapshot():
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone() == ("repeatable read",)
            cursor.execute("SHOW transaction_read_only")
            assert cursor.fetchone() == ("on",)
        assert Service.objects.count() == 1
        in_another_connection(factories.service)
        assert Service.objects.count() == 1
    assert not connection.in_atomic_block
    assert Service.objects.count() == 2


@transactional
def test_a_client_that_goes_away_mid_download_leaves_no_transaction_open(client):
    publish(factories.complete_edition())
    acts = LegalAct.objects.count()
    response = client.get(reverse("exchange:export"), {"format": "xml"})

    assert next(response.streaming_content).startswith(b"<?xml")
    assert connection.in_atomic_block == (connection.vendor == "postgresql")
    response.close()  # what the server does when the client goes away

    assert not connection.in_atomic_block and connection.get_autocommit()
    factories.legal_act()  # a write: the read-only transaction is over
    assert LegalAct.objects.count() == acts + 1


@pytest.mark.django_db
def test_inside_an_atomic_block_the_snapshot_changes_nothing(django_assert_num_queries):
    acts = LegalAct.objects.count()
    with transaction.atomic():
        depth = len(connection.savepoint_ids)
        with django_assert_num_queries(0), export_snapshot():
            assert len(connection.savepoint_ids) == depth
        with export_snapshot():
            factories.legal_act()  # still the caller's transaction, not a read-only one
    assert LegalAct.objects.count() == acts + 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's choice")
@transactional
def test_on_sqlite_the_snapshot_opens_no_transaction(django_assert_num_queries):
    with django_assert_num_queries(0), export_snapshot():
        assert not connection.in_atomic_block


@pytest.mark.django_db
def test_the_download_header_is_a_lower_bound_of_the_files_own_sequence(published_and_pending, client):
    published, pending = published_and_pending
    response = client.get(reverse("exchange:export"), {"format": "xml"})
    publish(pending)  # after the request was checked, before the stream (and its snapshot) began

    root = assert_valid(b"".join(response.streaming_content))

    assert int(response["X-Registry-Sequence"]) < int(root.get("sequence")) == last_sequence()
    assert pending.service.registry_number in {s.get("registryNumber") for s in root.iter(f"{NS}service")}
