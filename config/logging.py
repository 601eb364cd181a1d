"""Structured logs: one JSON object per line on stdout, for journald, Docker or a log shipper.

Every request gives one line (logger ``registry.request``: method, path, status, duration);
errors carry their traceback in the same line (``traceback``), so a multi-line trace never
splits into unrelated records."""

import json
import logging
import time
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_logger = logging.getLogger("registry.request")

# Attributes every LogRecord has; anything else was passed in ``extra`` and goes into the line.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_SKIPPED = {"request", "server_time"}  # Django's extras that are objects, not values


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in record.__dict__.items():
            if name not in _STANDARD and name not in _SKIPPED and not name.startswith("_"):
                line[name] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class RequestLogMiddleware:
    """The outermost middleware: one line per request, whatever answered it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        status = response.status_code
        request_logger.log(
            logging.ERROR if status >= 500 else logging.INFO,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
