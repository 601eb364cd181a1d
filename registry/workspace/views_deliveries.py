"""A body's official uploads delivery records (issue 14): the file is checked first (a dry run:
each row's errors in Russian, or what would be created, updated or left unchanged), and written
only when the official confirms. Rows for another body's services are refused. Thin: the work
is in registry.deliveries.intake; the two steps follow the registry's own exchange upload."""

import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from registry.deliveries.intake import intake_file
from registry.deliveries.intake.columns import COLUMNS
from registry.exchange.safety import MAX_XLSX_BYTES, MAX_XML_BYTES
from registry.jobs.services import start_deliveries_check
from registry.models import Role
from registry.permissions import body_ids_with_role, is_administrator

SESSION_KEY = "delivery_uploads"
UPLOAD_DIR = Path(tempfile.gettempdir()) / "registry-delivery-uploads"
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60
SUFFIXES = (".csv", ".txt", ".xlsx", ".xml")


class DeliveryUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Файл со сведениями"),
        help_text=gettext_lazy(
            "CSV (UTF-8 или Windows-1251, разделитель «;» или «,»), книга Excel (.xlsx) или XML по схеме "
            "deliveries-1.0.xsd. Первая строка CSV и Excel — заголовки столбцов."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(SUFFIXES):
            raise forms.ValidationError(
                _("Загрузите файл .csv, .xlsx или .xml, а не «%(name)s»."),
                code="file_type",
                params={"name": upload.name},
            )
        limit = MAX_XLSX_BYTES if name.endswith(".xlsx") else MAX_XML_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Файл больше допустимых %(limit)s МБ."),
                code="too_large",
                params={"limit": limit // (1024 * 1024)},
            )
        return upload


def upload_scope(user) -> set[int] | None:
    """The bodies whose rows the user may upload: None for an administrator (any body)."""
    if is_administrator(user):
        return None
    bodies = body_ids_with_role(user, Role.OFFICIAL)
    if not bodies:
        raise PermissionDenied(_("Сведения о предоставлении услуг загружают должностные лица органов."))
    return bodies


def may_upload(user) -> bool:
    return is_administrator(user) or bool(body_ids_with_role(user, Role.OFFICIAL))


def _store(upload) -> Path:
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = time.time()
    for stale in UPLOAD_DIR.glob("*.upload"):
        try:
            if now - stale.stat().st_mtime > UPLOAD_MAX_AGE_SECONDS:
                stale.unlink()
        except FileNotFoundError:
            continue
    handle = tempfile.NamedTemporaryFile(dir=UPLOAD_DIR, delete=False, suffix=".upload")
    with handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name)


def _render_form(request: HttpRequest, form: DeliveryUploadForm, *, error: str = "", status: int = 200):
    context = {"form": form, "upload_error": error, "nav_current": "deliveries", "columns": COLUMNS}
    return render(request, "workspace/deliveries_upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def deliveries_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the file and a dry run (nothing written); step 2: confirm, and it is stored."""
    scope = upload_scope(request.user)
    pending = request.session.get(SESSION_KEY, {})
    if request.method == "POST" and request.POST.get("confirm"):
        stored = pending.pop(request.POST["confirm"], None)
        request.session[SESSION_KEY] = pending
        path = Path(stored["path"]) if stored else None
        if path is None or not path.is_file() or path.parent != UPLOAD_DIR:
            return _render_form(
                request,
                DeliveryUploadForm(),
                error=_("Предварительная проверка устарела: загрузите файл ещё раз."),
                status=400,
            )
        try:
            report = intake_file(path, file_name=stored["name"], scope_body_ids=scope, dry_run=False)
        finally:
            path.unlink(missing_ok=True)
        context = {"report": report, "token": None, "nav_current": "deliveries"}
        return render(request, "workspace/deliveries_report.html", context, status=200 if report.ok else 400)
    if request.method == "POST":
        form = DeliveryUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _render_form(request, form, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > settings.JOBS_INLINE_MAX_BYTES:
            # A file of a million rows is checked by the worker; the official follows its page.
            job = start_deliveries_check(request.user, upload, scope_body_ids=scope)
            return redirect("workspace:job", job_id=job.pk)
        path = _store(upload)
        report = intake_file(path, file_name=upload.name, scope_body_ids=scope, dry_run=True)
        token = None
        if report.ok:
            token = secrets.token_urlsafe(16)
            pending[token] = {"path": str(path), "name": upload.name}
            request.session[SESSION_KEY] = pending
        else:
            path.unlink(missing_ok=True)
        context = {"report": report, "token": token, "nav_current": "deliveries"}
        return render(request, "workspace/deliveries_report.html", context)
    return _render_form(request, DeliveryUploadForm())
