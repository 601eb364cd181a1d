"""The list sections of an edition: documents, fees, indicators, forms and the rows' variants."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from registry.models import (
    Document,
    DocumentSource,
    Fee,
    FormKind,
    Ground,
    GroundKind,
    IndicatorComparison,
    IndicatorKind,
    LegalBasis,
    QualityIndicator,
    Result,
    StandardForm,
    normalize_name,
)
from tests import factories, form_samples

pytestmark = pytest.mark.django_db


def assert_integrity_error(create, constraint: str | None = None) -> None:
    """The insert fails in the database; a named check constraint is named in the error."""
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        create()
    if constraint:
        assert constraint in str(exc_info.value)


def error_codes(exc_info, field: str) -> list[str]:
    return [error.code for error in exc_info.value.error_dict.get(field, [])]


def pdf(name: str = "zayavlenie.pdf", size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * (size - 9), content_type="application/pdf")


# normalize_name


@pytest.mark.parametrize(
    "name",
    [
        "паспорт гражданина",
        "Паспорт  гражданина",
        "  ПАСПОРТ ГРАЖДАНИНА ",
        "Паспорт\tгражданина",
        "Паспорт\u00a0гражданина",
        "Паспорт\nгражданина",
    ],
)
def test_names_differing_in_case_and_spaces_normalize_to_one_key(name):
    assert normalize_name(name) == "паспорт гражданина"


def test_yo_and_ye_normalize_to_one_key():
    assert normalize_name("Свидетельство о рождении ребёнка") == normalize_name(
        "свидетельство о рождении ребенка"
    )
    assert normalize_name("ЁЛКА") == "елка"


def test_different_documents_keep_different_keys():
    assert normalize_name("Паспорт гражданина") != normalize_name("Паспорт гражданина РФ")


# Documents: database constraints


def test_document_name_key_is_the_normalized_name_and_follows_updates():
    document = factories.document(name="Паспорт  Гражданина")
    assert document.name_key == "паспорт гражданина"
    document.name = "Свидетельство о рождении ребёнка"
    document.save(update_fields=["name"])
    document.refresh_from_db()
    assert document.name_key == "свидетельство о рождении ребенка"


@pytest.mark.parametrize("source", [DocumentSource.APPLICANT, DocumentSource.INTERAGENCY])
def test_database_refuses_a_document_name_twice_in_an_edition_after_normalization(source):
    edition = factories.edition()
    factories.document(edition, name="Паспорт  гражданина", source=DocumentSource.APPLICANT)
    assert_integrity_error(lambda: factories.document(edition, name="паспорт гражданина", source=source))


def test_database_stores_one_document_name_in_different_editions():
    factories.document(factories.edition(), name="Паспорт гражданина")
    factories.document(factories.edition(), name="Паспорт гражданина")
    assert Document.objects.filter(name_key="паспорт гражданина").count() == 2


def test_database_refuses_a_document_name_twice_in_a_variant_after_normalization():
    edition = factories.edition()
    variant = factories.variant(edition)
    factories.document(edition, variant=variant, name="Паспорт  гражданина")
    assert_integrity_error(
        lambda: factories.document(
            edition, variant=variant, name="паспорт гражданина", source=DocumentSource.INTERAGENCY
        )
    )


def test_database_stores_one_document_name_in_different_variants():
    edition = factories.edition()
    for variant in (factories.variant(edition), factories.variant(edition)):
        factories.document(edition, variant=variant, name="Паспорт гражданина")
    assert Document.objects.filter(edition=edition).count() == 2


def test_database_refuses_zero_copies():
    assert_integrity_error(lambda: factories.document(copies=0), "document_copies_positive")


def test_database_stores_two_copies():
    document = factories.document(copies=2, presentation="copy")
    assert Document.objects.get(pk=document.pk).copies == 2


# Documents: clean()


def new_document(edition, **fields) -> Document:
    values = {"edition": edition, "name": "Паспорт гражданина", "source": DocumentSource.APPLICANT}
    values.update(fields)
    return Document(**values)


def test_document_in_both_lists_is_reported_on_name():
    edition = factories.edition()
    factories.document(edition, name="Паспорт гражданина", source=DocumentSource.APPLICANT)
    with pytest.raises(ValidationError) as exc_info:
        new_document(edition, name="паспорт  гражданина", source=DocumentSource.INTERAGENCY).full_clean()
    assert error_codes(exc_info, "name") == ["document_in_both_lists"]
    assert exc_info.value.error_dict["name"][0].params == {
        "name": "паспорт  гражданина",
        "list": DocumentSource.APPLICANT.label,
    }


def test_document_in_both_lists_within_a_variant_is_reported_on_name():
    edition = factories.edition()
    variant = factories.variant(edition)
    factories.document(edition, variant=variant, name="Паспорт гражданина", source=DocumentSource.INTERAGENCY)
    with pytest.raises(ValidationError) as exc_info:
        new_document(edition, variant=variant, name="Паспорт гражданина").full_clean()
    assert error_codes(exc_info, "name") == ["document_in_both_lists"]


def test_variant_document_in_the_other_list_than_a_common_document_is_reported_on_name():
    # A common document (no variant) belongs to every variant's list, so the same document
    # requested by interagency query for one variant is in both lists for that variant.
    edition = factories.edition()
    variant = factories.variant(edition)
    factories.document(edition, name="Паспорт гражданина", source=DocumentSource.APPLICANT)
    with pytest.raises(ValidationError) as exc_info:
        new_document(
            edition, variant=variant, name="Паспорт гражданина", source=DocumentSource.INTERAGENCY
        ).full_clean()
    assert error_codes(exc_info, "name") == ["document_in_both_lists"]


@pytest.mark.parametrize("source", [DocumentSource.APPLICANT, DocumentSource.INTERAGENCY])
def test_document_twice_in_one_list_is_reported_on_name(source):
    edition = factories.edition()
    factories.document(edition, name="Паспорт гражданина", source=source)
    with pytest.raises(ValidationError) as exc_info:
        new_document(edition, name="ПАСПОРТ ГРАЖДАНИНА", source=source).full_clean()
    assert error_codes(exc_info, "name") == ["document_duplicate"]


def test_documents_with_different_names_or_in_different_variants_are_valid():
    edition = factories.edition()
    first, second = factories.variant(edition), factories.variant(edition)
    factories.document(edition, name="Паспорт гражданина")
    factories.document(edition, variant=first, name="Свидетельство о рождении")
    new_document(edition, name="Фотография 35×45 мм").full_clean()
    new_document(edition, variant=second, name="Свидетельство о рождении").full_clean()


def test_a_saved_document_is_not_its_own_twin():
    document = factories.document(name="Паспорт гражданина")
    document.note = "Все страницы"
    document.full_clean()


def test_zero_copies_is_reported_on_copies():
    with pytest.raises(ValidationError) as exc_info:
        new_document(factories.edition(), copies=0).full_clean()
    assert error_codes(exc_info, "copies") == ["document_copies_positive"]


def test_one_copy_is_valid():
    new_document(factories.edition(), copies=1).full_clean()


# Fees: database constraints


def test_database_refuses_a_negative_fee():
    assert_integrity_error(lambda: factories.fee(amount=Decimal("-1.00")), "fee_amount_not_negative")


def test_database_stores_a_zero_fee():
    fee = factories.fee(amount=Decimal("0.00"))
    assert Fee.objects.get(pk=fee.pk).amount == Decimal("0.00")


def test_database_refuses_a_fee_valid_to_before_valid_from():
    assert_integrity_error(
        lambda: factories.fee(valid_from=datetime.date(2024, 1, 2), valid_to=datetime.date(2024, 1, 1)),
        "fee_validity_ordered",
    )


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [
        (datetime.date(2024, 1, 1), datetime.date(2024, 1, 1)),
        (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
        (datetime.date(2024, 1, 1), None),
        (None, datetime.date(2024, 12, 31)),
    ],
)
def test_database_stores_an_ordered_or_open_fee_validity(valid_from, valid_to):
    fee = factories.fee(valid_from=valid_from, valid_to=valid_to)
    assert Fee.objects.get(pk=fee.pk).valid_to == valid_to


# Fees: clean()


def new_fee(edition, **fields) -> Fee:
    values = {
        "edition": edition,
        "name": "За выдачу паспорта",
        "amount": Decimal("300.00"),
        "act": factories.legal_act(short_title="НК РФ"),
        "article": "333.33",
        "point": "1",
        "subpoint": "17",
    }
    values.update(fields)
    return Fee(**values)


@pytest.mark.parametrize(
    "missing", [{"act": None}, {"amount": None}, {"name": ""}], ids=["no-act", "no-amount", "no-name"]
)
def test_a_half_filled_fee_row_is_kept_in_a_draft(missing):
    """The publication validator names it (fee.row_incomplete, fee.paid_without_basis)."""
    fee = new_fee(factories.edition(), **missing)
    fee.full_clean()
    fee.save()
    assert Fee.objects.filter(pk=fee.pk).exists()


def test_negative_fee_is_reported_on_amount():
    with pytest.raises(ValidationError) as exc_info:
        new_fee(factories.edition(), amount=Decimal("-300.00")).full_clean()
    assert error_codes(exc_info, "amount") == ["fee_amount_negative"]


def test_reversed_fee_validity_is_reported_on_valid_to():
    with pytest.raises(ValidationError) as exc_info:
        new_fee(
            factories.edition(), valid_from=datetime.date(2024, 1, 2), valid_to=datetime.date(2024, 1, 1)
        ).full_clean()
    assert error_codes(exc_info, "valid_to") == ["fee_validity_reversed"]


def test_fee_with_legal_basis_and_ordered_validity_is_valid():
    new_fee(
        factories.edition(), valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2024, 1, 1)
    ).full_clean()


def test_fee_cites_its_legal_basis():
    assert new_fee(factories.edition()).render_citation() == "ст. 333.33 п. 1 пп. 17 НК РФ"


# Quality indicators


def new_indicator(edition, **fields) -> QualityIndicator:
    values = {
        "edition": edition,
        "kind": IndicatorKind.QUALITY,
        "name": "Количество взаимодействий заявителя с должностными лицами",
        "comparison": IndicatorComparison.AT_MOST,
        "target_value": Decimal("2"),
        "unit": "раз",
    }
    values.update(fields)
    return QualityIndicator(**values)


@pytest.mark.parametrize(
    "comparison", [IndicatorComparison.AT_MOST, IndicatorComparison.AT_LEAST, IndicatorComparison.EQUALS]
)
def test_an_indicator_without_target_is_kept_in_a_draft(comparison):
    """The publication validator names it (quality_indicators.target_missing)."""
    new_indicator(factories.edition(), comparison=comparison, target_value=None).full_clean()


def test_indicator_with_target_is_valid():
    new_indicator(factories.edition()).full_clean()


def test_yes_no_indicator_needs_no_target():
    new_indicator(
        factories.edition(),
        kind=IndicatorKind.ACCESSIBILITY,
        name="Возможность получения услуги в МФЦ",
        comparison=IndicatorComparison.YES_NO,
        target_value=None,
        unit="",
    ).full_clean()


# Every row: its variant belongs to its edition


def legal_basis_row(edition, variant):
    return LegalBasis(edition=edition, variant=variant, act=factories.legal_act(), article="51")


ROW_BUILDERS = {
    "result": lambda edition, variant: Result(edition=edition, variant=variant, name="Паспорт"),
    "legal_basis": legal_basis_row,
    "document": lambda edition, variant: new_document(edition, variant=variant),
    "ground": lambda edition, variant: Ground(
        edition=edition, variant=variant, kind=GroundKind.REFUSAL, text="Представлены недостоверные сведения"
    ),
    "fee": lambda edition, variant: new_fee(edition, variant=variant),
    "indicator": lambda edition, variant: new_indicator(edition, variant=variant),
    "form": lambda edition, variant: StandardForm(
        edition=edition, variant=variant, kind=FormKind.REQUEST, title="Заявление", file=pdf()
    ),
}


@pytest.mark.parametrize("build", ROW_BUILDERS.values(), ids=list(ROW_BUILDERS))
def test_row_with_a_variant_of_another_edition_is_reported_on_variant(build):
    edition = factories.edition()
    foreign_variant = factories.variant(factories.edition())
    with pytest.raises(ValidationError) as exc_info:
        build(edition, foreign_variant).full_clean()
    assert error_codes(exc_info, "variant") == ["variant_other_edition"]


@pytest.mark.parametrize("build", ROW_BUILDERS.values(), ids=list(ROW_BUILDERS))
def test_row_with_a_variant_of_its_edition_or_none_is_valid(build):
    edition = factories.edition()
    build(edition, factories.variant(edition)).full_clean()
    build(edition, None).full_clean()


# Standard forms


@pytest.mark.parametrize("name", ["zayavlenie.exe", "zayavlenie.html", "zayavlenie"])
def test_form_file_of_another_type_is_reported_on_file(name):
    form = StandardForm(edition=factories.edition(), kind=FormKind.REQUEST, title="Заявление", file=pdf(name))
    with pytest.raises(ValidationError) as exc_info:
        form.full_clean()
    assert error_codes(exc_info, "file") == ["invalid_extension"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("zayavlenie.pdf", form_samples.PDF),
        ("zayavlenie.DOCX", form_samples.docx()),
        ("blank.odt", form_samples.odt()),
        ("tablica.xlsx", form_samples.xlsx()),
    ],
)
def test_form_file_of_an_office_type_is_valid(name, content):
    StandardForm(
        edition=factories.edition(),
        kind=FormKind.REQUEST,
        title="Заявление",
        file=SimpleUploadedFile(name, content),
    ).full_clean()


def test_form_file_over_the_size_limit_is_reported_on_file(settings):
    settings.REGISTRY_FORM_MAX_BYTES = 2 * 1024 * 1024
    form = StandardForm(
        edition=factories.edition(),
        kind=FormKind.REQUEST,
        title="Заявление",
        file=pdf(size=2 * 1024 * 1024 + 1),
    )
    with pytest.raises(ValidationError) as exc_info:
        form.full_clean()
    assert error_codes(exc_info, "file") == ["form_file_too_large"]
    assert exc_info.value.error_dict["file"][0].params == {"name": "zayavlenie.pdf", "limit": 2}


def test_form_file_at_the_size_limit_is_valid(settings):
    settings.REGISTRY_FORM_MAX_BYTES = 2 * 1024 * 1024
    StandardForm(
        edition=factories.edition(), kind=FormKind.REQUEST, title="Заявление", file=pdf(size=2 * 1024 * 1024)
    ).full_clean()
