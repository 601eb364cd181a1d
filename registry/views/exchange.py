"""Downloads of the registry (public: published data only) and the officials' upload with a
dry-run preview and a confirmation. Thin: the work is in registry.exchange."""

import io
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from registry.deliveries.intake.readers import SCHEMA_FILENAME as DELIVERIES_SCHEMA_FILENAME
from registry.deliveries.intake.readers import SCHEMA_PATH as DELIVERIES_SCHEMA_PATH
from registry.exchange.report import ImportReport
from registry.exchange.safety import MAX_XLSX_BYTES, MAX_XML_BYTES
from registry.exchange.selectors import (
    CONTENT_DRAFTS,
    CONTENT_PUBLISHED,
    FILTER_NAMES,
    ExportRequest,
    ExportRequestError,
    export_check,
    export_selection,
    export_snapshot,
)
from registry.exchange.service import import_file
from registry.exchange.text import ExportTextError
from registry.exchange.xlsx_export import write_registry_xlsx, write_template_xlsx
from registry.exchange.xlsx_rows import UnwritableText
from registry.exchange.xml_export import SCHEMA_FILENAME, SCHEMA_PATH, iter_registry_xml_snapshot
from registry.jobs.services import start_import_check
from registry.models import Role
from registry.permissions import body_ids_with_role, is_administrator

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "exchange_uploads"
UPLOAD_DIR = Path(tempfile.gettempdir()) / "registry-exchange-uploads"
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60


@require_GET
def schema(request: HttpRequest) -> FileResponse:
    return FileResponse(
        SCHEMA_PATH.open("rb"), as_attachment=True, filename=SCHEMA_FILENAME, content_type="application/xml"
    )


@require_GET
def deliveries_schema(request: HttpRequest) -> FileResponse:
    """The schema of delivery records (issue 14), published next to the registry's own."""
    return FileResponse(
        DELIVERIES_SCHEMA_PATH.open("rb"),
        as_attachment=True,
        filename=DELIVERIES_SCHEMA_FILENAME,
        content_type="application/xml",
    )


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """``?format=xml|xlsx`` with the catalogue's filters, ``service=`` or ``since=``; drafts
    (``content=drafts``) only for an administrator."""
    content = request.GET.get("content", CONTENT_PUBLISHED)
    if content not in (CONTENT_PUBLISHED, CONTENT_DRAFTS):
        return HttpResponseBadRequest(_("Неизвестное значение content."))
    if content == CONTENT_DRAFTS and not is_administrator(request.user):
        raise PermissionDenied(_("Черновики выгружает только администратор реестра."))
    since = request.GET.get("since")
    if since not in (None, "") and not since.isdigit():
        return HttpResponseBadRequest(_("since — неотрицательное целое число."))
    export_request = ExportRequest(
        content=content,
        filters={name: request.GET[name] for name in FILTER_NAMES if request.GET.get(name)},
        registry_number=request.GET.get("service", ""),
        since=int(since) if since else None,
    )
    today = timezone.localdate()
    if request.GET.get("format", "xml") == "xlsx":
        spool = tempfile.TemporaryFile()
        try:
            # The workbook is written before the response: the snapshot covers all of it.
            with export_snapshot():
                write_registry_xlsx(export_selection(export_request), spool)
        except (ExportTextError, UnwritableText) as error:
            # Text stored before the validators refused it, which a cell cannot hold: nothing was
            # sent yet.
            spool.close()
            return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
        except ExportRequestError as error:
            spool.close()
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return FileResponse(
            spool,
            as_attachment=True,
            filename=export_request.file_name(today, "xlsx"),
            content_type=XLSX_TYPE,
        )
    try:
        # Checked before the response starts, so that a bad request still gets its 400; the
        # stream builds its selection inside its own snapshot.
        sequence = export_check(export_request)
    except ExportRequestError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(
        iter_registry_xml_snapshot(export_request), content_type="application/xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_request.file_name(today, "xml")}"'
    # A lower bound: the file's own ``sequence`` (its snapshot began later) is authoritative;
    # passing the header back as since=… only sends again what a publication meanwhile changed.
    response["X-Registry-Sequence"] = str(sequence)
    return response


@require_GET
def template(request: HttpRequest) -> FileResponse:
    buffer = io.BytesIO()
    write_template_xlsx(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="registry-template.xlsx", content_type=XLSX_TYPE)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Файл обмена"),
        help_text=gettext_lazy("XML по схеме реестра или книга Excel по шаблону (.xml, .xlsx)."),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Опубликовать загруженные редакции сразу (только администратор)"),
        required=False,
    )

    def __init__(self, *args, administrator: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not administrator:
            del self.fields["publish"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = MAX_XLSX_BYTES if upload.name.lower().endswith(".xlsx") else MAX_XML_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Файл больше допустимых %(limit)s МБ."),
                code="too_large",
                params={"limit": limit // (1024 * 1024)},
            )
        return upload


def _may_upload(user) -> bool:
    return is_administrator(user) or bool(body_ids_with_role(user, Role.OFFICIAL))


def _discard_abandoned_uploads(now: float) -> None:
    """Previews never confirmed leave their file behind; a day later nobody will confirm them."""
    for stale in UPLOAD_DIR.glob("*.upload"):
        try:
            if now - stale.stat().st_mtime > UPLOAD_MAX_AGE_SECONDS:
                stale.unlink()
        except FileNotFoundError:
            continue


def _store(upload) -> Path:
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    _discard_abandoned_uploads(time.time())
    handle = tempfile.NamedTemporaryFile(dir=UPLOAD_DIR, delete=False, suffix=".upload")
    with handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the file and a dry run (nothing written); step 2: confirm, and it is applied."""
    if not _may_upload(request.user):
        raise PermissionDenied(_("Загружать файлы могут должностные лица органов и администратор реестра."))
    administrator = is_administrator(request.user)
    pending = request.session.get(SESSION_KEY, {})
    if request.method == "POST" and request.POST.get("confirm"):
        token = request.POST["confirm"]
        stored = pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        path = Path(stored["path"]) if stored else None
        if path is None or not path.is_file() or path.parent != UPLOAD_DIR:
            context = {
                "form": UploadForm(administrator=administrator),
                "upload_error": _("Предварительная проверка устарела: загрузите файл ещё раз."),
            }
            return render(request, "exchange/upload.html", context, status=400)
        try:
            report = import_file(
                path,
                actor=request.user,
                dry_run=False,
                publish=stored["publish"] and administrator,
                file_name=stored["name"],
            )
        finally:
            path.unlink(missing_ok=True)
        # The database went away mid-import: nothing was written; 503 says "try again later".
        status = 503 if report.interrupted else 200
        return render(request, "exchange/report.html", {"report": report, "token": None}, status=status)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, administrator=administrator)
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            publish = bool(form.cleaned_data.get("publish"))
            if upload_file.size > settings.JOBS_INLINE_MAX_BYTES:
                # Too long for one request behind a proxy: the worker checks it, the page follows.
                job = start_import_check(request.user, upload_file, publish=publish)
                return redirect("workspace:job", job_id=job.pk)
            path = _store(upload_file)
            report: ImportReport = import_file(
                path, actor=request.user, dry_run=True, publish=publish, file_name=upload_file.name
            )
            token = None
            if report.ok:
                token = secrets.token_urlsafe(16)
                pending[token] = {"path": str(path), "name": upload_file.name, "publish": publish}
                request.session[SESSION_KEY] = pending
            else:
                path.unlink(missing_ok=True)
            status = 503 if report.interrupted else 200
            return render(request, "exchange/report.html", {"report": report, "token": token}, status=status)
        return render(request, "exchange/upload.html", {"form": form}, status=400)
    return render(request, "exchange/upload.html", {"form": UploadForm(administrator=administrator)})
