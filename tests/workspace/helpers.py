"""Shared builders for the workspace's view tests: users with roles, editions in a status."""

import itertools

from django.contrib.auth import get_user_model

from registry.models import Membership, Role
from registry.services import edition_approve, edition_create_draft, edition_publish, edition_submit
from tests import factories

_users = itertools.count(1)


def user_with(role: str | None = None, body=None, **fields):
    """A user holding ``role`` in ``body`` (or the administrator role with no body)."""
    user = get_user_model().objects.create_user(
        username=fields.pop("username", None) or f"user{next(_users)}", password="demo", **fields
    )
    if role is not None:
        Membership.objects.create(user=user, role=role, body=body if role != Role.ADMINISTRATOR else None)
    return user


def published_service(provider=None, *, actor=None):
    """A service whose first edition (complete) is published by the system."""
    service = factories.service(provider=provider) if provider else factories.service()
    edition = factories.complete_edition(service)
    edition_submit(edition=edition, actor=None)
    edition_approve(edition=edition, actor=None)
    edition_publish(edition=edition, actor=None)
    return service


def draft_of(service, actor=None):
    return edition_create_draft(service=service, actor=actor)
