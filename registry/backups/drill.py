"""The restore drill: prove that a backup brings the registry back. The dump is restored into a
new database on the configured server, the registry's checks run against it in a separate
process (``check_registry --json`` with DATABASE_URL naming the copy, so every query of the
checks goes to the copy and none to the live database), and the result is compared with the
figures recorded when the dump was taken."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.backups.checks import RegistryCheck, report, seconds_display
from registry.backups.dump import BackupRecord, created_at_display, file_sha256, sidecar_path
from registry.backups.postgres import (
    BackupError,
    conninfo,
    create_database,
    database_url,
    drop_database,
    free_drill_name,
    last_error_line,
    require_postgresql,
    run_tool,
    tool,
)


@dataclass
class DrillResult:
    database: str = ""
    kept: bool = False
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def size_display(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(size)s МБ") % {"size": f"{size / 1024 / 1024:.1f}".replace(".", ",")}
    return _("%(size)s КБ") % {"size": f"{size / 1024:.0f}"}


def verify_file(path: Path, record: BackupRecord | None, say: Callable[[str], None]) -> None:
    size = path.stat().st_size
    if record is None:
        say(
            _("Копия: %(path)s, %(size)s; показатели при копировании не сверяются.")
            % {"path": path, "size": size_display(size)}
        )
        return
    say(
        _(
            "Копия: %(path)s, %(size)s, снята %(when)s с базы %(database)s "
            "(PostgreSQL %(server)s, pg_dump %(client)s)."
        )
        % {
            "path": path,
            "size": size_display(size),
            "when": created_at_display(record),
            "database": record.database,
            "server": record.server_version,
            "client": record.pg_dump_version,
        }
    )
    if size != record.bytes or file_sha256(path) != record.sha256:
        raise BackupError(
            _(
                "Файл копии повреждён: его контрольная сумма не та, что записана при копировании "
                "(размер %(size)s байт, при копировании %(expected)s байт). Восстанавливать из него нельзя."
            )
            % {"size": size, "expected": record.bytes}
        )
    say(_("Контрольная сумма SHA-256 совпадает с записанной при копировании."))


def run_checks(database: str) -> RegistryCheck:
    """``manage.py check_registry --json`` against the restored database."""
    environment = {**os.environ, "DATABASE_URL": database_url(database)}
    result = subprocess.run(
        # The system checks ran in this process, on the same settings.
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "check_registry",
            "--json",
            "--skip-checks",
        ],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    try:
        return RegistryCheck.from_dict(json.loads(result.stdout))
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(
            _("Проверки восстановленной базы не выполнены (код %(code)s): %(detail)s")
            % {"code": result.returncode, "detail": last_error_line(result.stderr) or error}
        ) from error


def restore_drill(
    path: Path, *, say: Callable[[str], None], keep: bool = False, with_figures: bool = True
) -> DrillResult:
    """Restore ``path`` into a fresh database, check it, drop it unless ``keep``. Raises
    BackupError when the drill cannot go on; returns the problems found otherwise."""
    started = time.monotonic()
    require_postgresql()
    pg_restore = tool("pg_restore")
    path = path.resolve()
    if not path.is_file():
        raise BackupError(_("Файл копии %(path)s не найден.") % {"path": path})
    record = BackupRecord.read(sidecar_path(path)) if with_figures else None
    verify_file(path, record, say)
    run_tool(
        [pg_restore, "--list", str(path)],
        failure=_("Файл %(path)s не читается как архив pg_dump в формате custom") % {"path": path},
    )
    result = DrillResult()
    base = connection.settings_dict["NAME"]
    result.database = free_drill_name(base, timezone.localtime().strftime("%Y%m%d%H%M%S"))
    create_database(result.database, like=base)
    try:
        seconds = run_tool(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                # One transaction: a copy that does not restore leaves nothing half-restored,
                # and one commit instead of one per statement is twice as fast.
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={conninfo(result.database)}",
                str(path),
            ],
            failure=_("Копия не восстанавливается в базу %(database)s") % {"database": result.database},
        )
        say(
            _("Восстановлена в новую базу %(database)s на том же сервере за %(seconds)s с.")
            % {"database": result.database, "seconds": seconds_display(seconds)}
        )
        check = run_checks(result.database)
        lines, result.problems = report(check, record.figures if record is not None else None)
        for line in lines:
            say(line)
    finally:
        if keep:
            result.kept = True
            say(
                _("База %(database)s оставлена (--keep); удалите её, когда она не нужна: dropdb %(database)s")
                % {"database": result.database}
            )
        else:
            drop_database(result.database)
            say(_("База учебного восстановления %(database)s удалена.") % {"database": result.database})
    result.seconds = time.monotonic() - started
    return result
