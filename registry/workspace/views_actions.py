"""Workflow actions: POST only, each calling one function of ``registry.services``.

A refusal of the workflow (a status that does not allow the action, a publication the
validator refuses …) is shown on the service page with its reasons and changes nothing.
``NotVisible`` and ``ActionForbidden`` are not caught: Django answers 404 and 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.models import EditionStatus
from registry.services import (
    ActionForbidden,
    NotVisible,
    WorkflowError,
    edition_approve,
    edition_create_draft,
    edition_publish,
    edition_reject,
    edition_submit,
    service_restore,
    service_withdraw,
)
from registry.workspace.forms_actions import action_form
from registry.workspace.templatetags.workspace_actions import editor_url
from registry.workspace.views_service import edition_or_404, render_service_page, service_or_404


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _submit(edition, actor, data):
    edition = edition_submit(edition=edition, actor=actor, comment=data["comment"])
    return edition, _("Редакция № %(number)s отправлена на согласование.") % {"number": edition.number}


def _approve(edition, actor, data):
    edition = edition_approve(
        edition=edition, actor=actor, comment=data["comment"], effective_date=data["effective_date"]
    )
    return edition, _(
        "Редакция № %(number)s утверждена с датой вступления в силу %(date)s. Теперь её можно опубликовать."
    ) % {"number": edition.number, "date": _date(edition.effective_date)}


def _reject(edition, actor, data):
    edition = edition_reject(edition=edition, actor=actor, comment=data["comment"])
    return edition, _("Редакция № %(number)s возвращена на доработку с замечаниями.") % {
        "number": edition.number
    }


def _publish(edition, actor, data):
    edition = edition_publish(edition=edition, actor=actor, effective_date=data["effective_date"])
    values = {"number": edition.number, "date": _date(edition.effective_date)}
    if edition.status == EditionStatus.PUBLISHED:
        return edition, _("Редакция № %(number)s опубликована и действует с %(date)s.") % values
    return edition, _(
        "Редакция № %(number)s вступит в силу %(date)s: в этот день она будет опубликована автоматически."
    ) % values


EDITION_ACTIONS = {"submit": _submit, "approve": _approve, "reject": _reject, "publish": _publish}


@login_required
@require_POST
def edition_action(request, pk: int, action: str):
    edition = edition_or_404(request.user, pk)
    service = edition.service
    form = action_form(action, request.POST)
    if not form.is_valid():
        return _refused(request, service, action, form, refusal=None, status=400)
    try:
        edition, message = EDITION_ACTIONS[action](edition, request.user, form.cleaned_data)
    except (NotVisible, ActionForbidden):
        raise
    except WorkflowError as error:
        return _refused(request, service, action, form, refusal=error, status=409)
    messages.success(request, message)
    return redirect(_next_url(request, _service_url(service)))


@login_required
@require_POST
def service_new_edition(request, registry_number: str):
    service = service_or_404(request.user, registry_number)
    try:
        draft = edition_create_draft(service=service, actor=request.user)
    except (NotVisible, ActionForbidden):
        raise
    except WorkflowError as error:
        return _refused(request, service, "new_edition", None, refusal=error, status=409)
    if draft.number > 1:
        message = _("Создан черновик редакции № %(number)s — копия действующей редакции.")
    else:
        message = _("Создан черновик редакции № %(number)s.")
    messages.success(request, message % {"number": draft.number})
    return redirect(editor_url(draft) or _service_url(service))


def _withdraw(service, actor, data):
    service = service_withdraw(service=service, actor=actor, reason=data["reason"], date=data["date"])
    return _("Услуга исключена из реестра с %(date)s. Причина опубликована для граждан.") % {
        "date": _date(service.withdrawn_on)
    }


def _restore(service, actor, data):
    service_restore(service=service, actor=actor, comment=data["comment"])
    return _("Услуга восстановлена в реестре.")


SERVICE_ACTIONS = {"withdraw": _withdraw, "restore": _restore}


@login_required
@require_POST
def service_action(request, registry_number: str, action: str):
    service = service_or_404(request.user, registry_number)
    form = action_form(action, request.POST)
    if not form.is_valid():
        return _refused(request, service, action, form, refusal=None, status=400)
    try:
        message = SERVICE_ACTIONS[action](service, request.user, form.cleaned_data)
    except (NotVisible, ActionForbidden):
        raise
    except WorkflowError as error:
        return _refused(request, service, action, form, refusal=error, status=409)
    messages.success(request, message)
    return redirect(_next_url(request, _service_url(service)))


def _service_url(service) -> str:
    return reverse("workspace:service", kwargs={"registry_number": service.registry_number})


def _refused(request, service, action, form, *, refusal, status):
    """The service page again, with the refusal's reasons or the form's errors; the service is
    read anew, since nothing was changed."""
    service = service_or_404(request.user, service.registry_number)
    return render_service_page(
        request,
        service,
        status=status,
        action_forms={action: form} if form is not None else None,
        refusal=refusal,
        refused_action=action,
    )
