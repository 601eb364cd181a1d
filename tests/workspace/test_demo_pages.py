"""The workspace on the demo registry as ``make run`` loads it: every service's page opens for
the administrator and for an official of the service's body."""

import pytest
from django.urls import reverse

from registry.models import Membership, Role, Service
from tests.workspace.helpers import user_with

pytestmark = pytest.mark.django_db


def _official_of(body, demo_users):
    """The body's demo official, or a new official of a body the demo gives no account."""
    membership = Membership.objects.filter(body=body, role=Role.OFFICIAL).select_related("user").first()
    if membership is not None:
        return membership.user
    return user_with(Role.OFFICIAL, body)


def test_every_demo_service_page_opens_for_the_administrator_and_the_bodys_official(client, demo_registry):
    services = list(Service.objects.select_related("provider").order_by("registry_number"))
    assert len(services) >= 16
    failures = []
    for service in services:
        url = reverse("workspace:service", kwargs={"registry_number": service.registry_number})
        for user in (demo_registry["admin"], _official_of(service.provider, demo_registry)):
            client.force_login(user)
            response = client.get(url)
            if response.status_code != 200:
                failures.append(f"{url} as {user.username}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_demo_loaders_section_changes_are_labelled_by_the_sections_rows(client, demo_registry):
    """The demo loader records a replaced section as ``"grounds": [old count, new count]``;
    the trail names the rows in Russian, not the relation's code."""
    service = Service.objects.get(registry_number="10000000361")
    client.force_login(demo_registry["admin"])
    content = client.get(reverse("workspace:service", kwargs={"registry_number": "10000000361"})).content
    content = content.decode()
    assert service.editions.filter(grounds__isnull=False).exists()
    assert "Основания (отказы, приостановление)" in content
    assert "Признак заявителя «reason»" in content
    assert ">grounds<" not in content and "variant.general" not in content
