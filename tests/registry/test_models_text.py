"""Text the exchange carries is refused by model validation when XML or an Excel cell cannot hold
it: on every model and field that travels, so the editor, the admin and the importers refuse it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from registry.exchange import records
from registry.models import (
    ApplicantAttribute,
    AttributeValue,
    Document,
    Edition,
    ProviderBody,
    Service,
    Variant,
)
from registry.validators import validate_exchangeable_text
from regulations.models import LegalAct
from tests import factories

pytestmark = pytest.mark.django_db

# Identifier fields whose own validators already admit digits only.
IDENTIFIERS = {"oktmo", "ogrn", "inn", "registry_number"}


def exchanged_text_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) of the exchange record that holds free text."""
    fields = [(Edition, name) for name in (*records.EDITION_SCALARS, *records.EDITION_META)]
    for model, names in records.ROW_SECTIONS.values():
        fields.extend(
            (model, name) for name in names if name not in ("variant", "act", "file_name", "sha256")
        )
    fields.extend((Variant, name) for name in records.VARIANT_FIELDS)
    fields.extend([(ApplicantAttribute, "question"), (AttributeValue, "label")])
    fields.extend((ProviderBody, name) for name in records.BODY_FIELDS if name != "region")
    fields.extend((LegalAct, name) for name in records.ACT_FIELDS)
    fields.append((Service, "withdrawal_reason"))
    found = []
    for model, name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            if not isinstance(field, models.SlugField) and name not in IDENTIFIERS:
                found.append((model, name))
    return found


def test_every_exchanged_text_field_refuses_what_the_exchange_cannot_carry():
    fields = exchanged_text_fields()
    assert (Edition, "full_name") in fields and (Document, "note") in fields
    missing = [
        f"{model.__name__}.{name}"
        for model, name in fields
        if validate_exchangeable_text not in model._meta.get_field(name).validators
    ]
    assert missing == []


def field_errors(instance: models.Model, field: str) -> list[ValidationError]:
    with pytest.raises(ValidationError) as exc_info:
        instance.full_clean()
    return exc_info.value.error_dict.get(field, [])


def test_an_edition_name_with_a_vertical_tab_is_refused_at_its_field():
    edition = factories.edition(full_name="Выдача\x0bпаспорта")
    (error,) = field_errors(edition, "full_name")
    assert error.code == "text_control_character"
    assert "U+000B" in error.messages[0] and "Word" in error.messages[0]


def test_a_document_note_with_a_control_character_is_refused_at_its_field():
    document = factories.document(note="Копия\x07паспорта")
    (error,) = field_errors(document, "note")
    assert error.code == "text_control_character" and "U+0007" in error.messages[0]


def test_a_text_longer_than_an_excel_cell_is_refused_and_one_of_its_length_is_saved():
    edition = factories.edition(premises_requirements="я" * 32_768)
    (error,) = field_errors(edition, "premises_requirements")
    assert error.code == "text_too_long"
    edition.premises_requirements = "я" * 32_767
    edition.full_clean()


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: factories.legal_act(title="Кодекс\x0c"), "title"),
        (lambda: factories.body(full_name="Министерство\x1f"), "full_name"),
        (lambda: factories.variant(description="Замена\x0bпаспорта"), "description"),
        (lambda: factories.fee(exemptions="Льготы\ufffe"), "exemptions"),
    ],
    ids=["legal-act", "body", "variant", "fee"],
)
def test_other_exchanged_models_refuse_such_text_too(build, field):
    (error,) = field_errors(build(), field)
    assert error.code in ("text_control_character", "text_not_xml_character")


def test_tab_and_line_breaks_are_kept():
    edition = factories.edition(premises_requirements="Зал ожидания;\tстенды.\r\nПарковка.")
    edition.full_clean()
