"""A service in the workspace: its editions, the open one, the audit trail, the comparison of
two editions. Only the services of the user's bodies (all, for an administrator) are found;
any other answers 404, so another body's drafts are not shown to exist."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from registry.comparison import compare_editions
from registry.models import Edition, EditionStatus, Service
from registry.selectors import last_rejection, service_audit_trail
from registry.validation.engine import validate_editions
from registry.workspace import selectors
from registry.workspace.editor import PanelLink, finding_anchor
from registry.workspace.editor_views import section_url
from registry.workspace.forms_actions import CompareForm
from registry.workspace.sections import SECTION_OF_FINDING, sections_for
from registry.workspace.templatetags.workspace_actions import editor_url

AUDIT_TRAIL_LIMIT = 200


def service_or_404(user, registry_number: str) -> Service:
    try:
        return selectors.workspace_service(user, registry_number)
    except Service.DoesNotExist as exc:
        raise Http404 from exc


def edition_or_404(user, pk: int) -> Edition:
    try:
        return selectors.edition_in_workspace(user, pk)
    except Edition.DoesNotExist as exc:
        raise Http404 from exc


def service_page_context(service: Service, *, action_forms=None, refusal=None, refused_action="") -> dict:
    current = open_edition = None
    for edition in service.live_editions:
        if edition.status == EditionStatus.PUBLISHED:
            current = edition
        else:
            open_edition = edition
    report = None
    if open_edition is not None:
        report = validate_editions([open_edition.pk]).get(open_edition.pk)
    events = list(service_audit_trail(service)[: AUDIT_TRAIL_LIMIT + 1])
    editions = selectors.service_editions(service)
    return {
        "service": service,
        "current": current,
        "open_edition": open_edition,
        "open_report": report,
        "open_editor_url": editor_url(open_edition) if open_edition else "",
        "rejection": last_rejection(open_edition)
        if open_edition and open_edition.status == EditionStatus.DRAFT
        else None,
        "editions": editions,
        "compare_form": CompareForm(
            editions=editions,
            initial={
                "old": current.pk if current else None,
                "new": open_edition.pk if open_edition else None,
            },
        )
        if len(editions) > 1
        else None,
        "audit_entries": selectors.audit_trail_entries(events[:AUDIT_TRAIL_LIMIT]),
        "audit_truncated": len(events) > AUDIT_TRAIL_LIMIT,
        "action_forms": action_forms or {},
        "refusal": refusal,
        "refusal_findings": refusal_links(service, getattr(refusal, "findings", [])),
        "refused_action": refused_action,
    }


def refusal_links(service: Service, findings: list) -> list[PanelLink]:
    """The validator's findings of a refused action, each linked to its place in the editor
    (read-only for whoever may not edit), as the editor's own panel links them."""
    sections = sections_for(service)
    by_slug = {section.slug: section for section in sections}
    open_edition = next((e for e in service.live_editions if e.status != EditionStatus.PUBLISHED), None)
    links = []
    for finding in findings:
        section = by_slug.get(SECTION_OF_FINDING.get(finding.section, ""), sections[0])
        url = ""
        if open_edition is not None:
            url = section_url(open_edition, section.slug, finding_anchor(finding, section))
        links.append(PanelLink(finding=finding, url=url))
    return links


def render_service_page(request, service: Service, *, status: int = 200, **context):
    return render(request, "workspace/service.html", service_page_context(service, **context), status=status)


@login_required
def service_detail(request, registry_number: str):
    return render_service_page(request, service_or_404(request.user, registry_number))


@login_required
def edition_detail(request, pk: int):
    """An edition read section by section: what the reviewer approves."""
    edition = edition_or_404(request.user, pk)
    return render(
        request,
        "workspace/edition.html",
        {
            "edition": edition,
            "service": edition.service,
            "sections": selectors.edition_sections(edition),
            "report": validate_editions([edition.pk]).get(edition.pk),
            "editor_url": editor_url(edition) if edition.status == EditionStatus.DRAFT else "",
        },
    )


@login_required
def compare(request, registry_number: str):
    """Two editions of a service side by side, drafts included (the service is the user's)."""
    service = service_or_404(request.user, registry_number)
    editions = selectors.service_editions(service)
    form = CompareForm(request.GET or None, editions=editions)
    comparison = None
    if form.is_valid():
        by_pk = {edition.pk: edition for edition in editions}
        old, new = by_pk[form.cleaned_data["old"]], by_pk[form.cleaned_data["new"]]
        comparison = compare_editions(old, new)
    return render(
        request,
        "workspace/compare.html",
        {"service": service, "form": form, "comparison": comparison, "editions": editions},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
