"""A database that goes away during an import: the command and the upload page say in Russian
that nothing was written and the import may be repeated (no traceback), and nothing was."""

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import InterfaceError, OperationalError, connection
from django.urls import reverse
from lxml import etree

from registry.exchange import applying
from registry.exchange.service import import_file
from registry.models import Edition, EditionStatus, Role, Service
from tests import factories
from tests.exchange.conftest import NS, export_xml, user_with_role
from tests.exchange.test_changes_and_round_trip import publish

INTERRUPTED = "Загрузка прервана: база данных реестра стала недоступна во время загрузки"
REPEAT = "Ничего из файла не записано; загрузку можно повторить."


def renamed_export(tmp_path, services: list[Service]):
    """The registry's XML export with every service's short name changed: each is a new draft."""
    root = etree.fromstring(export_xml())
    for element in root.iter(f"{NS}shortName"):
        if element.getparent().tag == f"{NS}edition":
            element.text = f"{element.text} (изменено)"
    path = tmp_path / "registry.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return path


def fail_after_first_service(monkeypatch, failure) -> list[str]:
    """Run the import loop's first service as usual (it is written), then let ``failure`` happen
    where the second would be: what a lost connection does in the middle of a file."""
    applied: list[str] = []
    original = applying._Importer.apply

    def apply(importer, parsed):
        if applied:
            failure()
        outcome = original(importer, parsed)
        applied.append(outcome.outcome)
        return outcome

    monkeypatch.setattr(applying._Importer, "apply", apply)
    return applied


def drafts() -> int:
    return Edition.objects.filter(status=EditionStatus.DRAFT).count()


@pytest.fixture
def two_services(db):
    return [publish(factories.complete_edition()).service for _ in range(2)]


def raise_error(error_class):
    def failure():
        raise error_class("connection already closed")

    return failure


@pytest.mark.parametrize("error_class", [OperationalError, InterfaceError], ids=["operational", "interface"])
def test_the_command_stops_with_a_russian_message_and_writes_nothing(
    two_services, tmp_path, monkeypatch, error_class
):
    path = renamed_export(tmp_path, two_services)
    applied = fail_after_first_service(monkeypatch, raise_error(error_class))
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_registry", str(path), stdout=out)
    assert applied == ["updated"]
    message = str(raised.value)
    assert INTERRUPTED in message and REPEAT in message
    assert "Traceback" not in out.getvalue() and "connection already closed" not in message + out.getvalue()
    assert out.getvalue().rstrip().endswith(REPEAT)
    assert drafts() == 0


def test_import_file_reports_the_interruption_and_not_an_error_of_the_file(
    two_services, tmp_path, monkeypatch
):
    path = renamed_export(tmp_path, two_services)
    fail_after_first_service(monkeypatch, raise_error(OperationalError))
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and not report.applied and report.error_count == 0
    assert report.summary.startswith(INTERRUPTED)
    assert drafts() == 0


def test_the_upload_page_says_so_when_the_database_goes_away_on_apply(
    two_services, tmp_path, client, monkeypatch
):
    official = user_with_role("official", Role.OFFICIAL, two_services[0].provider)
    other = two_services[1]
    other.provider = two_services[0].provider
    other.save(update_fields=["provider"])
    client.force_login(official)
    file = io.BytesIO(renamed_export(tmp_path, two_services).read_bytes())
    file.name = "registry.xml"
    preview = client.post(reverse("exchange:upload"), {"file": file})
    assert preview.context["report"].ok, list(preview.context["report"].lines())
    fail_after_first_service(monkeypatch, raise_error(InterfaceError))
    done = client.post(reverse("exchange:upload"), {"confirm": preview.context["token"]})
    assert done.status_code == 503
    page = done.content.decode()
    assert INTERRUPTED in page and REPEAT in page and "InterfaceError" not in page
    assert not done.context["report"].applied
    assert drafts() == 0


def terminate_this_backend() -> None:
    """pg_terminate_backend of this thread's connection, from a second connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    failures = []

    def terminate():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=terminate)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive() and not failures, failures


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_terminated_postgresql_backend_ends_the_command_with_the_message_and_nothing_written(
    tmp_path, monkeypatch
):
    services = [publish(factories.complete_edition()).service for _ in range(3)]
    path = renamed_export(tmp_path, services)
    drafts_before = drafts()
    applied = fail_after_first_service(monkeypatch, terminate_this_backend)
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_registry", str(path), stdout=out)
    assert applied == ["updated"]
    assert INTERRUPTED in str(raised.value) and REPEAT in str(raised.value)
    assert "Traceback" not in out.getvalue()
    # A new connection: the first service's draft went with the terminated transaction.
    assert drafts() == drafts_before == 0
    assert not Edition.objects.filter(short_name__endswith="(изменено)").exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_terminated_postgresql_backend_during_the_web_apply_answers_503_and_writes_nothing(
    tmp_path, client, monkeypatch
):
    first = publish(factories.complete_edition()).service
    services = [first] + [
        publish(factories.complete_edition(factories.service(provider=first.provider))).service
        for _ in range(2)
    ]
    client.force_login(user_with_role("official", Role.OFFICIAL, first.provider))
    file = io.BytesIO(renamed_export(tmp_path, services).read_bytes())
    file.name = "registry.xml"
    preview = client.post(reverse("exchange:upload"), {"file": file})
    assert preview.context["report"].ok, list(preview.context["report"].lines())
    applied = fail_after_first_service(monkeypatch, terminate_this_backend)

    done = client.post(reverse("exchange:upload"), {"confirm": preview.context["token"]})

    assert applied == ["updated"] and done.status_code == 503
    page = done.content.decode()
    assert INTERRUPTED in page and REPEAT in page and "connection" not in page
    assert drafts() == 0
    assert not Edition.objects.filter(short_name__endswith="(изменено)").exists()
