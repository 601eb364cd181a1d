"""The draft editor: every section saves (valid input), refuses invalid input with a message tied
to its field, and survives a concurrent edit; permissions; the validation panel; query counts."""

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import (
    ApplicantCategory,
    Category,
    Channel,
    Document,
    DocumentSource,
    Edition,
    GroundKind,
    PaymentMethod,
    Service,
)
from registry.services import (
    SubmissionRefused,
    edition_create_draft,
    edition_rows_update,
    edition_submit,
    edition_update,
)
from registry.workspace.sections import SECTIONS, SECTIONS_BY_SLUG, sections_for
from tests import factories, form_samples
from tests.workspace.helpers import published_service, user_with

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Helpers: read the editor form as a browser would submit it
# ---------------------------------------------------------------------------------------------


def section_url(edition, slug: str) -> str:
    return reverse("workspace:edition_edit", kwargs={"pk": edition.pk, "section": slug})


def form_data(html) -> dict:
    document = lxml.html.fromstring(html)
    (form,) = document.xpath('//form[contains(@class, "editor__form")]')
    data: dict[str, list[str]] = {}
    textareas = set(form.xpath(".//textarea/@name"))
    for name, value in form.form_values():
        # Browsers drop the newline that opens a textarea's content; lxml keeps it.
        data.setdefault(name, []).append(value.removeprefix("\n") if name in textareas else value)
    return data


def page_form(client, edition, slug: str) -> dict:
    response = client.get(section_url(edition, slug))
    assert response.status_code == 200
    return form_data(response.content)


def post_section(client, edition, slug: str, changes: dict, *, base: dict | None = None, drop=()):
    data = dict(base if base is not None else page_form(client, edition, slug))
    for name in drop:
        data.pop(name, None)
    data.update(changes)
    return client.post(section_url(edition, slug), data)


def element(html, element_id: str):
    found = lxml.html.fromstring(html).get_element_by_id(element_id, None)
    assert found is not None, f"no element #{element_id}"
    return found


def stored(edition) -> Edition:
    return Edition.objects.get(pk=edition.pk)


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def service(body):
    return factories.service(provider=body, under_single_standard=True)


@pytest.fixture
def draft(service, official):
    return edition_create_draft(service=service, actor=official)


@pytest.fixture
def signed_in(client, official):
    client.force_login(official)
    return client


@pytest.fixture
def act():
    return factories.legal_act(
        title="Налоговый кодекс Российской Федерации (часть вторая)", short_title="НК РФ"
    )


@pytest.fixture
def classifiers():
    return {
        "payment": PaymentMethod.objects.create(code="cash_test", name="Наличными"),
        "category": ApplicantCategory.objects.create(code="people_test", name="Физические лица"),
        "channel": Channel.objects.create(code="post_test", name="Почтой"),
    }


# ---------------------------------------------------------------------------------------------
# Valid saves, one per section
# ---------------------------------------------------------------------------------------------


def valid_changes(slug: str, act, classifiers) -> dict:
    return {
        "name": {"edition-full_name": ["Выдача паспорта гражданина"], "edition-short_name": ["Паспорт"]},
        "edition": {"edition-change_note": ["Первая редакция"], "edition-effective_date": ["2030-01-15"]},
        "results": {
            "results-0-kind": ["document"],
            "results-0-name": ["Паспорт гражданина Российской Федерации"],
            "results-0-document_form": ["бумажный документ"],
        },
        "deadline": {
            "edition-deadline_value": ["5"],
            "edition-deadline_unit": ["days"],
            "edition-deadline_day_type": ["working"],
            "edition-deadline_start_event": ["со дня регистрации заявления"],
        },
        "legal_bases": {"legal_bases-0-act": [str(act.pk)], "legal_bases-0-article": ["333.33"]},
        "documents": {
            "documents_applicant-0-name": ["Заявление о выдаче паспорта"],
            "documents_interagency-0-name": ["Сведения о регистрации по месту жительства"],
            "documents_interagency-0-holder_body": ["МВД России"],
        },
        "grounds": {
            "edition-no_accept_refusal_grounds": ["on"],
            "grounds_refusal-0-text": ["Заявитель не является гражданином Российской Федерации."],
        },
        "fees": {
            "edition-is_free": ["no"],
            "edition-payment_methods": [str(classifiers["payment"].pk)],
            "fees-0-name": ["Государственная пошлина"],
            "fees-0-amount": ["300"],
            "fees-0-act": [str(act.pk)],
            "fees-0-article": ["333.33"],
        },
        "queue": {
            "edition-queue_wait_minutes_submission": ["15"],
            "edition-queue_wait_minutes_receipt": ["15"],
            "edition-registration_term": ["same_day"],
        },
        "premises": {
            "edition-premises_requirements": ["Зал ожидания, информационные стенды."],
            "edition-access_ramp": ["on"],
        },
        "indicators": {
            "indicators-0-kind": ["quality"],
            "indicators-0-name": ["Число обращений к должностным лицам"],
            "indicators-0-comparison": ["le"],
            "indicators-0-target_value": ["2"],
        },
        "availability": {
            "edition-available_in_mfc": ["yes"],
            "edition-available_electronically": ["no"],
            "edition-extraterritorial": ["unknown"],
        },
        "applicants": {
            "edition-applicant_categories": [str(classifiers["category"].pk)],
            "edition-applicants_description": ["Граждане, достигшие 14 лет."],
        },
        "channels": {
            "edition-submission_channels": [str(classifiers["channel"].pk)],
            "edition-progress_tracking": ["В личном кабинете ЕПГУ."],
            "edition-result_delivery_channels": [str(classifiers["channel"].pk)],
        },
        "corrections": {
            "edition-correction_procedure": ["В течение 5 рабочих дней."],
            "edition-no_correction_refusal_grounds": ["on"],
            "grounds_duplicate_refusal-0-text": ["Заявление подано не заявителем."],
        },
        "forms": {
            "forms-0-kind": ["request"],
            "forms-0-title": ["Заявление о выдаче паспорта"],
            "forms-0-file": [SimpleUploadedFile("zayavlenie.pdf", b"%PDF-1.4\n", "application/pdf")],
        },
        "variants": {
            "attributes-0-code": ["reason"],
            "attributes-0-question": ["Почему вы обращаетесь?"],
            "variants-0-code": ["issue"],
            "variants-0-name": ["Выдача паспорта"],
        },
    }[slug]


def check_saved(slug: str, edition: Edition, act, classifiers) -> None:
    if slug == "name":
        assert (edition.full_name, edition.short_name) == ("Выдача паспорта гражданина", "Паспорт")
    elif slug == "edition":
        assert edition.change_note == "Первая редакция" and str(edition.effective_date) == "2030-01-15"
    elif slug == "results":
        assert [r.name for r in edition.results.all()] == ["Паспорт гражданина Российской Федерации"]
    elif slug == "deadline":
        assert edition.deadline_display() == "не более 5 рабочих дней со дня регистрации заявления"
    elif slug == "legal_bases":
        assert [(b.act, b.article) for b in edition.legal_bases.all()] == [(act, "333.33")]
    elif slug == "documents":
        assert {(d.source, d.name, d.holder_body) for d in edition.documents.all()} == {
            (DocumentSource.APPLICANT, "Заявление о выдаче паспорта", ""),
            (DocumentSource.INTERAGENCY, "Сведения о регистрации по месту жительства", "МВД России"),
        }
    elif slug == "grounds":
        assert edition.no_accept_refusal_grounds is True
        assert [g.kind for g in edition.grounds.all()] == [GroundKind.REFUSAL]
    elif slug == "fees":
        assert edition.is_free is False
        assert list(edition.payment_methods.all()) == [classifiers["payment"]]
        (fee,) = edition.fees.all()
        assert (fee.amount, fee.act, fee.article) == (300, act, "333.33")
    elif slug == "queue":
        assert (edition.queue_wait_minutes_submission, edition.registration_term) == (15, "same_day")
    elif slug == "premises":
        assert edition.access_ramp and edition.premises_requirements.startswith("Зал ожидания")
    elif slug == "indicators":
        assert [i.name for i in edition.indicators.all()] == ["Число обращений к должностным лицам"]
    elif slug == "availability":
        assert (edition.available_in_mfc, edition.available_electronically, edition.extraterritorial) == (
            True,
            False,
            None,
        )
    elif slug == "applicants":
        assert list(edition.applicant_categories.all()) == [classifiers["category"]]
    elif slug == "channels":
        assert list(edition.submission_channels.all()) == [classifiers["channel"]]
        assert edition.progress_tracking == "В личном кабинете ЕПГУ."
    elif slug == "corrections":
        assert edition.no_correction_refusal_grounds
        assert [g.kind for g in edition.grounds.all()] == [GroundKind.DUPLICATE_REFUSAL]
    elif slug == "forms":
        (form,) = edition.forms.all()
        assert form.title == "Заявление о выдаче паспорта" and form.file.name.endswith(".pdf")
    elif slug == "variants":
        assert [v.code for v in edition.variants.all()] == ["issue"]
        assert [a.code for a in edition.applicant_attributes.all()] == ["reason"]
    else:
        raise AssertionError(f"no check for {slug}")


@pytest.mark.parametrize("slug", [section.slug for section in SECTIONS])
def test_section_saves_valid_input_and_bumps_the_version(signed_in, draft, slug, act, classifiers):
    response = post_section(signed_in, draft, slug, valid_changes(slug, act, classifiers))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == section_url(draft, slug)
    saved = stored(draft)
    assert saved.lock_version > draft.lock_version
    check_saved(slug, saved, act, classifiers)
    page = signed_in.get(response["Location"])
    assert "сохранён" in page.content.decode()


def test_saving_an_unchanged_section_keeps_the_version(signed_in, draft):
    response = post_section(signed_in, draft, "deadline", {})
    assert response.status_code == 302
    assert stored(draft).lock_version == draft.lock_version


def test_save_and_next_opens_the_next_section(signed_in, draft):
    response = post_section(signed_in, draft, "name", {"edition-full_name": ["Услуга"], "save_next": ["1"]})
    assert response["Location"] == section_url(draft, "edition")


def test_rows_are_changed_and_removed(signed_in, draft, official):
    edition_rows_update(
        edition=draft,
        actor=official,
        expected_version=draft.lock_version,
        add=[
            (Document, {"source": "applicant", "name": "Паспорт"}),
            (Document, {"source": "applicant", "name": "СНИЛС"}),
        ],
    )
    rows = list(stored(draft).documents.order_by("id"))
    response = post_section(
        signed_in,
        draft,
        "documents",
        {"documents_applicant-0-name": ["Паспорт гражданина"], "documents_applicant-1-DELETE": ["on"]},
    )
    assert response.status_code == 302
    assert [d.name for d in stored(draft).documents.all()] == ["Паспорт гражданина"]
    assert stored(draft).documents.get().pk == rows[0].pk


def test_an_empty_incomplete_draft_saves(signed_in, draft):
    response = post_section(signed_in, draft, "name", {"edition-full_name": ["Только наименование"]})
    assert response.status_code == 302
    assert stored(draft).full_name == "Только наименование"


# ---------------------------------------------------------------------------------------------
# Invalid input: a Russian message tied to its field, and a summary linking to it
# ---------------------------------------------------------------------------------------------

INVALID = [
    (
        "deadline",
        {
            "edition-deadline_value": ["0"],
            "edition-deadline_unit": ["days"],
            "edition-deadline_day_type": ["working"],
        },
        "id_edition-deadline_value",
        "положительным",
    ),
    (
        "queue",
        {"edition-queue_wait_minutes_submission": ["-3"]},
        "id_edition-queue_wait_minutes_submission",
        "больше либо равно 0",
    ),
    (
        "deadline",
        {"edition-deadline_value": ["пять"], "edition-deadline_unit": ["days"]},
        "id_edition-deadline_value",
        "Введите целое число.",
    ),
    (
        "deadline",
        {"edition-deadline_unit": ["weeks"]},
        "id_edition-deadline_unit",
        "Выберите корректный вариант",
    ),
    (
        "documents",
        {"documents_applicant-0-name": ["Заявление"], "documents_interagency-0-name": ["заявление"]},
        "id_documents_interagency-0-name",
        "указывается один раз",
    ),
    (
        "documents",
        {"documents_applicant-0-name": ["Заявление"], "documents_applicant-0-copies": ["0"]},
        "id_documents_applicant-0-copies",
        "не меньше одного",
    ),
    ("fees", {"fees-0-name": ["Пошлина"], "fees-0-amount": ["триста"]}, "id_fees-0-amount", "Введите число."),
    (
        "fees",
        {"fees-0-name": ["Пошлина"], "fees-0-amount": ["-1"]},
        "id_fees-0-amount",
        "не может быть отрицательным",
    ),
    ("premises", {"edition-premises_requirements": ["x" * 10], "edition-access_ramp": ["maybe"]}, None, None),
    (
        "indicators",
        {"indicators-0-name": ["Обращения"], "indicators-0-comparison": ["about"]},
        "id_indicators-0-comparison",
        "Выберите корректный вариант",
    ),
    (
        "availability",
        {"edition-available_in_mfc": ["perhaps"]},
        "id_edition-available_in_mfc_group",
        "Выберите",
    ),
    (
        "applicants",
        {"edition-applicant_categories": ["999999"]},
        "id_edition-applicant_categories_group",
        "Выберите",
    ),
    (
        "channels",
        {"edition-submission_channels": ["999999"]},
        "id_edition-submission_channels_group",
        "Выберите",
    ),
    (
        "forms",
        {
            "forms-0-kind": ["request"],
            "forms-0-title": ["Заявление"],
            "forms-0-file": [SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")],
        },
        "id_forms-0-file",
        "exe",
    ),
    (
        "forms",
        {
            "forms-0-kind": ["request"],
            "forms-0-title": ["Заявление"],
            "forms-0-file": [SimpleUploadedFile("zayavlenie.pdf", form_samples.HTML, "application/pdf")],
        },
        "id_forms-0-file",
        "по содержимому — веб-страница HTML",
    ),
    (
        "forms",
        {
            "forms-0-kind": ["request"],
            "forms-0-title": ["Заявление"],
            "forms-0-file": [SimpleUploadedFile("zayavlenie.pdf", form_samples.SVG, "application/pdf")],
        },
        "id_forms-0-file",
        "по содержимому — рисунок SVG",
    ),
    (
        "variants",
        {"variants-0-name": ["Выдача"], "variants-0-code": ["не код"]},
        "id_variants-0-code",
        "латинских",
    ),
    ("name", {"edition-short_name": ["к" * 301]}, "id_edition-short_name", "не более 300"),
    ("edition", {"edition-effective_date": ["32.13.2020"]}, "id_edition-effective_date", "дату"),
]


@pytest.mark.parametrize(("slug", "changes", "field_id", "message"), INVALID)
def test_invalid_input_is_refused_with_a_message_at_its_field(
    signed_in, draft, slug, changes, field_id, message
):
    before = stored(draft)
    response = post_section(signed_in, draft, slug, changes)
    if field_id is None:  # a checkbox accepts any value as "checked": nothing to refuse
        assert response.status_code == 302
        return
    html = response.content.decode()
    assert response.status_code == 400, html[:1000]
    assert stored(draft).lock_version == before.lock_version
    error = element(html, field_id.removesuffix("_group") + "_error")
    assert message in error.text_content()
    control = element(html, field_id)
    if field_id.endswith("_group"):
        assert field_id.removesuffix("_group") + "_error" in control.get("aria-describedby")
    else:
        assert control.get("aria-invalid") == "true"
        assert field_id + "_error" in control.get("aria-describedby")
    summary = element(html, "error-summary")
    assert f'href="#{field_id}"' in lxml.html.tostring(summary, encoding="unicode")
    # What was typed stays in the form.
    data = form_data(html)
    for name, value in changes.items():
        if not isinstance(value[0], SimpleUploadedFile) and name in data and "DELETE" not in name:
            # A choice the page does not offer cannot be shown as chosen.
            offered = name not in (
                "edition-available_in_mfc",
                "edition-deadline_unit",
                "indicators-0-comparison",
            )
            if offered and not name.endswith(("categories", "channels")):
                assert data[name] == value, name


def test_a_number_field_is_refused_in_russian_whatever_the_browser_language(signed_in, draft):
    data = page_form(signed_in, draft, "fees")
    data.update({"fees-0-name": ["Пошлина"], "fees-0-amount": ["abc"]})
    response = signed_in.post(section_url(draft, "fees"), data, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 400
    assert element(response.content, "id_fees-0-amount_error").text_content().strip() == "Введите число."
    assert "Enter a number" not in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Half-filled input: saved as a draft, named by the validator at its row or field
# ---------------------------------------------------------------------------------------------

HALF_FILLED = [
    # (page posted, input, finding code, page the finding links to, element it links to)
    ("deadline", {"edition-deadline_value": ["5"]}, "deadline.incomplete", "deadline", "field-deadline_unit"),
    (
        "deadline",
        {"edition-deadline_value": ["5"], "edition-deadline_unit": ["days"]},
        "deadline.incomplete",
        "deadline",
        "field-deadline_day_type",
    ),
    (
        "deadline",
        {"edition-deadline_unit": ["hours"]},
        "deadline.incomplete",
        "deadline",
        "field-deadline_value",
    ),
    (
        "queue",
        {"edition-registration_term": ["minutes"]},
        "registration_term.value_missing",
        "queue",
        "field-registration_term_value",
    ),
    (
        "queue",
        {"edition-registration_term_value": ["15"]},
        "registration_term.missing",
        "queue",
        "field-registration_term",
    ),
    ("results", {"results-0-document_form": ["бумажный"]}, "result.row_incomplete", "results", "results-0"),
    (
        "legal_bases",
        {"legal_bases-0-article": ["14"]},
        "legal_bases.act_missing",
        "legal_bases",
        "legal_bases-0",
    ),
    (
        "documents",
        {"documents_interagency-0-holder_body": ["ФНС России"]},
        "documents.row_incomplete",
        "documents",
        "documents_interagency-0",
    ),
    (
        "grounds",
        {"grounds_suspension-0-article": ["5"]},
        "suspension_and_refusal_grounds.ground_text_missing",
        "grounds",
        "grounds_suspension-0",
    ),
    ("fees", {"fees-0-name": ["Государственная пошлина"]}, "fee.row_incomplete", "fees", "fees-0"),
    (
        "fees",
        {"edition-is_free": ["no"], "fees-0-name": ["Пошлина"], "fees-0-amount": ["300"]},
        "fee.paid_without_basis",
        "fees",
        "fees-0",
    ),
    (
        "indicators",
        {
            "indicators-0-name": ["Обращения"],
            "indicators-0-comparison": ["le"],
            "indicators-0-target_value": ["2"],
        },
        "quality_indicators.row_incomplete",
        "indicators",
        "indicators-0",
    ),
    (
        "indicators",
        {
            "indicators-0-kind": ["quality"],
            "indicators-0-name": ["Обращения"],
            "indicators-0-comparison": ["le"],
        },
        "quality_indicators.target_missing",
        "indicators",
        "indicators-0",
    ),
    (
        "corrections",
        {"grounds_correction_refusal-0-article": ["1"]},
        "correction.ground_text_missing",
        "corrections",
        "grounds_correction_refusal-0",
    ),
    (
        "variants",
        {"variants-0-code": ["issue"], "variants-0-name": ["Выдача"], "variants-0-deadline_value": ["5"]},
        "deadline.incomplete",
        "variants",
        "variants-0",
    ),
]


@pytest.mark.parametrize(("slug", "changes", "code", "page", "anchor"), HALF_FILLED)
def test_a_half_filled_entry_saves_as_a_draft_and_is_named_at_its_place(
    signed_in, draft, slug, changes, code, page, anchor
):
    before = stored(draft).lock_version
    response = post_section(signed_in, draft, slug, changes)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(draft).lock_version > before
    html = signed_in.get(section_url(draft, page)).content.decode()
    links = [link.get("href") for link in element(html, "validation").xpath(f'.//li[@data-code="{code}"]/a')]
    assert f"{section_url(draft, page)}#{anchor}" in links, links
    element(html, anchor)  # the link lands on the row or the field
    with pytest.raises(SubmissionRefused) as refused:
        edition_submit(edition=draft, actor=None)
    assert code in refused.value.codes


def test_two_documents_without_names_save_side_by_side(signed_in, draft):
    response = post_section(
        signed_in,
        draft,
        "documents",
        {"documents_applicant-0-note": ["Подлинник"], "documents_interagency-0-holder_body": ["ФНС России"]},
    )
    assert response.status_code == 302
    assert stored(draft).documents.filter(name="").count() == 2


def test_a_file_over_the_size_limit_is_refused(signed_in, draft, settings):
    settings.REGISTRY_FORM_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (1024 * 1024), "application/pdf")
    response = post_section(
        signed_in,
        draft,
        "forms",
        {"forms-0-kind": ["request"], "forms-0-title": ["Бланк"], "forms-0-file": [big]},
    )
    assert response.status_code == 400
    assert "больше допустимых 1 МБ" in element(response.content, "id_forms-0-file_error").text_content()
    assert not stored(draft).forms.exists()


TEXT_THE_EXCHANGE_CANNOT_CARRY = [
    ("name", {"edition-full_name": ["Выдача\x0bпаспорта"]}, "id_edition-full_name", "U+000B"),
    (
        "documents",
        {"documents_applicant-0-name": ["Заявление"], "documents_applicant-0-note": ["Копия\x07"]},
        "id_documents_applicant-0-note",
        "U+0007",
    ),
    (
        "premises",
        {"edition-premises_requirements": ["я" * 32_768]},
        "id_edition-premises_requirements",
        "длиннее 32 767 знаков",
    ),
]


@pytest.mark.parametrize(("slug", "changes", "field_id", "message"), TEXT_THE_EXCHANGE_CANNOT_CARRY)
def test_text_the_exchange_cannot_carry_is_refused_at_its_field(
    signed_in, draft, slug, changes, field_id, message
):
    before = stored(draft)
    response = post_section(signed_in, draft, slug, changes)
    assert response.status_code == 400
    assert stored(draft).lock_version == before.lock_version
    assert not stored(draft).documents.exists()
    assert message in element(response.content, field_id + "_error").text_content()
    summary = lxml.html.tostring(element(response.content, "error-summary"), encoding="unicode")
    assert f'href="#{field_id}"' in summary


def test_a_new_service_named_with_a_control_character_is_refused_at_the_name(signed_in, body):
    response = signed_in.post(
        reverse("workspace:service_create"), {"provider": body.pk, "full_name": "Выдача\x0bсправки"}
    )
    assert response.status_code == 200
    assert "U+000B" in element(response.content, "id_full_name_error").text_content()
    assert not Service.objects.exists()


# ---------------------------------------------------------------------------------------------
# Concurrent edits: the conflict screen keeps the input and shows the other person's values
# ---------------------------------------------------------------------------------------------


def test_conflict_on_fields_keeps_input_and_shows_the_saved_value(signed_in, draft, service, body):
    colleague = user_with("official", body, first_name="Иван", last_name="Коллегин")
    base = page_form(signed_in, draft, "name")
    edition_update(
        edition=draft,
        actor=colleague,
        changes={"full_name": "Название коллеги"},
        expected_version=draft.lock_version,
    )
    response = post_section(signed_in, draft, "name", {"edition-full_name": ["Моё название"]}, base=base)
    html = response.content.decode()
    assert response.status_code == 409
    assert stored(draft).full_name == "Название коллеги"
    conflict = element(html, "conflict").text_content()
    assert "Иван Коллегин" in conflict and "Название коллеги" in conflict and "Моё название" in conflict
    data = form_data(html)
    assert data["edition-full_name"] == ["Моё название"]
    assert data["lock_version"] == [str(stored(draft).lock_version)]
    # Re-applying with the new version stores the official's input.
    response = signed_in.post(section_url(draft, "name"), data)
    assert response.status_code == 302
    assert stored(draft).full_name == "Моё название"


@pytest.mark.parametrize("slug", [section.slug for section in SECTIONS])
def test_every_section_answers_a_stale_version_with_the_conflict_screen(
    signed_in, draft, slug, act, classifiers, official
):
    base = page_form(signed_in, draft, slug)
    edition_update(
        edition=draft,
        actor=official,
        changes={"other_requirements": "x"},
        expected_version=draft.lock_version,
    )
    changes = valid_changes(slug, act, classifiers)
    response = post_section(signed_in, draft, slug, changes, base=base)
    assert response.status_code == 409
    html = response.content.decode()
    element(html, "conflict")
    data = form_data(html)
    for name, value in changes.items():
        if not isinstance(value[0], SimpleUploadedFile):
            assert data.get(name) == value, name
    if slug != "forms":
        assert signed_in.post(section_url(draft, slug), data).status_code == 302
        check_saved(slug, stored(draft), act, classifiers)


def test_conflict_on_rows_lists_the_rows_saved_meanwhile(signed_in, draft, official):
    base = page_form(signed_in, draft, "results")
    from registry.models import Result

    edition_rows_update(
        edition=draft,
        actor=official,
        expected_version=draft.lock_version,
        add=[(Result, {"name": "Справка коллеги"})],
    )
    response = post_section(signed_in, draft, "results", {"results-0-name": ["Мой результат"]}, base=base)
    assert response.status_code == 409
    assert "Справка коллеги" in element(response.content, "conflict").text_content()
    assert form_data(response.content)["results-0-name"] == ["Мой результат"]


# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client, draft):
    response = client.get(section_url(draft, "name"))
    assert response.status_code == 302 and reverse("workspace:login") in response["Location"]


def test_another_bodys_draft_is_not_found(client, draft, other_official):
    client.force_login(other_official)
    assert client.get(section_url(draft, "name")).status_code == 404
    response = client.post(section_url(draft, "name"), {"edition-full_name": "Чужое", "lock_version": "1"})
    assert response.status_code == 404
    assert stored(draft).full_name == ""


def test_unknown_section_is_not_found(signed_in, draft):
    assert signed_in.get(section_url(draft, "nonexistent")).status_code == 404


def test_part_2_sections_are_absent_without_the_single_standard(signed_in, body, official):
    service = factories.service(provider=body)
    edition = edition_create_draft(service=service, actor=official)
    assert signed_in.get(section_url(edition, "corrections")).status_code == 404
    menu = lxml.html.fromstring(signed_in.get(section_url(edition, "name")).content).xpath(
        '//nav[contains(@class, "section-menu")]//a/text()'
    )
    assert str(SECTIONS_BY_SLUG["corrections"].title) not in menu


def test_a_published_edition_is_read_only(signed_in, body):
    service = published_service(body)
    edition = service.editions.get()
    response = signed_in.get(section_url(edition, "name"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "не редактируется" in element(html, "read-only-notice").text_content()
    assert element(html, "id_edition-full_name").get("disabled") is not None
    assert 'name="save"' not in html
    before = edition.full_name
    response = signed_in.post(
        section_url(edition, "name"), {"edition-full_name": "Правка", "lock_version": "1"}
    )
    assert response.status_code == 302
    assert Edition.objects.get(pk=edition.pk).full_name == before


def test_a_reviewer_sees_the_draft_read_only(client, draft, reviewer):
    client.force_login(reviewer)
    response = client.get(section_url(draft, "name"))
    assert response.status_code == 200
    element(response.content, "read-only-notice")
    client.post(
        section_url(draft, "name"), {"edition-full_name": "Правка", "lock_version": str(draft.lock_version)}
    )
    assert stored(draft).full_name == ""


def test_an_administrator_edits_any_draft(client, draft, administrator):
    client.force_login(administrator)
    assert (
        post_section(client, draft, "name", {"edition-full_name": ["Правка администратора"]}).status_code
        == 302
    )
    assert stored(draft).full_name == "Правка администратора"


def test_a_forged_row_of_another_edition_is_refused(signed_in, draft, other_body):
    foreign = factories.document(factories.edition(factories.service(provider=other_body)), name="Чужой")
    data = page_form(signed_in, draft, "documents")
    data.update(
        {
            "documents_applicant-TOTAL_FORMS": ["1"],
            "documents_applicant-INITIAL_FORMS": ["1"],
            "documents_applicant-0-id": [str(foreign.pk)],
            "documents_applicant-0-name": ["Изменено"],
        }
    )
    response = signed_in.post(section_url(draft, "documents"), data)
    assert response.status_code == 400
    assert Document.objects.get(pk=foreign.pk).name == "Чужой"


# ---------------------------------------------------------------------------------------------
# The validation panel and the section menu
# ---------------------------------------------------------------------------------------------


def test_the_panel_lists_every_error_linked_to_its_section_and_field(signed_in, draft):
    html = signed_in.get(section_url(draft, "name")).content.decode()
    panel = element(html, "validation")
    errors = panel.xpath('.//div[contains(@class, "findings--errors")]//li/a')
    assert errors, "an empty draft has errors"
    from registry.validation import validate_edition

    report = validate_edition(draft)
    assert len(errors) == len(report.errors)
    for link in errors:
        url, _hash, anchor = link.get("href").partition("#")
        page = signed_in.get(url)
        assert page.status_code == 200
        if anchor:
            assert anchor in {*lxml.html.fromstring(page.content).xpath("//@id")}, link.get("href")


def test_every_field_the_validator_names_has_an_anchor(signed_in, body, official):
    """An incomplete draft with variants, to make the validator name as many fields as it can."""
    from registry.validation import validate_edition
    from registry.workspace.editor import finding_anchor
    from registry.workspace.sections import SECTION_OF_FINDING

    service = factories.service(provider=body, under_single_standard=True)
    edition = factories.complete_edition(
        service,
        number=2,
        change_note="",
        deadline_value=None,
        deadline_unit="",
        deadline_day_type="",
        is_free=None,
        premises_requirements="",
    )
    factories.variant(edition)
    factories.variant(edition)
    findings = validate_edition(edition).findings
    assert findings
    for finding in findings:
        section = SECTIONS_BY_SLUG[SECTION_OF_FINDING[finding.section]]
        if finding.field:
            assert finding_anchor(finding, section), (finding.code, finding.field, section.slug)


def test_text_the_exchange_cannot_carry_is_linked_to_the_list_or_field_it_is_in(signed_in, body):
    """Stored around the field validators: the panel names each place on its own page."""
    from tests.registry.test_validation import plant_bad_text_everywhere

    edition = factories.complete_edition(factories.service(provider=body, under_single_standard=True))
    plant_bad_text_everywhere(edition)
    panel = element(signed_in.get(section_url(edition, "name")).content, "validation")
    links = panel.xpath('.//li[@data-code="edition.text_not_exchangeable"]/a/@href')
    assert len(links) == 14
    pages = set()
    for href in links:
        url, _hash, anchor = href.partition("#")
        assert anchor, href
        assert anchor in lxml.html.fromstring(signed_in.get(url).content).xpath("//@id"), href
        pages.add(url.rstrip("/").rsplit("/", 1)[-1])
    assert pages == {
        "name",
        "results",
        "legal_bases",
        "documents",
        "grounds",
        "fees",
        "indicators",
        "corrections",
        "forms",
        "variants",
    }


def test_a_ground_citing_an_act_not_in_force_is_linked_to_its_own_list(signed_in, body):
    import datetime

    from registry.models import Ground, GroundKind
    from regulations.models import LegalAct

    edition = factories.complete_edition(factories.service(provider=body))
    ground = Ground.objects.filter(edition=edition, kind=GroundKind.ACCEPT_REFUSAL).first()
    repealed = factories.legal_act(in_force_until=datetime.date(2002, 1, 1))
    Ground.objects.filter(pk=ground.pk).update(act=repealed, article="1")
    assert not LegalAct.objects.get(pk=repealed.pk).is_in_force_on(datetime.date.today())
    panel = element(signed_in.get(section_url(edition, "name")).content, "validation")
    (href,) = panel.xpath('.//li[@data-code="accept_refusal_grounds.ground_act_not_in_force"]/a/@href')
    url, _hash, anchor = href.partition("#")
    assert anchor == f"field-grounds_{GroundKind.ACCEPT_REFUSAL}", href
    assert anchor in lxml.html.fromstring(signed_in.get(url).content).xpath("//@id"), href


def test_warnings_are_shown_apart_from_errors(signed_in, draft, official):
    edition_update(
        edition=draft, actor=official, changes={"full_name": "Услуга"}, expected_version=draft.lock_version
    )
    panel = element(signed_in.get(section_url(draft, "name")).content, "validation")
    warnings = panel.xpath('.//div[contains(@class, "findings--warnings")]//li/@data-code')
    errors = panel.xpath('.//div[contains(@class, "findings--errors")]//li/@data-code')
    assert "service_name.short_name_missing" in warnings
    assert "service_name.short_name_missing" not in errors
    assert "service_name.missing" not in errors


def test_the_menu_marks_complete_sections(signed_in, body, official):
    service = factories.service(provider=body, under_single_standard=True)
    edition = factories.complete_edition(service)
    html = signed_in.get(section_url(edition, "name")).content
    states = lxml.html.fromstring(html).xpath('//li[contains(@class, "section-menu__item")]/@class')
    assert states and all("--complete" in state or "--optional" in state for state in states)
    assert "Ошибок нет" in element(html, "validation").text_content()


def test_the_statutory_wording_and_citation_are_shown(signed_in, draft):
    text = (
        element(signed_in.get(section_url(draft, "grounds")).content, "statute-title")
        .getparent()
        .text_content()
    )
    assert "Исчерпывающий перечень оснований для отказа в приеме документов" in text
    assert "ч. 1 ст. 14 210-ФЗ, п. 7" in text


def test_legal_acts_are_searchable_without_javascript(signed_in, draft, act):
    other = factories.legal_act(title="Градостроительный кодекс", short_title="ГрК РФ")
    html = signed_in.get(section_url(draft, "legal_bases") + "?act_q=налоговый").content
    options = lxml.html.fromstring(html).xpath('//select[@id="id_legal_bases-0-act"]/option/@value')
    assert str(act.pk) in options and str(other.pk) not in options


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with rows
# ---------------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("slug", ["documents", "fees", "grounds", "variants", "legal_bases"])
def test_an_editor_page_query_count_does_not_grow_with_rows(signed_in, official, body, act, slug):
    counts = []
    for rows in (2, 20):
        service = factories.service(provider=body)
        edition = edition_create_draft(service=service, actor=official)
        variant = factories.variant(edition)
        attribute = edition.applicant_attributes.create(code="a", question="Вопрос")
        for n in range(rows):
            value = attribute.values.create(code=f"v{n}", label=f"Значение {n}")
            factories.document(edition, name=f"Документ {n}", variant=variant)
            factories.fee(edition, name=f"Пошлина {n}", act=act)
            edition.grounds.create(kind=GroundKind.REFUSAL, text=f"Основание {n}", act=act)
            edition.legal_bases.create(act=act, article=str(n))
            factories.variant(edition).attribute_values.add(value)
        counts.append(count_queries(signed_in, section_url(edition, slug)))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------------------------------------
# Creating a service
# ---------------------------------------------------------------------------------------------


def test_creating_a_service_makes_a_named_draft_and_opens_the_editor(signed_in, body, other_body, official):
    category = Category.objects.create(code="passport_test", name="Паспорта")
    url = reverse("workspace:service_create")
    page = lxml.html.fromstring(signed_in.get(url).content)
    providers = page.xpath('//select[@id="id_provider"]/option/@value')
    assert providers == [str(body.pk)]
    response = signed_in.post(
        url,
        {
            "provider": body.pk,
            "full_name": "Выдача справки об отсутствии задолженности",
            "short_name": "Справка",
            "categories": [category.pk],
            "under_single_standard": "on",
        },
    )
    service = Service.objects.get(provider=body)
    edition = service.editions.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "workspace:edition_edit", kwargs={"pk": edition.pk}
    )
    assert (edition.full_name, edition.short_name, edition.status) == (
        "Выдача справки об отсутствии задолженности",
        "Справка",
        "draft",
    )
    assert service.under_single_standard and service.level == body.level
    assert list(service.categories.all()) == [category]
    assert signed_in.get(response["Location"]).status_code == 200


def test_a_service_cannot_be_created_for_another_body(signed_in, other_body):
    response = signed_in.post(
        reverse("workspace:service_create"), {"provider": other_body.pk, "full_name": "Чужая"}
    )
    assert response.status_code == 200
    assert not Service.objects.filter(provider=other_body).exists()
    assert "id_provider_error" in response.content.decode()


def test_the_name_is_required_to_create_a_service(signed_in, body):
    response = signed_in.post(reverse("workspace:service_create"), {"provider": body.pk, "full_name": ""})
    assert 'href="#id_full_name"' in response.content.decode()
    assert not Service.objects.exists()


def test_an_administrator_chooses_any_body(client, administrator, body, other_body):
    client.force_login(administrator)
    page = lxml.html.fromstring(client.get(reverse("workspace:service_create")).content)
    assert set(page.xpath('//select[@id="id_provider"]/option/@value')) >= {str(body.pk), str(other_body.pk)}


def test_a_reviewer_cannot_create_services(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("workspace:service_create")).status_code == 403


def test_sections_cover_every_validator_section():
    from registry.workspace.sections import SECTION_OF_FINDING
    from regulations.models import StatutoryRequirement

    codes = set(StatutoryRequirement.objects.values_list("section", flat=True)) | {"edition", "variants"}
    assert codes <= set(SECTION_OF_FINDING)
    single = factories.service(under_single_standard=True)
    assert {s.slug for s in sections_for(single)} == {s.slug for s in SECTIONS}


def test_sections_the_law_does_not_require_are_marked_optional(signed_in, body):
    edition = factories.complete_edition(factories.service(provider=body))
    html = signed_in.get(section_url(edition, "name")).content
    states = dict(
        zip(
            lxml.html.fromstring(html).xpath('//li[contains(@class, "section-menu__item")]/a/text()'),
            lxml.html.fromstring(html).xpath('//li[contains(@class, "section-menu__item")]/@class'),
            strict=True,
        )
    )
    assert "--optional" in states[str(SECTIONS_BY_SLUG["forms"].title)]
    assert "--complete" in states[str(SECTIONS_BY_SLUG["documents"].title)]


def test_half_filled_rows_do_not_break_the_pages_and_exports_that_read_drafts(
    signed_in, draft, administrator, client
):
    for slug, changes in [
        ("deadline", {"edition-deadline_value": ["5"]}),
        ("legal_bases", {"legal_bases-0-article": ["14"]}),
        ("documents", {"documents_applicant-0-note": ["Подлинник"]}),
        ("fees", {"fees-0-name": ["Государственная пошлина"]}),
        ("indicators", {"indicators-0-name": ["Обращения"]}),
        ("grounds", {"grounds_refusal-0-article": ["7"]}),
    ]:
        assert post_section(signed_in, draft, slug, changes).status_code == 302, slug
    assert signed_in.get(reverse("workspace:edition", kwargs={"pk": draft.pk})).status_code == 200
    service_page = reverse("workspace:service", kwargs={"registry_number": draft.service.registry_number})
    assert signed_in.get(service_page).status_code == 200
    client.force_login(administrator)
    number = draft.service.registry_number
    for export_format in ("xml", "xlsx"):
        response = client.get(
            reverse("exchange:export"), {"format": export_format, "content": "drafts", "service": number}
        )
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, body[:500]
