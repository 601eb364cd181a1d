"""Backups and the restore drill (docs/deployment.md, "Backups"): a dump of the demo registry
restores and the drill reports its figures; a damaged dump and an edition the validator refuses
end the drill with a Russian message and a non-zero exit status, leaving no database behind.

The commands run as an operator runs them, in their own processes, against a database of this
module's own (a copy of the test database with the demo registry loaded and committed), so
that pg_dump sees the data and the test database stays as it was."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import NO_DB_ALIAS

from registry.backups.checks import RegistryCheck, report
from registry.backups.figures import EditionFailure, RegistryFigures
from registry.backups.postgres import database_url

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
)


def run_sql(database: str, statement: str, params: list | None = None) -> list[tuple]:
    wrapper = type(connections[DEFAULT_DB_ALIAS])(
        {**connection.settings_dict, "NAME": database}, alias=NO_DB_ALIAS
    )
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(statement, params or [])
            return cursor.fetchall() if cursor.description else []
    finally:
        wrapper.close()


def databases_like(prefix: str) -> list[str]:
    rows = run_sql("postgres", "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}%"])
    return [name for (name,) in rows]


def copy_database(source: str, name: str) -> None:
    run_sql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run_sql("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{source}"')


def drop_database(name: str) -> None:
    run_sql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database: str, media: Path, *arguments: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(database),
        "DEBUG": "1",
        "SECRET_KEY": "tests-only-not-a-secret",
        "MEDIA_ROOT": str(media),
    }
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments, "--skip-checks"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=settings.BASE_DIR,
        timeout=300,
        check=False,
    )


def figures_of(database: str) -> tuple[int, int, int]:
    (row,) = run_sql(
        database,
        "SELECT (SELECT count(*) FROM registry_service), "
        "(SELECT count(*) FROM registry_edition WHERE status = 'published'), "
        "(SELECT coalesce(max(sequence), 0) FROM registry_changelog)",
    )
    return row


@pytest.fixture(scope="module")
def demo_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """A database of the module's own: the test database's schema with the demo registry
    (``load_demo --without-deliveries``) committed in it. Dropped after the module."""
    with django_db_blocker.unblock():
        name = f"test_backups_demo_{os.getpid()}"
        media = tmp_path_factory.mktemp("backup-media")
        connections.close_all()  # a template must have no other session
        try:
            copy_database(connection.settings_dict["NAME"], name)
        except DatabaseError:  # another session still holds the test database: migrate instead
            drop_database(name)
            run_sql("postgres", f'CREATE DATABASE "{name}"')
            migrated = manage(name, media, "migrate", "--no-input")
            assert migrated.returncode == 0, migrated.stderr
        loaded = manage(name, media, "load_demo", "--without-deliveries")
        assert loaded.returncode == 0, loaded.stderr
        yield name, media
        drop_database(name)


@pytest.fixture(scope="module")
def demo_backup(demo_database, tmp_path_factory):
    name, media = demo_database
    dump = tmp_path_factory.mktemp("backups") / "registry.dump"
    taken = manage(name, media, "backup_registry", "--output", str(dump))
    assert taken.returncode == 0, taken.stderr
    assert dump.is_file() and Path(f"{dump}.json").is_file()
    return dump


@pytest.mark.postgres
@on_postgresql
@pytest.mark.django_db
def test_the_demo_backup_restores_and_the_drill_reports_its_figures(demo_database, demo_backup):
    name, media = demo_database
    services, editions, sequence = figures_of(name)
    assert services > 30 and editions > 30 and sequence > 30

    drill = manage(name, media, "restore_drill", str(demo_backup), "--keep")

    assert drill.returncode == 0, drill.stderr
    out = drill.stdout
    assert f"Услуг в реестре: {services} (при копировании: {services}) — совпадает." in out
    assert f"Действующих редакций: {editions} (при копировании: {editions}) — совпадает." in out
    assert f"(export?since=): {sequence} (при копировании: {sequence}) — совпадает." in out
    assert f"Счётчик номеров изменений выдаст следующим {sequence + 1}" in out
    assert f"проверено действующих редакций — {editions}, не проходят — 0" in out
    assert "Итог: копия восстанавливается и совпадает с реестром" in out
    # --keep left the restored copy, which holds what the live database holds.
    (restored,) = databases_like(f"{name}_drill_")
    try:
        assert figures_of(restored) == (services, editions, sequence)
    finally:
        drop_database(restored)


@pytest.mark.postgres
@on_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "Файл копии повреждён: его контрольная сумма не та, что записана при копировании"),
        (["--without-figures"], "Копия не восстанавливается в базу"),
    ],
    ids=["checksum", "pg_restore"],
)
def test_a_truncated_dump_fails_the_drill_with_a_russian_message(
    demo_database, demo_backup, tmp_path, arguments, message
):
    name, media = demo_database
    truncated = tmp_path / "registry.dump"
    truncated.write_bytes(demo_backup.read_bytes()[: demo_backup.stat().st_size * 2 // 3])
    Path(f"{truncated}.json").write_text(
        Path(f"{demo_backup}.json").read_text(encoding="utf-8"), encoding="utf-8"
    )

    drill = manage(name, media, "restore_drill", str(truncated), *arguments)

    assert drill.returncode != 0
    assert "Учебное восстановление не пройдено" in drill.stderr and message in drill.stderr
    assert "Traceback" not in drill.stderr + drill.stdout
    assert databases_like(f"{name}_drill_") == []


@pytest.mark.postgres
@on_postgresql
@pytest.mark.django_db
def test_a_published_edition_the_validator_refuses_fails_the_drill_naming_the_service(
    demo_database, tmp_path
):
    name, media = demo_database
    broken = f"{name}_broken"
    copy_database(name, broken)
    try:
        # Past the triggers that freeze published editions, as only a damaged copy could be.
        ((registry_number, number),) = run_sql(
            broken,
            "SET session_replication_role = replica; "
            "WITH edition AS (SELECT e.id, e.number, s.registry_number FROM registry_edition e "
            "JOIN registry_service s ON s.id = e.service_id WHERE e.status = 'published' "
            "ORDER BY s.registry_number LIMIT 1), "
            "gone AS (DELETE FROM registry_result WHERE edition_id = (SELECT id FROM edition)) "
            "SELECT registry_number, number FROM edition",
        )
        dump = tmp_path / "broken.dump"
        assert manage(broken, media, "backup_registry", "--output", str(dump)).returncode == 0

        drill = manage(broken, media, "restore_drill", str(dump))
    finally:
        drop_database(broken)

    assert drill.returncode != 0
    assert f"Услуга {registry_number}, редакция № {number} не проходит валидатор:" in drill.stdout
    assert "Укажите хотя бы один результат услуги" in drill.stdout
    assert (
        f"валидатор не пропускает действующие редакции услуг {registry_number} (№ {number})" in drill.stderr
    )
    assert "Traceback" not in drill.stderr
    assert databases_like(f"{broken}_drill_") == []


def test_the_report_names_each_figure_that_differs_from_the_backup():
    check = RegistryCheck(
        figures=RegistryFigures(services=43, published_editions=40, last_sequence=51, changes=51),
        next_change_number=51,
        checked_editions=40,
        failures=[EditionFailure(registry_number="10000000361", edition_number=2, errors=["п. 3: пусто"])],
        seconds=0.1,
    )
    lines, problems = report(
        check, RegistryFigures(services=43, published_editions=40, last_sequence=52, changes=52)
    )
    assert "Услуг в реестре: 43 (при копировании: 43) — совпадает." in lines
    assert any("52" in line and "НЕ СОВПАДАЕТ" in line and "export?since=" in line for line in lines)
    assert problems == [
        "последний номер последовательности изменений: 51 вместо 52",
        "записей в последовательности изменений: 51 вместо 52",
        "счётчик номеров изменений (51) не впереди последнего номера (51)",
        "валидатор не пропускает действующие редакции услуг 10000000361 (№ 2)",
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal of SQLite")
@pytest.mark.django_db
def test_on_sqlite_the_commands_refuse_in_russian(tmp_path):
    with pytest.raises(CommandError, match="не PostgreSQL"):
        call_command("backup_registry", "--output", str(tmp_path / "registry.dump"))
    (tmp_path / "registry.dump").write_bytes(b"PGDMP")
    with pytest.raises(CommandError, match="Учебное восстановление не пройдено: .*не PostgreSQL"):
        call_command("restore_drill", str(tmp_path / "registry.dump"), "--without-figures")
    assert not (tmp_path / "registry.dump.partial").exists()


@pytest.mark.postgres
@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_figures_and_the_dump_read_the_same_moment(tmp_path, monkeypatch):
    """A publication committed between the counting and pg_dump is in neither: pg_dump is handed
    the snapshot the figures were counted in."""
    from registry.backups import dump as dump_module
    from registry.models import ChangeLog
    from tests import factories
    from tests.exchange.test_changes_and_round_trip import publish
    from tests.exchange.test_snapshot import in_another_connection

    publish(factories.complete_edition())
    pending = factories.complete_edition()
    original = dump_module.run_tool

    def publish_then_dump(arguments, **kwargs):
        in_another_connection(lambda: publish(pending))
        return original(arguments, **kwargs)

    monkeypatch.setattr(dump_module, "run_tool", publish_then_dump)
    output = tmp_path / "registry.dump"
    call_command("backup_registry", "--output", str(output), stdout=io.StringIO())

    figures = dump_module.BackupRecord.read(Path(f"{output}.json")).figures
    assert ChangeLog.objects.count() == figures.changes + 1
    copied = subprocess.run(
        ["pg_restore", "--data-only", "--table=registry_changelog", "--file=-", str(output)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = copied.split("FROM stdin;\n", 1)[1].split("\n\\.", 1)[0].splitlines()
    assert len(rows) == figures.changes == figures.published_editions == 1
    assert figures.last_sequence == int(rows[-1].split("\t")[0])
