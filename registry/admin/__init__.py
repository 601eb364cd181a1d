"""The registry's administration pages, in Russian: classifiers, bodies, services, the
editions of their standards, roles of users and the audit trail."""

from registry.admin import (
    access,
    audits,
    delivery_places,
    editions,
    jobs,
    reference,
    security,
    services,
    variants,
)

__all__ = [
    "access",
    "audits",
    "delivery_places",
    "editions",
    "jobs",
    "reference",
    "security",
    "services",
    "variants",
]
