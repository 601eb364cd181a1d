"""The workspace's front pages: the dashboard of a body's services and the reviewer's queue."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from registry.models import Role
from registry.permissions import body_ids_with_role, is_administrator, is_inspector
from registry.workspace import selectors
from registry.workspace.forms_actions import ERRORS_NO, ERRORS_YES, DashboardFilterForm
from registry.workspace.views_deliveries import may_upload as may_upload_deliveries


def service_create_url(user) -> str:
    """The editor's "new service" page, for officials and administrators, when it is installed."""
    if not (is_administrator(user) or body_ids_with_role(user, Role.OFFICIAL)):
        return ""
    try:
        return reverse("workspace:service_create")
    except NoReverseMatch:
        return ""


@login_required
def dashboard(request):
    user = request.user
    form = DashboardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    category = filters.get("category")
    services = selectors.dashboard_services(
        user,
        status=filters.get("status", ""),
        category=category.pk if category else None,
        search=filters.get("q", ""),
    )
    errors_filter = filters.get("errors", "")
    if errors_filter in (ERRORS_YES, ERRORS_NO):
        # Whether an edition has errors is known only after validating it: every matching
        # service is validated (in a fixed number of queries), then the page is cut.
        rows = selectors.dashboard_rows(list(services))
        wanted = errors_filter == ERRORS_YES
        rows = [row for row in rows if (row.error_count > 0) == wanted]
        page = Paginator(rows, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page = Paginator(list(services), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = selectors.dashboard_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workspace/dashboard.html",
        {
            "form": form,
            "page": page,
            "rows": page.object_list,
            "filtered": any(filters.get(name) for name in ("q", "status", "category", "errors")),
            "query": query.urlencode(),
            "has_roles": selectors.can_use_workspace(user),
            "is_inspector": is_inspector(user),
            "queue_counts": selectors.queue_counts(user) if selectors.is_reviewer(user) else None,
            "service_create_url": service_create_url(user),
            "deliveries_upload_url": reverse("workspace:deliveries_upload")
            if may_upload_deliveries(user)
            else "",
        },
    )


@login_required
def queue(request):
    return render(
        request,
        "workspace/queue.html",
        {"queue": selectors.review_queue(request.user), "is_reviewer": selectors.is_reviewer(request.user)},
    )
