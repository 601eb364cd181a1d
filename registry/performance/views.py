"""The performance pages: public per service and per body, and the body's dashboard in the
workspace. Each page answers ``?table=<key>&format=csv|xlsx`` with one of its tables, built
from the same figures as the page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.catalogue import selectors as catalogue_selectors
from registry.models import BODY_ROLES, ProviderBody
from registry.performance import pages, sources
from registry.performance.figures import load_period, rollup_rows
from registry.performance.figures import period as sum_period
from registry.performance.indicators import editions_in_force, indicator_lines
from registry.permissions import body_ids_with_role, is_administrator

PERIODS = ((12, gettext_lazy("последние 12 месяцев")), (24, gettext_lazy("последние 24 месяца")))
OFFICES_DESC = gettext_lazy(
    "Доля запросов, рассмотренных в срок, по офисам за период; сначала офисы с наибольшим отклонением."
)
SERVICES_DESC = gettext_lazy(
    "Доля запросов, рассмотренных в срок, по услугам за период; сначала услуги с наибольшим отклонением."
)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", pages.csv_bytes),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", pages.xlsx_bytes),
}


def _months(request: HttpRequest) -> int:
    periods = {str(months): months for months, _label in PERIODS}
    return periods.get(request.GET.get("months", ""), PERIODS[0][0])


def _download(request: HttpRequest, sections: list, name: str) -> HttpResponse | None:
    """The table asked for by ``?table=&format=``; None when the page itself is asked for."""
    wanted, kind = request.GET.get("table"), request.GET.get("format")
    if wanted is None and kind is None:
        return None
    table = next((s.table for s in sections if s is not None and s.table.key == wanted), None)
    if table is None or kind not in FORMATS:
        raise Http404("no such table or format")
    content_type, write = FORMATS[kind]
    response = HttpResponse(write(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{table.key}.{kind}"'
    return response


def trend_sections(period, lines=()) -> list[pages.Section]:
    return [
        pages.monthly_share_section(
            key="on_time",
            title=_("Доля запросов, рассмотренных в срок"),
            desc=_("Доля запросов с решением в срок по стандарту, по месяцам, в процентах."),
            period=period,
            share=lambda f: f.on_time,
            value_column=_("В срок"),
            target=pages.target_of(lines, "on_time"),
        ),
        pages.term_section(period),
        pages.monthly_share_section(
            key="queue",
            title=_("Доля ожиданий в очереди в пределах нормы"),
            desc=_(
                "Доля ожиданий в очереди при подаче и при получении не дольше нормы стандарта, по месяцам."
            ),
            period=period,
            share=lambda f: f.queue_ok,
            value_column=_("В пределах нормы"),
            target=pages.target_of(lines, "queue"),
        ),
        pages.monthly_share_section(
            key="registration",
            title=_("Доля запросов, зарегистрированных в срок"),
            desc=_("Доля запросов, зарегистрированных в срок по стандарту, по месяцам."),
            period=period,
            share=lambda f: f.registered_in_time,
            value_column=_("В срок"),
            target=pages.target_of(lines, "registration"),
        ),
    ]


def service_performance(request: HttpRequest, registry_number: str) -> HttpResponse:
    service = catalogue_selectors.public_service(registry_number)
    edition = catalogue_selectors.current_public_edition(service)
    if edition is None:
        raise Http404("no edition in force")
    months = _months(request)
    period = load_period(service=service, months=months)
    lines = indicator_lines(service, period, editions=editions_in_force(service))
    trends = trend_sections(period, lines)
    offices = pages.comparison_section(
        key="offices",
        title=_("Сравнение офисов"),
        desc=OFFICES_DESC,
        rows=period.offices,
        name_column=_("Офис"),
        target=pages.target_of(lines, "on_time"),
    )
    indicators = pages.Section(
        key="indicators", title=_("Показатели против целевых значений"), table=pages.indicators_table(lines)
    )
    satisfaction = pages.satisfaction_section(sources.satisfaction(service=service, months=months))
    audits = pages.audit_section(sources.audit_scores(service=service, months=months), period)
    sections = [*trends, offices, indicators, satisfaction, audits]
    download = _download(request, sections, f"performance-{service.registry_number}")
    if download is not None:
        return download
    return render(
        request,
        "performance/service.html",
        {
            "service": service,
            "edition": edition,
            "period": period,
            "months": months,
            "periods": PERIODS,
            "trends": trends,
            "offices": offices,
            "indicators": indicators,
            "indicator_lines": lines,
            "satisfaction": satisfaction,
            "comments": sources.published_comments(service, 10),
            "audits": audits,
        },
    )


def _public_body(reference: str) -> ProviderBody:
    """A body by its id or its ОГРН."""
    bodies = ProviderBody.objects.select_related("region")
    body = bodies.filter(pk=int(reference)).first() if reference.isdigit() and len(reference) < 13 else None
    if body is None:
        body = bodies.filter(ogrn=reference).first() if reference else None
    if body is None:
        raise Http404("no such body")
    return body


def body_performance(request: HttpRequest, body: str) -> HttpResponse:
    body = _public_body(body)
    months = _months(request)
    period = load_period(body=body, months=months, public_only=True)
    trends = trend_sections(period)
    services = pages.comparison_section(
        key="services",
        title=_("Сравнение услуг"),
        desc=SERVICES_DESC,
        rows=period.services,
        name_column=_("Услуга"),
    )
    offices = pages.comparison_section(
        key="offices",
        title=_("Сравнение офисов"),
        desc=OFFICES_DESC,
        rows=period.offices,
        name_column=_("Офис"),
    )
    satisfaction = pages.satisfaction_section(sources.satisfaction(body=body, months=months))
    audits = pages.audit_section(sources.audit_scores(body=body, months=months), period)
    sections = [*trends, services, offices, satisfaction, audits]
    download = _download(request, sections, f"performance-body-{body.pk}")
    if download is not None:
        return download
    return render(
        request,
        "performance/body.html",
        {
            "body": body,
            "period": period,
            "months": months,
            "periods": PERIODS,
            "trends": trends,
            "services": services,
            "offices": offices,
            "satisfaction": satisfaction,
            "audits": audits,
        },
    )


def service_block(service) -> dict:
    """The context of «Как услуга предоставляется на деле» on the service page: the last 12
    months in one query of the rollup (and what the wired sources give)."""
    period = sum_period(rollup_rows(service=service, months=12), months=12)
    total = period.total
    return {
        "performance": total if period.has_figures else None,
        "satisfaction": pages.satisfaction_section(
            sources.satisfaction(service=service, months=12), key="block-satisfaction"
        ),
        "comments": sources.published_comments(service, 3),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """A body's dashboard: its services and offices ranked by the gap to the standard, the trends,
    the indicators that fell below their target two months running, and the audits' open
    corrective actions (when that source is wired). Officials and reviewers see their bodies,
    administrators every body with figures."""
    user = request.user
    allowed = None if is_administrator(user) else body_ids_with_role(user, *BODY_ROLES)
    bodies = ProviderBody.objects.order_by("short_name", "full_name")
    if allowed is not None:
        bodies = bodies.filter(pk__in=allowed)
    else:
        from registry.models import DeliveryMonthly

        bodies = bodies.filter(pk__in=DeliveryMonthly.objects.values("body_id"))
    bodies = list(bodies.only("pk", "short_name", "full_name"))
    context = {"nav_current": "performance", "bodies": bodies, "has_bodies": bool(bodies), "periods": PERIODS}
    if not bodies:
        return render(request, "performance/dashboard.html", context)
    wanted = request.GET.get("body", "")
    body = next((b for b in bodies if str(b.pk) == wanted), None) if wanted else bodies[0]
    if body is None:
        raise Http404("not one of your bodies")
    months = _months(request)
    period = load_period(body=body, months=months)
    alerts = body_alerts(body, period, months=months)
    trends = trend_sections(period)
    services = pages.comparison_section(
        key="services",
        title=_("Услуги по отклонению от стандарта"),
        desc=_(
            "Доля запросов в срок по услугам органа; сначала услуги с наибольшим отклонением от стандарта."
        ),
        rows=period.services,
        name_column=_("Услуга"),
    )
    offices = pages.comparison_section(
        key="offices",
        title=_("Офисы по отклонению от стандарта"),
        desc=_("Доля запросов в срок по офисам органа; сначала офисы с наибольшим отклонением от стандарта."),
        rows=period.offices,
        name_column=_("Офис"),
    )
    audits = pages.audit_section(sources.audit_scores(body=body, months=months), period)
    sections = [services, offices, *trends, audits]
    download = _download(request, sections, f"dashboard-{body.pk}")
    if download is not None:
        return download
    context.update(
        {
            "body": body,
            "months": months,
            "period": period,
            "alerts": alerts,
            "services": services,
            "offices": offices,
            "trends": trends,
            "audits": audits,
            "corrective_actions": sources.open_corrective_actions(body),
        }
    )
    return render(request, "performance/dashboard.html", context)


def body_alerts(body, period, *, months: int) -> list[tuple[object, object]]:
    """(service figures, indicator line) for every indicator of the body's services that fell
    below its target in the last two months with requests. Editions and their indicators of all
    the services are read in two queries; the figures per service come from the body's rows."""
    from collections import defaultdict

    from registry.models import FROZEN_STATUSES, Edition, Service

    service_ids = [figures.key for figures in period.services]
    editions = defaultdict(list)
    in_force = (
        Edition.objects.filter(
            service_id__in=service_ids, status__in=FROZEN_STATUSES, effective_date__isnull=False
        )
        .only("pk", "service_id", "number", "effective_date")
        .order_by("effective_date", "number")
        .prefetch_related("indicators")
    )
    for edition in in_force:
        editions[edition.service_id].append(edition)
    rows_of = defaultdict(list)
    for row in period.rows:
        rows_of[row["service_id"]].append(row)
    alerts = []
    for figures in period.services:
        service_period = sum_period(rows_of[figures.key], months=months)
        service = Service(pk=figures.key, registry_number=figures.number)
        for line in indicator_lines(
            service, service_period, editions=editions[figures.key], source_values={}
        ):
            if line.below_two_months:
                alerts.append((figures, line))
    return alerts
