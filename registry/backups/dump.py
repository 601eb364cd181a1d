"""``backup_registry``: a pg_dump of the configured database in the custom format, and next to it
a small JSON file of what the dump holds (its checksum and the registry's figures), which the
restore drill compares a restored copy with.

The figures and the dump read the same moment of the database: the figures are counted in a
REPEATABLE READ transaction whose snapshot pg_dump is handed (``--snapshot``), so a publication
committed meanwhile is in neither."""

import datetime
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.backups.figures import RegistryFigures, registry_figures
from registry.backups.postgres import (
    BackupError,
    conninfo,
    require_client_not_older,
    require_postgresql,
    run_tool,
    server_version,
    tool,
)

SIDECAR_FORMAT = "registry-backup/1"


def sidecar_path(dump: Path) -> Path:
    return dump.with_name(dump.name + ".json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class BackupRecord:
    """What the sidecar says about its dump."""

    dump: str
    sha256: str
    bytes: int
    created_at: str
    database: str
    server_version: str
    pg_dump_version: str
    figures: RegistryFigures
    seconds: float

    def as_dict(self) -> dict:
        return {
            "format": SIDECAR_FORMAT,
            "dump": self.dump,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "created_at": self.created_at,
            "database": self.database,
            "server_version": self.server_version,
            "pg_dump_version": self.pg_dump_version,
            "figures": self.figures.as_dict(),
            "seconds": round(self.seconds, 2),
        }

    @classmethod
    def read(cls, path: Path) -> "BackupRecord":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != SIDECAR_FORMAT:
                raise ValueError(data.get("format"))
            return cls(
                dump=data["dump"],
                sha256=data["sha256"],
                bytes=int(data["bytes"]),
                created_at=data["created_at"],
                database=data["database"],
                server_version=data["server_version"],
                pg_dump_version=data["pg_dump_version"],
                figures=RegistryFigures(**data["figures"]),
                seconds=float(data.get("seconds", 0)),
            )
        except FileNotFoundError as error:
            raise BackupError(
                _(
                    "Нет файла %(path)s с показателями, записанными при копировании (его пишет "
                    "backup_registry рядом с копией). Без него сравнить не с чем; для копии, снятой "
                    "не этой командой, запустите учебное восстановление с --without-figures."
                )
                % {"path": path}
            ) from error
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(
                _("Файл %(path)s — не описание копии реестра (формат %(format)s): %(error)s")
                % {"path": path, "format": SIDECAR_FORMAT, "error": error}
            ) from error


def backup_registry(output: Path) -> BackupRecord:
    """Dump the configured database into ``output`` (custom format) and write its sidecar. The
    dump is written under a temporary name and renamed when complete, so an interrupted backup
    never looks like a finished one."""
    require_postgresql()
    pg_dump = tool("pg_dump")
    client_version = require_client_not_older("pg_dump")
    if connection.in_atomic_block:
        raise BackupError(_("Резервная копия снимается вне транзакции (нужен собственный снимок базы)."))
    output = output.resolve()
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    # The dump holds the officials' password hashes and the audit trail: readable by its owner
    # only. pg_dump writes into the file created here, which keeps its mode.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    database = connection.settings_dict["NAME"]
    created_at = timezone.localtime()
    # A kept connection is health-checked on its first query: let that query come before the
    # transaction, whose first statement must set its isolation level.
    version = server_version()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            figures = registry_figures()
            seconds = run_tool(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={partial}",
                    f"--dbname={conninfo(database)}",
                ],
                failure=_("Резервная копия базы %(database)s не снята") % {"database": database},
            )
        record = BackupRecord(
            dump=output.name,
            sha256=file_sha256(partial),
            bytes=partial.stat().st_size,
            created_at=created_at.isoformat(timespec="seconds"),
            database=database,
            server_version=version,
            pg_dump_version=client_version,
            figures=figures,
            seconds=seconds,
        )
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    sidecar = sidecar_path(output)
    partial_sidecar = sidecar.with_name(sidecar.name + ".partial")
    os.close(os.open(partial_sidecar, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    partial_sidecar.write_text(
        json.dumps(record.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    os.replace(partial_sidecar, sidecar)
    return record


def default_output(directory: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return directory / f"registry-{stamp}.dump"


def created_at_display(record: BackupRecord) -> str:
    moment = datetime.datetime.fromisoformat(record.created_at)
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M:%S")
