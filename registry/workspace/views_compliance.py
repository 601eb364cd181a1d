"""The workspace page of a body's officials: how far each service's delivery is from its standard,
per body, office and month (a plain table of the monthly rollup; the charts come next)."""

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from registry.deliveries.report import COLUMNS, ReportLine
from registry.deliveries.selectors import compliance_table, services_with_figures
from registry.models import BODY_ROLES
from registry.permissions import body_ids_with_role, is_administrator

PERIODS = ((12, _("последние 12 месяцев")), (24, _("последние 24 месяца")))


@login_required
def compliance(request):
    user = request.user
    # Administrators see every body; officials and reviewers the bodies they work for.
    body_ids = None if is_administrator(user) else body_ids_with_role(user, *BODY_ROLES)
    periods = {str(months): months for months, _label in PERIODS}
    months = periods.get(request.GET.get("months", ""), PERIODS[0][0])
    services = list(services_with_figures(body_ids=body_ids, months=months))
    chosen = None
    wanted = request.GET.get("service", "")
    if wanted:
        chosen = next((service for service in services if service.registry_number == wanted), None)
        if chosen is None:
            raise Http404
    elif services:
        chosen = services[0]
    tables = []
    if chosen is not None:
        rows = compliance_table(service=chosen, body_ids=body_ids, months=months)
        for body, body_rows in groupby(rows, key=lambda row: row.body):
            tables.append((body, [ReportLine.of(row) for row in body_rows]))
    return render(
        request,
        "workspace/compliance.html",
        {
            "nav_current": "compliance",
            "services": services,
            "chosen": chosen,
            "months": months,
            "periods": PERIODS,
            "columns": COLUMNS,
            "tables": tables,
            "has_bodies": body_ids is None or bool(body_ids),
        },
    )
