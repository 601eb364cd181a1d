"""Run the rules over an edition: the statutory requirements that apply to it come from the
``regulations`` records, never from a list in code."""

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Edition, Service
from registry.selectors import edition_for_validation, editions_for_validation
from registry.validation.context import EditionFacts
from registry.validation.findings import Finding, Severity, ValidationReport
from registry.validation.rules import (
    LEADING_SECTIONS,
    Hit,
    Rule,
    RuleKind,
    registry_rules,
    rules_for_requirement,
)
from regulations.models import LegalActKind, StatutoryRequirement

STANDARD_PROFILE = "standard"
SINGLE_STANDARD_PROFILE = "single_standard"

# Reported by the engine itself, for a requirement record no rule checks.
UNCHECKED_CODE = "requirement.unchecked"
UNCHECKED_DESCRIPTION = gettext_lazy(
    "Для требования закона нет ни одной проверки заполненности: публикация невозможна, пока "
    "проверка не добавлена."
)


def applicable_profiles(service: Service) -> list[str]:
    if service.under_single_standard:
        return [STANDARD_PROFILE, SINGLE_STANDARD_PROFILE]
    return [STANDARD_PROFILE]


def applicable_requirements(service: Service) -> list[StatutoryRequirement]:
    return list(
        StatutoryRequirement.objects.filter(profile__code__in=applicable_profiles(service))
        .select_related("act", "profile")
        .order_by("profile__order", "number")
    )


def requirement_citation(requirement: StatutoryRequirement) -> str:
    """«ч. 1 ст. 14 210-ФЗ, п. 7»: part, article and act, then the point."""
    act = requirement.act
    if act.kind == LegalActKind.FEDERAL_LAW and act.number:
        act_name = act.number
    else:
        act_name = act.reference
    pieces = []
    if requirement.part:
        pieces.append(f"ч. {requirement.part}")
    if requirement.article:
        pieces.append(f"ст. {requirement.article}")
    pieces.append(act_name)
    citation = " ".join(pieces)
    if requirement.point:
        citation += f", п. {requirement.point}"
    if requirement.subpoint:
        citation += f", пп. {requirement.subpoint}"
    return citation


def section_order(requirements: list[StatutoryRequirement]) -> dict[str, int]:
    """Leading registry sections, the statutory sections as the records order them, then the rest."""
    order: dict[str, int] = {}
    for section in [*LEADING_SECTIONS, *(r.section for r in requirements)]:
        order.setdefault(section, len(order))
    for rule in registry_rules():
        order.setdefault(rule.section, len(order))
    return order


def validate_edition(edition: Edition) -> ValidationReport:
    """Check an edition, as stored, against the statute and the registry's rules.

    Legal acts must be in force on the edition's effective date (today when it has none).
    ``completeness`` is the share of the applicable mandatory requirements that are filled;
    ``missing_requirements`` lists the codes of those that are not.
    """
    if edition.pk is None:
        raise ValueError("validate_edition() checks a saved edition")
    edition = edition_for_validation(edition.pk)
    return validate_loaded(edition, applicable_requirements(edition.service), timezone.localdate())


def validate_editions(edition_ids: Iterable[int]) -> dict[int, ValidationReport]:
    """``validate_edition`` for many editions (a dashboard page), in a fixed number of queries."""
    today = timezone.localdate()
    requirements: dict[tuple[str, ...], list[StatutoryRequirement]] = {}
    reports = {}
    for edition in editions_for_validation(edition_ids):
        profiles = tuple(applicable_profiles(edition.service))
        if profiles not in requirements:
            requirements[profiles] = applicable_requirements(edition.service)
        reports[edition.pk] = validate_loaded(edition, requirements[profiles], today)
    return reports


def validate_loaded(
    edition: Edition, requirements: list[StatutoryRequirement], today: datetime.date
) -> ValidationReport:
    """The report for an edition already loaded with its rows (``editions_for_validation``)."""
    facts = EditionFacts(edition, edition.effective_date or today)
    sections = section_order(requirements)
    ranked: list[tuple[int, int, int, Finding]] = []

    def add(rule_order: int, finding: Finding) -> None:
        # A hit may be placed in a section no applicable requirement has (text of part 2 in a
        # service outside the single standard): it comes after the others.
        ranked.append((sections.setdefault(finding.section, len(sections)), rule_order, len(ranked), finding))

    mandatory = filled = 0
    missing: list[str] = []
    for requirement in requirements:
        citation = requirement_citation(requirement)
        rules = rules_for_requirement(requirement.code)
        is_filled = any(rule.kind == RuleKind.FILLED for rule in rules)
        if not is_filled:
            add(-1, unchecked_finding(requirement, citation))
        for rule in rules:
            hits = list(rule.check(facts))
            if hits and rule.kind == RuleKind.FILLED:
                is_filled = False
            severity = rule.severity
            if rule.kind == RuleKind.FILLED and not requirement.is_mandatory:
                severity = Severity.WARNING
            for hit in hits:
                add(
                    rule.order,
                    Finding(
                        code=rule.code,
                        severity=severity,
                        section=hit.section or requirement.section,
                        requirement_code=requirement.code,
                        citation=citation,
                        message=hit.message,
                        field=hit.field,
                        item=hit.item,
                        row=hit.row,
                    ),
                )
        if requirement.is_mandatory:
            mandatory += 1
            if is_filled:
                filled += 1
            else:
                missing.append(requirement.code)
    for rule in registry_rules():
        for hit in rule.check(facts):
            add(rule.order, registry_finding(rule, hit))
    ranked.sort(key=lambda entry: entry[:3])
    return ValidationReport(
        findings=[entry[3] for entry in ranked],
        completeness=filled / mandatory if mandatory else 1.0,
        missing_requirements=missing,
    )


def unchecked_finding(requirement: StatutoryRequirement, citation: str) -> Finding:
    return Finding(
        code=UNCHECKED_CODE,
        severity=Severity.ERROR,
        section=requirement.section,
        requirement_code=requirement.code,
        citation=citation,
        message=_(
            "Требование «%(title)s» (код «%(code)s») не проверяется: в валидаторе нет проверки его "
            "заполненности. Редакцию нельзя опубликовать, пока проверка не добавлена; сообщите "
            "администратору реестра."
        )
        % {"title": requirement.title, "code": requirement.code},
        field=None,
        item="",
    )


def registry_finding(rule: Rule, hit: Hit) -> Finding:
    return Finding(
        code=rule.code,
        severity=rule.severity,
        section=hit.section or rule.section,
        requirement_code=None,
        citation="",
        message=hit.message,
        field=hit.field,
        item=hit.item,
        row=hit.row,
    )
