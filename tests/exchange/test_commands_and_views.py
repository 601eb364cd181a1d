"""The management commands and the web interface: downloads, the upload with its dry-run
preview and confirmation, and who may do what."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from registry.exchange.xml_export import NAMESPACE
from registry.models import ChangeLog, Edition, EditionStatus, Role, Service
from tests.exchange.conftest import NS, administrator, assert_valid, export_xml, user_with_role

pytestmark = pytest.mark.django_db


def test_export_command_writes_a_valid_xml_and_a_workbook(demo, tmp_path):
    out = io.StringIO()
    call_command(
        "export_registry",
        "--format",
        "xml",
        "--output",
        str(tmp_path / "r.xml"),
        "--level",
        "municipal",
        stdout=out,
    )
    root = assert_valid((tmp_path / "r.xml").read_bytes())
    assert {s.get("level") for s in root.iter(f"{NS}service")} == {"municipal"}
    assert "порядковый номер" in out.getvalue()
    call_command(
        "export_registry", "--format", "xlsx", "--output", str(tmp_path / "r.xlsx"), stdout=io.StringIO()
    )
    assert "Услуги" in openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames
    last = ChangeLog.objects.order_by("-sequence").first().sequence
    call_command(
        "export_registry", "--output", str(tmp_path / "c.xml"), "--since", str(last), stdout=io.StringIO()
    )
    assert assert_valid((tmp_path / "c.xml").read_bytes()).get("scope") == "changes"


def test_export_command_fails_with_a_message_for_an_unknown_service(demo, tmp_path):
    with pytest.raises(CommandError, match="не найдена"):
        call_command("export_registry", "--output", str(tmp_path / "r.xml"), "--service", "99999999999")


def test_import_command_dry_run_reports_and_a_bad_file_exits_non_zero_with_the_report(demo, tmp_path):
    good = tmp_path / "good.xml"
    good.write_bytes(export_xml(filters={"level": "federal"}))
    out = io.StringIO()
    call_command("import_registry", str(good), "--dry-run", stdout=out)
    assert "без изменений" in out.getvalue() and "Пробная загрузка" in out.getvalue()
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')
    out = io.StringIO()
    with pytest.raises(CommandError, match="ничего из файла не записано"):
        call_command("import_registry", str(bad), stdout=out)
    assert "DOCTYPE" in out.getvalue()


def test_schema_template_and_public_exports_download(demo, client):
    schema = client.get(reverse("exchange:schema"))
    assert schema.status_code == 200 and b"urn:registry:service-standards:1.0" in b"".join(
        schema.streaming_content
    )
    template = client.get(reverse("exchange:template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    xml = client.get(reverse("exchange:export"), {"format": "xml", "level": "regional"})
    root = assert_valid(b"".join(xml.streaming_content))
    assert root.tag == f"{{{NAMESPACE}}}registry" and {s.get("level") for s in root.iter(f"{NS}service")} == {
        "regional"
    }
    xlsx = client.get(reverse("exchange:export"), {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert workbook["Услуги"].max_row > 1


def test_drafts_are_exported_only_for_an_administrator(demo, client):
    assert client.get(reverse("exchange:export"), {"content": "drafts"}).status_code == 403
    client.force_login(administrator())
    response = client.get(reverse("exchange:export"), {"content": "drafts"})
    root = assert_valid(b"".join(response.streaming_content))
    assert "draft" in {e.get("status") for e in root.iter(f"{NS}edition")}


def test_a_bad_export_request_answers_400(demo, client):
    assert client.get(reverse("exchange:export"), {"since": "-1"}).status_code == 400
    assert client.get(reverse("exchange:export"), {"service": "99999999999"}).status_code == 400
    unknown = client.get(reverse("exchange:export"), {"format": "xlsx", "service": "99999999999"})
    assert unknown.status_code == 400 and "не найдена" in unknown.content.decode()


def test_upload_needs_a_signed_in_official_or_administrator(demo, client, django_user_model):
    response = client.get(reverse("exchange:upload"))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(django_user_model.objects.create_user("citizen"))
    assert client.get(reverse("exchange:upload")).status_code == 403


def federal_file(changed_name: str) -> tuple[bytes, Service]:
    root = etree.fromstring(export_xml(filters={"level": "federal"}))
    service_elem = root.find(f"{NS}services")[0]
    service_elem.find(f"{NS}edition/{NS}shortName").text = changed_name
    service = Service.objects.get(registry_number=service_elem.get("registryNumber"))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8"), service


def upload(client, data: bytes, **extra):
    return client.post(reverse("exchange:upload"), {"file": io.BytesIO(data), **extra}, format="multipart")


def test_official_previews_then_confirms_and_gets_a_draft_of_own_body_only(demo, client):
    data, service = federal_file("Изменено загрузкой")
    official = user_with_role("official", Role.OFFICIAL, service.provider)
    client.force_login(official)
    form = client.get(reverse("exchange:upload"))
    assert form.status_code == 200 and b'name="publish"' not in form.content
    editions_before = Edition.objects.count()
    file = io.BytesIO(data)
    file.name = "federal.xml"
    preview = client.post(reverse("exchange:upload"), {"file": file})
    assert preview.status_code == 200
    report = preview.context["report"]
    # Other bodies' services in the file fail the whole file: scoped to the official's body.
    assert not report.ok and preview.context["token"] is None
    outcomes = {item.registry_number: item.outcome for item in report.services}
    assert outcomes[service.registry_number] == "updated"
    assert Edition.objects.count() == editions_before

    own_only = etree.fromstring(data)
    services = own_only.find(f"{NS}services")
    for other in list(services)[1:]:
        if other.get("body") != services[0].get("body"):
            services.remove(other)
    file = io.BytesIO(etree.tostring(own_only, xml_declaration=True, encoding="utf-8"))
    file.name = "own.xml"
    preview = client.post(reverse("exchange:upload"), {"file": file})
    assert preview.context["report"].ok and preview.context["token"]
    assert Edition.objects.count() == editions_before
    assert "Подтвердить загрузку" in preview.content.decode()
    done = client.post(reverse("exchange:upload"), {"confirm": preview.context["token"]})
    assert done.status_code == 200 and done.context["report"].applied
    draft = service.editions.get(status=EditionStatus.DRAFT)
    assert draft.short_name == "Изменено загрузкой"
    # The token is spent: a second confirmation is refused.
    assert client.post(reverse("exchange:upload"), {"confirm": preview.context["token"]}).status_code == 400


def test_an_invalid_upload_shows_errors_tied_to_the_field(demo, client):
    client.force_login(administrator())
    response = client.post(reverse("exchange:upload"), {})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "stem"),
    [
        ("format=xml", "registry"),
        ("format=xlsx", "registry"),
        ("format=xml&q=паспорт", "registry-search"),
        ("format=xlsx&level=federal", "registry-search"),
        ("format=xml&since=0", "registry-changes-since-0"),
    ],
)
def test_a_download_is_named_after_what_it_holds(client, query, stem):
    from django.utils import timezone

    response = client.get(f"/exchange/export/?{query}")
    assert response.status_code == 200
    extension = "xlsx" if "xlsx" in query else "xml"
    name = f"{stem}-{timezone.localdate():%Y%m%d}.{extension}"
    assert f'filename="{name}"' in response.headers["Content-Disposition"]
