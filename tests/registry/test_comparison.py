"""Comparing two editions: sections in statutory order, scalar fields by value, rows matched by
their natural keys, Russian display values."""

import datetime
from decimal import Decimal

import pytest

from registry.comparison import ADDED, CHANGED, REMOVED, SECTIONS, compare_editions
from registry.models import (
    DayType,
    DeadlineKind,
    DeadlineUnit,
    Document,
    DocumentSource,
    Fee,
    Ground,
    GroundKind,
    LegalBasis,
    PaymentMethod,
    Variant,
)
from registry.services import edition_create_draft, edition_rows_update, edition_update
from regulations.models import StatutoryRequirement
from tests import factories
from tests.registry.test_workflow import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """The current edition and a new draft copied from it."""
    current = publish(factories.complete_edition(), effective_date=datetime.date(2024, 1, 1))
    draft = edition_create_draft(service=current.service, actor=None)
    return current, draft


def change_fields(draft, **changes):
    return edition_update(edition=draft, actor=None, changes=changes, expected_version=draft.lock_version)


def change_rows(draft, **rows):
    return edition_rows_update(edition=draft, actor=None, expected_version=draft.lock_version, **rows).edition


def section(comparison, code):
    return next(s for s in comparison.sections if s.code == code)


def test_a_fresh_copy_differs_only_in_the_particulars_of_the_edition(pair):
    current, draft = pair

    comparison = compare_editions(current, draft)

    assert [s.code for s in comparison.changed_sections] == ["edition"]
    assert [(f.name, f.old, f.new) for f in section(comparison, "edition").fields] == [
        ("effective_date", "01.01.2024", "не указано")
    ]


def test_sections_come_in_statutory_order_with_their_citations(pair):
    comparison = compare_editions(*pair)
    codes = [s.code for s in comparison.sections]

    assert codes[:8] == [
        "edition",
        "name",
        "results",
        "deadline",
        "legal_bases",
        "documents",
        "grounds",
        "fees",
    ]
    assert codes[-1] == "variants"
    assert codes.index("availability") < codes.index("applicants") < codes.index("forms")
    assert section(comparison, "results").citation == "ч. 1 ст. 14 210-ФЗ, п. 3"
    assert section(comparison, "grounds").citation == "ч. 1 ст. 14 210-ФЗ, п. 7; ч. 1 ст. 14 210-ФЗ, п. 8"
    assert section(comparison, "results").title == "Результат предоставления услуги"


def test_every_statutory_section_is_compared():
    statutory = set(StatutoryRequirement.objects.values_list("section", flat=True))
    compared = {s.code for s in SECTIONS}

    # The provider body belongs to the service, not to an edition.
    assert statutory - compared == {"provider"}


def test_scalar_fields_show_old_and_new_values_as_a_reader_sees_them(pair):
    current, draft = pair
    card = PaymentMethod.objects.create(code="card", name="Банковская карта")
    draft = change_fields(
        draft,
        short_name="Новое краткое наименование",
        deadline_value=10,
        available_in_mfc=False,
        is_free=None,
        payment_methods=[card],
    )

    comparison = compare_editions(current, draft)

    name = section(comparison, "name").fields
    assert [(f.label, f.old, f.new) for f in name] == [
        ("краткое наименование услуги", "Разрешение на строительство", "Новое краткое наименование")
    ]
    deadline = section(comparison, "deadline").fields[0]
    assert (deadline.old, deadline.new) == (
        "не более 5 рабочих дней со дня регистрации заявления",
        "не более 10 рабочих дней со дня регистрации заявления",
    )
    availability = section(comparison, "availability").fields
    assert [(f.name, f.old, f.new) for f in availability] == [("available_in_mfc", "да", "нет")]
    fees = {f.name: (f.old, f.new) for f in section(comparison, "fees").fields}
    assert fees == {"is_free": ("да", "не указано"), "payment_methods": ("не указано", "Банковская карта")}


def test_a_change_of_the_kind_of_term_alone_is_a_change_of_the_deadline():
    current = factories.complete_edition(deadline_kind=DeadlineKind.MINIMUM)
    factories.variant(current, code="wait", name="Ожидание")
    current = publish(current, effective_date=datetime.date(2024, 1, 1))
    draft = edition_create_draft(service=current.service, actor=None)
    # The copy carries the kind: nothing but the edition's particulars differs yet.
    assert draft.deadline_kind == DeadlineKind.MINIMUM
    assert [s.code for s in compare_editions(current, draft).changed_sections] == ["edition"]

    draft = change_fields(draft, deadline_kind=DeadlineKind.MAXIMUM)
    draft = change_rows(
        draft,
        change=[
            (
                draft.variants.get(),
                {
                    "deadline_kind": DeadlineKind.FIXED,
                    "deadline_value": 1,
                    "deadline_unit": DeadlineUnit.DAYS,
                    "deadline_day_type": DayType.WORKING,
                },
            )
        ],
    )
    comparison = compare_editions(current, draft)

    deadline = section(comparison, "deadline").fields
    assert [(f.old, f.new) for f in deadline] == [
        (
            "не ранее чем через 5 рабочих дней со дня регистрации заявления",
            "не более 5 рабочих дней со дня регистрации заявления",
        )
    ]
    [variant] = section(comparison, "variants").items
    assert [(f.name, f.new) for f in variant.fields] == [("deadline", "через 1 рабочий день")]


def test_a_changed_document_is_matched_by_its_list_and_normalized_name(pair):
    current, draft = pair
    application = draft.documents.get(source=DocumentSource.APPLICANT)
    draft = change_rows(
        draft,
        change=[(application, {"name": application.name.upper(), "copies": 2, "order": 5})],
    )

    items = section(compare_editions(current, draft), "documents").items

    assert len(items) == 1
    assert items[0].status == CHANGED
    assert {(f.name, f.old, f.new) for f in items[0].fields} == {
        ("name", application.name, application.name.upper()),
        ("copies", "1", "2"),
    }


def test_a_document_moved_to_the_other_list_is_removed_from_one_and_added_to_the_other(pair):
    current, draft = pair
    extract = draft.documents.get(source=DocumentSource.INTERAGENCY)
    draft = change_rows(
        draft,
        remove=[extract],
        add=[(Document, {"source": DocumentSource.APPLICANT, "name": extract.name})],
    )

    items = section(compare_editions(current, draft), "documents").items

    assert sorted((item.status, item.label) for item in items) == [
        (ADDED, f"{extract.name} (Представляет заявитель)"),
        (REMOVED, f"{extract.name} (Запрашивается органом (заявитель вправе представить сам))"),
    ]


def test_a_fee_is_matched_by_its_name_and_shows_the_new_amount():
    edition = factories.complete_edition(is_free=False)
    edition.payment_methods.add(PaymentMethod.objects.create(code="card", name="Банковская карта"))
    act = factories.legal_act(short_title="НК РФ")
    Fee.objects.create(edition=edition, name="Государственная пошлина", amount=300, act=act, article="333.33")
    current = publish(edition, effective_date=datetime.date(2024, 1, 1))
    draft = edition_create_draft(service=current.service, actor=None)
    draft = change_rows(draft, change=[(draft.fees.get(), {"amount": Decimal("1500"), "order": 3})])

    items = section(compare_editions(current, draft), "fees").items

    assert [(item.status, item.label) for item in items] == [(CHANGED, "Государственная пошлина")]
    assert [(f.name, f.label, f.old, f.new) for f in items[0].fields] == [
        ("amount", "размер, руб.", "300", "1500")
    ]


def test_a_ground_is_matched_by_its_kind_and_text(pair):
    current, draft = pair
    refusal = draft.grounds.get(kind=GroundKind.REFUSAL)
    draft = change_rows(
        draft,
        remove=[refusal],
        add=[(Ground, {"kind": GroundKind.SUSPENSION, "text": refusal.text})],
        change=[(draft.grounds.get(kind=GroundKind.ACCEPT_REFUSAL), {"article": "4"})],
    )

    items = section(compare_editions(current, draft), "grounds").items

    assert sorted((item.status, item.label.split(":")[0]) for item in items) == [
        (ADDED, "Приостановление предоставления услуги"),
        (CHANGED, "Отказ в приеме документов"),
        (REMOVED, "Отказ в предоставлении услуги"),
    ]


def test_a_legal_basis_is_matched_by_its_rendered_citation(pair):
    current, draft = pair
    basis = draft.legal_bases.get()
    draft = change_rows(
        draft,
        change=[(basis, {"note": "в ред. от 2024 г."})],
        add=[(LegalBasis, {"act": basis.act, "article": "52"})],
    )

    items = section(compare_editions(current, draft), "legal_bases").items

    assert [(item.status, item.label) for item in items] == [
        (CHANGED, "ст. 51 ГрК РФ"),
        (ADDED, "ст. 52 ГрК РФ"),
    ]


def test_variants_are_matched_by_code_and_their_rows_are_labelled_with_them(pair):
    current, draft = pair
    draft = change_rows(draft, add=[(Variant, {"code": "duplicate", "name": "Выдача дубликата"})])
    variant = draft.variants.get()
    draft = change_rows(
        draft,
        add=[
            (
                Document,
                {"source": DocumentSource.APPLICANT, "name": "Заявление о дубликате", "variant": variant},
            )
        ],
    )

    comparison = compare_editions(current, draft)

    assert [(item.status, item.label) for item in section(comparison, "variants").items] == [
        (ADDED, "Вариант «Выдача дубликата»")
    ]
    documents = section(comparison, "documents").items
    assert [item.label for item in documents] == [
        "Заявление о дубликате (Представляет заявитель) (вариант «Выдача дубликата»)"
    ]


def test_comparing_in_the_other_direction_swaps_added_and_removed(pair):
    current, draft = pair
    draft = change_rows(draft, remove=[draft.documents.get(source=DocumentSource.INTERAGENCY)])

    forward = section(compare_editions(current, draft), "documents").items
    backward = section(compare_editions(draft, current), "documents").items

    assert [item.status for item in forward] == [REMOVED]
    assert [item.status for item in backward] == [ADDED]
