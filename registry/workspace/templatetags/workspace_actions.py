"""The workflow buttons of an edition and of a service, each shown only where
``registry.permissions`` allows it for this user and the state allows it.

    {% load workspace_actions %}
    {% edition_actions edition %}   {# submit, approve, send back, publish #}
    {% service_actions service %}   {# new edition, withdraw, restore #}

``templates/workspace/_actions.html`` wraps the first for pages that have an ``edition``."""

from django import template
from django.urls import NoReverseMatch, reverse

from registry.models import EditionStatus, Role
from registry.permissions import (
    can_approve_edition,
    can_create_draft,
    can_edit_edition,
    can_publish_edition,
    can_reject_edition,
    can_submit_edition,
    can_view_edition,
    can_withdraw_service,
    has_role_in,
    is_author,
)
from registry.workspace.forms_actions import action_form

register = template.Library()


def editor_url(edition) -> str:
    """The draft editor's page, when the editor is installed."""
    try:
        return reverse("workspace:edition_edit", kwargs={"pk": edition.pk})
    except NoReverseMatch:
        return ""


def _forms(context) -> dict:
    return context.get("action_forms") or {}


def _form(context, action: str, edition=None):
    return _forms(context).get(action) or action_form(action, edition=edition)


@register.inclusion_tag("workspace/_edition_actions.html", takes_context=True)
def edition_actions(context, edition):
    request = context["request"]
    user = request.user
    status = edition.status
    result = {
        "edition": edition,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "actions": [],
        "edit_url": "",
        "four_eyes": False,
    }
    if not can_view_edition(user, edition):
        return result
    actions = []
    if status == EditionStatus.DRAFT:
        if can_edit_edition(user, edition):
            url = editor_url(edition)
            # On the editor's own pages the link would lead where the user already is.
            result["edit_url"] = "" if url and request.path.startswith(url) else url
        if can_submit_edition(user, edition):
            actions.append("submit")
    if status == EditionStatus.SUBMITTED and can_approve_edition(user, edition):
        actions.append("approve")
    if status == EditionStatus.APPROVED and can_publish_edition(user, edition):
        actions.append("publish")
    if status in (EditionStatus.SUBMITTED, EditionStatus.APPROVED) and can_reject_edition(user, edition):
        actions.append("reject")
    if (
        status in (EditionStatus.SUBMITTED, EditionStatus.APPROVED)
        and not ({"approve", "publish"} & set(actions))
        and has_role_in(user, edition.service.provider_id, Role.REVIEWER)
        and is_author(user, edition)
    ):
        result["four_eyes"] = True
    result["actions"] = [{"name": name, "form": _form(context, name, edition)} for name in actions]
    return result


@register.inclusion_tag("workspace/_service_actions.html", takes_context=True)
def service_actions(context, service, open_edition=None, scheduled=False):
    request = context["request"]
    user = request.user
    actions = []
    if not service.is_withdrawn and open_edition is None and can_create_draft(user, service):
        actions.append("new_edition")
    if can_withdraw_service(user, service):
        if service.is_withdrawn:
            actions.append("restore")
        elif not scheduled:
            actions.append("withdraw")
    return {
        "service": service,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "actions": [
            {"name": name, "form": _form(context, name) if name != "new_edition" else None}
            for name in actions
        ],
        "scheduled_blocks_withdrawal": scheduled
        and not service.is_withdrawn
        and can_withdraw_service(user, service),
    }
