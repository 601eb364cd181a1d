"""The rules of the publication validator, registered for the statutory requirement they check.

A rule is a function of the edition's facts that yields one ``Hit`` per problem it sees; the
engine turns hits into findings with the rule's code and severity and the requirement's
citation. ``FILLED`` rules decide whether a requirement counts as filled (DOMAIN.md's
definitions); ``CONSISTENCY`` rules catch contradictions and the absurd. A requirement record
with no ``FILLED`` rule is reported as unchecked, so a new statutory item cannot slip through.

Registry rules (``section=`` instead of ``requirement=``) are ours, not the law's: they
carry no citation. Each rule's one-line description sits next to its registration and is
what the rule catalogue prints.
"""

import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.exchange.text import TextProblem, edition_text_problems, problem_place, problem_row
from registry.models import (
    DayType,
    DeadlineKind,
    DeadlineUnit,
    DocumentSource,
    Edition,
    FormKind,
    GroundKind,
    IndicatorComparison,
    Level,
    RegistrationTerm,
    ResultKind,
    normalize_name,
)
from registry.validation.context import EditionFacts
from registry.validation.findings import Severity


class RuleKind(models.TextChoices):
    FILLED = "filled", gettext_lazy("заполненность")
    CONSISTENCY = "consistency", gettext_lazy("согласованность")


@dataclass(frozen=True)
class Hit:
    """One problem a rule saw: what to do about it, and where.

    ``section`` places the finding in the section of each problem instead of the rule's or the
    requirement's: text the exchange cannot carry sits in any section, a variant's deadline is
    edited with the variants. ``row`` is the row's place in the list ``field`` names."""

    message: str
    field: str | None = None
    item: str = ""
    section: str | None = None
    row: int | None = None


Check = Callable[[EditionFacts], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    check: Check
    description: Promise
    severity: Severity
    kind: RuleKind
    requirement: str | None
    section: str | None
    order: int


RULES: dict[str, Rule] = {}

# Registry rules about the edition itself come before the statutory sections; the others
# (variants and profiling) after them.
LEADING_SECTIONS = ("edition",)

# Queue waits above this are legal but worth a second look (the usual norm is 15 minutes).
QUEUE_WAIT_MAX_MINUTES = 15
# A deadline longer than a year is almost always a typing error.
DEADLINE_LIMITS = {
    (DeadlineUnit.DAYS, DayType.CALENDAR): 365,
    (DeadlineUnit.DAYS, DayType.WORKING): 250,
    (DeadlineUnit.DAYS, ""): 365,
    (DeadlineUnit.MONTHS, DayType.CALENDAR): 12,
    (DeadlineUnit.MONTHS, DayType.WORKING): 12,
    (DeadlineUnit.MONTHS, ""): 12,
    (DeadlineUnit.HOURS, ""): 8760,
}
# Profiling with more answer combinations than this cannot be checked (nor answered by people).
MAX_PROFILE_COMBINATIONS = 4096
# Beyond this many combinations of one kind, the rest are summed up in one finding.
MAX_REPORTED_COMBINATIONS = 20
ITEM_LABEL_LENGTH = 80

ACCESS_FIELDS = (
    "access_ramp",
    "access_parking",
    "access_braille",
    "access_sign_language",
    "access_guide_dog",
    "access_assistance",
    "access_audio_visual",
)


def rule(
    code: str,
    *,
    description: Promise,
    requirement: str | None = None,
    section: str | None = None,
    severity: Severity = Severity.ERROR,
    kind: RuleKind = RuleKind.CONSISTENCY,
) -> Callable[[Check], Check]:
    """Register a check under a stable code, for a statutory requirement or a registry section."""
    if (requirement is None) == (section is None):
        raise ImproperlyConfigured(f"rule {code}: give either requirement= or section=")
    if requirement is None and kind == RuleKind.FILLED:
        raise ImproperlyConfigured(f"rule {code}: only a statutory requirement can be filled")

    def register(check: Check) -> Check:
        if code in RULES:
            raise ImproperlyConfigured(f"rule {code} is registered twice")
        RULES[code] = Rule(
            code=code,
            check=check,
            description=description,
            severity=severity,
            kind=kind,
            requirement=requirement,
            section=section,
            order=len(RULES),
        )
        return check

    return register


def rules_for_requirement(requirement_code: str) -> list[Rule]:
    return [r for r in RULES.values() if r.requirement == requirement_code]


def registry_rules() -> list[Rule]:
    return [r for r in RULES.values() if r.requirement is None]


def requirement_is_filled(facts: EditionFacts, requirement_code: str) -> bool:
    return not any(
        True
        for r in rules_for_requirement(requirement_code)
        if r.kind == RuleKind.FILLED
        for _hit in r.check(facts)
    )


def lazy_interpolate(message: Promise, params: Callable[[], dict[str, str]]) -> Promise:
    """A lazy message with lazily computed params: descriptions are built at import time,
    before translations may be used."""
    return lazy(lambda: str(message) % params(), str)()


def label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ITEM_LABEL_LENGTH else text[: ITEM_LABEL_LENGTH - 1] + "…"


def field_label(name: str) -> str:
    return str(Edition._meta.get_field(name).verbose_name)


def in_editor_order(rows: Iterable[Any]) -> list[Any]:
    """A list's rows in the order the editor shows them, so "строка N" is the same row there."""
    return sorted(rows, key=lambda row: (row.order, row.pk))


def is_blank(row: Any, name: str) -> bool:
    value = getattr(row, row._meta.get_field(name).attname)
    return value is None or (isinstance(value, str) and not value.strip())


def incomplete_rows(
    rows: Iterable[Any], *, title: str, field: str, required: tuple[str, ...], name: str | None = None
) -> Iterator[Hit]:
    """A hit for each row of one editor list that lacks a value the statute needs: the draft
    keeps such a row (a draft may be saved half-filled), the validator names it."""
    for index, row in enumerate(in_editor_order(rows)):
        missing = [
            row._meta.get_field(required_name) for required_name in required if is_blank(row, required_name)
        ]
        if not missing:
            continue
        shown = label(getattr(row, name)) if name and not is_blank(row, name) else ""
        place = _("%(list)s, строка %(row)s") % {"list": title, "row": index + 1}
        yield Hit(
            _("%(place)s%(name)s: заполните %(fields)s.")
            % {
                "place": place,
                "name": f" («{shown}»)" if shown else "",
                "fields": ", ".join(f"«{model_field.verbose_name}»" for model_field in missing),
            },
            field,
            f"{place} ({shown})" if shown else place,
            row=index,
        )


def act_not_in_force_hit(facts: EditionFacts, act: Any, cited_as: str, field: str, item: str) -> Hit:
    return Hit(
        _(
            "Акт «%(act)s», на который ссылается %(cited_as)s, не действует на %(date)s. Укажите "
            "действующий акт или проверьте дату вступления редакции в силу."
        )
        % {"act": act, "cited_as": cited_as, "date": facts.check_date.strftime("%d.%m.%Y")},
        field,
        item,
    )


# ---------------------------------------------------------------------------------------------
# Registry rules about the edition
# ---------------------------------------------------------------------------------------------


@rule(
    "edition.change_not_described",
    section="edition",
    description=gettext_lazy(
        "Не первая редакция не называет ни акт, которым внесены изменения, ни что изменено."
    ),
)
def edition_change_not_described(facts: EditionFacts) -> Iterator[Hit]:
    edition = facts.edition
    if edition.number > 1 and not edition.amending_act_id and not edition.change_note.strip():
        yield Hit(
            _(
                "Редакция № %(number)s не первая: укажите акт, которым внесены изменения, или "
                "опишите, что изменено, — читатель должен видеть, чем она отличается от предыдущей."
            )
            % {"number": edition.number},
            "amending_act",
        )


@rule(
    "edition.amending_act_not_in_force",
    section="edition",
    description=gettext_lazy(
        "Акт, которым внесены изменения, не действует на дату вступления редакции в силу."
    ),
)
def edition_amending_act_not_in_force(facts: EditionFacts) -> Iterator[Hit]:
    act = facts.edition.amending_act
    if act is not None and not facts.act_in_force(act):
        yield act_not_in_force_hit(facts, act, _("редакция как на изменяющий акт"), "amending_act", "")


# Where a finding about text belongs: the validator section of each edition field the exchange
# carries as text (a field not listed, like «что изменено», belongs to the edition itself), the
# section of a ground's statutory item (of part 2 here, "grounds" otherwise), and "variants" for
# the variants and the questionnaire; any other row is in the section of its list.
TEXT_FIELD_SECTIONS = {
    "full_name": "name",
    "short_name": "name",
    "deadline_kind": "deadline",
    "deadline_unit": "deadline",
    "deadline_day_type": "deadline",
    "deadline_start_event": "deadline",
    "registration_term": "registration",
    "premises_requirements": "premises",
    "accessibility_requirements": "premises",
    "other_requirements": "availability",
    "online_application_url": "availability",
    "applicants_description": "applicants",
    "progress_tracking": "progress",
    "correction_procedure": "correction",
    "duplicate_procedure": "duplicate",
    "without_consideration_procedure": "without_consideration",
}
GROUND_SECTIONS = {
    GroundKind.CORRECTION_REFUSAL: "correction",
    GroundKind.DUPLICATE_REFUSAL: "duplicate",
    GroundKind.WITHOUT_CONSIDERATION: "without_consideration",
}
QUESTIONNAIRE_FIELDS = {
    "variants": "variants",
    "attributes": "applicant_attributes",
    "attribute_values": "attribute_values",
}


def text_problem_section(problem: TextProblem, row: Any) -> tuple[str, str]:
    """The validator section of a text problem and the field its finding points at: the
    edition's field itself, or the list the row is in (each ground kind and each document
    list is a list of its own in the editor)."""
    if problem.section == "edition":
        return TEXT_FIELD_SECTIONS.get(problem.field, "edition"), problem.field
    if problem.section == "grounds":
        return GROUND_SECTIONS.get(row.kind, "grounds"), f"grounds_{row.kind}"
    if problem.section == "documents" and row.source == DocumentSource.INTERAGENCY:
        return "documents", "documents_interagency"
    if problem.section in QUESTIONNAIRE_FIELDS:
        return "variants", QUESTIONNAIRE_FIELDS[problem.section]
    return problem.section, problem.section


@rule(
    "edition.text_not_exchangeable",
    section="edition",
    description=gettext_lazy(
        "Текст редакции (её поле, строка любого раздела, вариант, признак заявителя или его значение) "
        "содержит символ, недопустимый в XML 1.0 (например, управляющий символ из Word), или длиннее "
        "ячейки Excel (32 767 знаков): такой текст нельзя передать при обмене. Замечание относится к "
        "разделу, где этот текст."
    ),
)
def edition_text_not_exchangeable(facts: EditionFacts) -> Iterator[Hit]:
    # Text stored before the field validators refused it, or written around them (bulk
    # updates, data migrations): once published, it would stop every export that includes it.
    for problem, row in edition_text_problems(facts.edition):
        section, field = text_problem_section(problem, row)
        yield Hit(
            _(
                "%(place)s. %(problem)s Такой текст не передаётся при межведомственном обмене, "
                "поэтому редакцию с ним опубликовать нельзя."
            )
            % {"place": capfirst(problem_place(problem)), "problem": problem.message},
            field,
            capfirst(problem_row(problem)),
            section=section,
        )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 1 — наименование услуги
# ---------------------------------------------------------------------------------------------


@rule(
    "service_name.missing",
    requirement="service_name",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указано полное наименование услуги."),
)
def service_name_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.edition.full_name.strip():
        yield Hit(
            _("Укажите полное наименование услуги так, как оно записано в административном регламенте."),
            "full_name",
        )


@rule(
    "service_name.short_name_missing",
    requirement="service_name",
    severity=Severity.WARNING,
    description=gettext_lazy("Не указано краткое наименование, которое видят граждане в каталоге."),
)
def service_name_short_name_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.edition.short_name.strip():
        yield Hit(
            _("Укажите краткое наименование услуги: оно показывается гражданам в каталоге."), "short_name"
        )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 2 — орган, предоставляющий услугу
# ---------------------------------------------------------------------------------------------


@rule(
    "provider_body.missing",
    requirement="provider_body",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указан орган, предоставляющий услугу, или у органа нет наименования."),
)
def provider_body_missing(facts: EditionFacts) -> Iterator[Hit]:
    provider = facts.service.provider if facts.service.provider_id else None
    if provider is None or not (provider.full_name.strip() or provider.short_name.strip()):
        yield Hit(
            _(
                "Укажите орган, предоставляющий услугу, с его полным наименованием (в карточке "
                "услуги и в справочнике органов)."
            ),
            "service",
        )


@rule(
    "provider_body.oktmo_missing",
    requirement="provider_body",
    kind=RuleKind.FILLED,
    description=gettext_lazy("У органа местного самоуправления не указан код ОКТМО."),
)
def provider_body_oktmo_missing(facts: EditionFacts) -> Iterator[Hit]:
    provider = facts.service.provider if facts.service.provider_id else None
    if provider is not None and provider.level == Level.MUNICIPAL and not provider.oktmo.strip():
        yield Hit(
            _(
                "Укажите в справочнике органов код ОКТМО муниципального образования органа «%(body)s»: "
                "без него муниципальную услугу нельзя отнести к территории."
            )
            % {"body": provider},
            "service",
            label(str(provider)),
        )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 3 — результат
# ---------------------------------------------------------------------------------------------


@rule(
    "result.missing",
    requirement="result",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указан ни один результат предоставления услуги."),
)
def result_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.results:
        yield Hit(
            _("Укажите хотя бы один результат услуги: документ, который получит заявитель, или действие."),
            "results",
        )


@rule(
    "result.form_missing",
    requirement="result",
    kind=RuleKind.FILLED,
    description=gettext_lazy("У результата-документа не указана форма (бумажный, электронный документ …)."),
)
def result_form_missing(facts: EditionFacts) -> Iterator[Hit]:
    for result in facts.results:
        if result.kind == ResultKind.DOCUMENT and not result.document_form.strip():
            yield Hit(
                _(
                    "Укажите форму результата «%(name)s»: бумажный документ, электронный документ, "
                    "запись в реестре."
                )
                % {"name": result.name},
                "results",
                label(result.name),
            )


@rule(
    "result.row_incomplete",
    requirement="result",
    kind=RuleKind.FILLED,
    description=gettext_lazy("В строке перечня результатов не указан сам результат."),
)
def result_row_incomplete(facts: EditionFacts) -> Iterator[Hit]:
    yield from incomplete_rows(
        facts.results, title=_("Результаты предоставления услуги"), field="results", required=("name",)
    )


@rule(
    "result.variant_without_result",
    requirement="result",
    kind=RuleKind.FILLED,
    description=gettext_lazy(
        "У варианта предоставления нет ни своего результата, ни общего для всех вариантов."
    ),
)
def result_variant_without_result(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.results:
        return
    for variant in facts.variants:
        if not facts.rows_for_variant(facts.results, variant.pk):
            yield Hit(
                _("Укажите результат для варианта «%(variant)s» или результат, общий для всех вариантов.")
                % {"variant": variant.name},
                "results",
                label(variant.name),
            )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 4 — срок
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineHolder:
    """The edition or a variant: where a finding about its deadline is shown and edited."""

    holder: Any
    item: str = ""
    field: str = "deadline_value"
    section: str | None = None
    row: int | None = None


def deadline_holders(facts: EditionFacts) -> list[DeadlineHolder]:
    """The edition (the deadline page) and its variants (each at its row of the variants list)."""
    return [
        DeadlineHolder(facts.edition),
        *(
            DeadlineHolder(variant, label(variant.name), "variants", "variants", index)
            for index, variant in enumerate(in_editor_order(facts.variants))
        ),
    ]


@rule(
    "deadline.missing",
    requirement="deadline",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указан срок предоставления услуги ни для услуги, ни для вариантов."),
)
def deadline_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not any(place.holder.has_deadline for place in deadline_holders(facts)):
        yield Hit(
            _(
                "Укажите срок предоставления услуги: число, единицу (дни, часы), рабочие или "
                "календарные дни и событие, с которого срок исчисляется."
            ),
            "deadline_value",
        )


@rule(
    "deadline.incomplete",
    requirement="deadline",
    kind=RuleKind.FILLED,
    description=gettext_lazy(
        "Срок указан не полностью: нет положительного числа, единицы или вида дней для дней и месяцев."
    ),
)
def deadline_incomplete(facts: EditionFacts) -> Iterator[Hit]:
    # A draft keeps a half-entered deadline (a number without its unit …): this is where it is named.
    for place in deadline_holders(facts):
        holder = place.holder
        if not holder.has_deadline:
            continue
        where = {"item": place.item, "section": place.section, "row": place.row}
        prefix = _("Вариант «%(variant)s»: ") % {"variant": place.item} if place.item else ""
        if not holder.deadline_value or holder.deadline_value <= 0:
            yield Hit(
                capfirst(prefix + _("укажите срок положительным числом.")),
                place.field if place.item else "deadline_value",
                **where,
            )
        if not holder.deadline_unit:
            yield Hit(
                capfirst(prefix + _("укажите единицу срока: минуты, часы, дни или месяцы.")),
                place.field if place.item else "deadline_unit",
                **where,
            )
        elif (
            holder.deadline_unit in (DeadlineUnit.DAYS, DeadlineUnit.MONTHS) and not holder.deadline_day_type
        ):
            yield Hit(
                capfirst(prefix + _("укажите, в каких днях исчисляется срок: в рабочих или календарных.")),
                place.field if place.item else "deadline_day_type",
                **where,
            )


@rule(
    "deadline.variant_without_deadline",
    requirement="deadline",
    kind=RuleKind.FILLED,
    description=gettext_lazy("У варианта нет своего срока, и у услуги нет общего срока."),
)
def deadline_variant_without_deadline(facts: EditionFacts) -> Iterator[Hit]:
    if facts.edition.has_deadline or not any(variant.has_deadline for variant in facts.variants):
        return
    for variant in facts.variants:
        if not variant.has_deadline:
            yield Hit(
                _("Укажите срок для варианта «%(variant)s» или общий срок предоставления услуги.")
                % {"variant": variant.name},
                "variants",
                label(variant.name),
            )


def deadline_is_unusual(holder: Any) -> bool:
    # Only a maximum is absurd when it is huge or in minutes: a waiting period or a fixed term
    # («не ранее чем через 1 месяц», «через 15 минут») says something else.
    if not (holder.deadline_value and holder.deadline_unit):
        return False
    if (holder.deadline_kind or DeadlineKind.MAXIMUM) != DeadlineKind.MAXIMUM:
        return False
    if holder.deadline_unit == DeadlineUnit.MINUTES:
        return True
    day_type = holder.deadline_day_type if holder.deadline_unit != DeadlineUnit.HOURS else ""
    limit = DEADLINE_LIMITS.get((holder.deadline_unit, day_type))
    return limit is not None and holder.deadline_value > limit


@rule(
    "deadline.unusual",
    requirement="deadline",
    description=gettext_lazy(
        "Максимальный срок («не более …») в минутах или больше года (365 календарных дней, 250 рабочих "
        "дней, 12 месяцев, 8760 часов) — ошибка, пока срок не подтверждён отметкой «необычный срок "
        "подтверждён»."
    ),
)
def deadline_unusual(facts: EditionFacts) -> Iterator[Hit]:
    if facts.edition.unusual_deadline_confirmed:
        return
    for place in deadline_holders(facts):
        holder = place.holder
        if deadline_is_unusual(holder):
            yield Hit(
                _(
                    "Срок «%(deadline)s» похож на ошибку ввода: срок в минутах или больше года. "
                    "Исправьте срок; если он действительно такой, отметьте «%(confirmation)s»."
                )
                % {
                    "deadline": holder.deadline_display(),
                    "confirmation": field_label("unusual_deadline_confirmed"),
                },
                place.field,
                place.item,
                section=place.section,
                row=place.row,
            )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 5 — правовые основания
# ---------------------------------------------------------------------------------------------


@rule(
    "legal_bases.missing",
    requirement="legal_bases",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указано ни одно правовое основание."),
)
def legal_bases_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.legal_bases:
        yield Hit(
            _("Укажите правовые основания предоставления услуги: акт, статью, часть, пункт."),
            "legal_bases",
        )


@rule(
    "legal_bases.act_not_in_force",
    requirement="legal_bases",
    kind=RuleKind.FILLED,
    description=gettext_lazy(
        "Правовое основание ссылается на акт, не действующий на дату вступления редакции в силу."
    ),
)
def legal_bases_act_not_in_force(facts: EditionFacts) -> Iterator[Hit]:
    for basis in facts.legal_bases:
        if basis.act_id and not facts.act_in_force(basis.act):
            citation = basis.render_citation()
            yield act_not_in_force_hit(
                facts,
                basis.act,
                _("правовое основание «%(citation)s»") % {"citation": citation},
                "legal_bases",
                label(citation),
            )


@rule(
    "legal_bases.act_missing",
    requirement="legal_bases",
    kind=RuleKind.FILLED,
    description=gettext_lazy("У правового основания не выбран нормативный правовой акт."),
)
def legal_bases_act_missing(facts: EditionFacts) -> Iterator[Hit]:
    yield from incomplete_rows(
        facts.legal_bases, title=_("Правовые основания"), field="legal_bases", required=("act",)
    )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 6 — документы
# ---------------------------------------------------------------------------------------------


@rule(
    "documents.missing",
    requirement="documents",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указан ни один документ."),
)
def documents_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.documents:
        yield Hit(
            _(
                "Заполните исчерпывающий перечень документов: что представляет заявитель и что орган "
                "запрашивает по межведомственному запросу."
            ),
            "documents",
        )


# Each list of documents is a list of its own in the editor (its rows are numbered apart).
DOCUMENT_LISTS = (
    (DocumentSource.APPLICANT, "documents"),
    (DocumentSource.INTERAGENCY, "documents_interagency"),
)


@rule(
    "documents.row_incomplete",
    requirement="documents",
    kind=RuleKind.FILLED,
    description=gettext_lazy("В строке перечня документов не указано наименование документа."),
)
def documents_row_incomplete(facts: EditionFacts) -> Iterator[Hit]:
    for source, field in DOCUMENT_LISTS:
        yield from incomplete_rows(
            [document for document in facts.documents if document.source == source],
            title=_("Документы («%(list)s»)") % {"list": DocumentSource(source).label},
            field=field,
            required=("name",),
        )


@rule(
    "documents.holder_missing",
    requirement="documents",
    kind=RuleKind.FILLED,
    description=gettext_lazy(
        "У документа, запрашиваемого по межведомственному запросу, не указан орган-держатель."
    ),
)
def documents_holder_missing(facts: EditionFacts) -> Iterator[Hit]:
    for document in facts.documents:
        if document.source == DocumentSource.INTERAGENCY and not document.holder_body.strip():
            yield Hit(
                _(
                    "Укажите, в распоряжении какого органа находится документ «%(name)s»: орган "
                    "запросит его по межведомственному запросу."
                )
                % {"name": document.name},
                "documents",
                label(document.name),
            )


@rule(
    "documents.in_both_lists",
    requirement="documents",
    kind=RuleKind.FILLED,
    description=gettext_lazy(
        "Один и тот же документ (без учёта регистра, «ё» и пробелов) входит в оба перечня."
    ),
)
def documents_in_both_lists(facts: EditionFacts) -> Iterator[Hit]:
    # Rows of the whole edition apply to every variant, so a variant's own row may clash
    # with an edition-wide one; the same clash is reported once, not per variant.
    scopes = [[d for d in facts.documents if d.variant_id is None]]
    scopes += [facts.rows_for_variant(facts.documents, variant.pk) for variant in facts.variants]
    reported: set[frozenset[int]] = set()
    for scope in scopes:
        by_name: dict[str, list[Any]] = {}
        for document in scope:
            by_name.setdefault(normalize_name(document.name), []).append(document)
        for twins in by_name.values():
            ids = frozenset(d.pk for d in twins)
            if len({d.source for d in twins}) < 2 or ids in reported:
                continue
            reported.add(ids)
            variant_names = sorted({facts.variant_name(d.variant_id) for d in twins if d.variant_id})
            item = twins[0].name if not variant_names else f"{twins[0].name} ({', '.join(variant_names)})"
            yield Hit(
                _(
                    "Документ «%(name)s» указан и среди представляемых заявителем, и среди "
                    "запрашиваемых по межведомственному запросу. Оставьте его в одном перечне."
                )
                % {"name": twins[0].name},
                "documents",
                label(item),
            )


# ---------------------------------------------------------------------------------------------
# Grounds: ч. 1 пп. 7–8, ч. 2 пп. 5–7. Each list is filled or explicitly «не предусмотрены».
# ---------------------------------------------------------------------------------------------


def register_grounds_rules(requirement: str, lists: tuple[tuple[str, str], ...]) -> None:
    """The three rules every exhaustive list of grounds has, for (ground kind, no_* flag) pairs."""

    def kinds() -> dict[str, str]:
        return {"kinds": ", ".join(f"«{GroundKind(kind).label}»" for kind, _flag in lists)}

    def grounds_missing(facts: EditionFacts) -> Iterator[Hit]:
        for kind, flag in lists:
            if not facts.grounds_of(kind) and not getattr(facts.edition, flag):
                yield Hit(
                    _(
                        "Перечислите основания вида «%(kind)s» или отметьте «%(flag)s»: перечень "
                        "должен быть исчерпывающим."
                    )
                    % {"kind": GroundKind(kind).label, "flag": field_label(flag)},
                    flag,
                    str(GroundKind(kind).label),
                )

    def grounds_flag_conflict(facts: EditionFacts) -> Iterator[Hit]:
        for kind, flag in lists:
            grounds = facts.grounds_of(kind)
            if grounds and getattr(facts.edition, flag):
                yield Hit(
                    _(
                        "Отмечено «%(flag)s», но в перечне есть основания: %(grounds)s. Снимите "
                        "отметку или удалите эти основания."
                    )
                    % {"flag": field_label(flag), "grounds": "; ".join(label(g.text) for g in grounds)},
                    flag,
                    str(GroundKind(kind).label),
                )

    def ground_text_missing(facts: EditionFacts) -> Iterator[Hit]:
        for kind, _flag in lists:
            yield from incomplete_rows(
                facts.grounds_of(kind),
                title=_("Основания («%(kind)s»)") % {"kind": GroundKind(kind).label},
                field=f"grounds_{kind}",
                required=("text",),
            )

    def ground_act_not_in_force(facts: EditionFacts) -> Iterator[Hit]:
        for kind, _flag in lists:
            for ground in facts.grounds_of(kind):
                if ground.act_id and not facts.act_in_force(ground.act):
                    yield act_not_in_force_hit(
                        facts,
                        ground.act,
                        _("основание «%(ground)s»") % {"ground": label(ground.text)},
                        f"grounds_{kind}",  # each kind's list has an anchor of its own
                        label(ground.text),
                    )

    rule(
        f"{requirement}.grounds_missing",
        requirement=requirement,
        kind=RuleKind.FILLED,
        description=lazy_interpolate(
            gettext_lazy("Перечень оснований (%(kinds)s) пуст и не отмечено, что они не предусмотрены."),
            kinds,
        ),
    )(grounds_missing)
    rule(
        f"{requirement}.ground_text_missing",
        requirement=requirement,
        kind=RuleKind.FILLED,
        description=lazy_interpolate(
            gettext_lazy("В строке перечня оснований (%(kinds)s) не указан текст основания."), kinds
        ),
    )(ground_text_missing)
    rule(
        f"{requirement}.grounds_flag_conflict",
        requirement=requirement,
        description=lazy_interpolate(
            gettext_lazy("Отмечено, что основания (%(kinds)s) не предусмотрены, но такие основания указаны."),
            kinds,
        ),
    )(grounds_flag_conflict)
    rule(
        f"{requirement}.ground_act_not_in_force",
        requirement=requirement,
        description=lazy_interpolate(
            gettext_lazy(
                "Основание (%(kinds)s) ссылается на акт, не действующий на дату вступления редакции в силу."
            ),
            kinds,
        ),
    )(ground_act_not_in_force)


register_grounds_rules("accept_refusal_grounds", ((GroundKind.ACCEPT_REFUSAL, "no_accept_refusal_grounds"),))
register_grounds_rules(
    "suspension_and_refusal_grounds",
    ((GroundKind.SUSPENSION, "no_suspension_grounds"), (GroundKind.REFUSAL, "no_refusal_grounds")),
)


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 9 — плата
# ---------------------------------------------------------------------------------------------


@rule(
    "fee.not_answered",
    requirement="fee",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указано, бесплатна ли услуга."),
)
def fee_not_answered(facts: EditionFacts) -> Iterator[Hit]:
    if facts.edition.is_free is None:
        yield Hit(
            _(
                "Укажите, предоставляется ли услуга бесплатно; если нет — размер платы, основание "
                "и способ оплаты."
            ),
            "is_free",
        )


@rule(
    "fee.paid_without_amount",
    requirement="fee",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Услуга платная, но не указан ни один размер платы."),
)
def fee_paid_without_amount(facts: EditionFacts) -> Iterator[Hit]:
    if facts.edition.is_free is False and not facts.fees:
        yield Hit(_("Услуга отмечена как платная: укажите размер платы и за что она взимается."), "fees")


@rule(
    "fee.row_incomplete",
    requirement="fee",
    kind=RuleKind.FILLED,
    description=gettext_lazy("В строке размеров платы не указано, за что взимается плата, или её размер."),
)
def fee_row_incomplete(facts: EditionFacts) -> Iterator[Hit]:
    yield from incomplete_rows(
        facts.fees, title=_("Размеры платы"), field="fees", required=("name", "amount"), name="name"
    )


@rule(
    "fee.paid_without_basis",
    requirement="fee",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Размер платы указан без правового основания."),
)
def fee_paid_without_basis(facts: EditionFacts) -> Iterator[Hit]:
    if facts.edition.is_free is not False:
        return
    for index, fee in enumerate(in_editor_order(facts.fees)):
        if not fee.act_id:
            yield Hit(
                _(
                    "Укажите правовое основание платы «%(name)s»: акт и статью, которыми она установлена "
                    "(например, ст. 333.33 НК РФ)."
                )
                % {"name": fee.name},
                "fees",
                label(fee.name),
                row=index,
            )


@rule(
    "fee.paid_without_method",
    requirement="fee",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Услуга платная, но не указан ни один способ оплаты."),
)
def fee_paid_without_method(facts: EditionFacts) -> Iterator[Hit]:
    if facts.edition.is_free is False and not facts.payment_methods:
        yield Hit(_("Укажите способы оплаты: как заявитель может внести плату."), "payment_methods")


@rule(
    "fee.free_with_amounts",
    requirement="fee",
    description=gettext_lazy("Услуга отмечена как бесплатная, но указаны размеры платы."),
)
def fee_free_with_amounts(facts: EditionFacts) -> Iterator[Hit]:
    if facts.edition.is_free is True and facts.fees:
        yield Hit(
            _(
                "Услуга отмечена как бесплатная, но указаны размеры платы: %(fees)s. Удалите их или "
                "снимите отметку «бесплатно»."
            )
            % {"fees": "; ".join(label(str(fee)) for fee in facts.fees)},
            "fees",
        )


@rule(
    "fee.act_not_in_force",
    requirement="fee",
    description=gettext_lazy(
        "Размер платы установлен актом, не действующим на дату вступления редакции в силу."
    ),
)
def fee_act_not_in_force(facts: EditionFacts) -> Iterator[Hit]:
    for fee in facts.fees:
        if fee.act_id and not facts.act_in_force(fee.act):
            yield act_not_in_force_hit(
                facts, fee.act, _("плата «%(name)s»") % {"name": label(fee.name)}, "fees", label(fee.name)
            )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 10 — ожидание в очереди
# ---------------------------------------------------------------------------------------------

QUEUE_FIELDS = ("queue_wait_minutes_submission", "queue_wait_minutes_receipt")


@rule(
    "queue_wait.missing",
    requirement="queue_wait",
    kind=RuleKind.FILLED,
    description=gettext_lazy(
        "Не указан срок ожидания в очереди при подаче запроса или при получении результата."
    ),
)
def queue_wait_missing(facts: EditionFacts) -> Iterator[Hit]:
    for name in QUEUE_FIELDS:
        if getattr(facts.edition, name) is None:
            yield Hit(
                _("Укажите «%(field)s» (обычно не более 15 минут).") % {"field": field_label(name)}, name
            )


@rule(
    "queue_wait.too_long",
    requirement="queue_wait",
    severity=Severity.WARNING,
    description=gettext_lazy("Срок ожидания в очереди больше 15 минут."),
)
def queue_wait_too_long(facts: EditionFacts) -> Iterator[Hit]:
    for name in QUEUE_FIELDS:
        minutes = getattr(facts.edition, name)
        if minutes is not None and minutes > QUEUE_WAIT_MAX_MINUTES:
            yield Hit(
                _(
                    "«%(field)s» — %(minutes)s мин., больше обычных %(limit)s минут. Проверьте значение "
                    "по административному регламенту."
                )
                % {"field": field_label(name), "minutes": minutes, "limit": QUEUE_WAIT_MAX_MINUTES},
                name,
            )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 11 — срок регистрации запроса
# ---------------------------------------------------------------------------------------------


@rule(
    "registration_term.missing",
    requirement="registration_term",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указан срок регистрации запроса."),
)
def registration_term_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.edition.registration_term:
        yield Hit(
            _(
                "Укажите срок регистрации запроса: в течение 15 минут, в день поступления, "
                "не позднее следующего рабочего дня."
            ),
            "registration_term",
        )


@rule(
    "registration_term.value_missing",
    requirement="registration_term",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Срок регистрации в минутах или рабочих днях указан без числа."),
)
def registration_term_value_missing(facts: EditionFacts) -> Iterator[Hit]:
    edition = facts.edition
    needs_value = (RegistrationTerm.MINUTES, RegistrationTerm.WORKING_DAYS)
    if edition.registration_term in needs_value and not edition.registration_term_value:
        yield Hit(
            _("Укажите число для срока регистрации «%(term)s».")
            % {"term": edition.get_registration_term_display()},
            "registration_term_value",
        )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 12 — помещения и доступность для инвалидов
# ---------------------------------------------------------------------------------------------


@rule(
    "premises.missing",
    requirement="premises",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не описаны требования к помещениям."),
)
def premises_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.edition.premises_requirements.strip():
        yield Hit(
            _(
                "Опишите требования к помещениям: зал ожидания, места для заполнения запросов, "
                "информационные стенды."
            ),
            "premises_requirements",
        )


@rule(
    "premises.accessibility_missing",
    requirement="premises",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указано ни одно условие доступности для инвалидов."),
)
def premises_accessibility_missing(facts: EditionFacts) -> Iterator[Hit]:
    edition = facts.edition
    if (
        not any(getattr(edition, name) for name in ACCESS_FIELDS)
        and not edition.accessibility_requirements.strip()
    ):
        yield Hit(
            _(
                "Укажите условия доступности для инвалидов: отметьте имеющиеся (пандус, парковка, "
                "шрифт Брайля, сурдопереводчик …) или опишите их."
            ),
            "accessibility_requirements",
        )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 13 — показатели доступности и качества
# ---------------------------------------------------------------------------------------------


@rule(
    "quality_indicators.missing",
    requirement="quality_indicators",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указан ни один показатель доступности и качества."),
)
def quality_indicators_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.indicators:
        yield Hit(
            _(
                "Укажите показатели доступности и качества с целевыми значениями, например: число "
                "обращений к должностным лицам — не более 2."
            ),
            "indicators",
        )


@rule(
    "quality_indicators.row_incomplete",
    requirement="quality_indicators",
    kind=RuleKind.FILLED,
    description=gettext_lazy("В строке показателей не указан вид показателя, его наименование или условие."),
)
def quality_indicators_row_incomplete(facts: EditionFacts) -> Iterator[Hit]:
    yield from incomplete_rows(
        facts.indicators,
        title=_("Показатели доступности и качества"),
        field="indicators",
        required=("kind", "name", "comparison"),
        name="name",
    )


@rule(
    "quality_indicators.target_missing",
    requirement="quality_indicators",
    kind=RuleKind.FILLED,
    description=gettext_lazy("У показателя (кроме показателей «да/нет») нет целевого значения."),
)
def quality_indicators_target_missing(facts: EditionFacts) -> Iterator[Hit]:
    for index, indicator in enumerate(in_editor_order(facts.indicators)):
        if indicator.comparison != IndicatorComparison.YES_NO and indicator.target_value is None:
            yield Hit(
                _("Укажите целевое значение показателя «%(name)s».") % {"name": indicator.name},
                "indicators",
                label(indicator.name),
                row=index,
            )


# ---------------------------------------------------------------------------------------------
# ч. 1 п. 14 — МФЦ, электронная форма, экстерриториальность
# ---------------------------------------------------------------------------------------------

AVAILABILITY_FIELDS = ("available_in_mfc", "available_electronically", "extraterritorial")


@rule(
    "other_requirements.not_answered",
    requirement="other_requirements",
    kind=RuleKind.FILLED,
    description=gettext_lazy(
        "Нет ответа «да» или «нет»: МФЦ, электронная форма через ЕПГУ, экстерриториальность."
    ),
)
def other_requirements_not_answered(facts: EditionFacts) -> Iterator[Hit]:
    for name in AVAILABILITY_FIELDS:
        if getattr(facts.edition, name) is None:
            yield Hit(_("Ответьте «да» или «нет»: «%(field)s».") % {"field": field_label(name)}, name)


# ---------------------------------------------------------------------------------------------
# ч. 2 — единый стандарт
# ---------------------------------------------------------------------------------------------


@rule(
    "applicants.missing",
    requirement="applicants",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указана ни одна категория заявителей."),
)
def applicants_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.applicant_categories:
        yield Hit(_("Укажите категории заявителей: кто может обратиться за услугой."), "applicant_categories")


@rule(
    "submission_channels.missing",
    requirement="submission_channels",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указан ни один способ подачи запроса."),
)
def submission_channels_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.submission_channels:
        yield Hit(
            _("Укажите способы подачи запроса: лично, через МФЦ, через ЕПГУ, почтой."), "submission_channels"
        )


@rule(
    "single_fee.not_filled",
    requirement="single_fee",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Сведения о плате не заполнены (проверяются как п. 9 ч. 1)."),
)
def single_fee_not_filled(facts: EditionFacts) -> Iterator[Hit]:
    # The same facts as п. 9 ч. 1: its detailed findings say what to fix; this one only
    # records that ч. 2 п. 3 is not met either.
    if not requirement_is_filled(facts, "fee"):
        yield Hit(
            _("Заполните сведения о плате: единый стандарт требует их так же, как п. 9 ч. 1 ст. 14."),
            "is_free",
        )


@rule(
    "progress_tracking.missing",
    requirement="progress_tracking",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не описан порядок информирования заявителя о ходе рассмотрения запроса."),
)
def progress_tracking_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.edition.progress_tracking.strip():
        yield Hit(
            _(
                "Опишите, как заявитель узнаёт о ходе рассмотрения запроса: личный кабинет ЕПГУ, "
                "телефон, МФЦ."
            ),
            "progress_tracking",
        )


def register_procedure_rule(requirement: str, procedure_field: str, description: Promise) -> None:
    def procedure_missing(facts: EditionFacts) -> Iterator[Hit]:
        if not getattr(facts.edition, procedure_field).strip():
            yield Hit(_("Опишите «%(field)s».") % {"field": field_label(procedure_field)}, procedure_field)

    rule(
        f"{requirement}.procedure_missing",
        requirement=requirement,
        kind=RuleKind.FILLED,
        description=description,
    )(procedure_missing)


register_procedure_rule(
    "correction",
    "correction_procedure",
    gettext_lazy("Не описан порядок исправления опечаток и ошибок."),
)
register_grounds_rules("correction", ((GroundKind.CORRECTION_REFUSAL, "no_correction_refusal_grounds"),))
register_procedure_rule(
    "duplicate", "duplicate_procedure", gettext_lazy("Не описан порядок выдачи дубликата.")
)
register_grounds_rules("duplicate", ((GroundKind.DUPLICATE_REFUSAL, "no_duplicate_refusal_grounds"),))
register_procedure_rule(
    "without_consideration",
    "without_consideration_procedure",
    gettext_lazy("Не описан порядок оставления запроса без рассмотрения."),
)
register_grounds_rules(
    "without_consideration", ((GroundKind.WITHOUT_CONSIDERATION, "no_without_consideration_grounds"),)
)


@rule(
    "forms.request_form_missing",
    requirement="forms",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не загружена форма запроса (заявления)."),
)
def forms_request_form_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not any(form.kind == FormKind.REQUEST for form in facts.forms):
        yield Hit(_("Загрузите форму запроса (заявления) о предоставлении услуги."), "forms")


@rule(
    "result_delivery.missing",
    requirement="result_delivery",
    kind=RuleKind.FILLED,
    description=gettext_lazy("Не указан ни один способ получения результата."),
)
def result_delivery_missing(facts: EditionFacts) -> Iterator[Hit]:
    if not facts.result_delivery_channels:
        yield Hit(
            _("Укажите способы получения результата: лично, в МФЦ, в личном кабинете ЕПГУ, почтой."),
            "result_delivery_channels",
        )


# ---------------------------------------------------------------------------------------------
# Registry rules: variants and profiling (Правила 1228)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profiling:
    """Which variants each combination of applicant answers selects (only the bad ones)."""

    combination_count: int
    unmatched: list[str]
    ambiguous: list[tuple[str, list[str]]]


def profiling(facts: EditionFacts) -> Profiling | None:
    """None when there is nothing to combine: no attributes, an attribute without answers,
    no variants, or too many combinations (other rules report those)."""

    def compute() -> Profiling | None:
        attributes = facts.attributes
        values = [list(attribute.values.all()) for attribute in attributes]
        if not attributes or not facts.variants or not all(values):
            return None
        count = math.prod(len(answers) for answers in values)
        if count > MAX_PROFILE_COMBINATIONS:
            return Profiling(count, [], [])
        attribute_ids = {attribute.pk for attribute in attributes}
        # A variant restricts an attribute when it has at least one of that attribute's values.
        restrictions = []
        for variant in facts.variants:
            allowed: dict[int, set[int]] = {}
            for value in variant.attribute_values.all():
                if value.attribute_id in attribute_ids:
                    allowed.setdefault(value.attribute_id, set()).add(value.pk)
            restrictions.append((variant, allowed))
        unmatched, ambiguous = [], []
        for combination in itertools.product(*values):
            chosen = {value.attribute_id: value.pk for value in combination}
            matches = [
                variant.name
                for variant, allowed in restrictions
                if all(chosen[attribute_id] in ids for attribute_id, ids in allowed.items())
            ]
            if len(matches) != 1:
                answers = "; ".join(
                    f"«{attribute.question}» — «{value.label}»"
                    for attribute, value in zip(attributes, combination, strict=True)
                )
                if matches:
                    ambiguous.append((answers, matches))
                else:
                    unmatched.append(answers)
        return Profiling(count, unmatched, ambiguous)

    return facts.memo("profiling", compute)


def more_combinations_hit(count: int) -> Hit:
    return Hit(
        _("И ещё сочетаний ответов с той же ошибкой: %(count)s. Исправьте значения признаков у вариантов.")
        % {"count": count},
        "variants",
    )


@rule(
    "variants.not_selectable",
    section="variants",
    description=gettext_lazy(
        "Вариантов больше одного, но нет признаков заявителя, по которым выбирается вариант."
    ),
)
def variants_not_selectable(facts: EditionFacts) -> Iterator[Hit]:
    if len(facts.variants) > 1 and not facts.attributes:
        yield Hit(
            _(
                "У услуги %(count)s варианта(ов), но нет признаков заявителя: добавьте вопросы, по "
                "ответам на которые выбирается вариант."
            )
            % {"count": len(facts.variants)},
            "applicant_attributes",
        )


@rule(
    "variants.attribute_without_values",
    section="variants",
    description=gettext_lazy("У признака заявителя нет ни одного значения (варианта ответа)."),
)
def variants_attribute_without_values(facts: EditionFacts) -> Iterator[Hit]:
    for attribute in facts.attributes:
        if not attribute.values.all():
            yield Hit(
                _("Добавьте варианты ответа на вопрос «%(question)s» или удалите этот признак.")
                % {"question": attribute.question},
                "applicant_attributes",
                label(attribute.question),
            )


@rule(
    "variants.attributes_without_variants",
    section="variants",
    description=gettext_lazy("Признаки заявителя заданы, но вариантов предоставления нет."),
)
def variants_attributes_without_variants(facts: EditionFacts) -> Iterator[Hit]:
    if facts.attributes and not facts.variants:
        yield Hit(
            _(
                "Признаки заявителя заданы, но вариантов нет: добавьте варианты предоставления "
                "или удалите признаки."
            ),
            "variants",
        )


@rule(
    "variants.too_many_combinations",
    section="variants",
    description=gettext_lazy(
        "Сочетаний ответов на вопросы о признаках заявителя больше 4096: анкету не проверить."
    ),
)
def variants_too_many_combinations(facts: EditionFacts) -> Iterator[Hit]:
    outcome = profiling(facts)
    if outcome is not None and outcome.combination_count > MAX_PROFILE_COMBINATIONS:
        yield Hit(
            _(
                "Вопросы о признаках заявителя дают %(count)s сочетаний ответов (допустимо не более "
                "%(limit)s). Сократите число вопросов или вариантов ответа."
            )
            % {"count": outcome.combination_count, "limit": MAX_PROFILE_COMBINATIONS},
            "applicant_attributes",
        )


@rule(
    "variants.combination_without_variant",
    section="variants",
    description=gettext_lazy("Есть сочетание ответов заявителя, при котором не подходит ни один вариант."),
)
def variants_combination_without_variant(facts: EditionFacts) -> Iterator[Hit]:
    outcome = profiling(facts)
    if outcome is None:
        return
    for answers in outcome.unmatched[:MAX_REPORTED_COMBINATIONS]:
        yield Hit(
            _(
                "При ответах %(answers)s не подходит ни один вариант предоставления. Укажите, какой "
                "вариант применяется в этом случае."
            )
            % {"answers": answers},
            "variants",
            label(answers),
        )
    if len(outcome.unmatched) > MAX_REPORTED_COMBINATIONS:
        yield more_combinations_hit(len(outcome.unmatched) - MAX_REPORTED_COMBINATIONS)


@rule(
    "variants.combination_with_several_variants",
    section="variants",
    description=gettext_lazy("Есть сочетание ответов заявителя, при котором подходят несколько вариантов."),
)
def variants_combination_with_several_variants(facts: EditionFacts) -> Iterator[Hit]:
    outcome = profiling(facts)
    if outcome is None:
        return
    for answers, names in outcome.ambiguous[:MAX_REPORTED_COMBINATIONS]:
        yield Hit(
            _(
                "При ответах %(answers)s подходят сразу несколько вариантов: %(variants)s. Уточните "
                "значения признаков у вариантов, чтобы подходил ровно один."
            )
            % {"answers": answers, "variants": ", ".join(f"«{name}»" for name in names)},
            "variants",
            label(answers),
        )
    if len(outcome.ambiguous) > MAX_REPORTED_COMBINATIONS:
        yield more_combinations_hit(len(outcome.ambiguous) - MAX_REPORTED_COMBINATIONS)
