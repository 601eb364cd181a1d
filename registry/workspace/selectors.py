"""Reads of the officials' workspace: the dashboard, the reviewer's queue, a service's history.

Every list here costs a fixed number of queries however many services it shows: editions,
last audit events and validation reports are read for all rows at once, never per row.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from registry import comparison
from registry.models import (
    OPEN_STATUSES,
    ApplicantAttribute,
    AttributeValue,
    AuditEvent,
    Document,
    Edition,
    EditionStatus,
    Fee,
    Ground,
    LegalBasis,
    QualityIndicator,
    Result,
    Role,
    Service,
    StandardForm,
    Variant,
)
from registry.permissions import User, body_ids_with_role, is_administrator
from registry.validation.engine import validate_editions
from registry.validation.findings import ValidationReport

PAGE_SIZE = 50

# The statuses the dashboard filters by: an edition in that status, or the service withdrawn.
STATUS_WITHDRAWN = "withdrawn"
STATUS_SCHEDULED = "scheduled"


# --- whose services ------------------------------------------------------------------------------


def workspace_services(user: User) -> QuerySet[Service]:
    """The services a user works on: those of the bodies where they hold a role (all, for an
    administrator). The workspace answers 404 for any other service, even a public one."""
    if is_administrator(user):
        return Service.objects.all()
    return Service.objects.filter(provider_id__in=body_ids_with_role(user))


def can_use_workspace(user: User) -> bool:
    return is_administrator(user) or bool(body_ids_with_role(user))


def is_reviewer(user: User) -> bool:
    return is_administrator(user) or bool(body_ids_with_role(user, Role.REVIEWER))


def _last_event_id() -> Subquery:
    return Subquery(
        AuditEvent.objects.filter(service=OuterRef("pk")).order_by("-created_at", "-id").values("id")[:1]
    )


def _with_live_editions(services: QuerySet[Service]) -> QuerySet[Service]:
    """The current (published) and open editions of each service, as ``live_editions``."""
    return services.select_related("provider").prefetch_related(
        "categories",
        Prefetch(
            "editions",
            queryset=Edition.objects.filter(status__in=(EditionStatus.PUBLISHED, *OPEN_STATUSES)).order_by(
                "number"
            ),
            to_attr="live_editions",
        ),
    )


def dashboard_services(
    user: User, *, status: str = "", category: int | None = None, search: str = ""
) -> QuerySet[Service]:
    """The dashboard's services, filtered in the database (the "has errors" filter needs the
    validator and is applied to the rows, see ``dashboard_rows``)."""
    services = workspace_services(user)
    if status == STATUS_WITHDRAWN:
        services = services.filter(is_withdrawn=True)
    elif status == STATUS_SCHEDULED:
        services = services.filter(
            Exists(
                Edition.objects.filter(
                    service=OuterRef("pk"), status=EditionStatus.APPROVED, scheduled_at__isnull=False
                )
            )
        )
    elif status:
        services = services.filter(Exists(Edition.objects.filter(service=OuterRef("pk"), status=status)))
    if category:
        services = services.filter(categories=category)
    search = search.strip()
    if search:
        named = Edition.objects.filter(service=OuterRef("pk")).filter(
            Q(full_name__icontains=search) | Q(short_name__icontains=search)
        )
        services = services.filter(
            Q(registry_number__icontains=search) | Q(provider__short_name__icontains=search) | Exists(named)
        )
    return (
        _with_live_editions(services.distinct())
        .annotate(last_event_id=_last_event_id())
        .order_by("registry_number")
    )


# --- the dashboard ------------------------------------------------------------------------------


@dataclass
class DashboardRow:
    service: Service
    current: Edition | None
    open_edition: Edition | None
    report: ValidationReport | None
    last_event: AuditEvent | None

    @property
    def working_edition(self) -> Edition | None:
        """The edition the figures are about: the open one if any, else the current one."""
        return self.open_edition or self.current

    @property
    def name(self) -> str:
        for edition in (self.open_edition, self.current):
            if edition is not None and (edition.short_name or edition.full_name):
                return edition.short_name or edition.full_name
        return _("без наименования")

    @property
    def completeness_percent(self) -> int | None:
        return round(self.report.completeness * 100) if self.report else None

    @property
    def error_count(self) -> int:
        return len(self.report.errors) if self.report else 0

    @property
    def warning_count(self) -> int:
        return len(self.report.warnings) if self.report else 0


def _live(service: Service) -> tuple[Edition | None, Edition | None]:
    current = open_edition = None
    for edition in service.live_editions:
        if edition.status == EditionStatus.PUBLISHED:
            current = edition
        else:
            open_edition = edition
    return current, open_edition


def events_by_id(ids: Iterable[int | None]) -> dict[int, AuditEvent]:
    wanted = [pk for pk in ids if pk is not None]
    return {event.pk: event for event in AuditEvent.objects.filter(pk__in=wanted).select_related("actor")}


def dashboard_rows(services: Sequence[Service]) -> list[DashboardRow]:
    """One row per service of ``dashboard_services``: its editions, validator figures and last
    change, read for all services together."""
    live = {service.pk: _live(service) for service in services}
    working_ids = [(open_ or current).pk for current, open_ in live.values() if (open_ or current)]
    reports = validate_editions(working_ids)
    events = events_by_id(getattr(service, "last_event_id", None) for service in services)
    rows = []
    for service in services:
        current, open_edition = live[service.pk]
        working = open_edition or current
        rows.append(
            DashboardRow(
                service=service,
                current=current,
                open_edition=open_edition,
                report=reports.get(working.pk) if working else None,
                last_event=events.get(getattr(service, "last_event_id", None)),
            )
        )
    return rows


# --- the reviewer's queue -------------------------------------------------------------------------


@dataclass
class QueueRow:
    edition: Edition
    report: ValidationReport | None
    last_event: AuditEvent | None


def _queue_editions(user: User) -> QuerySet[Edition]:
    editions = Edition.objects.filter(status__in=(EditionStatus.SUBMITTED, EditionStatus.APPROVED))
    if not is_administrator(user):
        editions = editions.filter(service__provider_id__in=body_ids_with_role(user, Role.REVIEWER))
    return editions


def queue_counts(user: User) -> dict[str, int]:
    """How many editions wait for the reviewer: to approve, to publish, scheduled."""
    counts = {"submitted": 0, "approved": 0, "scheduled": 0}
    for status, scheduled in _queue_editions(user).values_list("status", "scheduled_at"):
        if status == EditionStatus.SUBMITTED:
            counts["submitted"] += 1
        else:
            counts["scheduled" if scheduled else "approved"] += 1
    return counts


def review_queue(user: User) -> dict[str, list[QueueRow]]:
    """Editions waiting for a reviewer of the user's bodies (all, for an administrator):
    submitted ones to approve or send back, approved ones to publish, scheduled ones."""
    editions = _queue_editions(user)
    last_event = Subquery(
        AuditEvent.objects.filter(edition=OuterRef("pk")).order_by("-created_at", "-id").values("id")[:1]
    )
    editions = list(
        editions.select_related("service__provider")
        .annotate(last_event_id=last_event)
        .order_by("updated_at", "pk")
    )
    reports = validate_editions(edition.pk for edition in editions)
    events = events_by_id(edition.last_event_id for edition in editions)
    queue: dict[str, list[QueueRow]] = {"submitted": [], "approved": [], "scheduled": []}
    for edition in editions:
        row = QueueRow(edition, reports.get(edition.pk), events.get(edition.last_event_id))
        if edition.status == EditionStatus.SUBMITTED:
            queue["submitted"].append(row)
        elif edition.is_scheduled:
            queue["scheduled"].append(row)
        else:
            queue["approved"].append(row)
    return queue


# --- one service ----------------------------------------------------------------------------------


def workspace_service(user: User, registry_number: str) -> Service:
    """A service of the user's bodies with its current and open editions; DoesNotExist otherwise."""
    return _with_live_editions(workspace_services(user)).get(registry_number=registry_number)


def service_editions(service: Service) -> list[Edition]:
    """Every edition of a service, newest first (the workspace shows a body its own drafts)."""
    return list(service.editions.select_related("amending_act", "created_by").order_by("-number"))


def edition_in_workspace(user: User, pk: int) -> Edition:
    """An edition of a service of the user's bodies; DoesNotExist otherwise (the view's 404)."""
    return Edition.objects.select_related("service__provider", "amending_act", "created_by").get(
        pk=pk, service__in=workspace_services(user)
    )


# --- the audit trail as a reader sees it ----------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    label: str
    status: str
    lines: tuple[ChangeLine, ...]


@dataclass(frozen=True)
class AuditEntry:
    event: AuditEvent
    fields: tuple[ChangeLine, ...]
    rows: tuple[RowChange, ...]

    @property
    def change_count(self) -> int:
        return len(self.fields) + len(self.rows)


ROW_MODELS = {
    model._meta.model_name: model
    for model in (
        Result,
        LegalBasis,
        Document,
        Ground,
        Fee,
        QualityIndicator,
        StandardForm,
        Variant,
        ApplicantAttribute,
    )
}


# The parts of an edition the demo loader names in its audit keys ("variant.<code>",
# "applicantattribute.<code>.<field>"): a part by its code, not a row by its key.
PART_MODELS = {model._meta.model_name: model for model in (Variant, ApplicantAttribute, AttributeValue)}


def _label(model: type[models.Model] | None, name: str) -> str:
    """A stored change's key as a reader sees it. Besides fields, a key may name a reverse
    relation (the demo loader's ``"grounds": [old count, new count]``) or a part by its code."""
    if model is None:
        return name
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since the event was written keeps its name
        return _part_label(name)
    if model_field.auto_created and not model_field.concrete:
        # A reverse relation has no verbose_name of its own: it stands for the related rows.
        return capfirst(model_field.related_model._meta.verbose_name_plural)
    return str(model_field.verbose_name)


def _part_label(key: str) -> str:
    """``variant.general``, ``variants.general.attribute_values`` or
    ``applicantattribute.age.name``: the part's name, its code and the field changed."""
    model_name, _sep, rest = key.partition(".")
    model = PART_MODELS.get(model_name) or PART_MODELS.get(model_name.removesuffix("s"))
    code, _sep, field_name = rest.partition(".")
    if model is None or not code:
        return key
    label = _("%(part)s «%(code)s»") % {"part": capfirst(model._meta.verbose_name), "code": code}
    if field_name:
        return f"{label}: {_label(model, field_name)}"
    return label


def _value(model: type[models.Model] | None, name: str, value: Any) -> str:
    """A stored value as a reader sees it: choices by label, dates as ДД.ММ.ГГГГ."""
    if model is not None and value not in (None, ""):
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and getattr(model_field, "choices", None):
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
            parsed = parse_datetime(value)
            if parsed is not None:
                return comparison.display(timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed)
        elif isinstance(model_field, models.DateField) and isinstance(value, str):
            parsed = parse_date(value)
            if parsed is not None:
                return comparison.display(parsed)
    return comparison.display(value)


def audit_trail_entries(events: Iterable[AuditEvent]) -> list[AuditEntry]:
    """Audit events with their stored changes labelled in Russian: «поле: было → стало», and
    row edits (``"<model>#<pk>"``) as rows added, removed or changed."""
    entries = []
    for event in events:
        owner: type[models.Model] = Edition if event.edition_id else Service
        fields, rows = [], []
        for key, change in sorted((event.changes or {}).items()):
            if not isinstance(change, (list, tuple)) or len(change) != 2:
                continue
            old, new = change
            if "#" in key:
                model_name, _sep, pk = key.partition("#")
                model = ROW_MODELS.get(model_name)
                title = f"{model._meta.verbose_name if model else model_name} № {pk}"
                if old is None:
                    status, names = comparison.STATUS_LABELS[comparison.ADDED], sorted(new or {})
                elif new is None:
                    status, names = comparison.STATUS_LABELS[comparison.REMOVED], sorted(old or {})
                else:
                    status = comparison.STATUS_LABELS[comparison.CHANGED]
                    names = sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
                lines = tuple(
                    ChangeLine(
                        _label(model, name),
                        _value(model, name, (old or {}).get(name)) if old is not None else "",
                        _value(model, name, (new or {}).get(name)) if new is not None else "",
                    )
                    for name in names
                )
                rows.append(RowChange(title, str(status), lines))
            else:
                fields.append(
                    ChangeLine(_label(owner, key), _value(owner, key, old), _value(owner, key, new))
                )
        entries.append(AuditEntry(event=event, fields=tuple(fields), rows=tuple(rows)))
    return entries


# --- one edition, section by section (for reviewing it) -------------------------------------------


@dataclass(frozen=True)
class ShownSection:
    title: str
    citation: str
    fields: tuple[ChangeLine, ...]
    rows: tuple[tuple[str, tuple[ChangeLine, ...]], ...]


def _section_rows(edition: Edition, row_list: comparison.RowList) -> list[models.Model]:
    rows = row_list.model.objects.filter(edition=edition)
    if row_list.kinds:
        rows = rows.filter(kind__in=row_list.kinds)
    names = {model_field.name for model_field in row_list.model._meta.get_fields()}
    rows = rows.select_related(*(name for name in ("variant", "act", "applicant_category") if name in names))
    if row_list.model is Variant:
        rows = rows.prefetch_related("attribute_values__attribute")
    if row_list.model is ApplicantAttribute:
        rows = rows.prefetch_related("values")
    return list(rows)


def edition_sections(edition: Edition) -> list[ShownSection]:
    """Every section of an edition in statutory order, as the comparison shows values."""
    shown = []
    for section, citation in comparison.ordered_sections():
        fields = tuple(
            ChangeLine(comparison.shown_label(Edition, item), "", comparison.shown_value(edition, item))
            for item in section.shown
        )
        rows = []
        for row_list in section.lists:
            for row in _section_rows(edition, row_list):
                lines = tuple(
                    ChangeLine(
                        comparison.shown_label(row_list.model, item), "", comparison.shown_value(row, item)
                    )
                    for item in row_list.shown
                )
                rows.append((row_list.label(row), lines))
        shown.append(ShownSection(str(section.title), citation, fields, tuple(rows)))
    return shown
