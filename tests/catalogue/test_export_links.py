"""The list page offers the current search as XML and Excel, and the download honours it."""

import os

import pytest
from django.urls import reverse
from lxml import etree

from tests import factories
from tests.catalogue.helpers import published

pytestmark = pytest.mark.django_db


def test_the_list_links_the_current_search_as_xml_and_excel(client):
    published(full_name="Выдача справки о составе семьи", short_name="Справка о составе семьи")

    response = client.get(reverse("catalogue:service_list"), {"q": "справка", "mfc": "on"})

    content = response.content.decode()
    export = reverse("exchange:export")
    assert f"{export}?q=%D1%81%D0%BF%D1%80%D0%B0%D0%B2%D0%BA%D0%B0&amp;mfc=on&amp;format=xml" in content
    assert f"{export}?q=%D1%81%D0%BF%D1%80%D0%B0%D0%B2%D0%BA%D0%B0&amp;mfc=on&amp;format=xlsx" in content
    assert reverse("exchange:schema") in content


def test_the_linked_download_holds_only_the_services_found(client):
    found = published(full_name="Выдача справки о составе семьи", short_name="Справка о составе семьи")
    published(full_name="Выдача охотничьего билета", short_name="Охотничий билет")

    response = client.get(reverse("exchange:export"), {"q": "справка", "format": "xml"})

    assert response.status_code == 200
    document = etree.fromstring(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    numbers = document.xpath("//*[local-name()='service']/@registryNumber")
    assert numbers == [found.service.registry_number]


def test_an_empty_search_offers_no_download(client):
    response = client.get(reverse("catalogue:service_list"), {"q": "вертолёт"})
    assert "format=xml" not in response.content.decode()


@pytest.fixture
def registry_office():
    """A service of a body named «ЗАГС», and one of another body."""
    found = published(
        factories.service(provider=factories.body(full_name="Комитет по делам ЗАГС", short_name="ЗАГС")),
        full_name="Регистрация брака",
        short_name="Регистрация брака",
    )
    published(full_name="Выдача охотничьего билета", short_name="Охотничий билет")
    return found


def test_a_download_of_a_search_by_body_name_holds_that_body_s_services(client, registry_office):
    found = registry_office
    listing = client.get(reverse("catalogue:service_list"), {"body": "загс"})
    assert "body=%D0%B7%D0%B0%D0%B3%D1%81&amp;format=xml" in listing.content.decode()
    response = client.get(reverse("exchange:export"), {"body": "загс", "format": "xml"})
    document = etree.fromstring(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert document.xpath("//*[local-name()='service']/@registryNumber") == [found.service.registry_number]


def test_the_export_command_takes_the_body_filter(tmp_path, registry_office):
    from django.core.management import call_command

    found = registry_office
    output = tmp_path / "zags.xml"
    call_command(
        "export_registry",
        "--format",
        "xml",
        "--output",
        str(output),
        "--body",
        "ЗАГС",
        stdout=open(os.devnull, "w"),
    )  # noqa: SIM115
    numbers = etree.parse(str(output)).xpath("//*[local-name()='service']/@registryNumber")
    assert numbers == [found.service.registry_number]
