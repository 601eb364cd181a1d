"""Intake through to storage: a good file is stored, the same file again changes nothing, a
corrected row updates its record, a bad file writes nothing — in every format, by command and
by upload."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from registry.deliveries.intake import intake_file
from registry.models import DeliveryRecord, Membership, Role
from tests.deliveries.files import write_csv, write_xlsx, write_xml

pytestmark = pytest.mark.django_db(transaction=False)


def counts(report) -> tuple[int, int, int]:
    return report.stored.created, report.stored.updated, report.stored.unchanged


def test_a_file_sent_twice_changes_nothing_and_a_corrected_row_updates_its_record(world, tmp_path):
    rows = [world.row("К-1"), world.row("К-2"), world.row("К-3", outcome="refused", ground="п. 2")]
    first = intake_file(write_csv(tmp_path / "first.csv", rows))
    assert first.ok, first.lines()
    assert counts(first) == (3, 0, 0)
    assert first.summary == "Загружено: 3 строки. Создано записей: 3, изменено: 0, без изменений: 0."
    again = intake_file(write_csv(tmp_path / "again.csv", rows, encoding="cp1251", delimiter=","))
    assert counts(again) == (0, 0, 3)
    rows[1] = world.row("К-2", wait_in="40")
    corrected = intake_file(write_csv(tmp_path / "corrected.csv", rows))
    assert counts(corrected) == (0, 1, 2)
    assert DeliveryRecord.objects.count() == 3
    assert DeliveryRecord.objects.get(case_id="К-2").queue_wait_submission == 40


def test_a_dry_run_counts_and_writes_nothing(world, tmp_path):
    report = intake_file(write_csv(tmp_path / "ok.csv", [world.row("К-1")]), dry_run=True)
    assert counts(report) == (1, 0, 0)
    assert report.summary.startswith("Проверка пройдена: 1 строка без ошибок. Будет создано записей: 1")
    assert not DeliveryRecord.objects.exists()


def test_one_bad_row_at_the_end_and_nothing_is_written(world, tmp_path):
    rows = [world.row(f"К-{n}") for n in range(50)] + [world.row("К-50", outcome="lost")]
    report = intake_file(write_csv(tmp_path / "bad.csv", rows))
    assert not report.ok
    assert report.stored is None
    assert not DeliveryRecord.objects.exists()


def test_excel_and_xml_files_are_stored_idempotently(world, tmp_path):
    xlsx = write_xlsx(tmp_path / "ok.xlsx", [world.row("Х-1"), world.row("Х-2")])
    xml = write_xml(tmp_path / "ok.xml", [world.row("Х-1", registered=""), world.row("Х-3", registered="")])
    assert counts(intake_file(xlsx)) == (2, 0, 0)
    assert counts(intake_file(xml)) == (1, 1, 0)  # Х-1 loses its registration time
    assert counts(intake_file(xml)) == (0, 0, 2)
    assert DeliveryRecord.objects.get(case_id="Х-1").registered_at is None


def test_the_command_stores_and_says_so_in_russian(world, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [world.row("К-1"), world.row("К-2")])
    out, err = io.StringIO(), io.StringIO()
    call_command("import_deliveries", str(path), "--body", "1037700029620", stdout=out, stderr=err)
    assert out.getvalue().splitlines() == [
        "Загружено: 2 строки. Создано записей: 2, изменено: 0, без изменений: 0."
    ]
    assert err.getvalue() == "\r[##############################] 100% обработано: 2 строки\n"
    out = io.StringIO()
    call_command("import_deliveries", str(path), stdout=out, stderr=io.StringIO())
    assert "без изменений: 2." in out.getvalue()


def test_the_command_refuses_another_bodys_file_and_writes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [world.row("К-1")])
    with pytest.raises(CommandError):
        call_command(
            "import_deliveries",
            str(path),
            "--body",
            "1027300621941",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not DeliveryRecord.objects.exists()


def test_an_official_uploads_checks_and_confirms(client, world, tmp_path):
    official = get_user_model().objects.create_user("official", password="x")
    Membership.objects.create(user=official, body=world.mvd, role=Role.OFFICIAL)
    client.force_login(official)
    path = write_xlsx(tmp_path / "ok.xlsx", [world.row("К-1"), world.row("К-2")])
    page = client.post(
        "/workspace/deliveries/upload/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    )
    text = page.content.decode()
    assert (
        "Проверка пройдена: 2 строки без ошибок. Будет создано записей: 2, изменено: 0, без изменений: 0."
        in text
    )
    assert not DeliveryRecord.objects.exists()
    token = page.context["token"]
    done = client.post("/workspace/deliveries/upload/", {"confirm": token})
    assert done.status_code == 200
    assert "Загружено: 2 строки. Создано записей: 2, изменено: 0, без изменений: 0." in done.content.decode()
    assert DeliveryRecord.objects.filter(body=world.mvd).count() == 2
    # The token is spent: confirming twice does not store twice.
    assert client.post("/workspace/deliveries/upload/", {"confirm": token}).status_code == 400
