"""Shared fixtures and helpers of the exchange tests: the demo registry (loaded once per
module), exports as bytes, validation against the XSD, and a normalised form of an export for
comparing two registries."""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from lxml import etree

from registry.demo import load_demo
from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.xml_export import NAMESPACE, registry_schema, write_registry_xml
from registry.models import Membership, Role

NS = f"{{{NAMESPACE}}}"


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("exchange-media")


@pytest.fixture(autouse=True)
def _media_root(settings, demo_media):
    settings.MEDIA_ROOT = demo_media


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def export_xml(**request) -> bytes:
    buffer = io.BytesIO()
    write_registry_xml(export_selection(ExportRequest(**request)), buffer)
    return buffer.getvalue()


def assert_valid(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    schema = registry_schema()
    assert schema.validate(root.getroottree()), [str(entry) for entry in schema.error_log]
    return root


def normalised(data: bytes) -> bytes:
    """An export without what differs between two registries holding the same content: the
    time and sequence of the export, this registry's identifiers of acts and bodies (replaced
    by their natural keys), edition numbers, and the storage names of form files."""
    root = etree.fromstring(data)
    ids = {}
    for act in root.iter(f"{NS}legalAct"):
        ids[act.get("id")] = f"{act.get('kind')}|{act.get('number')}|{act.get('date')}"
    for body in root.iter(f"{NS}body"):
        ids[body.get("id")] = body.get("ogrn") or body.findtext(f"{NS}fullName")
    for element in root.iter():
        for name in ("id", "act", "amendingAct", "body", "parent"):
            if element.get(name) in ids:
                element.set(name, ids[element.get(name)])
    for name in ("generatedAt", "sequence"):
        root.attrib.pop(name, None)
    for edition in root.iter(f"{NS}edition"):
        edition.attrib.pop("number")
    for form in root.iter(f"{NS}form"):
        form.attrib.pop("fileName")
    return etree.tostring(root, method="c14n")


def user_with_role(username: str, role: str, body=None):
    user = get_user_model().objects.create_user(username)
    Membership.objects.create(user=user, body=body, role=role)
    return user


def administrator(username: str = "registry-admin"):
    return user_with_role(username, Role.ADMINISTRATOR)
