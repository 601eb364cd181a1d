"""The publication validator: every rule with a failing and a passing case, the report,
the requirement records it reads, its query count and the generated rule catalogue."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import (
    ApplicantAttribute,
    AttributeValue,
    DayType,
    DeadlineKind,
    DeadlineUnit,
    Document,
    DocumentSource,
    Edition,
    Fee,
    FormKind,
    Ground,
    GroundKind,
    IndicatorComparison,
    LegalBasis,
    Level,
    PaymentMethod,
    ProviderBody,
    QualityIndicator,
    RegistrationTerm,
    Result,
    ResultKind,
    Service,
    StandardForm,
    Variant,
)
from registry.services import PublicationRefused, edition_submit
from registry.validation import Finding, Severity, ValidationReport, validate_edition
from registry.validation.catalogue import CATALOGUE_PATH, render_catalogue
from registry.validation.rules import RULES, RuleKind
from regulations.models import LegalAct, LegalActKind, LegalActStatus, StatutoryRequirement
from tests import factories

pytestmark = pytest.mark.django_db

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
PART_2 = [
    "applicants",
    "submission_channels",
    "single_fee",
    "progress_tracking",
    "correction",
    "duplicate",
    "without_consideration",
    "forms",
    "result_delivery",
]


# Building blocks


def build(single: bool = False, level: str = Level.FEDERAL, **overrides) -> Edition:
    return factories.complete_edition(factories.service(level, under_single_standard=single), **overrides)


def update(edition: Edition, **fields) -> None:
    Edition.objects.filter(pk=edition.pk).update(**fields)


def repealed_act() -> LegalAct:
    return factories.legal_act(
        title="Утративший силу акт",
        short_title="Старый акт",
        in_force_until=datetime.date(2005, 1, 1),
        status=LegalActStatus.REPEALED,
    )


def act_in_force() -> LegalAct:
    return factories.legal_act(title="Налоговый кодекс Российской Федерации", short_title="НК РФ")


def make_paid(edition: Edition, *, amount: bool = True, basis: bool = True, method: bool = True, act=None):
    update(edition, is_free=False)
    if amount:
        Fee.objects.create(
            edition=edition,
            name="Государственная пошлина",
            amount=Decimal("300.00"),
            act=(act or act_in_force()) if basis else None,
            article="333.33" if basis else "",
        )
    if method:
        card, _created = PaymentMethod.objects.get_or_create(code="bank_card", defaults={"name": "Картой"})
        edition.payment_methods.add(card)


def variant(edition: Edition, code: str, name: str, **fields) -> Variant:
    return Variant.objects.create(edition=edition, code=code, name=name, **fields)


def attribute(edition: Edition, code: str, question: str, *labels: str) -> list[AttributeValue]:
    obj = ApplicantAttribute.objects.create(edition=edition, code=code, question=question)
    return [
        AttributeValue.objects.create(attribute=obj, code=f"v{n}", label=text, order=n)
        for n, text in enumerate(labels)
    ]


def codes(report: ValidationReport) -> list[str]:
    return [finding.code for finding in report.findings]


def findings_of(report: ValidationReport, code: str) -> list[Finding]:
    return [finding for finding in report.findings if finding.code == code]


# Mutations for the rule table: each breaks (or, for a passing case, nearly breaks) one rule.


def apply(mutation: Callable, edition: Edition) -> Edition:
    mutation(edition)
    return Edition.objects.get(pk=edition.pk)


def blank_provider(ed):
    ProviderBody.objects.filter(pk=ed.service.provider_id).update(full_name="", short_name="")


def provider_without_short_name(ed):
    ProviderBody.objects.filter(pk=ed.service.provider_id).update(short_name="")


def provider_without_oktmo(ed):
    ProviderBody.objects.filter(pk=ed.service.provider_id).update(oktmo="")


def results_only_for_variant(ed):
    only = variant(ed, "issue", "Выдача")
    Result.objects.filter(edition=ed).update(variant=only)


def results_for_one_of_two_variants(ed):
    first = variant(ed, "issue", "Выдача")
    variant(ed, "replace", "Замена")
    Result.objects.filter(edition=ed).update(variant=first)


def two_variants_with_common_result(ed):
    variant(ed, "issue", "Выдача")
    variant(ed, "replace", "Замена")


def clear_deadline(ed):
    update(ed, deadline_value=None, deadline_unit="", deadline_day_type="")


def deadline_only_in_variant(ed):
    clear_deadline(ed)
    variant(
        ed,
        "issue",
        "Выдача",
        deadline_value=10,
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type="calendar",
    )


def deadline_in_one_of_two_variants(ed):
    clear_deadline(ed)
    variant(
        ed,
        "issue",
        "Выдача",
        deadline_value=10,
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type="calendar",
    )
    variant(ed, "replace", "Замена")


def basis_with_act(act):
    def mutate(ed):
        LegalBasis.objects.filter(edition=ed).update(act=act)

    return mutate


def basis_act_in_force_from_effective_date(ed):
    act = factories.legal_act(in_force_from=datetime.date(2030, 1, 1))
    update(ed, effective_date=datetime.date(2030, 1, 1))
    LegalBasis.objects.filter(edition=ed).update(act=act)


def basis_repealed_after_effective_date(ed):
    update(ed, effective_date=datetime.date(2004, 6, 1))
    LegalBasis.objects.filter(edition=ed).update(act=repealed_act())


def only_interagency_documents(ed):
    Document.objects.filter(edition=ed, source=DocumentSource.APPLICANT).delete()


def document_in_both_lists(ed):
    only = variant(ed, "issue", "Выдача")
    Document.objects.create(
        edition=ed, source=DocumentSource.APPLICANT, name="Свидетельство о рождении ребёнка"
    )
    Document.objects.create(
        edition=ed,
        variant=only,
        source=DocumentSource.INTERAGENCY,
        name="свидетельство  о рождении РЕБЕНКА",
        holder_body="Орган ЗАГС",
    )


def document_in_lists_of_different_variants(ed):
    first, second = variant(ed, "issue", "Выдача"), variant(ed, "replace", "Замена")
    Document.objects.create(
        edition=ed, variant=first, source=DocumentSource.APPLICANT, name="Свидетельство о браке"
    )
    Document.objects.create(
        edition=ed,
        variant=second,
        source=DocumentSource.INTERAGENCY,
        name="Свидетельство о браке",
        holder_body="Орган ЗАГС",
    )


def delete_grounds(kind):
    def mutate(ed):
        Ground.objects.filter(edition=ed, kind=kind).delete()

    return mutate


def add_ground(kind):
    def mutate(ed):
        Ground.objects.create(edition=ed, kind=kind, text="Основание для проверки правила.")

    return mutate


def chain(*mutations):
    def mutate(ed):
        for mutation in mutations:
            mutation(ed)

    return mutate


def set_fields(**fields):
    def mutate(ed):
        update(ed, **fields)

    return mutate


def ground_act(kind, act_factory):
    def mutate(ed):
        act = act_factory()
        if not Ground.objects.filter(edition=ed, kind=kind).exists():
            Ground.objects.create(edition=ed, kind=kind, text="Основание со ссылкой на акт.")
        Ground.objects.filter(edition=ed, kind=kind).update(act=act, article="1")

    return mutate


def fee_for_free_service(ed):
    Fee.objects.create(
        edition=ed, name="Пошлина", amount=Decimal("100.00"), act=act_in_force(), article="333.33"
    )


def paid(**parts):
    def mutate(ed):
        make_paid(ed, **parts)

    return mutate


def paid_with_repealed_act(ed):
    make_paid(ed, act=repealed_act())


def delete_rows(model, **filters):
    def mutate(ed):
        model.objects.filter(edition=ed, **filters).delete()

    return mutate


def yes_no_indicator_only(ed):
    QualityIndicator.objects.filter(edition=ed).update(
        comparison=IndicatorComparison.YES_NO, target_value=None
    )


def clear_m2m(name):
    def mutate(ed):
        getattr(ed, name).clear()

    return mutate


def as_second_edition(**fields):
    # A service has one open edition at a time; renumbering the draft stands in for the
    # draft that follows a published first edition.
    return set_fields(number=2, **fields)


def amending_act(act_factory):
    def mutate(ed):
        update(ed, amending_act=act_factory())

    return mutate


def questionnaire(issue_values: list[int], replace_values: list[int], *, labels=("14", "20", "45")):
    """One question with three answers; two variants restricted to the answers at the given indexes."""

    def mutate(ed):
        values = attribute(ed, "age", "Сколько вам лет?", *labels)
        issue, replace = variant(ed, "issue", "Выдача"), variant(ed, "replace", "Замена")
        issue.attribute_values.set([values[i] for i in issue_values])
        replace.attribute_values.set([values[i] for i in replace_values])

    return mutate


def attribute_without_values(ed):
    ApplicantAttribute.objects.create(edition=ed, code="lost", question="Паспорт утрачен?")
    variant(ed, "issue", "Выдача")


def attribute_without_variants(ed):
    attribute(ed, "lost", "Паспорт утрачен?", "да", "нет")


def binary_questions(count: int):
    def mutate(ed):
        for n in range(count):
            attribute(ed, f"q{n}", f"Вопрос {n}?", "да", "нет")
        variant(ed, "issue", "Выдача")

    return mutate


@dataclass(frozen=True)
class RuleCase:
    code: str
    breaks: Callable
    holds: Callable
    single: bool = False
    level: str = Level.FEDERAL

    def __str__(self) -> str:
        return self.code


def rows_set(model, **values):
    def mutate(ed):
        model.objects.filter(edition=ed).update(**values)

    return mutate


def blank_ground(kind, flag):
    """A ground of the kind whose text is not yet written (a draft's half-filled row)."""
    return chain(
        set_fields(**{flag: False}),
        add_ground(kind),
        lambda ed: Ground.objects.filter(edition=ed, kind=kind).update(text=""),
    )


def written_ground(kind, flag):
    return chain(set_fields(**{flag: False}), add_ground(kind))


GROUND_TEXT_CASES = [
    ("accept_refusal_grounds", GroundKind.ACCEPT_REFUSAL, "no_accept_refusal_grounds", False),
    ("suspension_and_refusal_grounds", GroundKind.SUSPENSION, "no_suspension_grounds", False),
    ("correction", GroundKind.CORRECTION_REFUSAL, "no_correction_refusal_grounds", True),
    ("duplicate", GroundKind.DUPLICATE_REFUSAL, "no_duplicate_refusal_grounds", True),
    ("without_consideration", GroundKind.WITHOUT_CONSIDERATION, "no_without_consideration_grounds", True),
]

CASES = [
    RuleCase("result.row_incomplete", rows_set(Result, name=""), rows_set(Result, document_form="на бумаге")),
    RuleCase("legal_bases.act_missing", rows_set(LegalBasis, act=None), rows_set(LegalBasis, article="")),
    RuleCase("documents.row_incomplete", rows_set(Document, name=""), rows_set(Document, note="")),
    *(
        RuleCase(
            f"{requirement}.ground_text_missing",
            blank_ground(kind, flag),
            written_ground(kind, flag),
            single=single,
        )
        for requirement, kind, flag, single in GROUND_TEXT_CASES
    ),
    RuleCase("fee.row_incomplete", chain(paid(), rows_set(Fee, amount=None)), paid()),
    RuleCase("quality_indicators.row_incomplete", rows_set(QualityIndicator, kind=""), yes_no_indicator_only),
    RuleCase(
        "edition.change_not_described",
        as_second_edition(change_note=""),
        lambda ed: as_second_edition(change_note="", amending_act=act_in_force())(ed),
    ),
    RuleCase("edition.amending_act_not_in_force", amending_act(repealed_act), amending_act(act_in_force)),
    RuleCase("service_name.missing", set_fields(full_name="  "), set_fields(short_name="")),
    RuleCase("service_name.short_name_missing", set_fields(short_name=""), set_fields(full_name="")),
    RuleCase("provider_body.missing", blank_provider, provider_without_short_name),
    RuleCase("provider_body.oktmo_missing", provider_without_oktmo, blank_provider, level=Level.MUNICIPAL),
    RuleCase("result.missing", delete_rows(Result), results_only_for_variant),
    RuleCase(
        "result.form_missing",
        lambda ed: Result.objects.filter(edition=ed).update(document_form=""),
        lambda ed: Result.objects.filter(edition=ed).update(kind=ResultKind.ACTION, document_form=""),
    ),
    RuleCase(
        "result.variant_without_result", results_for_one_of_two_variants, two_variants_with_common_result
    ),
    RuleCase("deadline.missing", clear_deadline, deadline_only_in_variant),
    RuleCase(
        "deadline.incomplete",
        set_fields(deadline_day_type=""),
        set_fields(deadline_value=48, deadline_unit=DeadlineUnit.HOURS, deadline_day_type=""),
    ),
    RuleCase(
        "deadline.variant_without_deadline", deadline_in_one_of_two_variants, two_variants_with_common_result
    ),
    RuleCase(
        "deadline.unusual",
        set_fields(deadline_value=15, deadline_unit=DeadlineUnit.MINUTES, deadline_day_type=""),
        set_fields(
            deadline_value=15,
            deadline_unit=DeadlineUnit.MINUTES,
            deadline_day_type="",
            unusual_deadline_confirmed=True,
        ),
    ),
    RuleCase("legal_bases.missing", delete_rows(LegalBasis), basis_act_in_force_from_effective_date),
    RuleCase(
        "legal_bases.act_not_in_force",
        lambda ed: basis_with_act(repealed_act())(ed),
        basis_repealed_after_effective_date,
    ),
    RuleCase("documents.missing", delete_rows(Document), only_interagency_documents),
    RuleCase(
        "documents.holder_missing",
        lambda ed: Document.objects.filter(edition=ed, source=DocumentSource.INTERAGENCY).update(
            holder_body=" "
        ),
        lambda ed: Document.objects.filter(edition=ed, source=DocumentSource.APPLICANT).update(
            holder_body=""
        ),
    ),
    RuleCase("documents.in_both_lists", document_in_both_lists, document_in_lists_of_different_variants),
    RuleCase(
        "accept_refusal_grounds.grounds_missing",
        delete_grounds(GroundKind.ACCEPT_REFUSAL),
        chain(delete_grounds(GroundKind.ACCEPT_REFUSAL), set_fields(no_accept_refusal_grounds=True)),
    ),
    RuleCase(
        "accept_refusal_grounds.grounds_flag_conflict",
        set_fields(no_accept_refusal_grounds=True),
        chain(delete_grounds(GroundKind.ACCEPT_REFUSAL), set_fields(no_accept_refusal_grounds=True)),
    ),
    RuleCase(
        "accept_refusal_grounds.ground_act_not_in_force",
        ground_act(GroundKind.ACCEPT_REFUSAL, repealed_act),
        ground_act(GroundKind.ACCEPT_REFUSAL, act_in_force),
    ),
    RuleCase(
        "suspension_and_refusal_grounds.grounds_missing",
        set_fields(no_suspension_grounds=False),
        chain(set_fields(no_suspension_grounds=False), add_ground(GroundKind.SUSPENSION)),
    ),
    RuleCase(
        "suspension_and_refusal_grounds.grounds_flag_conflict",
        add_ground(GroundKind.SUSPENSION),
        chain(set_fields(no_suspension_grounds=False), add_ground(GroundKind.SUSPENSION)),
    ),
    RuleCase(
        "suspension_and_refusal_grounds.ground_act_not_in_force",
        ground_act(GroundKind.REFUSAL, repealed_act),
        ground_act(GroundKind.REFUSAL, act_in_force),
    ),
    RuleCase("fee.not_answered", set_fields(is_free=None), paid()),
    RuleCase("fee.paid_without_amount", paid(amount=False), paid()),
    RuleCase("fee.paid_without_basis", paid(basis=False), paid()),
    RuleCase("fee.paid_without_method", paid(method=False), paid()),
    RuleCase("fee.free_with_amounts", fee_for_free_service, paid()),
    RuleCase("fee.act_not_in_force", paid_with_repealed_act, paid()),
    RuleCase(
        "queue_wait.missing",
        set_fields(queue_wait_minutes_submission=None),
        set_fields(queue_wait_minutes_receipt=0),
    ),
    RuleCase(
        "queue_wait.too_long",
        set_fields(queue_wait_minutes_receipt=16),
        set_fields(queue_wait_minutes_receipt=15, queue_wait_minutes_submission=15),
    ),
    RuleCase(
        "registration_term.missing",
        set_fields(registration_term=""),
        set_fields(registration_term=RegistrationTerm.SAME_DAY),
    ),
    RuleCase(
        "registration_term.value_missing",
        set_fields(registration_term=RegistrationTerm.MINUTES),
        set_fields(registration_term=RegistrationTerm.MINUTES, registration_term_value=15),
    ),
    RuleCase(
        "premises.missing",
        set_fields(premises_requirements=" \n "),
        set_fields(accessibility_requirements="", access_ramp=False, access_parking=False),
    ),
    RuleCase(
        "premises.accessibility_missing",
        set_fields(accessibility_requirements="", access_ramp=False, access_parking=False),
        set_fields(access_ramp=False, access_parking=False),
    ),
    RuleCase("quality_indicators.missing", delete_rows(QualityIndicator), yes_no_indicator_only),
    RuleCase(
        "quality_indicators.target_missing",
        lambda ed: QualityIndicator.objects.filter(edition=ed).update(target_value=None),
        yes_no_indicator_only,
    ),
    RuleCase(
        "other_requirements.not_answered",
        set_fields(extraterritorial=None),
        set_fields(available_in_mfc=False, available_electronically=False, extraterritorial=False),
    ),
    RuleCase("applicants.missing", clear_m2m("applicant_categories"), paid(), single=True),
    RuleCase("submission_channels.missing", clear_m2m("submission_channels"), paid(), single=True),
    RuleCase("single_fee.not_filled", set_fields(is_free=None), paid(), single=True),
    RuleCase("progress_tracking.missing", set_fields(progress_tracking=""), paid(), single=True),
    RuleCase("correction.procedure_missing", set_fields(correction_procedure=" "), paid(), single=True),
    RuleCase(
        "correction.grounds_missing",
        set_fields(no_correction_refusal_grounds=False),
        chain(set_fields(no_correction_refusal_grounds=False), add_ground(GroundKind.CORRECTION_REFUSAL)),
        single=True,
    ),
    RuleCase(
        "correction.grounds_flag_conflict",
        add_ground(GroundKind.CORRECTION_REFUSAL),
        chain(set_fields(no_correction_refusal_grounds=False), add_ground(GroundKind.CORRECTION_REFUSAL)),
        single=True,
    ),
    RuleCase(
        "correction.ground_act_not_in_force",
        chain(
            set_fields(no_correction_refusal_grounds=False),
            ground_act(GroundKind.CORRECTION_REFUSAL, repealed_act),
        ),
        chain(
            set_fields(no_correction_refusal_grounds=False),
            ground_act(GroundKind.CORRECTION_REFUSAL, act_in_force),
        ),
        single=True,
    ),
    RuleCase("duplicate.procedure_missing", set_fields(duplicate_procedure=""), paid(), single=True),
    RuleCase(
        "duplicate.grounds_missing",
        delete_grounds(GroundKind.DUPLICATE_REFUSAL),
        chain(delete_grounds(GroundKind.DUPLICATE_REFUSAL), set_fields(no_duplicate_refusal_grounds=True)),
        single=True,
    ),
    RuleCase(
        "duplicate.grounds_flag_conflict",
        set_fields(no_duplicate_refusal_grounds=True),
        chain(delete_grounds(GroundKind.DUPLICATE_REFUSAL), set_fields(no_duplicate_refusal_grounds=True)),
        single=True,
    ),
    RuleCase(
        "duplicate.ground_act_not_in_force",
        ground_act(GroundKind.DUPLICATE_REFUSAL, repealed_act),
        ground_act(GroundKind.DUPLICATE_REFUSAL, act_in_force),
        single=True,
    ),
    RuleCase(
        "without_consideration.procedure_missing",
        set_fields(without_consideration_procedure=""),
        paid(),
        single=True,
    ),
    RuleCase(
        "without_consideration.grounds_missing",
        set_fields(no_without_consideration_grounds=False),
        chain(
            set_fields(no_without_consideration_grounds=False), add_ground(GroundKind.WITHOUT_CONSIDERATION)
        ),
        single=True,
    ),
    RuleCase(
        "without_consideration.grounds_flag_conflict",
        add_ground(GroundKind.WITHOUT_CONSIDERATION),
        chain(
            set_fields(no_without_consideration_grounds=False), add_ground(GroundKind.WITHOUT_CONSIDERATION)
        ),
        single=True,
    ),
    RuleCase(
        "without_consideration.ground_act_not_in_force",
        chain(
            set_fields(no_without_consideration_grounds=False),
            ground_act(GroundKind.WITHOUT_CONSIDERATION, repealed_act),
        ),
        chain(
            set_fields(no_without_consideration_grounds=False),
            ground_act(GroundKind.WITHOUT_CONSIDERATION, act_in_force),
        ),
        single=True,
    ),
    RuleCase(
        "forms.request_form_missing",
        lambda ed: StandardForm.objects.filter(edition=ed).update(kind=FormKind.RESULT),
        paid(),
        single=True,
    ),
    RuleCase("result_delivery.missing", clear_m2m("result_delivery_channels"), paid(), single=True),
    RuleCase(
        "edition.text_not_exchangeable",
        set_fields(change_note="Уточнён\x0bперечень документов."),
        set_fields(change_note="Абзац.\tТаблица.\r\nАбзац." + "я" * 32_000),
    ),
    RuleCase(
        "variants.not_selectable", two_variants_with_common_result, lambda ed: variant(ed, "issue", "Выдача")
    ),
    RuleCase("variants.attribute_without_values", attribute_without_values, questionnaire([0], [1, 2])),
    RuleCase("variants.attributes_without_variants", attribute_without_variants, questionnaire([0], [1, 2])),
    RuleCase("variants.too_many_combinations", binary_questions(13), binary_questions(12)),
    RuleCase("variants.combination_without_variant", questionnaire([0], [1]), questionnaire([0], [1, 2])),
    RuleCase(
        "variants.combination_with_several_variants",
        questionnaire([0, 1], [1, 2]),
        questionnaire([0], [1, 2]),
    ),
]


def test_every_rule_has_a_failing_and_a_passing_case():
    assert sorted(case.code for case in CASES) == sorted(RULES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_reports_its_finding(case):
    edition = build(single=case.single, level=case.level)
    edition = apply(case.breaks, edition)

    report = validate_edition(edition)

    found = findings_of(report, case.code)
    rule = RULES[case.code]
    assert found, codes(report)
    assert {finding.severity for finding in found} == {rule.severity}
    assert all(finding.message for finding in found)
    if rule.requirement is None:
        assert {(f.requirement_code, f.citation, f.section) for f in found} == {(None, "", rule.section)}
    else:
        requirement = StatutoryRequirement.objects.get(code=rule.requirement)
        assert {(f.requirement_code, f.section) for f in found} == {(requirement.code, requirement.section)}
    if rule.severity == Severity.ERROR:
        assert not report.is_publishable
    if rule.kind == RuleKind.FILLED:
        assert rule.requirement in report.missing_requirements


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_stays_silent_on_its_passing_case(case):
    edition = build(single=case.single, level=case.level)
    edition = apply(case.holds, edition)

    report = validate_edition(edition)

    assert case.code not in codes(report)


# The report


@pytest.mark.parametrize(
    ("single", "level"),
    [(False, Level.FEDERAL), (True, Level.FEDERAL), (False, Level.REGIONAL), (True, Level.MUNICIPAL)],
)
def test_complete_edition_has_no_findings_and_is_fully_complete(single, level):
    report = validate_edition(build(single=single, level=level))

    assert report.findings == []
    assert report.is_publishable
    assert report.completeness == 1.0
    assert report.missing_requirements == []


def test_finding_names_code_section_citation_field_and_what_to_do():
    edition = build()
    update(edition, full_name="")

    [finding] = validate_edition(edition).findings

    assert finding == Finding(
        code="service_name.missing",
        severity=Severity.ERROR,
        section="name",
        requirement_code="service_name",
        citation="ч. 1 ст. 14 210-ФЗ, п. 1",
        message="Укажите полное наименование услуги так, как оно записано в административном регламенте.",
        field="full_name",
        item="",
    )


def test_part_two_findings_cite_part_two():
    edition = build(single=True)
    StandardForm.objects.filter(edition=edition).delete()

    [finding] = validate_edition(edition).findings

    assert (finding.code, finding.citation, finding.section) == (
        "forms.request_form_missing",
        "ч. 2 ст. 14 210-ФЗ, п. 8",
        "forms",
    )


def test_finding_about_a_row_carries_its_label():
    edition = build()
    Document.objects.filter(edition=edition, source=DocumentSource.INTERAGENCY).update(holder_body="")

    [finding] = validate_edition(edition).findings

    assert finding.item == "Выписка из ЕГРН о земельном участке"
    assert finding.field == "documents"
    assert "«Выписка из ЕГРН о земельном участке»" in finding.message


def test_findings_come_in_section_order_then_rule_order():
    second = build(number=2, change_note="", is_free=None, short_name="")
    update(second, full_name="", queue_wait_minutes_submission=40)
    variant(second, "issue", "Выдача")
    variant(second, "replace", "Замена")

    report = validate_edition(second)

    assert codes(report) == [
        "edition.change_not_described",
        "service_name.missing",
        "service_name.short_name_missing",
        "fee.not_answered",
        "queue_wait.too_long",
        "variants.not_selectable",
    ]


def test_errors_and_warnings_are_split_and_warnings_do_not_block_publishing():
    edition = build()
    update(edition, queue_wait_minutes_submission=20, queue_wait_minutes_receipt=30)

    report = validate_edition(edition)

    assert report.errors == []
    assert [f.field for f in report.warnings] == [
        "queue_wait_minutes_submission",
        "queue_wait_minutes_receipt",
    ]
    assert report.is_publishable
    assert report.completeness == 1.0


def test_completeness_is_the_share_of_mandatory_requirements_filled():
    edition = build()
    update(edition, is_free=None, registration_term="")

    report = validate_edition(edition)

    assert report.missing_requirements == ["fee", "registration_term"]
    assert report.completeness == pytest.approx(12 / 14)


def test_consistency_errors_block_publishing_without_lowering_completeness():
    edition = build()
    fee_for_free_service(edition)

    report = validate_edition(edition)

    assert codes(report) == ["fee.free_with_amounts"]
    assert not report.is_publishable
    assert report.completeness == 1.0


def test_part_two_is_not_checked_for_a_service_outside_the_single_standard():
    edition = build(single=False)

    assert validate_edition(edition).findings == []

    Service.objects.filter(pk=edition.service_id).update(under_single_standard=True)
    report = validate_edition(edition)

    # A free service meets ч. 2 п. 3 already: the fee is the one item both parts share.
    assert report.missing_requirements == [code for code in PART_2 if code != "single_fee"]
    assert report.completeness == pytest.approx(15 / 23)


def test_empty_edition_misses_every_requirement_of_both_parts():
    edition = factories.edition(factories.service(under_single_standard=True), full_name="")

    report = validate_edition(edition)

    assert report.missing_requirements == [code for code in PART_1 + PART_2 if code != "provider_body"]
    assert report.completeness == pytest.approx(1 / 23)


def test_validation_error_lists_the_errors_with_their_codes():
    edition = build()
    update(edition, is_free=None, queue_wait_minutes_receipt=20)

    error = validate_edition(edition).to_validation_error()

    assert [e.code for e in error.error_list] == ["fee.not_answered"]
    assert error.messages == [
        "ч. 1 ст. 14 210-ФЗ, п. 9: Укажите, предоставляется ли услуга бесплатно; если нет — размер платы, "
        "основание и способ оплаты."
    ]


def test_unsaved_edition_is_refused():
    with pytest.raises(ValueError):
        validate_edition(Edition(service=factories.service(), number=1))


# Requirements come from the records


def test_requirement_without_a_check_is_an_error_so_it_cannot_be_ignored():
    edition = build()
    law = StatutoryRequirement.objects.get(code="service_name").act
    StatutoryRequirement.objects.create(
        profile_id=StatutoryRequirement.objects.get(code="service_name").profile_id,
        act=law,
        article="14",
        part="1",
        point="15",
        code="new_statutory_item",
        number=15,
        title="Новый пункт закона",
        section="new_section",
        filled_when="Заполнено.",
    )

    report = validate_edition(edition)

    [finding] = report.findings
    assert (finding.code, finding.severity, finding.requirement_code, finding.section, finding.citation) == (
        "requirement.unchecked",
        Severity.ERROR,
        "new_statutory_item",
        "new_section",
        "ч. 1 ст. 14 210-ФЗ, п. 15",
    )
    assert "Новый пункт закона" in finding.message
    assert report.missing_requirements == ["new_statutory_item"]
    assert report.completeness == pytest.approx(14 / 15)


def test_optional_requirement_gaps_are_warnings_and_do_not_count_for_completeness():
    StatutoryRequirement.objects.filter(code="quality_indicators").update(is_mandatory=False)
    edition = build()
    QualityIndicator.objects.filter(edition=edition).delete()

    report = validate_edition(edition)

    assert [(f.code, f.severity) for f in report.findings] == [
        ("quality_indicators.missing", Severity.WARNING)
    ]
    assert report.is_publishable
    assert report.completeness == 1.0
    assert report.missing_requirements == []


def test_requirement_removed_from_the_records_is_no_longer_checked():
    StatutoryRequirement.objects.filter(code="quality_indicators").delete()
    edition = build()
    QualityIndicator.objects.filter(edition=edition).delete()

    report = validate_edition(edition)

    assert report.findings == []
    assert report.completeness == 1.0


def test_every_rule_checks_a_recorded_requirement_and_every_record_has_a_filled_check():
    recorded = set(StatutoryRequirement.objects.values_list("code", flat=True))
    statutory_rules = [rule for rule in RULES.values() if rule.requirement is not None]

    assert {rule.requirement for rule in statutory_rules} == recorded
    assert {rule.requirement for rule in statutory_rules if rule.kind == RuleKind.FILLED} == recorded
    assert set(PART_1 + PART_2) == recorded


# Consistency details


@pytest.mark.parametrize(
    ("value", "unit", "day_type", "unusual"),
    [
        (1, DeadlineUnit.MINUTES, "", True),
        (24, DeadlineUnit.HOURS, "", False),
        (8760, DeadlineUnit.HOURS, "", False),
        (8761, DeadlineUnit.HOURS, "", True),
        (365, DeadlineUnit.DAYS, DayType.CALENDAR, False),
        (366, DeadlineUnit.DAYS, DayType.CALENDAR, True),
        (250, DeadlineUnit.DAYS, DayType.WORKING, False),
        (251, DeadlineUnit.DAYS, DayType.WORKING, True),
        (12, DeadlineUnit.MONTHS, DayType.CALENDAR, False),
        (13, DeadlineUnit.MONTHS, DayType.WORKING, True),
    ],
)
def test_deadline_in_minutes_or_beyond_a_year_is_unusual(value, unit, day_type, unusual):
    edition = build()
    update(edition, deadline_value=value, deadline_unit=unit, deadline_day_type=day_type)

    assert ("deadline.unusual" in codes(validate_edition(edition))) is unusual


@pytest.mark.parametrize("kind", [DeadlineKind.MINIMUM, DeadlineKind.FIXED])
@pytest.mark.parametrize(
    ("value", "unit", "day_type"),
    [
        (15, DeadlineUnit.MINUTES, ""),
        (2, DeadlineUnit.DAYS, DayType.CALENDAR),
        (400, DeadlineUnit.DAYS, DayType.CALENDAR),
        (18, DeadlineUnit.MONTHS, DayType.CALENDAR),
    ],
)
def test_only_a_maximum_term_can_be_unusual(kind, value, unit, day_type):
    # «не ранее чем через 15 минут» or «через 18 месяцев» is a waiting period, not a typing slip.
    edition = build()
    update(edition, deadline_kind=kind, deadline_value=value, deadline_unit=unit, deadline_day_type=day_type)
    variant(
        edition,
        "wait",
        "Ожидание",
        deadline_kind=kind,
        deadline_value=value,
        deadline_unit=unit,
        deadline_day_type=day_type,
    )

    assert "deadline.unusual" not in codes(validate_edition(edition))


def test_unusual_deadline_of_a_variant_names_the_variant():
    edition = build()
    variant(
        edition,
        "issue",
        "Выдача",
        deadline_value=400,
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type="calendar",
    )

    [finding] = findings_of(validate_edition(edition), "deadline.unusual")

    assert finding.item == "Выдача"
    assert "не более 400 календарных дней" in finding.message


def test_incomplete_deadline_of_a_variant_names_the_variant():
    edition = build()
    variant(edition, "issue", "Выдача", deadline_value=10, deadline_unit=DeadlineUnit.DAYS)

    [finding] = validate_edition(edition).findings

    # Shown and edited with the variants: at the variant's own row of that list.
    assert (finding.code, finding.section, finding.field, finding.item, finding.row) == (
        "deadline.incomplete",
        "variants",
        "variants",
        "Выдача",
        0,
    )
    assert (
        finding.message
        == "Вариант «Выдача»: укажите, в каких днях исчисляется срок: в рабочих или календарных."
    )


def test_legal_basis_act_not_yet_in_force_on_the_effective_date_is_named():
    edition = build(effective_date=datetime.date(2024, 3, 1))
    act = factories.legal_act(
        kind=LegalActKind.FEDERAL_LAW,
        title="О будущем",
        short_title="Закон о будущем",
        in_force_from=datetime.date(2024, 9, 1),
        status=LegalActStatus.NOT_YET_IN_FORCE,
    )
    LegalBasis.objects.filter(edition=edition).update(act=act)

    [finding] = validate_edition(edition).findings

    assert finding.code == "legal_bases.act_not_in_force"
    assert "«О будущем»" in finding.message
    assert "01.03.2024" in finding.message


def test_acts_are_checked_on_today_when_the_edition_has_no_effective_date():
    edition = build()
    act = factories.legal_act(
        in_force_from=datetime.date(2001, 1, 1), in_force_until=datetime.date(2010, 1, 1)
    )
    LegalBasis.objects.filter(edition=edition).update(act=act)

    assert codes(validate_edition(edition)) == ["legal_bases.act_not_in_force"]

    update(edition, effective_date=datetime.date(2009, 12, 31))
    assert validate_edition(edition).findings == []


def test_document_in_both_lists_is_matched_ignoring_case_yo_and_spaces():
    edition = build()
    document_in_both_lists(edition)

    [finding] = validate_edition(edition).findings

    assert finding.code == "documents.in_both_lists"
    assert finding.item == "Свидетельство о рождении ребёнка (Выдача)"


def test_document_clash_shared_by_variants_is_reported_once():
    edition = build()
    first, second = variant(edition, "issue", "Выдача"), variant(edition, "replace", "Замена")
    values = attribute(edition, "lost", "Паспорт утрачен?", "да", "нет")
    first.attribute_values.set([values[1]])
    second.attribute_values.set([values[0]])
    Document.objects.create(
        edition=edition, variant=first, source=DocumentSource.INTERAGENCY, name="Паспорт", holder_body="МВД"
    )
    Document.objects.create(edition=edition, source=DocumentSource.APPLICANT, name="паспорт")

    assert codes(validate_edition(edition)) == ["documents.in_both_lists"]


def test_flag_and_grounds_of_the_same_kind_contradict_for_each_kind_separately():
    edition = build()
    update(edition, no_refusal_grounds=True)

    [finding] = validate_edition(edition).findings

    assert (finding.code, finding.field) == (
        "suspension_and_refusal_grounds.grounds_flag_conflict",
        "no_refusal_grounds",
    )
    assert "Несоответствие объекта градостроительному плану" in finding.message


def test_paid_service_reports_each_missing_part_of_the_fee():
    edition = build()
    update(edition, is_free=False)

    report = validate_edition(edition)

    assert codes(report) == ["fee.paid_without_amount", "fee.paid_without_method"]
    assert report.missing_requirements == ["fee"]


def test_paid_service_with_amount_basis_and_method_is_complete():
    edition = build()
    make_paid(edition)

    assert validate_edition(edition).findings == []


def test_single_standard_fee_gap_is_reported_under_both_parts():
    edition = build(single=True)
    update(edition, is_free=None)

    report = validate_edition(edition)

    assert [(f.code, f.citation) for f in report.findings] == [
        ("fee.not_answered", "ч. 1 ст. 14 210-ФЗ, п. 9"),
        ("single_fee.not_filled", "ч. 2 ст. 14 210-ФЗ, п. 3"),
    ]
    assert report.missing_requirements == ["fee", "single_fee"]


def test_combination_with_no_variant_is_named_in_russian():
    edition = build()
    questionnaire([0], [1])(edition)

    [finding] = validate_edition(edition).findings

    assert finding.code == "variants.combination_without_variant"
    assert "«Сколько вам лет?» — «45»" in finding.message
    assert finding.item == "«Сколько вам лет?» — «45»"


def test_combination_with_several_variants_names_them():
    edition = build()
    questionnaire([0, 1], [1, 2])(edition)

    [finding] = validate_edition(edition).findings

    assert finding.code == "variants.combination_with_several_variants"
    assert "«Сколько вам лет?» — «20»" in finding.message
    assert "«Выдача», «Замена»" in finding.message


def test_every_combination_of_two_questions_selects_exactly_one_variant():
    edition = build()
    lost = attribute(edition, "lost", "Паспорт утрачен?", "да", "нет")
    age = attribute(edition, "age", "Возраст", "до 20 лет", "20 лет и старше")
    issue = variant(edition, "issue", "Выдача")
    replace = variant(edition, "replace", "Замена утраченного")
    issue.attribute_values.set([lost[1]])
    replace.attribute_values.set([lost[0]])

    assert validate_edition(edition).findings == []

    young = variant(edition, "young", "Выдача в 14 лет")
    young.attribute_values.set([lost[1], age[0]])
    report = validate_edition(edition)

    assert codes(report) == ["variants.combination_with_several_variants"]
    assert "«Паспорт утрачен?» — «нет»; «Возраст» — «до 20 лет»" in report.findings[0].message


def test_many_bad_combinations_are_summed_up():
    edition = build()
    for n in range(5):
        attribute(edition, f"q{n}", f"Вопрос {n}?", "да", "нет")
    restricted = variant(edition, "only", "Единственный")
    restricted.attribute_values.set(AttributeValue.objects.filter(attribute__edition=edition, code="v0"))

    found = findings_of(validate_edition(edition), "variants.combination_without_variant")

    assert len(found) == 21
    assert "11" in found[-1].message


# Text the exchange cannot carry, stored around the field validators

TEXT_CODE = "edition.text_not_exchangeable"


def refused_publication(edition: Edition) -> PublicationRefused:
    """The refusal on the way to publication: submission already runs the validator."""
    with pytest.raises(PublicationRefused) as refused:
        edition_submit(edition=edition, actor=None)
    return refused.value


def test_a_control_character_planted_in_a_document_name_refuses_publication():
    edition = build()
    third = Document.objects.create(edition=edition, source=DocumentSource.APPLICANT, name="Паспорт")
    Document.objects.filter(pk=third.pk).update(name="Паспорт\x07 заявителя")

    [finding] = findings_of(validate_edition(edition), TEXT_CODE)

    assert finding == Finding(
        code=TEXT_CODE,
        severity=Severity.ERROR,
        section="documents",
        requirement_code=None,
        citation="",
        message=(
            "Раздел «Документы», строка 3, поле «наименование документа». Недопустимый управляющий "
            "символ U+0007: удалите его (часто появляется при вставке из Word). Такой текст не "
            "передаётся при межведомственном обмене, поэтому редакцию с ним опубликовать нельзя."
        ),
        field="documents",
        item="Раздел «Документы», строка 3",
    )
    refused = refused_publication(edition)
    assert [f.code for f in refused.findings] == [TEXT_CODE]
    assert Edition.objects.get(pk=edition.pk).status == "draft"


def test_a_text_longer_than_an_excel_cell_refuses_publication():
    edition = build()
    Document.objects.filter(edition=edition, source=DocumentSource.INTERAGENCY).update(note="я" * 32_768)

    [finding] = validate_edition(edition).findings

    assert (finding.code, finding.severity, finding.section, finding.field, finding.item) == (
        TEXT_CODE,
        Severity.ERROR,
        "documents",
        "documents_interagency",
        "Раздел «Документы», строка 2",
    )
    assert finding.message == (
        "Раздел «Документы», строка 2, поле «пояснение». Текст длиннее 32 767 знаков (здесь 32768) не "
        "поместится в ячейку Excel при обмене; сократите его или вынесите в документ. Такой текст не "
        "передаётся при межведомственном обмене, поэтому редакцию с ним опубликовать нельзя."
    )
    assert [f.code for f in refused_publication(edition).findings] == [TEXT_CODE]


def test_tabs_line_breaks_and_a_full_excel_cell_are_text_the_exchange_carries():
    edition = build()
    update(edition, premises_requirements="я" * 32_767, change_note="Абзац.\tТаблица.\r\nАбзац.")
    Document.objects.filter(edition=edition).update(note="Копия\nс подлинником")

    assert validate_edition(edition).findings == []


def plant_bad_text_everywhere(edition: Edition) -> None:
    """A control character in the edition's own text and in one row of every list (a fee too,
    though the service is free: that is reported apart)."""
    bad = "\x0b"
    update(edition, full_name=f"Выдача{bad}разрешения", correction_procedure=f"Исправление{bad}")
    for model, field in [
        (Result, "name"),
        (LegalBasis, "note"),
        (Document, "name"),
        (QualityIndicator, "unit"),
        (StandardForm, "title"),
    ]:
        model.objects.filter(edition=edition).update(**{field: f"Текст{bad}"})
    Ground.objects.filter(edition=edition, kind=GroundKind.ACCEPT_REFUSAL).update(text=f"Основание{bad}")
    update(edition, no_duplicate_refusal_grounds=False)
    Ground.objects.create(edition=edition, kind=GroundKind.DUPLICATE_REFUSAL, text=f"Дубликат{bad}")
    Fee.objects.create(edition=edition, name=f"Пошлина{bad}", amount=Decimal("300.00"))
    values = attribute(edition, "lost", "Паспорт утрачен?", "да", f"нет{bad}")
    ApplicantAttribute.objects.filter(edition=edition).update(question=f"Паспорт{bad}утрачен?")
    issue = variant(edition, "issue", "Выдача", description=f"Выдача{bad}")
    issue.attribute_values.set(values)


def test_text_is_found_in_every_section_and_placed_in_the_section_it_is_in():
    edition = build(single=True)
    plant_bad_text_everywhere(edition)

    found = findings_of(validate_edition(edition), TEXT_CODE)

    assert {(f.section, f.field) for f in found} == {
        ("name", "full_name"),
        ("correction", "correction_procedure"),
        ("results", "results"),
        ("legal_bases", "legal_bases"),
        ("documents", "documents"),
        ("documents", "documents_interagency"),
        ("grounds", "grounds_accept_refusal"),
        ("duplicate", "grounds_duplicate_refusal"),
        ("fees", "fees"),
        ("indicators", "indicators"),
        ("forms", "forms"),
        ("variants", "variants"),
        ("variants", "applicant_attributes"),
        ("variants", "attribute_values"),
    }
    assert len(found) == 14
    assert all("U+000B" in f.message and f.severity == Severity.ERROR for f in found)
    assert "Раздел «Значения признаков», строка 2, поле «значение»" in " ".join(f.message for f in found)


def test_text_of_part_two_is_found_outside_the_single_standard_too():
    edition = build(single=False)
    update(edition, progress_tracking="По телефону\x0c органа.")

    [finding] = validate_edition(edition).findings

    assert (finding.code, finding.section, finding.field) == (TEXT_CODE, "progress", "progress_tracking")


# Query count


def edition_with_rows(count: int) -> Edition:
    """A publishable edition with ``count`` extra rows in every list and up to six variants."""
    edition = build(single=True)
    act = act_in_force()
    make_paid(edition)
    variants = [variant(edition, f"v{n}", f"Вариант {n}") for n in range(min(count, 6))]
    values = attribute(edition, "which", "Какой вариант?", *[f"ответ {n}" for n in range(len(variants))])
    for item, value in zip(variants, values, strict=True):
        item.attribute_values.set([value])
    for n in range(count):
        Document.objects.create(
            edition=edition,
            variant=variants[n % len(variants)],
            source=DocumentSource.INTERAGENCY if n % 2 else DocumentSource.APPLICANT,
            name=f"Документ {n}",
            holder_body="Росреестр" if n % 2 else "",
        )
        Ground.objects.create(edition=edition, kind=GroundKind.REFUSAL, text=f"Основание {n}", act=act)
        LegalBasis.objects.create(edition=edition, act=act, article=str(n))
        Result.objects.create(
            edition=edition, variant=variants[n % len(variants)], name=f"Результат {n}", document_form="э"
        )
        Fee.objects.create(edition=edition, name=f"Пошлина {n}", amount=Decimal(n), act=act, article="333.33")
        QualityIndicator.objects.create(
            edition=edition, kind="quality", name=f"Показатель {n}", comparison="le", target_value=n
        )
    return edition


QUERY_CAP = 20


@pytest.mark.parametrize("rows", [1, 30], ids=["small", "large"])
def test_validator_query_count_does_not_grow_with_rows(rows, django_assert_max_num_queries):
    edition = edition_with_rows(rows)

    with django_assert_max_num_queries(QUERY_CAP):
        report = validate_edition(edition)

    assert report.is_publishable, codes(report)


def test_small_and_large_editions_cost_the_same_queries():
    counts = []
    for edition in (edition_with_rows(1), edition_with_rows(30)):
        with CaptureQueriesContext(connection) as queries:
            validate_edition(edition)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_text_the_exchange_cannot_carry_in_every_row_costs_no_query_more():
    clean, planted = edition_with_rows(30), edition_with_rows(30)
    for model in (Document, Ground, Result, Fee, QualityIndicator):
        field = "text" if model is Ground else "name"
        for row in model.objects.filter(edition=planted):
            model.objects.filter(pk=row.pk).update(**{field: f"{getattr(row, field)}\x0b"})
    counts = []
    for edition in (clean, planted):
        with CaptureQueriesContext(connection) as queries:
            report = validate_edition(edition)
        counts.append(len(queries))

    assert len(findings_of(report, TEXT_CODE)) > 5 * 30
    assert counts[0] == counts[1]


# The rule catalogue


def test_committed_rule_catalogue_is_up_to_date():
    assert CATALOGUE_PATH.read_text(encoding="utf-8") == render_catalogue(), (
        "docs/validation-rules.md устарел: выполните `python manage.py rule_catalogue`"
    )


def test_rule_catalogue_lists_every_requirement_and_rule():
    text = render_catalogue()

    for requirement in StatutoryRequirement.objects.all():
        assert f"| `{requirement.code}` |" in text
        assert requirement.filled_when in text
    for code, rule in RULES.items():
        assert f"| `{code}` | {rule.severity.label} |" in text
        assert str(rule.description) in text
    assert "| `requirement.unchecked` |" in text
    assert "ч. 1 ст. 14 210-ФЗ, п. 7" in text


def test_rule_catalogue_command_writes_the_file(tmp_path):
    target = tmp_path / "docs" / "rules.md"

    call_command("rule_catalogue", "--output", str(target))

    assert target.read_text(encoding="utf-8") == render_catalogue()
    call_command("rule_catalogue", "--output", str(target), "--check")


def test_rule_catalogue_check_refuses_a_stale_file(tmp_path):
    target = tmp_path / "rules.md"
    target.write_text("# Старый каталог\n", encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("rule_catalogue", "--output", str(target), "--check")
    assert target.read_text(encoding="utf-8") == "# Старый каталог\n"
