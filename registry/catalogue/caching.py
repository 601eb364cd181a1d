"""Cached public pages, keyed by the catalogue's version.

A public page shows only published content, and published editions never change in place: what
a page says can change only when the registry's change sequence moves (a publication,
supersession, withdrawal or restoration, ``registry.exchange.changes``), when reference data it
shows is edited outside the workflow (``CatalogueRevision``, bumped by the signals below), when
the search table is rebuilt, or when the day changes (a withdrawal takes effect on a date). The
catalogue's version joins all of these and is read in one query; a rendered page is stored
under its address and that version, so the next request for the same page costs that query and
one cache read, and every cached page retires at once when anything changes, in every process.
A service's own pages (its page, editions, comparison) use the service's version instead: its
own last change rather than the registry's, so a publication elsewhere leaves them cached.
Browsers revalidate with the page's ``ETag`` and get ``304 Not Modified`` for the same query.

Only anonymous GET and HEAD requests with no pending messages are served from or stored in the
cache (a signed-in official's pages show the workspace link, messages are one person's own);
only complete 200 HTML and XML (sitemap) responses are stored. The cache is Django's
``catalogue`` cache (``CATALOGUE_CACHE`` in the settings: a per-process memory cache by
default, the database cache for several processes), and pages are stored compressed.
"""

import contextvars
import datetime
import functools
import hashlib
import logging
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.http import parse_etags
from django.utils.translation import get_language

from registry.models import (
    FROZEN_STATUSES,
    WITHDRAWAL_FIELDS,
    ApplicantCategory,
    CalendarDay,
    CatalogueEntry,
    CatalogueRevision,
    Category,
    ChangeLog,
    Channel,
    DeliveryMonthly,
    Edition,
    Office,
    PaymentMethod,
    ProviderBody,
    Region,
    SearchSynonym,
    Service,
)
from regulations.models import LegalAct

logger = logging.getLogger(__name__)

CACHE_ALIAS = "catalogue"
PAGE_KEY_PREFIX = "catalogue-page"
PAGE_TIMEOUT = 24 * 60 * 60
COMPRESSION_LEVEL = 6
CACHED_CONTENT_TYPES = ("text/html", "application/xml")
# The view's own headers (Content-Type, X-Robots-Tag, Last-Modified …) are stored with the page;
# these are per response.
UNCACHED_HEADERS = {"set-cookie", "etag", "cache-control", "content-length", "vary"}
MAX_CACHED_PARAMS = 16
MAX_CACHED_VALUE = 200


@dataclass(frozen=True)
class CatalogueVersion:
    """``key`` changes with anything public pages show; ``reference`` only with the reference
    data outside editions (enough for a fragment that shows one immutable edition)."""

    key: str
    reference: str

    def __str__(self) -> str:
        return self.key


# The version read by the request being served, so that its page key and its filter choices
# agree and the version costs one query per request.
_request_version: contextvars.ContextVar[CatalogueVersion | None] = contextvars.ContextVar(
    "catalogue_request_version", default=None
)


def _part(value) -> str:
    if value is None:
        return "0"
    if isinstance(value, datetime.datetime):
        return f"{value.timestamp():.6f}"
    return str(value)  # numbers, and on SQLite subquery datetimes, which come back as text


def _read_version(
    columns: list[str], params: list, day: datetime.date, using: str | None
) -> CatalogueVersion:
    """One query: the given scalar subqueries and the reference data revision (its number and
    time, for numbers that a rolled-back transaction reuses on SQLite); the key joins them all
    with the day (a withdrawal takes effect on a date)."""
    revisions = CatalogueRevision._meta.db_table
    columns = [
        *columns,
        f'(SELECT "revision" FROM "{revisions}" WHERE "id" = %s)',
        f'(SELECT "changed_at" FROM "{revisions}" WHERE "id" = %s)',
    ]
    with connections[using or router.db_for_read(ChangeLog)].cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)}",
            [*params, CatalogueRevision.SINGLETON, CatalogueRevision.SINGLETON],
        )
        *values, revision, changed_at = cursor.fetchone()
    reference = f"{_part(revision)}:{_part(changed_at)}"
    return CatalogueVersion(
        key=":".join([*map(_part, values), reference, day.isoformat()]), reference=reference
    )


def catalogue_version(*, today: datetime.date | None = None, using: str | None = None) -> CatalogueVersion:
    """The catalogue's version: the last entry of the change sequence (its number and time), the
    newest search row (bulk loads and rebuilds write no change log), the reference data
    revision, and the day."""
    current = _request_version.get()
    if current is not None and today is None:
        return current
    changes, entries = ChangeLog._meta.db_table, CatalogueEntry._meta.db_table
    last = f'FROM "{changes}" ORDER BY "sequence" DESC LIMIT 1'
    columns = [
        f'(SELECT "sequence" {last})',
        f'(SELECT "recorded_at" {last})',
        f'(SELECT "service_id" FROM "{entries}" ORDER BY "service_id" DESC LIMIT 1)',
    ]
    return _read_version(columns, [], today or timezone.localdate(), using)


def service_version(registry_number: str, *, using: str | None = None) -> CatalogueVersion:
    """The version of one service's pages (its page, editions and their comparison): its own last
    change in the sequence, its search row's edition, the reference data revision and the day.
    A publication of another service leaves them cached."""
    changes, entries = ChangeLog._meta.db_table, CatalogueEntry._meta.db_table
    service = f'(SELECT "id" FROM "{Service._meta.db_table}" WHERE "registry_number" = %s)'
    last = f'FROM "{changes}" WHERE "service_id" = {service} ORDER BY "sequence" DESC LIMIT 1'
    # The page shows the service's delivery figures (issue 15): the rollup of a (service, body,
    # month) is rewritten as new rows when records arrive, so its newest id and its row count
    # move with every refresh.
    monthly = f'FROM "{DeliveryMonthly._meta.db_table}" WHERE "service_id" = {service}'
    columns = [
        "'service'",
        f'(SELECT "sequence" {last})',
        f'(SELECT "recorded_at" {last})',
        f'(SELECT "edition_id" FROM "{entries}" WHERE "service_id" = {service})',
        f'(SELECT MAX("id") {monthly})',
        f"(SELECT COUNT(*) {monthly})",
    ]
    return _read_version(columns, [registry_number] * 5, timezone.localdate(), using)


def revision_bump(*, using: str = "default") -> None:
    """Retire every cached public page: reference data that pages show has changed."""
    now = timezone.now()
    rows = CatalogueRevision.objects.using(using).filter(pk=CatalogueRevision.SINGLETON)
    if not rows.update(revision=F("revision") + 1, changed_at=now):
        # The row comes with migration 0011; only a flushed database lacks it.
        CatalogueRevision.objects.using(using).get_or_create(pk=CatalogueRevision.SINGLETON)
        rows.update(revision=F("revision") + 1, changed_at=now)


def page_cache():
    """The ``catalogue`` cache, or ``None`` when it is the database cache and its table is
    missing (``manage.py createcachetable`` not run): the site then works, uncached."""
    cache = caches[CACHE_ALIAS]
    if isinstance(cache, DatabaseCache) and _table_missing(cache._table):
        return None
    return cache


@functools.lru_cache(maxsize=8)
def _table_missing(table: str) -> bool:
    try:
        missing = table not in connections[router.db_for_read(CatalogueRevision)].introspection.table_names()
    except DatabaseError:
        return True
    if missing:
        logger.error(
            "The cache table %s is missing (run manage.py createcachetable): pages are not cached.", table
        )
    return missing


def _page_key(request: HttpRequest, version: CatalogueVersion) -> str:
    # Names sorted, each name's values in their order: the views read the last value of a name.
    query = sorted(request.GET.lists(), key=lambda item: item[0])
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query!r}"
    digest = hashlib.sha256(f"{get_language()}|{address}".encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}:{version.key}:{digest}"


def _known_query(request: HttpRequest, params: Callable[[str], bool]) -> bool:
    """Only addresses the view reads are cached: any other parameter (``?utm_source=…``) would
    store one more copy of a page per value, and let anyone evict the pages people ask for."""
    if len(request.GET) > MAX_CACHED_PARAMS:
        return False
    return all(
        params(name) and len(values) == 1 and len(values[0]) <= MAX_CACHED_VALUE
        for name, values in request.GET.lists()
    )


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not len(get_messages(request))  # len() reads the messages without consuming them


@contextmanager
def serving_version(version: CatalogueVersion) -> Iterator[None]:
    token = _request_version.set(version)
    try:
        yield
    finally:
        _request_version.reset(token)


def no_params(name: str) -> bool:
    return False


def cached_public_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    per_service: bool = False,
    params: Callable[[str], bool] = no_params,
) -> Callable[..., HttpResponse]:
    """Serve the view's page from the cache while the catalogue's version is unchanged; with
    ``per_service``, while the version of the service named by ``registry_number`` is. Only
    addresses whose query parameters ``params`` accepts (each once) are cached."""
    if view is None:
        return functools.partial(cached_public_page, per_service=per_service, params=params)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if per_service:
            version = service_version(kwargs["registry_number"])
            return _serve(request, version, params, view, args, kwargs)
        version = catalogue_version()
        with serving_version(version):
            return _serve(request, version, params, view, args, kwargs)

    return wrapper


def _serve(request: HttpRequest, version: CatalogueVersion, params, view, args, kwargs) -> HttpResponse:
    if not (_cacheable(request) and _known_query(request, params)):
        return view(request, *args, **kwargs)
    cache = page_cache()
    key = _page_key(request, version)
    etag = f'"{key.rsplit(":", 1)[-1][:16]}-{hashlib.sha256(version.key.encode()).hexdigest()[:16]}"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        return _with_etag(HttpResponseNotModified(), etag)  # the browser's copy is current
    if cache is None:
        return view(request, *args, **kwargs)
    stored = cache.get(key)
    if stored is not None:
        headers, compressed = stored
        return _with_etag(HttpResponse(zlib.decompress(compressed), headers=headers), etag)
    response = view(request, *args, **kwargs)
    if isinstance(response, SimpleTemplateResponse):
        response.render()
    if (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith(CACHED_CONTENT_TYPES)
        and not response.cookies
    ):
        compressed = zlib.compress(response.content, COMPRESSION_LEVEL)
        headers = {name: value for name, value in response.items() if name.lower() not in UNCACHED_HEADERS}
        cache.set(key, (headers, compressed), PAGE_TIMEOUT)
        _with_etag(response, etag)
    return response


def _with_etag(response: HttpResponse, etag: str) -> HttpResponse:
    # Browsers and proxies may keep the page but must ask again: the version can change any time.
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def edition_fragments(
    name: str, edition_ids: Iterable[int], render: Callable[[list[int]], dict[int, str]]
) -> dict[int, str]:
    """Rendered fragments of immutable editions (the result cards of a search), by edition id:
    read in one cache call; the missing ones rendered by ``render`` in one go and stored. Valid
    until the reference data changes, so different searches share their cards."""
    edition_ids = list(edition_ids)
    reference = catalogue_version().reference
    cache = page_cache()
    prefix = f"catalogue-{name}:{get_language()}:{reference}:"
    if cache is None:
        return render(edition_ids)
    found = cache.get_many([f"{prefix}{pk}" for pk in edition_ids])
    fragments = {pk: found[f"{prefix}{pk}"] for pk in edition_ids if f"{prefix}{pk}" in found}
    missing = [pk for pk in edition_ids if pk not in fragments]
    if missing:
        rendered = render(missing)
        cache.set_many({f"{prefix}{pk}": html for pk, html in rendered.items()}, PAGE_TIMEOUT)
        fragments.update(rendered)
    return fragments


# What public pages show that can change outside the workflow. Drafts, editions and their rows
# are not here: a draft is never public, and published rows never change in place.
WATCHED_MODELS = (
    ProviderBody,
    Service,
    Region,
    Category,
    Channel,
    PaymentMethod,
    ApplicantCategory,
    LegalAct,
)


def _reference_changed(sender, instance, using: str = "default", created: bool = False, **kwargs) -> None:
    if created:
        return  # nothing public refers to a new row yet; a publication that does moves the sequence
    if sender is Service:
        update_fields = kwargs.get("update_fields")
        if update_fields and set(update_fields) <= set(WITHDRAWAL_FIELDS):
            return  # a withdrawal or restoration: the change sequence records it
        if not _is_public(instance, using):
            return  # a draft-only service: nothing public shows it yet
    revision_bump(using=using)


def _is_public(service: Service, using: str) -> bool:
    return Edition.objects.using(using).filter(service_id=service.pk, status__in=FROZEN_STATUSES).exists()


def _categories_changed(sender, action: str, using: str = "default", **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        revision_bump(using=using)


for _model in WATCHED_MODELS:
    post_save.connect(
        _reference_changed, sender=_model, dispatch_uid=f"catalogue_revision_save_{_model.__name__}"
    )
    post_delete.connect(
        _reference_changed, sender=_model, dispatch_uid=f"catalogue_revision_delete_{_model.__name__}"
    )
m2m_changed.connect(
    _categories_changed, sender=Service.categories.through, dispatch_uid="catalogue_revision_categories"
)


def _dictionary_changed(sender, instance, using: str = "default", **kwargs) -> None:
    # Unlike reference rows, a new synonym changes what a search finds at once.
    revision_bump(using=using)


post_save.connect(_dictionary_changed, sender=SearchSynonym, dispatch_uid="catalogue_revision_synonym_save")
# Service pages show the offices that deliver the service and the day a deadline falls on.
for _model in (Office, CalendarDay):
    post_save.connect(
        _dictionary_changed, sender=_model, dispatch_uid=f"catalogue_revision_save_{_model.__name__}"
    )
    post_delete.connect(
        _dictionary_changed, sender=_model, dispatch_uid=f"catalogue_revision_delete_{_model.__name__}"
    )
m2m_changed.connect(
    _categories_changed, sender=Office.services.through, dispatch_uid="catalogue_revision_office_services"
)
post_delete.connect(
    _dictionary_changed, sender=SearchSynonym, dispatch_uid="catalogue_revision_synonym_delete"
)
