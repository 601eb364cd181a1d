"""The rule catalogue: every statutory requirement and every rule of the validator, rendered
as Russian Markdown from the requirement records and the rule registrations, so the
documentation cannot drift from what the validator does."""

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from registry.validation.engine import (
    UNCHECKED_CODE,
    UNCHECKED_DESCRIPTION,
    requirement_citation,
)
from registry.validation.findings import Severity
from registry.validation.rules import RULES, RuleKind, rules_for_requirement
from regulations.models import RequirementProfile, StatutoryRequirement

CATALOGUE_PATH = Path(settings.BASE_DIR) / "docs" / "validation-rules.md"


def cell(value: object) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines


def code(value: str) -> str:
    return f"`{value}`"


def render_catalogue() -> str:
    with translation.override("ru"):
        return "\n".join(catalogue_lines()) + "\n"


def catalogue_lines() -> list[str]:
    requirements = list(
        StatutoryRequirement.objects.select_related("act", "profile").order_by("profile__order", "number")
    )
    by_code = {requirement.code: requirement for requirement in requirements}
    lines = [
        "# " + _("Каталог правил проверки редакции стандарта"),
        "",
        _(
            "<!-- Файл создан командой `python manage.py rule_catalogue` из записей о требованиях закона "
            "и регистраций правил валидатора. Не редактируйте его вручную: тест сверяет его с выводом "
            "команды. -->"
        ),
        "",
        _(
            "Перед публикацией каждая редакция проверяется валидатором (`registry.validation`). Замечание "
            "с важностью «ошибка» не даёт опубликовать редакцию, «предупреждение» — не мешает. Требования "
            "ч. 1 ст. 14 проверяются у каждой услуги, требования ч. 2 — только у услуг, предоставляемых по "
            "единому стандарту. Полнота редакции — доля заполненных обязательных требований. Для "
            "необязательного требования проверки заполненности дают предупреждения, а не ошибки."
        ),
        "",
        "## " + _("Требования закона"),
    ]
    for profile in RequirementProfile.objects.order_by("order", "code"):
        lines += ["", "### " + cell(profile.title), ""]
        if profile.description:
            lines += [cell(profile.description), ""]
        rows = []
        for requirement in (r for r in requirements if r.profile_id == profile.pk):
            checks = [r.code for r in rules_for_requirement(requirement.code) if r.kind == RuleKind.FILLED]
            rows.append(
                [
                    code(requirement.code),
                    Severity.ERROR.label if requirement.is_mandatory else Severity.WARNING.label,
                    code(requirement.section),
                    requirement_citation(requirement),
                    requirement.title,
                    requirement.filled_when,
                    ", ".join(code(c) for c in checks) or _("нет проверки — публикация невозможна"),
                ]
            )
        lines += table(
            [
                _("Код"),
                _("Важность"),
                _("Раздел"),
                _("Ссылка"),
                _("Требование"),
                _("Считается заполненным, если"),
                _("Проверки заполненности"),
            ],
            rows,
        )
    rows = [
        [
            code(UNCHECKED_CODE),
            Severity.ERROR.label,
            _("проверка валидатора"),
            _("раздел требования"),
            _("ссылка требования"),
            UNCHECKED_DESCRIPTION,
        ]
    ]
    for rule in RULES.values():
        requirement = by_code.get(rule.requirement) if rule.requirement else None
        if rule.requirement is None:
            section, citation = rule.section, _("правило реестра")
        elif requirement is None:
            section, citation = "—", _("требование «%(code)s» не найдено") % {"code": rule.requirement}
        else:
            section, citation = requirement.section, requirement_citation(requirement)
        rows.append(
            [code(rule.code), rule.severity.label, rule.kind.label, code(section), citation, rule.description]
        )
    lines += [
        "",
        "## " + _("Правила проверки"),
        "",
        _(
            "Проверки заполненности решают, заполнено ли требование (DOMAIN.md); проверки "
            "согласованности ловят противоречия и явные ошибки ввода. Правила реестра — наши "
            "собственные, без ссылки на закон."
        ),
        "",
    ]
    lines += table([_("Код"), _("Важность"), _("Вид"), _("Раздел"), _("Ссылка"), _("Описание")], rows)
    return lines
