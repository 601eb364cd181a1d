"""The registry's own Russian error pages, also when DEBUG is on (``make run``).

With DEBUG off Django already renders templates/404.html and 500.html. With DEBUG on it shows
its technical pages in English instead, and the demo that ``make run`` serves is what a new
user sees first. The traceback of an error still goes to the console through the
``django.request`` logger, where a developer reads it.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults

from config import faults

logger = logging.getLogger("django.request")


class OwnErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # An address that matched no URL pattern: the resolver raised before any view ran, so
        # process_exception never saw it; resolver_match stays unset for exactly that case.
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        if faults.database_unavailable(exception):
            return faults.unavailable_page()
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return defaults.server_error(request)
