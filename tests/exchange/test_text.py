"""Text stored before the validators refused it (a character XML cannot carry, text longer than an
Excel cell): an export stops naming the service, the section and the field, and
``check_exchange_text`` lists every such place."""

import datetime
import io
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from registry.exchange import text
from registry.exchange.records import chunk_records, edition_record
from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.text import (
    ExportTextError,
    edition_text_problems,
    export_text_error,
    record_text_problems,
    text_problem,
)
from registry.models import Document, Edition, ProviderBody, Service
from registry.selectors import edition_for_validation
from registry.services import service_withdraw
from registry.validation.rules import RULES
from regulations.models import LegalAct
from tests import factories
from tests.exchange.conftest import NS, assert_valid, export_xml
from tests.exchange.test_changes_and_round_trip import publish
from tests.registry.test_validation import build, plant_bad_text_everywhere

pytestmark = pytest.mark.django_db


def published_before_the_text_rule(edition: Edition) -> Edition:
    """Publish as the validator did before it refused such text (``edition.text_not_exchangeable``):
    editions published then may still hold it."""
    with mock.patch.dict(RULES):
        del RULES["edition.text_not_exchangeable"]
        return publish(edition)


def published(**overrides) -> Edition:
    """A published edition whose text was stored without model validation (as before it)."""
    return published_before_the_text_rule(factories.complete_edition(**overrides))


def test_text_problem_names_what_the_exchange_cannot_carry_and_passes_everything_else():
    assert text_problem("Абзац.\tТаблица.\r\nАбзац.") is None
    assert text_problem("я" * 32_767) is None
    assert text_problem(None) is None and text_problem(12) is None and text_problem(b"\x0b") is None
    assert "U+000B" in text_problem("Выдача\x0bпаспорта")
    assert "U+FFFF" in text_problem("\uffff")
    assert "32 767" in text_problem("я" * 32_768)


def test_xml_export_stops_at_a_control_character_naming_service_edition_and_field():
    edition = published(full_name="Выдача\x0bразрешения на строительство")
    number = edition.service.registry_number
    with pytest.raises(ExportTextError) as exc_info:
        export_xml()
    message = str(exc_info.value)
    assert f"услуга {number}, редакция № 1 (действующая редакция)" in message
    assert "поле «полное наименование услуги»" in message
    assert "Недопустимый управляющий символ U+000B" in message
    assert "check_exchange_text" in message


def test_xml_export_names_the_section_and_row_of_a_bad_row():
    edition = factories.complete_edition()
    Document.objects.filter(edition=edition, source="interagency").update(note="Копия\x07")
    published_before_the_text_rule(edition)
    with pytest.raises(ExportTextError) as exc_info:
        export_xml()
    message = str(exc_info.value)
    assert "раздел «Документы», строка 2, поле «пояснение»" in message and "U+0007" in message


@pytest.mark.parametrize(
    ("model", "field", "place"),
    [
        (ProviderBody, "address", r"орган «Орган \d+», поле «адрес»"),
        (
            LegalAct,
            "issuing_body",
            r"нормативный правовой акт «.+» \(№ \d+ в реестре\), поле «принявший орган»",
        ),
    ],
    ids=["body", "legal-act"],
)
def test_xml_export_names_a_body_or_a_legal_act_that_cannot_travel(model, field, place):
    published()
    model.objects.update(**{field: "Москва,\x0c1"})
    with pytest.raises(ExportTextError, match=place + r"\. Недопустимый управляющий символ U\+000C"):
        export_xml()


def test_xml_export_carries_a_text_longer_than_an_excel_cell():
    edition = published(premises_requirements="я" * 40_000)
    root = assert_valid(export_xml())
    assert root.findtext(f".//{NS}premises/{NS}requirements") == edition.premises_requirements


def test_a_withdrawal_reason_that_cannot_travel_stops_an_incremental_export():
    edition = published()
    service = edition.service
    since = int(assert_valid(export_xml()).get("sequence"))
    service_withdraw(service=service, actor=None, reason="Полномочие передано.", date=datetime.date.today())
    Service.objects.filter(pk=service.pk).update(withdrawal_reason="Полномочие\x0bпередано.")
    with pytest.raises(ExportTextError, match=f"услуга {service.registry_number}, поле «причина исключения»"):
        export_xml(since=since)


def test_export_text_error_of_a_record_for_the_excel_writer():
    edition = published(other_requirements="я" * 32_768)
    selection = export_selection(ExportRequest())
    ((_service, record),) = chunk_records(list(selection.services), selection.editions)
    error = export_text_error(record)
    assert isinstance(error, ExportTextError)
    assert error.place.endswith("поле «иные требования»") and "32 767" in error.problem
    assert export_text_error(record, include_length=False) is None
    assert edition.service.registry_number in str(error)


def test_export_command_fails_with_the_place_and_leaves_no_partial_file(tmp_path):
    published(short_name="Разрешение\x0b")
    output = tmp_path / "registry.xml"
    with pytest.raises(CommandError, match="поле «краткое наименование услуги»"):
        call_command("export_registry", "--output", str(output), stdout=io.StringIO())
    assert not output.exists()


def test_the_xlsx_download_answers_text_a_cell_cannot_hold_with_its_place(client):
    published(other_requirements="я" * 32_768)
    response = client.get(reverse("exchange:export"), {"format": "xlsx"})
    assert response.status_code == 409
    assert "не помещается в ячейку Excel" in response.content.decode()


def test_export_command_to_excel_fails_with_the_place_and_leaves_no_file(tmp_path):
    published(premises_requirements="я" * 32_768)
    output = tmp_path / "registry.xlsx"
    with pytest.raises(CommandError, match="ячейка"):
        call_command("export_registry", "--format", "xlsx", "--output", str(output), stdout=io.StringIO())
    assert not output.exists()


def test_check_command_lists_every_place_and_exits_non_zero():
    edition = published(full_name="Выдача\x0bразрешения")
    draft = factories.complete_edition(factories.service(), accessibility_requirements="я" * 32_768)
    factories.legal_act(title="Кодекс\x1f")
    out = io.StringIO()
    with pytest.raises(CommandError, match="3") as exc_info:
        call_command("check_exchange_text", stdout=out)
    assert exc_info.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 3, lines
    assert any(
        line.startswith(f"услуга {edition.service.registry_number}, редакция № 1 (действующая редакция), ")
        and "U+000B" in line
        for line in lines
    )
    assert any(draft.service.registry_number in line and "(черновик)" in line for line in lines)
    assert any(line.startswith("нормативный правовой акт «Кодекс�»") for line in lines)


def test_check_command_says_so_when_everything_can_travel():
    published()
    out = io.StringIO()
    call_command("check_exchange_text", stdout=out)
    assert "можно выгрузить" in out.getvalue()


def test_the_text_rule_reads_the_same_problems_an_export_would_meet():
    edition = build(single=True)
    plant_bad_text_everywhere(edition)

    found = list(edition_text_problems(edition_for_validation(edition.pk)))
    problems = [problem for problem, _row in found]

    stored = Edition.objects.get(pk=edition.pk)
    assert problems == list(record_text_problems(edition_record(stored.service, stored)))
    assert [(p.section, p.row, p.field) for p in problems] == [
        ("edition", None, "full_name"),
        ("edition", None, "correction_procedure"),
        ("attributes", 1, "question"),
        ("attribute_values", 2, "label"),
        ("variants", 1, "description"),
        ("results", 1, "name"),
        ("legal_bases", 1, "note"),
        ("documents", 1, "name"),
        ("documents", 2, "name"),
        ("grounds", 1, "text"),
        ("grounds", 4, "text"),
        ("fees", 1, "name"),
        ("indicators", 1, "unit"),
        ("forms", 1, "title"),
    ]
    assert [type(row).__name__ for _problem, row in found[:5]] == [
        "Edition",
        "Edition",
        "ApplicantAttribute",
        "AttributeValue",
        "Variant",
    ]


def test_every_section_of_a_record_has_a_model_for_its_place():
    assert set(text.SECTION_MODELS) >= {"edition", "attributes", "attribute_values", "variants", "documents"}
