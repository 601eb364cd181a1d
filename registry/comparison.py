"""Comparing two editions of a service, section by section, item by item.

Sections come in statutory order (the order of the requirement records of the
``regulations`` app, which also give each section its citation), with the edition's own
particulars first and the variants last. Scalar fields are compared by value; list rows
are matched by a natural key (a document by its list and normalized name, a fee by its
name, variant and applicant category, a ground by its kind and text, a legal basis by its
rendered citation), so that a reordered list shows no change and a renamed document shows
as one removed and one added. Values are shown as a reader sees them, in Russian."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import (
    ApplicantAttribute,
    Document,
    Edition,
    Fee,
    Ground,
    GroundKind,
    LegalBasis,
    QualityIndicator,
    Result,
    StandardForm,
    Variant,
    normalize_name,
)
from regulations.models import StatutoryRequirement

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
STATUS_LABELS = {
    ADDED: gettext_lazy("добавлено"),
    REMOVED: gettext_lazy("исключено"),
    CHANGED: gettext_lazy("изменено"),
}


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ItemChange:
    """A row added, removed or changed; ``fields`` are all its fields for an added or removed
    row, the differing ones for a changed row."""

    status: str
    label: str
    fields: tuple[FieldChange, ...]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class SectionComparison:
    code: str
    title: str
    citation: str
    fields: tuple[FieldChange, ...]
    items: tuple[ItemChange, ...]

    @property
    def has_changes(self) -> bool:
        return bool(self.fields or self.items)


@dataclass(frozen=True)
class EditionComparison:
    old: Edition
    new: Edition
    sections: tuple[SectionComparison, ...]

    @property
    def changed_sections(self) -> list[SectionComparison]:
        return [section for section in self.sections if section.has_changes]

    @property
    def has_changes(self) -> bool:
        return any(section.has_changes for section in self.sections)


# --- how values are shown ------------------------------------------------------------------------


def display(value: Any) -> str:
    if value is None or value == "":
        return _("не указано")
    if isinstance(value, bool):
        return _("да") if value else _("нет")
    if isinstance(value, datetime.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return number_format(value.normalize() if value == value.to_integral() else value)
    if isinstance(value, FieldFile):
        return value.name.rsplit("/", 1)[-1] if value.name else _("не указано")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) if value else _("не указано")
    return str(value)


def field_display(obj: models.Model, name: str) -> str:
    """A model field as the reader sees it: choices by label, relations by name."""
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        return display(sorted(str(item) for item in getattr(obj, name).all()))
    if model_field.choices and getattr(obj, name) not in (None, ""):
        return str(getattr(obj, f"get_{name}_display")())
    return display(getattr(obj, name))


def field_label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


@dataclass(frozen=True)
class Derived:
    """A shown value computed from several fields (a deadline, a citation)."""

    name: str
    label: Promise
    value: Callable[[Any], Any]


DEADLINE = Derived("deadline", gettext_lazy("срок"), lambda obj: obj.deadline_display())
CITATION = Derived("citation", gettext_lazy("правовое основание"), lambda obj: obj.render_citation())
VARIANT_CHOICE = Derived(
    "attribute_values",
    gettext_lazy("применяется при ответах"),
    lambda variant: sorted(
        f"{value.attribute.question}: {value.label}" for value in variant.attribute_values.all()
    ),
)
ATTRIBUTE_VALUES = Derived(
    "values",
    gettext_lazy("варианты ответа"),
    lambda attribute: [value.label for value in attribute.values.all()],
)

Shown = str | Derived


def shown_value(obj: models.Model, item: Shown) -> str:
    if isinstance(item, Derived):
        return display(item.value(obj))
    return field_display(obj, item)


def shown_label(model: type[models.Model], item: Shown) -> str:
    return str(item.label) if isinstance(item, Derived) else field_label(model, item)


# --- what each section holds ----------------------------------------------------------------------


def variant_code(row: models.Model) -> str:
    return row.variant.code if getattr(row, "variant_id", None) else ""


def with_variant(row: models.Model, label: str) -> str:
    if getattr(row, "variant_id", None):
        return _("%(item)s (вариант «%(variant)s»)") % {"item": label, "variant": row.variant.name}
    return label


@dataclass(frozen=True)
class RowList:
    model: type[models.Model]
    key: Callable[[Any], tuple]
    label: Callable[[Any], str]
    shown: tuple[Shown, ...]
    kinds: tuple[str, ...] = ()


def grounds(*kinds: str) -> RowList:
    return RowList(
        Ground,
        key=lambda row: (variant_code(row), row.kind, normalize_name(row.text)),
        label=lambda row: with_variant(row, f"{row.get_kind_display()}: {row.text}"),
        shown=("kind", "text", CITATION),
        kinds=kinds,
    )


@dataclass(frozen=True)
class Section:
    code: str
    title: Promise
    shown: tuple[Shown, ...] = ()
    lists: tuple[RowList, ...] = ()


SECTIONS = (
    Section(
        "edition",
        gettext_lazy("Сведения о редакции"),
        shown=("amending_act", "effective_date", "change_note"),
    ),
    Section("name", gettext_lazy("Наименование услуги"), shown=("full_name", "short_name")),
    Section(
        "results",
        gettext_lazy("Результат предоставления услуги"),
        lists=(
            RowList(
                Result,
                key=lambda row: (variant_code(row), normalize_name(row.name)),
                label=lambda row: with_variant(row, row.name),
                shown=("kind", "name", "document_form"),
            ),
        ),
    ),
    Section(
        "deadline",
        gettext_lazy("Срок предоставления услуги"),
        shown=(DEADLINE, "unusual_deadline_confirmed"),
    ),
    Section(
        "legal_bases",
        gettext_lazy("Правовые основания"),
        lists=(
            RowList(
                LegalBasis,
                key=lambda row: (variant_code(row), normalize_name(row.render_citation())),
                label=lambda row: with_variant(row, row.render_citation()),
                shown=(CITATION, "note"),
            ),
        ),
    ),
    Section(
        "documents",
        gettext_lazy("Исчерпывающий перечень документов"),
        lists=(
            RowList(
                Document,
                key=lambda row: (variant_code(row), row.source, row.name_key),
                label=lambda row: with_variant(row, f"{row.name} ({row.get_source_display()})"),
                shown=("source", "name", "presentation", "copies", "holder_body", "note"),
            ),
        ),
    ),
    Section(
        "grounds",
        gettext_lazy("Основания для отказа в приеме документов, приостановления, отказа в предоставлении"),
        shown=("no_accept_refusal_grounds", "no_suspension_grounds", "no_refusal_grounds"),
        lists=(grounds(GroundKind.ACCEPT_REFUSAL, GroundKind.SUSPENSION, GroundKind.REFUSAL),),
    ),
    Section(
        "fees",
        gettext_lazy("Размер платы и способы ее взимания"),
        shown=("is_free", "payment_methods"),
        lists=(
            RowList(
                Fee,
                key=lambda row: (variant_code(row), normalize_name(row.name), row.applicant_category_id or 0),
                label=lambda row: with_variant(row, row.name),
                shown=(
                    "name",
                    "amount",
                    "applicant_category",
                    CITATION,
                    "exemptions",
                    "valid_from",
                    "valid_to",
                ),
            ),
        ),
    ),
    Section(
        "queue",
        gettext_lazy("Максимальный срок ожидания в очереди"),
        shown=("queue_wait_minutes_submission", "queue_wait_minutes_receipt"),
    ),
    Section(
        "registration",
        gettext_lazy("Срок регистрации запроса"),
        shown=("registration_term", "registration_term_value"),
    ),
    Section(
        "premises",
        gettext_lazy("Требования к помещениям и доступность для инвалидов"),
        shown=(
            "premises_requirements",
            "accessibility_requirements",
            "access_ramp",
            "access_parking",
            "access_braille",
            "access_sign_language",
            "access_guide_dog",
            "access_assistance",
            "access_audio_visual",
        ),
    ),
    Section(
        "indicators",
        gettext_lazy("Показатели доступности и качества"),
        lists=(
            RowList(
                QualityIndicator,
                key=lambda row: (variant_code(row), row.kind, normalize_name(row.name)),
                label=lambda row: with_variant(row, row.name),
                shown=("kind", "name", "comparison", "target_value", "unit"),
            ),
        ),
    ),
    Section(
        "availability",
        gettext_lazy("Иные требования: МФЦ, электронная форма, экстерриториальность"),
        shown=(
            "available_in_mfc",
            "available_electronically",
            "extraterritorial",
            "other_requirements",
            "online_application_url",
        ),
    ),
    Section(
        "applicants",
        gettext_lazy("Круг заявителей"),
        shown=("applicant_categories", "applicants_description"),
    ),
    Section("submission", gettext_lazy("Способы направления запроса"), shown=("submission_channels",)),
    Section(
        "progress", gettext_lazy("Информирование о ходе рассмотрения запроса"), shown=("progress_tracking",)
    ),
    Section(
        "correction",
        gettext_lazy("Исправление опечаток и ошибок"),
        shown=("correction_procedure", "no_correction_refusal_grounds"),
        lists=(grounds(GroundKind.CORRECTION_REFUSAL),),
    ),
    Section(
        "duplicate",
        gettext_lazy("Выдача дубликата"),
        shown=("duplicate_procedure", "no_duplicate_refusal_grounds"),
        lists=(grounds(GroundKind.DUPLICATE_REFUSAL),),
    ),
    Section(
        "without_consideration",
        gettext_lazy("Оставление запроса без рассмотрения"),
        shown=("without_consideration_procedure", "no_without_consideration_grounds"),
        lists=(grounds(GroundKind.WITHOUT_CONSIDERATION),),
    ),
    Section(
        "forms",
        gettext_lazy("Формы документов"),
        lists=(
            RowList(
                StandardForm,
                key=lambda row: (variant_code(row), row.kind, normalize_name(row.title)),
                label=lambda row: with_variant(row, row.title),
                shown=("kind", "title", "file"),
            ),
        ),
    ),
    Section("delivery", gettext_lazy("Способы получения результата"), shown=("result_delivery_channels",)),
    Section(
        "variants",
        gettext_lazy("Варианты предоставления и признаки заявителя"),
        lists=(
            RowList(
                Variant,
                key=lambda row: ("variant", row.code),
                label=lambda row: _("Вариант «%(name)s»") % {"name": row.name},
                shown=("name", "description", DEADLINE, VARIANT_CHOICE),
            ),
            RowList(
                ApplicantAttribute,
                key=lambda row: ("attribute", row.code),
                label=lambda row: _("Признак «%(question)s»") % {"question": row.question},
                shown=("question", ATTRIBUTE_VALUES),
            ),
        ),
    ),
)
LEADING = ("edition",)
TRAILING = ("variants",)


def ordered_sections() -> list[tuple[Section, str]]:
    """The sections in statutory order, each with its citation(s) from the requirement records."""
    from registry.validation.engine import requirement_citation

    requirements = StatutoryRequirement.objects.select_related("act", "profile").order_by(
        "profile__order", "number"
    )
    position: dict[str, int] = {}
    citations: dict[str, list[str]] = {}
    for index, requirement in enumerate(requirements):
        position.setdefault(requirement.section, index)
        citations.setdefault(requirement.section, []).append(requirement_citation(requirement))

    def rank(section: Section) -> tuple[int, int]:
        if section.code in LEADING:
            return (0, 0)
        if section.code in TRAILING:
            return (2, 0)
        return (1, position.get(section.code, len(position)))

    return [(section, "; ".join(citations.get(section.code, []))) for section in sorted(SECTIONS, key=rank)]


# --- comparing ------------------------------------------------------------------------------------


def _rows(edition: Edition, row_list: RowList) -> list[models.Model]:
    model = row_list.model
    rows = model.objects.filter(edition=edition)
    if row_list.kinds:
        rows = rows.filter(kind__in=row_list.kinds)
    related = [name for name in ("variant", "act", "applicant_category") if _has_field(model, name)]
    rows = rows.select_related(*related)
    if model is Variant:
        rows = rows.prefetch_related("attribute_values__attribute")
    if model is ApplicantAttribute:
        rows = rows.prefetch_related("values")
    return list(rows)


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(model_field.name == name for model_field in model._meta.get_fields())


def _keyed(rows: Iterable[models.Model], key: Callable[[Any], tuple]) -> dict[tuple, models.Model]:
    """Rows by natural key; a repeated key gets an occurrence number, so no row is lost."""
    keyed: dict[tuple, models.Model] = {}
    seen: dict[tuple, int] = {}
    for row in rows:
        natural = key(row)
        seen[natural] = seen.get(natural, 0) + 1
        keyed[(*natural, seen[natural])] = row
    return keyed


def _field_changes(
    model: type, old: Any, new: Any, shown: Iterable[Shown], *, all_fields: bool
) -> list[FieldChange]:
    changes = []
    for item in shown:
        old_value = shown_value(old, item) if old is not None else ""
        new_value = shown_value(new, item) if new is not None else ""
        if all_fields or old_value != new_value:
            name = item.name if isinstance(item, Derived) else item
            changes.append(FieldChange(name, shown_label(model, item), old_value, new_value))
    return changes


def _compare_rows(old: Edition, new: Edition, row_list: RowList) -> list[ItemChange]:
    before = _keyed(_rows(old, row_list), row_list.key)
    after = _keyed(_rows(new, row_list), row_list.key)
    items = []
    for key, row in before.items():
        if key not in after:
            fields = _field_changes(row_list.model, row, None, row_list.shown, all_fields=True)
            items.append(ItemChange(REMOVED, row_list.label(row), tuple(fields)))
    for key, row in after.items():
        if key not in before:
            fields = _field_changes(row_list.model, None, row, row_list.shown, all_fields=True)
            items.append(ItemChange(ADDED, row_list.label(row), tuple(fields)))
            continue
        fields = _field_changes(row_list.model, before[key], row, row_list.shown, all_fields=False)
        if fields:
            items.append(ItemChange(CHANGED, row_list.label(row), tuple(fields)))
    return items


def compare_editions(old: Edition, new: Edition) -> EditionComparison:
    """What changed from ``old`` to ``new``: every section in statutory order."""
    sections = []
    for section, citation in ordered_sections():
        fields = _field_changes(Edition, old, new, section.shown, all_fields=False)
        items = [item for row_list in section.lists for item in _compare_rows(old, new, row_list)]
        sections.append(
            SectionComparison(
                code=section.code,
                title=str(section.title),
                citation=citation,
                fields=tuple(fields),
                items=tuple(items),
            )
        )
    return EditionComparison(old=old, new=new, sections=tuple(sections))


__all__ = [
    "ADDED",
    "CHANGED",
    "REMOVED",
    "EditionComparison",
    "FieldChange",
    "ItemChange",
    "SectionComparison",
    "compare_editions",
]
