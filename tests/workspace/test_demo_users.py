"""The demo officials and reviewers created by ``load_demo --admin``."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from registry.demo_users import DEMO_USERS, ensure_demo_users
from registry.models import Membership

pytestmark = pytest.mark.django_db


def test_load_demo_admin_creates_officials_and_reviewers_of_two_bodies(settings, client):
    settings.DEBUG = True
    call_command("load_demo", "--admin", "--without-deliveries", stdout=io.StringIO())
    for demo in DEMO_USERS:
        user = get_user_model().objects.get(username=demo.username)
        assert user.check_password("demo")
        memberships = Membership.objects.filter(user=user, role=demo.role)
        if demo.body_ogrn is None:
            assert memberships.filter(body__isnull=True).exists()
        else:
            assert memberships.filter(body__ogrn=demo.body_ogrn).exists()
    # Through the sign-in page, as a person does (django-axes needs the request to count failures).
    signed_in = client.post(reverse("workspace:login"), {"username": "mvd_official", "password": "demo"})
    assert signed_in.status_code == 302
    rows = client.get(reverse("workspace:dashboard")).context["rows"]
    assert rows and {row.service.provider.ogrn for row in rows} == {"1037700029620"}


def test_demo_users_are_idempotent(settings):
    settings.DEBUG = True
    call_command("load_demo", "--without-deliveries", stdout=io.StringIO())
    ensure_demo_users()
    assert ensure_demo_users() == ["Демо-пользователи уже есть, изменений нет."]
    assert Membership.objects.filter(user__username__in=[d.username for d in DEMO_USERS]).count() == len(
        DEMO_USERS
    )
