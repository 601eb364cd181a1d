"""Reads of the registry, with their related rows chosen once."""

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from registry.models import (
    FROZEN_STATUSES,
    ApplicantAttribute,
    AuditEvent,
    AuditEventKind,
    Edition,
    EditionStatus,
    Fee,
    Ground,
    LegalBasis,
    Role,
    Service,
    Variant,
)
from registry.permissions import User, body_ids_with_role, is_administrator


def _editions_with_rows() -> QuerySet[Edition]:
    """Editions with every row the publication validator reads, chosen once."""
    return Edition.objects.select_related("service__provider__region", "amending_act").prefetch_related(
        "results",
        Prefetch("legal_bases", queryset=LegalBasis.objects.select_related("act")),
        "documents",
        Prefetch("grounds", queryset=Ground.objects.select_related("act")),
        Prefetch("fees", queryset=Fee.objects.select_related("act")),
        "indicators",
        "forms",
        Prefetch("variants", queryset=Variant.objects.prefetch_related("attribute_values")),
        Prefetch("applicant_attributes", queryset=ApplicantAttribute.objects.prefetch_related("values")),
        "payment_methods",
        "applicant_categories",
        "submission_channels",
        "result_delivery_channels",
    )


def edition_for_validation(edition_id: int) -> Edition:
    """An edition with every row the publication validator reads, in a fixed number of queries."""
    return _editions_with_rows().get(pk=edition_id)


def editions_for_validation(edition_ids: Iterable[int]) -> list[Edition]:
    """Many editions with their rows, in the same fixed number of queries as one."""
    return list(_editions_with_rows().filter(pk__in=list(edition_ids)))


def current_edition(service: Service) -> Edition | None:
    """The edition in force: the published one. Never an approved edition scheduled for later,
    never a draft. Uses ``service.published_editions`` when the selector below prefetched it."""
    if hasattr(service, "published_editions"):
        return service.published_editions[0] if service.published_editions else None
    return service.editions.filter(status=EditionStatus.PUBLISHED).first()


def _with_current_edition(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("provider").prefetch_related(
        Prefetch(
            "editions",
            queryset=Edition.objects.filter(status=EditionStatus.PUBLISHED),
            to_attr="published_editions",
        )
    )


def services_in_catalogue(*, today: datetime.date | None = None) -> QuerySet[Service]:
    """The public catalogue: services with an edition in force and not withdrawn (a withdrawal
    dated later keeps the service listed until that date)."""
    today = today or timezone.localdate()
    published = Edition.objects.filter(service=OuterRef("pk"), status=EditionStatus.PUBLISHED)
    services = Service.objects.filter(Exists(published)).filter(
        Q(is_withdrawn=False) | Q(withdrawn_on__gt=today)
    )
    return _with_current_edition(services)


def services_visible_to(user: User) -> QuerySet[Service]:
    """Services a user may open: those with a published or superseded edition (withdrawn ones
    included, their editions stay readable), plus every service of the user's bodies.
    A view answers 404 for anything outside this queryset."""
    public = Exists(Edition.objects.filter(service=OuterRef("pk"), status__in=FROZEN_STATUSES))
    if is_administrator(user):
        services = Service.objects.all()
    else:
        services = Service.objects.filter(public | Q(provider_id__in=body_ids_with_role(user)))
    return _with_current_edition(services)


def editions_visible_to(user: User) -> QuerySet[Edition]:
    """Published and superseded editions for everyone; open ones (drafts, editions under review,
    approved and scheduled ones) only for the staff of their body and administrators."""
    editions = Edition.objects.select_related("service__provider")
    if is_administrator(user):
        return editions
    return editions.filter(
        Q(status__in=FROZEN_STATUSES) | Q(service__provider_id__in=body_ids_with_role(user))
    )


def with_end_of_force(editions: QuerySet[Edition]) -> QuerySet[Edition]:
    """The editions annotated with ``lost_force_on``: the effective date of the next published
    edition of the same service, the day from which this one is no longer in force (None for
    the edition in force and for open ones).

    ``superseded_at`` records when the registry switched editions, which may be years after an
    amendment took effect (an edition entered late, a registry loaded today): shown as the end
    of an edition, it would overlap its successor's period in force."""
    successor = (
        Edition.objects.filter(
            service=OuterRef("service"), number__gt=OuterRef("number"), status__in=FROZEN_STATUSES
        )
        .order_by("number")
        .values("effective_date")[:1]
    )
    return editions.annotate(lost_force_on=Subquery(successor))


def editions_of_service(service: Service, user: User) -> QuerySet[Edition]:
    """A service's editions the user may see, newest first (the history of редакции)."""
    return (
        editions_visible_to(user).filter(service=service).select_related("amending_act").order_by("-number")
    )


def editions_awaiting_review(user: User) -> QuerySet[Edition]:
    """Submitted editions of the bodies where the user is a reviewer (all, for administrators)."""
    editions = Edition.objects.filter(status=EditionStatus.SUBMITTED).select_related("service__provider")
    if not is_administrator(user):
        editions = editions.filter(service__provider_id__in=body_ids_with_role(user, Role.REVIEWER))
    return editions.order_by("updated_at", "pk")


def editions_scheduled(*, until: datetime.date | None = None) -> QuerySet[Edition]:
    """Approved editions waiting for their effective date (optionally: due by ``until``)."""
    editions = Edition.objects.filter(status=EditionStatus.APPROVED, scheduled_at__isnull=False)
    if until is not None:
        editions = editions.filter(effective_date__lte=until)
    return editions.select_related("service__provider").order_by("effective_date", "service_id")


def service_audit_trail(service: Service) -> QuerySet[AuditEvent]:
    """The audit trail of a service and all its editions, newest first."""
    return (
        AuditEvent.objects.filter(service=service)
        .select_related("actor", "edition")
        .order_by("-created_at", "-id")
    )


def last_rejection(edition: Edition) -> AuditEvent | None:
    """The reviewer's latest comments on an edition sent back to draft."""
    return (
        AuditEvent.objects.filter(edition=edition, kind=AuditEventKind.REJECTED)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
