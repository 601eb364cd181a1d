"""PostgreSQL's own tools (pg_dump, pg_restore) pointed at the configured database's server, and
the drill's scratch databases on it. Connection details come from ``DATABASES`` (so from
DATABASE_URL); the password goes through the environment, never the command line."""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import NO_DB_ALIAS
from django.utils.translation import gettext as _

# Keys of Django's OPTIONS that are not libpq connection parameters.
DJANGO_ONLY_OPTIONS = {"isolation_level", "pool", "server_side_binding", "assume_role", "cursor_factory"}
# PostgreSQL limits identifiers to 63 bytes.
NAME_LIMIT = 63


class BackupError(Exception):
    """A backup or a drill could not go on; the message is for the operator, in Russian."""


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            _(
                "Настроенная база данных — не PostgreSQL (%(vendor)s). Резервное копирование и "
                "учебное восстановление этими командами — только для PostgreSQL (DATABASE_URL="
                "postgres://…); файл SQLite копируется целиком, когда с ним никто не работает."
            )
            % {"vendor": connection.vendor}
        )


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "Не найдена программа %(name)s. Установите клиент PostgreSQL той же версии, что и "
                "сервер (Debian: apt-get install postgresql-client-15)."
            )
            % {"name": name}
        )
    return path


def tool_version(name: str) -> str:
    """«15.20» from «pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)»."""
    output = subprocess.run([tool(name), "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"\)\s+(\d+(?:\.\d+)?)", output)
    return match.group(1) if match else output.strip()


def server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def major(version: str) -> int:
    return int(version.split(".")[0])


def require_client_not_older(name: str) -> str:
    """pg_dump refuses a newer server itself; say so before it runs, with the fix."""
    client, server = tool_version(name), server_version()
    if major(client) < major(server):
        raise BackupError(
            _(
                "%(name)s версии %(client)s старше сервера PostgreSQL %(server)s: установите клиент "
                "PostgreSQL %(major)s."
            )
            % {"name": name, "client": client, "server": server, "major": major(server)}
        )
    return client


def _conninfo_value(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def conninfo(database: str, settings_dict: dict | None = None) -> str:
    """A libpq connection string for ``database`` on the configured server (no password)."""
    settings_dict = settings_dict or connection.settings_dict
    parts = {
        "dbname": database,
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
        "user": settings_dict.get("USER"),
    }
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key not in DJANGO_ONLY_OPTIONS and isinstance(value, str | int) and key not in parts:
            parts[key] = value
    return " ".join(
        f"{key}={_conninfo_value(value)}" for key, value in parts.items() if value not in (None, "")
    )


def tool_environment(settings_dict: dict | None = None) -> dict[str, str]:
    settings_dict = settings_dict or connection.settings_dict
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return environment


def database_url(database: str, settings_dict: dict | None = None) -> str:
    """DATABASE_URL for ``database`` on the configured server, as config/settings.py reads it."""
    settings_dict = settings_dict or connection.settings_dict
    credentials = quote(str(settings_dict.get("USER") or ""), safe="")
    if settings_dict.get("PASSWORD"):
        credentials += ":" + quote(str(settings_dict["PASSWORD"]), safe="")
    host = settings_dict.get("HOST") or ""
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    options = {
        key: value
        for key, value in (settings_dict.get("OPTIONS") or {}).items()
        if key not in DJANGO_ONLY_OPTIONS and isinstance(value, str | int)
    }
    query = f"?{urlencode(options)}" if options else ""
    at = "@" if credentials else ""
    return f"postgres://{credentials}{at}{host}{port}/{quote(database, safe='')}{query}"


def last_error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "ошибка" in line.lower()]
    return (errors or lines or [""])[-1]


def run_tool(arguments: list[str], *, failure: str, settings_dict: dict | None = None) -> float:
    """Run a PostgreSQL tool; BackupError with ``failure`` and the tool's own last error line.
    Returns the seconds it took."""
    started = time.monotonic()
    result = subprocess.run(
        arguments, capture_output=True, text=True, env=tool_environment(settings_dict), check=False
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(failure)s (%(tool)s завершился с кодом %(code)s: %(detail)s)")
            % {
                "failure": failure,
                "tool": Path(arguments[0]).name,
                "code": result.returncode,
                "detail": last_error_line(result.stderr) or _("без сообщения"),
            }
        )
    return time.monotonic() - started


class ServerConnection:
    """A connection to the configured server's maintenance database, for CREATE and DROP
    DATABASE (which cannot run inside the application's database or a transaction)."""

    def __init__(self) -> None:
        self.wrapper = None

    def __enter__(self):
        last_error = None
        for maintenance in ("postgres", "template1"):
            wrapper = type(connections[DEFAULT_DB_ALIAS])(
                {**connection.settings_dict, "NAME": maintenance}, alias=NO_DB_ALIAS
            )
            try:
                wrapper.ensure_connection()
            except Exception as error:  # the next maintenance database may be allowed
                last_error = error
                continue
            self.wrapper = wrapper
            return wrapper.cursor()
        raise BackupError(
            _("Нет подключения к служебной базе сервера PostgreSQL (postgres, template1): %(error)s")
            % {"error": last_error_line(str(last_error))}
        )

    def __exit__(self, *exc) -> None:
        if self.wrapper is not None:
            self.wrapper.close()


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def free_drill_name(base: str, stamp: str) -> str:
    """«<base>_drill_<stamp>», shortened to PostgreSQL's limit, with a suffix if taken."""
    suffix = f"_drill_{stamp}"
    stem = base.encode()[: NAME_LIMIT - len(suffix) - 3].decode(errors="ignore")
    with ServerConnection() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{stem}{suffix}%"])
        taken = {row[0] for row in cursor.fetchall()}
    name, number = f"{stem}{suffix}", 2
    while name in taken:
        name, number = f"{stem}{suffix}_{number}", number + 1
    return name


def create_database(name: str, *, like: str) -> None:
    """A new empty database (from template0, as pg_restore wants), with the encoding and
    collation of ``like`` when that database exists on the server."""
    with ServerConnection() as cursor:
        cursor.execute(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database WHERE datname = %s",
            [like],
        )
        row = cursor.fetchone()
        statement = f"CREATE DATABASE {quote_name(name)} TEMPLATE template0"
        if row is not None:
            statement += " ENCODING {} LC_COLLATE {} LC_CTYPE {}".format(*map(quote_literal, row))
        try:
            cursor.execute(statement)
        except DatabaseError as error:
            raise BackupError(
                _(
                    "Не удалось создать базу %(name)s для учебного восстановления: %(error)s. "
                    "Пользователю %(user)s нужно право создавать базы (ALTER ROLE %(user)s CREATEDB)."
                )
                % {
                    "name": name,
                    "error": last_error_line(str(error)),
                    "user": connection.settings_dict["USER"],
                }
            ) from error


def drop_database(name: str) -> None:
    with ServerConnection() as cursor:
        try:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote_name(name)} WITH (FORCE)")
        except DatabaseError as error:
            raise BackupError(
                _("Не удалось удалить базу %(name)s (%(error)s); удалите её вручную: dropdb %(name)s")
                % {"name": name, "error": last_error_line(str(error))}
            ) from error
