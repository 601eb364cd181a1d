"""The officials' background jobs: the list with the whole-registry export, a job's page (its
bar refreshes by itself while it runs, without JavaScript; its report and confirmation when
done), and the download of a result. Thin: the work is in registry.jobs."""

from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from registry.exchange.selectors import CONTENT_DRAFTS, CONTENT_PUBLISHED
from registry.jobs.selectors import job_of, jobs_of
from registry.jobs.services import JobRefused, confirm_import, report_path, start_export
from registry.models import FILE_SHARE_KINDS, LOAD_AFTER_CHECK, JobState
from registry.permissions import is_administrator

# Without JavaScript the running job's page reloads itself this often (a <noscript> refresh);
# with it, job-progress.js moves the bar in place from ``status`` and reloads once, at the end.
REFRESH_SECONDS = 5
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportJobForm(forms.Form):
    file_format = forms.ChoiceField(
        label=gettext_lazy("Формат"),
        choices=(("xml", gettext_lazy("XML по схеме реестра")), ("xlsx", gettext_lazy("Книга Excel"))),
        widget=forms.RadioSelect,
        initial="xml",
    )
    content = forms.ChoiceField(
        label=gettext_lazy("Содержание"),
        choices=(
            (CONTENT_PUBLISHED, gettext_lazy("Опубликованные стандарты")),
            (CONTENT_DRAFTS, gettext_lazy("С черновиками (только администратор)")),
        ),
        widget=forms.RadioSelect,
        initial=CONTENT_PUBLISHED,
    )

    def __init__(self, *args, administrator: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not administrator:
            del self.fields["content"]


@login_required
@require_http_methods(["GET", "POST"])
def jobs(request: HttpRequest) -> HttpResponse:
    administrator = is_administrator(request.user)
    form = ExportJobForm(request.POST or None, administrator=administrator)
    status = 200
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                job = start_export(
                    request.user,
                    file_format=form.cleaned_data["file_format"],
                    content=form.cleaned_data.get("content", CONTENT_PUBLISHED),
                )
            except JobRefused as refused:
                error, status = str(refused), 400
            else:
                return redirect("workspace:job", job_id=job.pk)
        else:
            status = 400
    context = {"jobs": jobs_of(request.user), "form": form, "error": error, "nav_current": "jobs"}
    return render(request, "workspace/jobs.html", context, status=status)


def progress_status(item) -> dict:
    """The running job's figures, in the words the page shows them (the page and its script)."""
    if item.state == JobState.QUEUED:
        label = _("Задание ждёт своей очереди.")
    elif item.kind in FILE_SHARE_KINDS:
        label = _("Прочитано %(percent)s %% файла") % {"percent": item.percent or 0}
    elif item.total:
        label = _("Обработано %(done)s из %(total)s (%(percent)s %%)") % {
            "done": item.done,
            "total": item.total,
            "percent": item.percent,
        }
    else:
        label = _("Выполняется…")
    return {
        "state": item.state,
        "state_label": str(item.get_state_display()),
        "finished": item.finished,
        "stage": item.stage,
        "done": item.done,
        "total": item.total,
        "percent": item.percent,
        "label": label,
    }


@login_required
def status(request: HttpRequest, job_id) -> JsonResponse:
    return JsonResponse(progress_status(job_of(request.user, job_id)))


@login_required
def job(request: HttpRequest, job_id) -> HttpResponse:
    item = job_of(request.user, job_id)
    report = ""
    path = report_path(item)
    if item.state == JobState.DONE and path.is_file():
        # Rendered by the worker from the registry's own template (escaped there).
        report = mark_safe(path.read_text(encoding="utf-8"))  # noqa: S308
    context = {
        "job": item,
        "status": progress_status(item),
        "report": report,
        "refresh": None if item.finished else REFRESH_SECONDS,
        "may_confirm": item.kind in LOAD_AFTER_CHECK
        and item.state == JobState.DONE
        and item.ok
        and not item.confirmed_by_job_id,
        "nav_current": "jobs",
    }
    return render(request, "workspace/job.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, job_id) -> HttpResponse:
    check = job_of(request.user, job_id)
    try:
        load = confirm_import(check, request.user)
    except JobRefused as refused:
        context = {"job": check, "report": "", "refresh": None, "error": str(refused), "nav_current": "jobs"}
        return render(request, "workspace/job.html", context, status=400)
    return redirect("workspace:job", job_id=load.pk)


@login_required
def download(request: HttpRequest, job_id) -> FileResponse:
    item = job_of(request.user, job_id)
    path = Path(item.result_path) if item.result_path else None
    if item.state != JobState.DONE or path is None or not path.is_file():
        raise Http404(_("Файла этого задания нет: он не готов или уже удалён."))
    content_type = XLSX_TYPE if path.suffix == ".xlsx" else "application/xml"
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=item.result_name, content_type=content_type
    )
