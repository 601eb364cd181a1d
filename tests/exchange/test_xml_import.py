"""XML import: dry run, all or nothing, idempotence, drafts unless publishing, locations of
errors, permission scoping, and hostile files."""

import base64
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.db import transaction
from lxml import etree

from registry.demo import load_demo, load_reference
from registry.exchange.service import import_file
from registry.models import AuditEvent, Edition, EditionStatus, Role, Service
from tests import form_samples
from tests.exchange.conftest import NS, administrator, assert_valid, export_xml, normalised, user_with_role

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, data: bytes, name: str = "registry.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def snapshot() -> tuple[int, int, int]:
    return Service.objects.count(), Edition.objects.count(), AuditEvent.objects.count()


# The demo's exports by request, made once per process: the demo files do not change during a
# run, and loading the demo for each test that needs its export costs seconds per test.
_DEMO_EXPORTS: dict[str, bytes] = {}


def export_then_empty(tmp_path: Path, **request) -> Path:
    """The demo registry exported, then the registry emptied again (reference data reloaded)."""
    key = repr(sorted(request.items()))
    if key not in _DEMO_EXPORTS:
        savepoint = transaction.savepoint()
        load_demo()
        _DEMO_EXPORTS[key] = export_xml(**request)
        transaction.savepoint_rollback(savepoint)
    load_reference()
    return write(tmp_path, _DEMO_EXPORTS[key], "demo.xml")


@pytest.fixture
def exported_demo(tmp_path) -> Path:
    return export_then_empty(tmp_path)


@pytest.fixture
def exported_federal(tmp_path) -> Path:
    """The five federal services of the demo: enough for a bad record in the middle."""
    return export_then_empty(tmp_path, filters={"level": "federal"})


def test_round_trip_of_the_demo_registry_gives_the_same_content(exported_demo):
    first = exported_demo.read_bytes()
    report = import_file(exported_demo, actor=None, dry_run=False, publish=True)
    assert report.ok, list(report.lines())
    assert report.counts()["created"] == len(etree.fromstring(first).find(f"{NS}services"))
    second = assert_valid(export_xml())
    assert normalised(etree.tostring(second)) == normalised(first)


def test_dry_run_writes_nothing_and_reports_what_would_happen(exported_federal, demo_media):
    files_before = sorted(p for p in Path(demo_media).rglob("*") if p.is_file())
    before = snapshot()
    report = import_file(exported_federal, actor=None, dry_run=True, publish=True)
    assert report.ok and not report.applied
    assert set(report.counts()) and report.counts()["created"] > 0
    assert snapshot() == before
    assert sorted(p for p in Path(demo_media).rglob("*") if p.is_file()) == files_before


def test_import_lands_as_drafts_and_a_second_import_changes_nothing(exported_federal):
    report = import_file(exported_federal, actor=None, dry_run=False)
    assert report.ok, list(report.lines())
    assert set(Edition.objects.values_list("status", flat=True)) == {EditionStatus.DRAFT}
    before = snapshot()
    again = import_file(exported_federal, actor=None, dry_run=False)
    assert again.ok and again.counts()["unchanged"] == len(again.services)
    assert snapshot() == before


def edited(path: Path, change) -> Path:
    root = etree.fromstring(path.read_bytes())
    change(root)
    out = path.with_name("edited.xml")
    out.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return out


def test_a_record_the_validator_refuses_fails_the_whole_file_on_publish(exported_federal):
    def drop_legal_bases(root):
        edition = root.find(f"{NS}services")[1].find(f"{NS}edition")
        edition.remove(edition.find(f"{NS}legalBases"))

    path = edited(exported_federal, drop_legal_bases)
    before = snapshot()
    report = import_file(path, actor=None, dry_run=False, publish=True)
    assert not report.ok and not report.applied
    failed = [item for item in report.services if item.errors]
    assert len(failed) == 1 and "не опубликована" in str(failed[0].errors[0].message)
    assert snapshot() == before


def test_a_bad_row_in_the_middle_fails_the_whole_file_with_its_line_and_xpath(exported_federal):
    def reverse_fee_dates(root):
        fee = root.find(f"{NS}services").findall(f".//{NS}fee")[1]
        fee.set("validFrom", "2024-01-01")
        fee.set("validTo", "2023-01-01")

    path = edited(exported_federal, reverse_fee_dates)
    fee_line = etree.parse(str(path)).getroot().find(f"{NS}services").findall(f".//{NS}fee")[1].sourceline
    before = snapshot()
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and snapshot() == before
    (problem,) = report.errors()
    assert problem.location.line == fee_line
    assert re.fullmatch(
        r"/registry/services/service\[\d+\]/edition/payment/fee(\[\d+\])?/@validTo", problem.location.xpath
    )
    assert "раньше даты начала" in problem.message


def test_a_schema_error_in_the_middle_is_reported_with_line_and_path_and_nothing_is_written(exported_federal):
    def bad_day_type(root):
        root.find(f"{NS}services")[2].find(f"{NS}edition/{NS}deadline").set("dayType", "holiday")

    path = edited(exported_federal, bad_day_type)
    before = snapshot()
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and snapshot() == before
    (problem,) = report.errors()
    assert problem.location.xpath.startswith("/registry/services/service[3]/edition/deadline")
    assert problem.location.line > 1 and problem.location.xpath.endswith("/deadline/@dayType")
    assert problem.message == (
        "Атрибут «dayType» элемента «deadline»: значение «holiday» не допускается. "
        "Допустимые значения: working, calendar."
    )
    assert [item.outcome for item in report.services].count("error") == 1


def test_an_official_imports_only_services_of_own_body_and_may_not_publish(exported_demo):
    load_demo()
    service = Service.objects.filter(editions__status=EditionStatus.PUBLISHED).first()
    official = user_with_role("official", Role.OFFICIAL, service.provider)
    report = import_file(exported_demo, actor=official, dry_run=True)
    own = [item for item in report.services if item.registry_number == service.registry_number]
    others = [item for item in report.services if item.registry_number != service.registry_number]
    assert own[0].outcome == "unchanged"
    foreign = [item for item in others if item.outcome == "error"]
    assert foreign and all("может его должностное лицо" in str(item.errors[0].message) for item in foreign)
    refused = import_file(exported_demo, actor=official, dry_run=True, publish=True)
    assert "только администратор" in refused.file_errors[0].message


def test_an_administrator_imports_any_body(exported_federal):
    report = import_file(exported_federal, actor=administrator(), dry_run=True)
    assert report.ok


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<registry xmlns="urn:registry:service-standards:1.0">&lol9;</registry>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE registry [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<registry xmlns="urn:registry:service-standards:1.0">&xxe;</registry>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, "DOCTYPE"),
        (EXTERNAL_ENTITY, "DOCTYPE"),
        (b'<?xml version="1.0"?><!DOCTYPE registry SYSTEM "http://example.com/r.dtd"><registry/>', "DOCTYPE"),
        # DOCTYPE pushed past the prolog window by a long comment: caught by the parser check.
        (b"<?xml version='1.0'?><!--" + b"x" * 70_000 + b"-->" + BILLION_LAUGHS[21:], "DOCTYPE"),
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n<registry xmlns="urn:registry:service-standards:1.0">'
            "Ошибка</registry>".encode("cp1251"),
            "UTF-8",
        ),
        ('<?xml version="1.0" encoding="windows-1251"?><registry/>'.encode("cp1251"), "UTF-8"),
        ('<?xml version="1.0"?><registry/>'.encode("utf-16"), "UTF-16"),
        (b'<?xml version="1.0"?><registry xmlns="urn:registry:service-standards:1.0"><legalActs>', "обрезан"),
        (b"", "пуст"),
        (b"not xml at all", "не читается"),
        (b'<?xml version="1.0"?><catalog/>', "корневой элемент"),
    ],
    ids=[
        "billion-laughs",
        "external-entity",
        "external-dtd",
        "late-doctype",
        "wrong-bytes",
        "declared-cp1251",
        "utf16",
        "truncated",
        "empty",
        "not-xml",
        "wrong-root",
    ],
)
def test_hostile_and_broken_xml_files_get_a_clear_error_and_write_nothing(tmp_path, data, message):
    before = snapshot()
    report = import_file(write(tmp_path, data), actor=None, dry_run=False, publish=True)
    assert not report.ok and not report.applied
    assert any(message in problem.message for problem in report.file_errors), list(report.lines())
    assert "root:" not in " ".join(report.lines())  # /etc/passwd never leaks into a message
    assert snapshot() == before


def test_truncated_export_reports_the_line_and_writes_nothing(exported_federal):
    data = exported_federal.read_bytes()
    path = write(exported_federal.parent, data[: len(data) * 2 // 3], "cut.xml")
    before = snapshot()
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and snapshot() == before
    assert report.file_errors[-1].location.line


def test_an_export_stream_is_readable_by_a_plain_parser(exported_federal):
    tree = etree.parse(io.BytesIO(exported_federal.read_bytes()))
    assert tree.getroot().tag == f"{NS}registry"


@pytest.mark.parametrize(
    ("character", "code"),
    [(b"\x0b", "U+000B"), (b"&#11;", "U+000B"), (b"&#x1F;", "U+001F"), (b"\xef\xbf\xbe", "U+FFFE")],
    ids=["vertical-tab", "character-reference", "hex-reference", "U+FFFE"],
)
def test_a_character_xml_cannot_carry_is_reported_clearly_with_its_line_and_nothing_is_written(
    exported_federal, character, code
):
    data = exported_federal.read_bytes()
    at = data.index(b"<shortName>", data.index(b"<services>")) + len(b"<shortName>")
    path = write(exported_federal.parent, data[:at] + b"\xd0\x92" + character + data[at:], "word.xml")
    before = snapshot()
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and not report.applied and snapshot() == before
    (problem,) = report.file_errors
    assert problem.location.line == data[:at].count(b"\n") + 1
    assert f"недопустимый символ {code}" in problem.message
    assert "XML 1.0 не допускает управляющие символы" in problem.message and "Word" in problem.message


def test_a_text_longer_than_an_excel_cell_fails_the_whole_file_at_its_element(exported_federal):
    def long_requirements(root):
        premises = root.find(f"{NS}services")[1].find(f"{NS}edition/{NS}premises")
        requirements = premises.find(f"{NS}requirements")
        if requirements is None:
            requirements = etree.SubElement(premises, f"{NS}requirements")
            premises.insert(0, requirements)
        requirements.text = "я" * 32_768

    path = edited(exported_federal, long_requirements)
    line = etree.parse(str(path)).getroot().find(f"{NS}services")[1].find(f".//{NS}requirements").sourceline
    before = snapshot()
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and not report.applied and snapshot() == before
    (problem,) = report.errors()
    assert problem.location.xpath == "/registry/services/service[2]/edition/premises/requirements"
    assert problem.location.line == line
    assert "длиннее 32 767 знаков" in problem.message
    assert [item.outcome for item in report.services].count("error") == 1


def test_a_body_text_longer_than_a_cell_is_a_file_error_at_the_body(exported_federal):
    def long_working_hours(root):
        body = root.find(f"{NS}bodies")[0]
        hours = body.find(f"{NS}workingHours")
        if hours is None:
            hours = etree.SubElement(body, f"{NS}workingHours")
        hours.text = "пн–пт 9–18; " * 3_000

    report = import_file(edited(exported_federal, long_working_hours), actor=None, dry_run=True)
    assert not report.ok
    (problem,) = report.file_errors
    assert problem.location.xpath == "/registry/bodies/body[1]/workingHours"
    assert "длиннее 32 767 знаков" in problem.message


def test_a_form_whose_content_is_a_web_page_renamed_pdf_fails_at_its_form(exported_federal):
    def html_as_pdf(root):
        form = root.find(f"{NS}services").findall(f".//{NS}form")[0]
        form.set("fileName", "zayavlenie.pdf")
        form.set("sha256", hashlib.sha256(form_samples.HTML).hexdigest())
        form.find(f"{NS}content").text = base64.b64encode(form_samples.HTML).decode()

    path = edited(exported_federal, html_as_pdf)
    before = snapshot()
    report = import_file(path, actor=None, dry_run=False)
    assert not report.ok and snapshot() == before
    (problem,) = report.errors()
    assert "по содержимому — веб-страница HTML" in problem.message
    assert "/forms/form" in problem.location.xpath
