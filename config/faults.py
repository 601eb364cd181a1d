"""Faults a deployment lives through: the database going away for a while (a restart, a
failover, a full connection pool).

While it is away, every page answers 503 with Retry-After and a Russian page saying to try again
(not Django's bare 500), wherever the error was raised — a view, the session or authentication
middleware — since Django hands every uncaught exception to ``handler500``. Management commands
end with a Russian message and a non-zero exit status instead of a traceback. Connections are
checked before reuse (CONN_HEALTH_CHECKS), so the first request after a restart succeeds.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_ERRORS)


def unavailable_page() -> HttpResponse:
    """The 503 page. Rendered without the request: its context processors would ask the
    database (the session, the user) that is not there."""
    content = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: 503 when the uncaught exception is the database being unavailable."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_page()
    return defaults.server_error(request, template_name)


def run_command_line(argv: list[str]) -> None:
    """manage.py: a command that loses the database ends with a message, not a traceback."""
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except DATABASE_ERRORS as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        sys.stderr.write(
            "Команда прервана: база данных недоступна "
            f"({detail}). Незавершённая транзакция отменена, её изменения не сохранены; "
            "повторите команду, когда база данных снова будет доступна.\n"
        )
        sys.exit(3)
