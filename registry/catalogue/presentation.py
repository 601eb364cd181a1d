"""How a current edition reads for a citizen: the rows that apply to the chosen variant,
grouped the way people ask about them (what do I bring, what does the body request itself,
how much, how long), and the plain-words values of cards and pages.

Everything here works on rows already prefetched by the selectors: no queries."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.dateformat import format as format_date
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from registry.models import (
    DeadlineKind,
    DocumentSource,
    Edition,
    GroundKind,
    IndicatorComparison,
    RegistrationTerm,
    ResultKind,
    Variant,
)
from registry.workdays import WorkCalendar

ACCESS_FEATURES = (
    "access_ramp",
    "access_parking",
    "access_braille",
    "access_sign_language",
    "access_guide_dog",
    "access_assistance",
    "access_audio_visual",
)
# The grounds shown on the service page, in the order an applicant meets them, with the flag
# that states «не предусмотрены» for each list.
GROUND_LISTS = (
    (GroundKind.ACCEPT_REFUSAL, "no_accept_refusal_grounds"),
    (GroundKind.SUSPENSION, "no_suspension_grounds"),
    (GroundKind.REFUSAL, "no_refusal_grounds"),
    (GroundKind.CORRECTION_REFUSAL, "no_correction_refusal_grounds"),
    (GroundKind.DUPLICATE_REFUSAL, "no_duplicate_refusal_grounds"),
    (GroundKind.WITHOUT_CONSIDERATION, "no_without_consideration_grounds"),
)
SINGLE_STANDARD_GROUNDS = {
    GroundKind.CORRECTION_REFUSAL,
    GroundKind.DUPLICATE_REFUSAL,
    GroundKind.WITHOUT_CONSIDERATION,
}


def rubles(amount: Decimal) -> str:
    value = amount if amount != amount.to_integral_value() else amount.to_integral_value()
    return _("%(amount)s ₽") % {"amount": number_format(value, force_grouping=True)}


def cost_display(edition: Edition) -> str:
    """«бесплатно», «300 ₽», «от 300 до 1 500 ₽»; uses the prefetched fees."""
    if edition.is_free:
        return _("бесплатно")
    amounts = sorted(fee.amount for fee in edition.fees.all())
    if not amounts:
        return _("платно") if edition.is_free is False else ""
    if amounts[0] == amounts[-1]:
        return rubles(amounts[0])
    return _("от %(low)s до %(high)s") % {"low": rubles(amounts[0]), "high": rubles(amounts[-1])}


def registration_display(edition: Edition) -> str:
    term = edition.registration_term
    if term == RegistrationTerm.MINUTES and edition.registration_term_value:
        return _("в течение %(n)s минут") % {"n": edition.registration_term_value}
    if term == RegistrationTerm.WORKING_DAYS and edition.registration_term_value:
        return _("в течение %(n)s рабочих дней") % {"n": edition.registration_term_value}
    return edition.get_registration_term_display() if term else ""


def indicator_display(indicator) -> str:
    if indicator.comparison == IndicatorComparison.YES_NO or indicator.target_value is None:
        return _("да")
    value = number_format(indicator.target_value.normalize(), force_grouping=True)
    return " ".join(part for part in (indicator.get_comparison_display(), value, indicator.unit) if part)


@dataclass
class Question:
    code: str
    text: str
    options: list[tuple[str, str]]
    answer: str = ""


@dataclass
class Questionnaire:
    """The applicant questionnaire (профилирование): answers in, the variant that applies out."""

    questions: list[Question] = field(default_factory=list)
    variant: Variant | None = None
    answered: bool = False

    @property
    def unmatched(self) -> bool:
        return self.answered and self.variant is None


def questionnaire(edition: Edition, answers: dict[str, str]) -> Questionnaire:
    """Select the variant whose attribute values accept every answer; when the answers are
    incomplete or match nothing, no variant is chosen and the page shows all of them."""
    result = Questionnaire()
    values_by_attribute: dict[int, dict[str, int]] = {}
    for attribute in edition.applicant_attributes.all():
        options = [(value.code, value.label) for value in attribute.values.all()]
        answer = answers.get(attribute.code, "")
        if answer not in dict(options):
            answer = ""
        result.questions.append(Question(attribute.code, attribute.question, options, answer))
        values_by_attribute[attribute.pk] = {value.code: value.pk for value in attribute.values.all()}
    if not result.questions:
        return result
    result.answered = all(question.answer for question in result.questions)
    if not result.answered:
        return result
    chosen_ids = {
        values_by_attribute[attribute.pk][question.answer]
        for attribute, question in zip(edition.applicant_attributes.all(), result.questions, strict=True)
    }
    for variant in edition.variants.all():
        restricted: dict[int, set[int]] = {}
        for value in variant.attribute_values.all():
            restricted.setdefault(value.attribute_id, set()).add(value.pk)
        if restricted and all(allowed & chosen_ids for allowed in restricted.values()):
            result.variant = variant
            break
    return result


@dataclass
class GroundList:
    kind: str
    title: str
    grounds: list
    none_stated: bool


@dataclass
class ServicePage:
    """The current edition, narrowed to a variant when one is chosen."""

    edition: Edition
    variant: Variant | None
    variants: list[Variant]
    # What the applicant gets; a refusal decision is not among them: it is shown with the
    # grounds for refusal, where an applicant looks for it.
    results: list
    refusal_results: list
    applicant_documents: list
    interagency_documents: list
    fees: list
    cost: str
    deadline: str
    # The day the deadline falls on for an application filed today, in words; empty when the
    # term is not counted in days or months.
    deadline_day: str
    variant_deadlines: list[tuple[Variant, str]]
    ground_lists: list[GroundList]
    indicators: list
    legal_bases: list
    forms: list
    access_features: list[str]
    registration: str


def _applies(row, variant: Variant | None) -> bool:
    return variant is None or row.variant_id is None or row.variant_id == variant.pk


DEADLINE_DAY_WORDS = {
    DeadlineKind.MAXIMUM: "При подаче сегодня — не позднее %(day)s",
    DeadlineKind.MINIMUM: "При подаче сегодня — не ранее %(day)s",
    DeadlineKind.FIXED: "При подаче сегодня — %(day)s",
}


def deadline_day(term, *, today: date | None, calendar: WorkCalendar | None) -> str:
    """«При подаче сегодня — не позднее 14 декабря»: the term of an edition or a variant counted
    from today on the working-day calendar (ГК РФ ст. 191–193); the year is named when it is not
    this year's. A term counted from registration may start a day later (the page says the term's
    starting event next to it)."""
    if today is None or calendar is None or not (term.deadline_value and term.deadline_unit):
        return ""
    day = calendar.term_end(
        today, value=term.deadline_value, unit=term.deadline_unit, day_type=term.deadline_day_type
    )
    if day is None:
        return ""
    kind = term.deadline_kind if term.deadline_kind in DEADLINE_DAY_WORDS else DeadlineKind.MAXIMUM
    words = (
        format_date(day, "j E")
        if day.year == today.year
        else _("%(date)s г.") % {"date": format_date(day, "j E Y")}
    )
    # The day and its month stay on one line.
    return _(DEADLINE_DAY_WORDS[kind]) % {"day": words.replace(" ", "\u00a0", 1)}


def service_page(
    edition: Edition,
    variant: Variant | None,
    *,
    single_standard: bool,
    today: date | None = None,
    calendar: WorkCalendar | None = None,
) -> ServicePage:
    def rows(name: str) -> list:
        return [row for row in getattr(edition, name).all() if _applies(row, variant)]

    variants = list(edition.variants.all())
    by_id = {v.pk: v for v in variants}
    for name in ("results", "documents", "fees", "grounds", "indicators", "forms", "legal_bases"):
        for row in getattr(edition, name).all():
            row.variant_shown = by_id.get(row.variant_id) if variant is None else None
    indicators = rows("indicators")
    for indicator in indicators:
        indicator.target_text = indicator_display(indicator)
    documents = rows("documents")
    fees = rows("fees")
    grounds = rows("grounds")
    ground_lists = []
    for kind, flag in GROUND_LISTS:
        listed = [ground for ground in grounds if ground.kind == kind]
        none_stated = getattr(edition, flag)
        if kind in SINGLE_STANDARD_GROUNDS and not (single_standard or listed or none_stated):
            continue
        ground_lists.append(GroundList(kind, GroundKind(kind).label, listed, none_stated))
    term = variant if variant is not None and variant.has_deadline else edition
    deadline = term.deadline_display()
    variant_deadlines = (
        [(v, v.deadline_display()) for v in variants if v.has_deadline] if variant is None else []
    )
    if edition.is_free:
        cost = _("бесплатно")
    elif fees:
        amounts = sorted(fee.amount for fee in fees)
        cost = (
            rubles(amounts[0])
            if amounts[0] == amounts[-1]
            else _("от %(low)s до %(high)s")
            % {
                "low": rubles(amounts[0]),
                "high": rubles(amounts[-1]),
            }
        )
    else:
        cost = ""
    results = rows("results")
    return ServicePage(
        edition=edition,
        variant=variant,
        variants=variants,
        results=[result for result in results if result.kind != ResultKind.REFUSAL],
        refusal_results=[result for result in results if result.kind == ResultKind.REFUSAL],
        applicant_documents=[d for d in documents if d.source == DocumentSource.APPLICANT],
        interagency_documents=[d for d in documents if d.source == DocumentSource.INTERAGENCY],
        fees=fees,
        cost=cost,
        deadline=deadline,
        deadline_day=deadline_day(term, today=today, calendar=calendar)
        if not (variant is None and variant_deadlines)
        else "",
        variant_deadlines=variant_deadlines,
        ground_lists=ground_lists,
        indicators=indicators,
        legal_bases=rows("legal_bases"),
        forms=rows("forms"),
        access_features=[
            str(Edition._meta.get_field(name).verbose_name)
            for name in ACCESS_FEATURES
            if getattr(edition, name)
        ],
        registration=registration_display(edition),
    )
