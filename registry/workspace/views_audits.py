"""Mystery-shopper audits in the workspace (issue 15 point 2).

An inspector starts an audit (office and service: the checklist comes from the edition in
force), fills it in, possibly over several sittings, and submits it. The officials and reviewers
of the audited office's body see the submitted audits and their findings, answer each with a
corrective action and a due date, and mark it done. Thin: the rules are in registry.audits and
registry.permissions. Anything the user may not see answers 404, as elsewhere in the workspace."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from registry.audits import selectors
from registry.audits.photos import photo_content_type
from registry.audits.services import (
    audit_record,
    audit_start,
    audit_submit,
    finding_answer,
    finding_mark_done,
)
from registry.models import BODY_ROLES, Audit, AuditItem, Finding
from registry.permissions import (
    body_ids_with_role,
    can_answer_findings,
    can_edit_audit,
    can_view_audit,
    is_administrator,
    is_inspector,
)
from registry.workspace.forms_audits import AuditStartForm, ChecklistForm, FindingAnswerForm

PAGE_SIZE = 30


def _may_see_body_audits(user) -> bool:
    return is_administrator(user) or bool(body_ids_with_role(user, *BODY_ROLES))


@login_required
@require_safe
def audit_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    inspector = is_inspector(user)
    official = _may_see_body_audits(user)
    if not (inspector or official):
        raise PermissionDenied(_("Проверки видят проверяющие и должностные лица органов."))
    audits = selectors.audits_visible_to(user)
    page = Paginator(audits.order_by("status", "-visited_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "workspace/audits/list.html",
        {
            "nav_current": "audits",
            "page": page,
            "audits": page.object_list,
            "is_inspector": inspector,
            "open_actions": selectors.findings_to_answer(user).count() if official else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_inspector(user):
        raise PermissionDenied(_("Начать проверку может только проверяющий."))
    form = AuditStartForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = audit_start(
                office=data["office"],
                service=data["service"],
                inspector=user,
                kind=data["kind"],
                visited_at=data["visited_at"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Проверка начата: перечень пунктов (%(count)s) составлен по действующей редакции.")
                % {"count": audit.items.count()},
            )
            return redirect(audit)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "workspace/audits/new.html", {"nav_current": "audits", "form": form}, status=status
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)


def _visible_audit(request: HttpRequest, pk: int) -> Audit:
    try:
        audit = selectors.audit_with_items(pk)
    except Audit.DoesNotExist as error:
        raise Http404 from error
    if not can_view_audit(request.user, audit):
        raise Http404
    return audit


@login_required
@require_http_methods(["GET", "POST"])
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _visible_audit(request, pk)
    user = request.user
    if can_edit_audit(user, audit):
        return _fill(request, audit)
    if request.method == "POST":
        raise PermissionDenied(_("Отправленную проверку изменить нельзя."))
    answering = can_answer_findings(user, audit)
    items = list(audit.items.all())
    rows = []
    for item in items:
        finding = getattr(item, "finding", None)
        form = None
        if finding is not None and answering and finding.is_open:
            form = FindingAnswerForm(
                initial={"corrective_action": finding.corrective_action, "due_date": finding.due_date},
                prefix=f"finding-{finding.pk}",
            )
        rows.append((item, finding, form))
    return render(
        request,
        "workspace/audits/detail.html",
        {"nav_current": "audits", "audit": audit, "rows": rows, "answering": answering},
    )


def _fill(request: HttpRequest, audit: Audit) -> HttpResponse:
    items = list(audit.items.all())
    if request.method == "POST":
        form = ChecklistForm(request.POST, request.FILES, items=items)
        if form.is_valid():
            try:
                audit_record(audit=audit, actor=request.user, inputs=form.inputs())
                if request.POST.get("submit"):
                    audit = audit_submit(audit=audit, actor=request.user)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if request.POST.get("submit"):
                    messages.success(
                        request,
                        _("Проверка отправлена. Оценка: %(score)s %%, нарушений: %(findings)s.")
                        % {"score": number_format(audit.score, 1), "findings": audit.findings.count()},
                    )
                else:
                    messages.success(request, _("Черновик проверки сохранён."))
                return redirect(audit)
        return render(
            request,
            "workspace/audits/fill.html",
            {"nav_current": "audits", "audit": audit, "form": form},
            status=400,
        )
    form = ChecklistForm(items=items)
    return render(
        request, "workspace/audits/fill.html", {"nav_current": "audits", "audit": audit, "form": form}
    )


def _finding(request: HttpRequest, pk: int, finding_id: int) -> Finding:
    audit = _visible_audit(request, pk)
    finding = get_object_or_404(
        Finding.objects.select_related("item", "audit__office"), pk=finding_id, audit=audit
    )
    if not can_answer_findings(request.user, audit):
        raise PermissionDenied(_("Отвечать на нарушения может только должностное лицо проверенного органа."))
    return finding


@login_required
@require_POST
def finding_answer_view(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    finding = _finding(request, pk, finding_id)
    form = FindingAnswerForm(request.POST, prefix=f"finding-{finding.pk}")
    if form.is_valid():
        try:
            finding_answer(
                finding=finding,
                actor=request.user,
                corrective_action=form.cleaned_data["corrective_action"],
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Корректирующая мера сохранена."))
            return redirect(f"{finding.audit.get_absolute_url()}#finding-{finding.pk}")
    return render(
        request,
        "workspace/audits/finding_form.html",
        {"nav_current": "audits", "finding": finding, "audit": finding.audit, "form": form},
        status=400,
    )


@login_required
@require_POST
def finding_done_view(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    finding = _finding(request, pk, finding_id)
    try:
        finding_mark_done(finding=finding, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Мера отмечена выполненной."))
    return redirect(f"{finding.audit.get_absolute_url()}#finding-{finding.pk}")


@login_required
@require_safe
def corrective_actions(request: HttpRequest) -> HttpResponse:
    if not _may_see_body_audits(request.user):
        raise PermissionDenied(_("Корректирующие меры видят должностные лица органов."))
    findings = selectors.findings_to_answer(request.user)
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workspace/audits/actions.html",
        {"nav_current": "audits", "page": page, "findings": page.object_list},
    )


@login_required
@require_safe
def audit_photo(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    audit = _visible_audit(request, pk)
    item = get_object_or_404(AuditItem, pk=item_id, audit=audit)
    if not item.photo:
        raise Http404
    try:
        handle = item.photo.storage.open(item.photo.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=photo_content_type(handle))
    response["Content-Disposition"] = content_disposition_header(True, item.photo_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
