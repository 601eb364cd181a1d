"""What an export reads: the services in scope, with every row read per chunk, and the
legal acts and bodies they cite (read before the services, so a file names them first).
``export_snapshot`` makes all of it one moment of the registry."""

import datetime
from array import array
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.catalogue.search import bodies_named, body_text
from registry.exchange.changes import ChangesSince, changes_since, last_sequence
from registry.exchange.records import (
    Lookups,
    ServiceRow,
    chunk_records,
    office_record,
    published_edition,
    service_rows,
)
from registry.models import Edition, EditionStatus, Fee, Ground, LegalBasis, Office, ProviderBody, Service
from regulations.models import LegalAct

SCOPE_FULL, SCOPE_FILTERED, SCOPE_SERVICE, SCOPE_CHANGES = "full", "filtered", "service", "changes"
CONTENT_PUBLISHED, CONTENT_DRAFTS = "published", "drafts"
# The catalogue's query-string filters that narrow an export (registry.catalogue.filters).
FILTER_NAMES = (
    "q",
    "category",
    "provider",
    "body",
    "level",
    "region",
    "applicant",
    "mfc",
    "electronic",
    "cost",
    "deadline_max",
)


class ExportRequestError(ValueError):
    """An export that cannot be made as asked; the message is for the user."""


@dataclass
class ExportRequest:
    content: str = CONTENT_PUBLISHED
    filters: Mapping[str, str] = field(default_factory=dict)
    registry_number: str = ""
    since: int | None = None

    @property
    def scope(self) -> str:
        if self.since is not None:
            return SCOPE_CHANGES
        if self.registry_number:
            return SCOPE_SERVICE
        if any(self.filters.get(name) for name in FILTER_NAMES):
            return SCOPE_FILTERED
        return SCOPE_FULL

    def file_name(self, day: datetime.date, extension: str) -> str:
        """A download named after what it holds: the whole registry, a search, one service or
        the changes after a sequence number, published data or drafts, and the day."""
        scope = self.scope
        if scope == SCOPE_CHANGES:
            stem = f"registry-changes-since-{self.since}"
        elif scope == SCOPE_SERVICE:
            stem = f"service-{self.registry_number}"
        elif scope == SCOPE_FILTERED:
            stem = "registry-search"
        else:
            stem = "registry"
        if self.content == CONTENT_DRAFTS:
            stem += "-drafts"
        return f"{stem}-{day:%Y%m%d}.{extension}"


@dataclass
class ExportSelection:
    """An export's data, resolved once: the header values and the querysets to stream.

    ``services`` are the services in scope (``export_records`` attaches their providers),
    ``editions`` the editions an export may carry: each service's newest one among them goes
    into the file."""

    request: ExportRequest
    sequence: int
    services: QuerySet[Service]
    editions: QuerySet[Edition]
    acts: QuerySet[LegalAct]
    bodies: QuerySet[ProviderBody]
    withdrawn: QuerySet[Service]
    changes: ChangesSince | None = None
    # Told (done, total) after each chunk of services written: a background export's progress.
    progress: Callable[[int, int], None] | None = None


@contextmanager
def export_snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Everything read inside is one moment of the registry: build the selection and write the
    file inside it. An export reads in many queries over many seconds; in autocommit each sees a
    later moment, and an edition published meanwhile could cite an act or a body the file has
    already listed without it, or the header's sequence would not match the content.

    On PostgreSQL: one REPEATABLE READ, READ ONLY transaction (it blocks no writer). Inside an
    atomic block already open (a caller's transaction, a test) it does nothing: that block's
    isolation applies, and a transaction's level can only be set before its first query.
    On SQLite: nothing. Its rollback journal (the mode the settings leave) lets a reader's
    transaction hold off every writer until it ends: for a whole export, officials' saves would
    wait and then fail with "database is locked". SQLite serves development, not exports under
    load (docs/exchange.md)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _editions(content: str) -> QuerySet[Edition]:
    if content == CONTENT_DRAFTS:
        # The newest edition that is not history: the open one when there is one, else the current.
        return Edition.objects.exclude(status=EditionStatus.SUPERSEDED).order_by("-number")
    return Edition.objects.filter(status=EditionStatus.PUBLISHED)


def _published_services(filters: Mapping[str, str]) -> QuerySet[Service]:
    from registry.catalogue.filters import ServiceFilter
    from registry.catalogue.selectors import catalogue_editions, services_matching

    data = {name: filters[name] for name in FILTER_NAMES if filters.get(name)}
    if not data:
        # Every service of the catalogue: one with a current edition (not withdrawn, or withdrawn
        # from a later date), without building the filter's form and choice lists, and without
        # the search table (its rows follow the editions; at 100 000 services the three nested
        # sets cost 0.7 s where one EXISTS costs 0.4 s).
        return Service.objects.filter(Exists(catalogue_editions().filter(service_id=OuterRef("pk"))))
    catalogue_filter = ServiceFilter(data, queryset=catalogue_editions())
    if data and not catalogue_filter.is_valid():
        field_name, errors = next(iter(catalogue_filter.errors.items()))
        raise ExportRequestError(
            _("Неверный фильтр «%(name)s»: %(error)s") % {"name": field_name, "error": errors[0]}
        )
    return services_matching(catalogue_filter.qs.order_by())


def _all_services(filters: Mapping[str, str]) -> QuerySet[Service]:
    """Every service with an edition (drafts export): the structural filters and the body's name."""
    services = Service.objects.filter(Exists(Edition.objects.filter(service=OuterRef("pk"))))
    if filters.get("provider"):
        if not str(filters["provider"]).isdigit():
            raise ExportRequestError(
                _("Неверный фильтр «%(name)s»: %(error)s")
                % {"name": "provider", "error": _("нужен идентификатор органа — целое число.")}
            )
        services = services.filter(provider_id=int(filters["provider"]))
    if filters.get("body"):
        bodies = bodies_named(
            filters["body"],
            (
                (pk, body_text(full, short))
                for pk, full, short in ProviderBody.objects.values_list("pk", "full_name", "short_name")
            ),
        )
        if bodies is not None:
            services = services.filter(provider_id__in=bodies)
    if filters.get("level"):
        services = services.filter(level=filters["level"])
    if filters.get("region"):
        services = services.filter(provider__region__code=filters["region"])
    if filters.get("category"):
        services = services.filter(categories__code=filters["category"])
    return services


def _with_superiors(body_ids: QuerySet) -> set[int]:
    """The bodies and every body above them (``parent``), so that a file names each body it
    refers to: a body's superior is part of what the registry holds about it."""
    found = set(ProviderBody.objects.filter(pk__in=body_ids).values_list("pk", flat=True))
    frontier = found
    while frontier:
        above = set(
            ProviderBody.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
        frontier = above - found
        found |= frontier
    return found


# Up to this many editions, the acts of an export are read from the editions' own citations.
SMALL_SCOPE = 2000
CITATIONS = ((LegalBasis, "act_id"), (Ground, "act_id"), (Fee, "act_id"))


def _cited_in_scope(editions: QuerySet[Edition]) -> QuerySet[LegalAct]:
    """The legal acts the editions in scope cite or were amended by, in the file's order.

    A small scope (one service, the changes since N) reads its editions' citations by edition id.
    A large one asks, act by act, whether some edition in scope cites it (one EXISTS per act and
    table: acts are few, their citations many, and it stops at the first citation), for the acts
    cited at all: PostgreSQL plans that EXISTS for an act it cannot see, and for an act nobody
    cites it read a whole citation table (35 ms each at 100 000 services). Reading every
    citation in scope instead took 4 s at 100 000 services; the EXISTS for a single service, 2 s."""
    order = ("kind", "date", "number", "pk")
    ids = list(editions.order_by().values_list("pk", flat=True)[: SMALL_SCOPE + 1])
    if len(ids) <= SMALL_SCOPE:
        cited = {
            act_id
            for act_id in Edition.objects.filter(pk__in=ids).values_list("amending_act_id", flat=True)
            if act_id is not None
        }
        for model, column in CITATIONS:
            cited.update(
                model.objects.filter(edition_id__in=ids, **{f"{column}__isnull": False})
                .order_by()
                .values_list(column, flat=True)
                .distinct()
            )
        return LegalAct.objects.filter(pk__in=cited).order_by(*order)
    in_scope = editions.values("pk")
    anywhere: set[int] = set()
    for model, column in ((Edition, "amending_act_id"), *CITATIONS):
        anywhere.update(
            model.objects.filter(**{f"{column}__isnull": False})
            .order_by()
            .values_list(column, flat=True)
            .distinct()
        )

    def cited_in(model) -> Exists:
        return Exists(model.objects.filter(act_id=OuterRef("pk"), edition__in=in_scope))

    return (
        LegalAct.objects.filter(pk__in=anywhere)
        .filter(
            Exists(editions.filter(amending_act_id=OuterRef("pk")))
            | cited_in(LegalBasis)
            | cited_in(Ground)
            | cited_in(Fee)
        )
        .order_by(*order)
    )


def _services_in_scope(request: ExportRequest) -> QuerySet[Service]:
    """The services in the request's scope, its ``since`` not yet applied; ExportRequestError if
    the export cannot be made as asked."""
    if request.content == CONTENT_DRAFTS:
        services = _all_services(request.filters)
    else:
        services = _published_services(request.filters)
    if request.registry_number:
        services = services.filter(registry_number=request.registry_number)
        if not services.exists():
            raise ExportRequestError(
                _("Услуга с реестровым номером %(number)s не найдена среди выгружаемых.")
                % {"number": request.registry_number}
            )
    if request.since is not None and request.since < 0:
        raise ExportRequestError(_("Порядковый номер изменения не может быть отрицательным."))
    return services


def export_check(request: ExportRequest) -> int:
    """ExportRequestError if the export cannot be made as asked, else the last sequence number:
    what a streamed download checks before its response starts, without reading what the stream
    will read again in its own snapshot."""
    _services_in_scope(request)
    return last_sequence()


def export_selection(request: ExportRequest) -> ExportSelection:
    sequence = last_sequence()
    services = _services_in_scope(request)
    withdrawn = Service.objects.none()
    changes = None
    if request.since is not None:
        changes = changes_since(request.since, until=sequence)
        services = services.filter(pk__in=changes.changed_service_ids)
        today = timezone.localdate()
        # A withdrawal dated later keeps the service listed until then: it is sent on that date.
        withdrawn = (
            Service.objects.filter(pk__in=changes.withdrawn_service_ids, is_withdrawn=True)
            .filter(withdrawn_on__lte=today)
            .order_by("registry_number")
        )
    editions = _editions(request.content).filter(service__in=services.values("pk"))
    acts = _cited_in_scope(editions)
    bodies = (
        ProviderBody.objects.filter(pk__in=_with_superiors(services.values("provider_id")))
        .select_related("region")
        .order_by("level", "ogrn", "full_name", "pk")
    )
    # Services go out in the order they were entered (their ids), which is the order the
    # database keeps their editions and rows in: at 100 000 services, reading them in
    # registry-number order took 15 % longer, each chunk's rows scattered over the whole tables.
    streamed = Service.objects.filter(pk__in=services.values("pk")).order_by("pk")
    return ExportSelection(
        request=request,
        sequence=sequence,
        services=streamed,
        editions=_editions(request.content),
        acts=acts,
        bodies=bodies,
        withdrawn=withdrawn,
        changes=changes,
    )


def export_records(
    selection: ExportSelection, *, chunk_size: int, with_content: bool = False
) -> Iterator[tuple[ServiceRow, dict[str, Any]]]:
    """Every service in the selection with its record, in the order they were entered, read
    chunk by chunk (``records.chunk_records``): memory holds one chunk, the queries grow with
    the chunks.

    The services' ids are read first, in order, into one array (8 bytes a service); each chunk
    then reads its services by id. A server-side cursor over the selection would hold less, but
    PostgreSQL plans a cursor for its first rows: at 100 000 services it took 2.6 s to read
    what one ordinary query reads in 0.6 s. Providers are read once each and attached to their
    services, rather than joined to every service row (a registry has one body per few dozen
    services)."""
    ids = array("q", selection.services.values_list("pk", flat=True))
    bodies: dict[int, ProviderBody] = {}
    lookups = Lookups()
    for start in range(0, len(ids), chunk_size):
        chunk = service_rows(ids[start : start + chunk_size])
        missing = {service.provider_id for service in chunk} - bodies.keys()
        if missing:
            bodies.update(ProviderBody.objects.select_related("region").in_bulk(missing))
        for service in chunk:
            service.provider = bodies[service.provider_id]
        yield from chunk_records(chunk, selection.editions, with_content=with_content, lookups=lookups)
        if selection.progress is not None:
            selection.progress(min(start + chunk_size, len(ids)), len(ids))


def export_offices(selection: ExportSelection) -> dict[int, list[dict[str, Any]]]:
    """The offices of the export's bodies, by body id, each with every service delivered there
    (by registry number), not only the file's: on import an office's services become exactly
    those listed. A published export lists the services with a published edition only (one
    never published is not public, not even its number); the drafts export, every service.

    Two queries whatever the number of offices: the offices, then their services."""
    bodies = selection.bodies.order_by().values("pk")
    offices = list(Office.objects.filter(body__in=bodies).order_by("body_id", "code", "pk"))
    if not offices:
        return {}
    links = Office.services.through.objects.filter(office__body__in=bodies)
    if selection.request.content != CONTENT_DRAFTS:
        links = links.filter(service__in=Service.objects.filter(published_edition()).values("pk"))
    numbers: dict[int, list[str]] = {office.pk: [] for office in offices}
    links = links.order_by().values_list("office_id", "service__registry_number")
    for office_id, number in links:
        if office_id in numbers:  # an office added since the first query (SQLite: no snapshot)
            numbers[office_id].append(number)
    by_body: dict[int, list[dict[str, Any]]] = {}
    for office in offices:
        by_body.setdefault(office.body_id, []).append(office_record(office, numbers[office.pk]))
    return by_body


__all__ = [
    "ExportRequest",
    "ExportRequestError",
    "ExportSelection",
    "export_check",
    "export_offices",
    "export_records",
    "export_selection",
    "export_snapshot",
]
