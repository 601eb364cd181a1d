"""Property-based tests of the publication validator: any edition missing mandatory content
is refused with exactly those requirements named; any complete edition is publishable.

Each example builds its data inside ``transaction.atomic()`` and rolls it back, so the
examples of one test do not see each other's rows.
"""

import contextlib
import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.models import (
    Document,
    DocumentSource,
    Edition,
    Fee,
    FormKind,
    Ground,
    GroundKind,
    LegalBasis,
    Level,
    PaymentMethod,
    ProviderBody,
    QualityIndicator,
    RegistrationTerm,
    Result,
    StandardForm,
)
from registry.validation import Severity, validate_edition
from regulations.models import LegalActStatus, StatutoryRequirement
from tests import factories

pytestmark = pytest.mark.django_db

EXAMPLES = settings(max_examples=25, deadline=None)


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        # Nothing of an earlier example may leak into this one.
        assert not Edition.objects.exists()
        yield
        transaction.set_rollback(True)


def update(edition: Edition, **fields) -> None:
    Edition.objects.filter(pk=edition.pk).update(**fields)


def set_fields(**fields) -> Callable[[Edition], None]:
    return lambda edition: update(edition, **fields)


def delete_rows(model, **filters) -> Callable[[Edition], None]:
    return lambda edition: model.objects.filter(edition=edition, **filters).delete()


def clear(name: str) -> Callable[[Edition], None]:
    return lambda edition: getattr(edition, name).clear()


def payment_method() -> PaymentMethod:
    return PaymentMethod.objects.get_or_create(code="bank_card", defaults={"name": "Картой"})[0]


def paid_without_amount(edition: Edition) -> None:
    update(edition, is_free=False)
    edition.payment_methods.add(payment_method())


def paid_without_method(edition: Edition) -> None:
    update(edition, is_free=False)
    Fee.objects.create(
        edition=edition, name="Пошлина", amount=Decimal("300"), act=factories.legal_act(), article="333.33"
    )


def repeal_legal_basis(edition: Edition) -> None:
    act = factories.legal_act(in_force_until=datetime.date(2005, 1, 1), status=LegalActStatus.REPEALED)
    LegalBasis.objects.filter(edition=edition).update(act=act)


# Ways to remove the content of each requirement from a complete edition.
REMOVALS: dict[str, list[Callable[[Edition], None]]] = {
    "service_name": [set_fields(full_name=""), set_fields(full_name="   ")],
    "provider_body": [
        lambda edition: ProviderBody.objects.filter(pk=edition.service.provider_id).update(
            full_name="", short_name=""
        )
    ],
    "result": [
        delete_rows(Result),
        lambda edition: Result.objects.filter(edition=edition).update(document_form=""),
    ],
    "deadline": [
        set_fields(deadline_value=None, deadline_unit="", deadline_day_type=""),
        set_fields(deadline_day_type=""),
    ],
    "legal_bases": [delete_rows(LegalBasis), repeal_legal_basis],
    "documents": [
        delete_rows(Document),
        lambda edition: Document.objects.filter(edition=edition, source=DocumentSource.INTERAGENCY).update(
            holder_body=""
        ),
    ],
    "accept_refusal_grounds": [delete_rows(Ground, kind=GroundKind.ACCEPT_REFUSAL)],
    "suspension_and_refusal_grounds": [
        set_fields(no_suspension_grounds=False),
        delete_rows(Ground, kind=GroundKind.REFUSAL),
    ],
    "fee": [set_fields(is_free=None), paid_without_amount, paid_without_method],
    "queue_wait": [
        set_fields(queue_wait_minutes_submission=None),
        set_fields(queue_wait_minutes_receipt=None),
    ],
    "registration_term": [
        set_fields(registration_term=""),
        set_fields(registration_term=RegistrationTerm.WORKING_DAYS, registration_term_value=None),
    ],
    "premises": [
        set_fields(premises_requirements=""),
        set_fields(accessibility_requirements="", access_ramp=False, access_parking=False),
    ],
    "quality_indicators": [
        delete_rows(QualityIndicator),
        lambda edition: QualityIndicator.objects.filter(edition=edition).update(target_value=None),
    ],
    "other_requirements": [
        set_fields(available_in_mfc=None),
        set_fields(available_electronically=None),
        set_fields(extraterritorial=None),
    ],
    "applicants": [clear("applicant_categories")],
    "submission_channels": [clear("submission_channels")],
    "single_fee": [set_fields(is_free=None), paid_without_amount],
    "progress_tracking": [set_fields(progress_tracking="")],
    "correction": [set_fields(correction_procedure=""), set_fields(no_correction_refusal_grounds=False)],
    "duplicate": [set_fields(duplicate_procedure=""), delete_rows(Ground, kind=GroundKind.DUPLICATE_REFUSAL)],
    "without_consideration": [
        set_fields(without_consideration_procedure=" "),
        set_fields(no_without_consideration_grounds=False),
    ],
    "forms": [
        delete_rows(StandardForm),
        lambda edition: StandardForm.objects.filter(edition=edition).update(kind=FormKind.RESULT),
    ],
    "result_delivery": [clear("result_delivery_channels")],
}
PART_1 = [
    "service_name",
    "provider_body",
    "result",
    "deadline",
    "legal_bases",
    "documents",
    "accept_refusal_grounds",
    "suspension_and_refusal_grounds",
    "fee",
    "queue_wait",
    "registration_term",
    "premises",
    "quality_indicators",
    "other_requirements",
]
PART_2 = [code for code in REMOVALS if code not in PART_1]
# Part 1 п. 9 and part 2 п. 3 are the same content: removing one removes the other.
SHARED_CONTENT = {"fee": {"single_fee"}, "single_fee": {"fee"}}


def test_every_mandatory_requirement_has_a_way_to_remove_its_content():
    mandatory = set(StatutoryRequirement.objects.filter(is_mandatory=True).values_list("code", flat=True))

    assert set(REMOVALS) == mandatory
    assert set(PART_2) == set(
        StatutoryRequirement.objects.filter(profile__code="single_standard").values_list("code", flat=True)
    )


@st.composite
def removals(draw, codes: list[str]) -> dict[str, int]:
    chosen = draw(st.sets(st.sampled_from(codes), min_size=1, max_size=4))
    if {"fee", "single_fee"} <= chosen:
        # Two removals of the same content could complete each other (an amount and a method).
        chosen.discard("single_fee")
    return {code: draw(st.integers(0, len(REMOVALS[code]) - 1)) for code in sorted(chosen)}


@EXAMPLES
@given(data=st.data(), single=st.booleans(), level=st.sampled_from(list(Level)))
def test_edition_missing_mandatory_content_is_refused_naming_exactly_those_requirements(data, single, level):
    removed = data.draw(removals(PART_1 + PART_2 if single else PART_1), label="removed")
    applicable = PART_1 + PART_2 if single else PART_1
    expected = set(removed)
    for code in removed:
        expected |= SHARED_CONTENT.get(code, set()) & set(applicable)

    with rolled_back():
        edition = factories.complete_edition(factories.service(level, under_single_standard=single))
        for code, way in removed.items():
            REMOVALS[code][way](edition)

        report = validate_edition(edition)

    assert not report.is_publishable
    assert set(report.missing_requirements) == expected
    for code in removed:
        assert any(f.requirement_code == code and f.severity == Severity.ERROR for f in report.errors), code
    assert report.completeness == pytest.approx((len(applicable) - len(expected)) / len(applicable))


@EXAMPLES
@given(removed=removals(PART_2))
def test_part_two_content_does_not_matter_outside_the_single_standard(removed):
    with rolled_back():
        edition = factories.complete_edition(factories.service(under_single_standard=False))
        for code, way in removed.items():
            if code not in SHARED_CONTENT:
                REMOVALS[code][way](edition)

        report = validate_edition(edition)

    assert report.findings == []
    assert report.completeness == 1.0


@EXAMPLES
@given(
    single=st.booleans(),
    level=st.sampled_from(list(Level)),
    paid=st.booleans(),
    extra_documents=st.lists(
        st.tuples(st.sampled_from(list(DocumentSource)), st.text("абвгдеж ", min_size=1, max_size=12)),
        max_size=5,
        unique_by=lambda row: "".join(row[1].split()),
    ),
    grounds_as_flags=st.booleans(),
    queue_minutes=st.integers(0, 15),
    deadline=st.sampled_from(
        [(5, "days", "working"), (30, "days", "calendar"), (2, "months", "calendar"), (48, "hours", "")]
    ),
)
def test_complete_edition_is_publishable(
    single, level, paid, extra_documents, grounds_as_flags, queue_minutes, deadline
):
    with rolled_back():
        value, unit, day_type = deadline
        edition = factories.complete_edition(
            factories.service(level, under_single_standard=single),
            queue_wait_minutes_submission=queue_minutes,
            queue_wait_minutes_receipt=queue_minutes,
            deadline_value=value,
            deadline_unit=unit,
            deadline_day_type=day_type,
        )
        if paid:
            paid_without_amount(edition)
            Fee.objects.create(
                edition=edition,
                name="Государственная пошлина",
                amount=Decimal("300"),
                act=factories.legal_act(),
                article="333.33",
            )
        for source, name in extra_documents:
            Document.objects.create(
                edition=edition,
                source=source,
                name=f"Документ {name}",
                holder_body="Росреестр" if source == DocumentSource.INTERAGENCY else "",
            )
        if grounds_as_flags:
            Ground.objects.filter(edition=edition, kind=GroundKind.ACCEPT_REFUSAL).delete()
            update(edition, no_accept_refusal_grounds=True)

        report = validate_edition(edition)

    assert report.findings == []
    assert report.is_publishable
    assert report.completeness == 1.0
