"""A form's file, downloaded through its edition's visibility.

Form files are never served from ``MEDIA_ROOT`` directly: a draft's forms are not public, so
the file answers only to whoever may see its edition (``editions_visible_to``: published and
superseded editions for everyone, open ones for their body's staff and administrators) and
404 to anyone else, as the edition's own page does. The file always downloads
(``Content-Disposition: attachment``) with the content type its content has, and the browser
is told not to guess another one, nor run anything in it."""

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from registry.file_formats import BY_EXTENSION, detect_format, extension_of
from registry.models import FROZEN_STATUSES, StandardForm
from registry.selectors import editions_visible_to


@require_safe
def form_file(request: HttpRequest, registry_number: str, number: int, form_id: int) -> HttpResponse:
    edition = get_object_or_404(
        editions_visible_to(request.user), service__registry_number=registry_number, number=number
    )
    form = get_object_or_404(StandardForm.objects.filter(edition=edition), pk=form_id)
    if not form.file:
        raise Http404("the form has no file")
    try:
        handle = form.file.storage.open(form.file.name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation) as error:
        raise Http404("the form's file is missing") from error
    content_type = _content_type(handle, form.file.name)
    if settings.FORM_FILES_X_ACCEL_PREFIX:
        # Behind nginx: the check is done here, the bytes go from nginx's internal location.
        handle.close()
        response = HttpResponse(content_type=content_type)
        prefix = settings.FORM_FILES_X_ACCEL_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(form.file.name)}"
        response["Content-Disposition"] = content_disposition_header(True, form.file.download_name)
    else:
        response = FileResponse(
            handle, as_attachment=True, filename=form.file.download_name, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser still show it, nothing in it runs and it reaches nothing of the site.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if edition.status not in FROZEN_STATUSES:
        response["Cache-Control"] = "private, no-store"  # a draft's file: no shared cache keeps it
    return response


def _content_type(handle, name: str) -> str:
    """The type of the stored content, when it is the document its extension names; otherwise
    (a file stored before contents were checked) plain bytes."""
    fmt = detect_format(handle)
    if fmt.is_form and BY_EXTENSION.get(extension_of(name)) == fmt:
        return fmt.content_type
    return "application/octet-stream"
