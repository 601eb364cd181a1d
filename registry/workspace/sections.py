"""The sections of the draft editor: which edition fields and which row lists each page edits,
which statutory requirements it answers (their Russian title and citation come from the
``regulations.StatutoryRequirement`` records, not from here) and which validator sections
its findings belong to.

The grouping follows docs/data-model.md: one page per statutory item of art. 14 part 1,
part 2 pages only for services under the single standard, then variants and forms."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registry.models import (
    ApplicantAttribute,
    AttributeValue,
    Document,
    DocumentSource,
    Fee,
    Ground,
    GroundKind,
    LegalBasis,
    QualityIndicator,
    Result,
    StandardForm,
    Variant,
)


@dataclass(frozen=True)
class RowList:
    """A list of rows edited as one formset: the rows of ``model`` matching ``filters``.

    ``fixed`` values are set on every new row (the document list, the ground kind);
    ``anchor`` is the field name the validator's findings use for this list."""

    prefix: str
    model: type
    fields: tuple[str, ...]
    title: Promise
    anchor: str
    filters: dict[str, Any] = field(default_factory=dict)
    fixed: dict[str, Any] = field(default_factory=dict)
    help: Promise | str = ""
    # The edition's «не предусмотрены» flag shown with this list, if any.
    flag: str = ""

    def queryset(self, edition) -> Any:
        if self.model is AttributeValue:
            rows = AttributeValue.objects.filter(attribute__edition=edition).select_related("attribute")
            return rows.order_by("attribute__order", "attribute_id", "order", "id")
        rows = self.model.objects.filter(edition=edition, **self.filters)
        if self.model is Variant:
            rows = rows.prefetch_related("attribute_values")
        return rows.order_by("order", "id")


@dataclass(frozen=True)
class Section:
    slug: str
    title: Promise
    requirement_codes: tuple[str, ...] = ()
    validator_sections: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    row_lists: tuple[RowList, ...] = ()
    single_standard_only: bool = False
    intro: Promise | str = ""
    # Field names the validator may point at on this page besides the page's own fields.
    extra_anchors: tuple[str, ...] = ()

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset({*self.fields, *(rows.anchor for rows in self.row_lists), *self.extra_anchors})

    @property
    def has_files(self) -> bool:
        return any(rows.model is StandardForm for rows in self.row_lists)


CITATION_FIELDS = ("act", "article", "part", "point", "subpoint")
DEADLINE_FIELDS = (
    "deadline_kind",
    "deadline_value",
    "deadline_unit",
    "deadline_day_type",
    "deadline_start_event",
)


GROUND_FLAGS = {
    GroundKind.ACCEPT_REFUSAL: "no_accept_refusal_grounds",
    GroundKind.SUSPENSION: "no_suspension_grounds",
    GroundKind.REFUSAL: "no_refusal_grounds",
    GroundKind.CORRECTION_REFUSAL: "no_correction_refusal_grounds",
    GroundKind.DUPLICATE_REFUSAL: "no_duplicate_refusal_grounds",
    GroundKind.WITHOUT_CONSIDERATION: "no_without_consideration_grounds",
}


def grounds_list(kind: str, title: Promise, anchor: str = "grounds") -> RowList:
    return RowList(
        prefix=f"grounds_{kind}",
        model=Ground,
        fields=("text", *CITATION_FIELDS, "variant"),
        title=title,
        anchor=f"{anchor}_{kind}",
        filters={"kind": kind},
        fixed={"kind": kind},
        flag=GROUND_FLAGS[kind],
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        slug="name",
        title=_("Наименование услуги и орган"),
        requirement_codes=("service_name", "provider_body"),
        validator_sections=("name", "provider"),
        fields=("full_name", "short_name"),
        extra_anchors=("service",),
    ),
    Section(
        slug="edition",
        title=_("Сведения о редакции"),
        validator_sections=("edition",),
        fields=("amending_act", "change_note", "effective_date"),
        intro=_(
            "Для второй и следующих редакций укажите акт, которым внесены изменения, или опишите, "
            "что изменено. Дату вступления в силу можно указать заранее или при публикации."
        ),
    ),
    Section(
        slug="results",
        title=_("Результат"),
        requirement_codes=("result",),
        validator_sections=("results",),
        row_lists=(
            RowList(
                prefix="results",
                model=Result,
                fields=("kind", "name", "document_form", "variant"),
                title=_("Результаты предоставления услуги"),
                anchor="results",
            ),
        ),
    ),
    Section(
        slug="deadline",
        title=_("Срок"),
        requirement_codes=("deadline",),
        validator_sections=("deadline",),
        fields=(*DEADLINE_FIELDS, "unusual_deadline_confirmed"),
    ),
    Section(
        slug="legal_bases",
        title=_("Правовые основания"),
        requirement_codes=("legal_bases",),
        validator_sections=("legal_bases",),
        row_lists=(
            RowList(
                prefix="legal_bases",
                model=LegalBasis,
                fields=(*CITATION_FIELDS, "note", "variant"),
                title=_("Правовые основания"),
                anchor="legal_bases",
            ),
        ),
    ),
    Section(
        slug="documents",
        title=_("Документы"),
        requirement_codes=("documents",),
        validator_sections=("documents",),
        row_lists=(
            RowList(
                prefix="documents_applicant",
                model=Document,
                fields=("name", "presentation", "copies", "note", "variant"),
                title=_("Документы, которые представляет заявитель"),
                anchor="documents",
                filters={"source": DocumentSource.APPLICANT},
                fixed={"source": DocumentSource.APPLICANT},
            ),
            RowList(
                prefix="documents_interagency",
                model=Document,
                fields=("name", "holder_body", "presentation", "copies", "note", "variant"),
                title=_(
                    "Документы, которые заявитель вправе представить сам; иначе орган запрашивает их "
                    "в порядке межведомственного взаимодействия"
                ),
                anchor="documents_interagency",
                filters={"source": DocumentSource.INTERAGENCY},
                fixed={"source": DocumentSource.INTERAGENCY},
                help=_("Для каждого документа укажите орган, в распоряжении которого он находится."),
            ),
        ),
    ),
    Section(
        slug="grounds",
        title=_("Основания для отказа и приостановления"),
        requirement_codes=("accept_refusal_grounds", "suspension_and_refusal_grounds"),
        validator_sections=("grounds",),
        fields=("no_accept_refusal_grounds", "no_suspension_grounds", "no_refusal_grounds"),
        row_lists=(
            grounds_list(GroundKind.ACCEPT_REFUSAL, _("Основания для отказа в приеме документов")),
            grounds_list(GroundKind.SUSPENSION, _("Основания для приостановления предоставления услуги")),
            grounds_list(GroundKind.REFUSAL, _("Основания для отказа в предоставлении услуги")),
        ),
        extra_anchors=("grounds",),
    ),
    Section(
        slug="fees",
        title=_("Плата"),
        requirement_codes=("fee", "single_fee"),
        validator_sections=("fees",),
        fields=("is_free", "payment_methods"),
        row_lists=(
            RowList(
                prefix="fees",
                model=Fee,
                fields=(
                    "name",
                    "amount",
                    "applicant_category",
                    *CITATION_FIELDS,
                    "exemptions",
                    "valid_from",
                    "valid_to",
                    "variant",
                ),
                title=_("Размеры платы"),
                anchor="fees",
                help=_("У каждого размера платы укажите акт и статью, которыми она установлена."),
            ),
        ),
    ),
    Section(
        slug="queue",
        title=_("Очередь и регистрация запроса"),
        requirement_codes=("queue_wait", "registration_term"),
        validator_sections=("queue", "registration"),
        fields=(
            "queue_wait_minutes_submission",
            "queue_wait_minutes_receipt",
            "registration_term",
            "registration_term_value",
        ),
    ),
    Section(
        slug="premises",
        title=_("Помещения и доступность для инвалидов"),
        requirement_codes=("premises",),
        validator_sections=("premises",),
        fields=(
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
        slug="indicators",
        title=_("Показатели доступности и качества"),
        requirement_codes=("quality_indicators",),
        validator_sections=("indicators",),
        row_lists=(
            RowList(
                prefix="indicators",
                model=QualityIndicator,
                fields=("kind", "name", "comparison", "target_value", "unit", "variant"),
                title=_("Показатели"),
                anchor="indicators",
            ),
        ),
    ),
    Section(
        slug="availability",
        title=_("МФЦ, ЕПГУ, экстерриториальность"),
        requirement_codes=("other_requirements",),
        validator_sections=("availability",),
        fields=(
            "available_in_mfc",
            "available_electronically",
            "extraterritorial",
            "other_requirements",
            "online_application_url",
        ),
    ),
    Section(
        slug="applicants",
        title=_("Заявители"),
        requirement_codes=("applicants",),
        validator_sections=("applicants",),
        fields=("applicant_categories", "applicants_description"),
        single_standard_only=True,
    ),
    Section(
        slug="channels",
        title=_("Подача запроса, ход рассмотрения, получение результата"),
        requirement_codes=("submission_channels", "progress_tracking", "result_delivery"),
        validator_sections=("submission", "progress", "delivery"),
        fields=("submission_channels", "progress_tracking", "result_delivery_channels"),
        single_standard_only=True,
    ),
    Section(
        slug="corrections",
        title=_("Исправление ошибок, дубликат, оставление без рассмотрения"),
        requirement_codes=("correction", "duplicate", "without_consideration"),
        validator_sections=("correction", "duplicate", "without_consideration"),
        fields=(
            "correction_procedure",
            "no_correction_refusal_grounds",
            "duplicate_procedure",
            "no_duplicate_refusal_grounds",
            "without_consideration_procedure",
            "no_without_consideration_grounds",
        ),
        row_lists=(
            grounds_list(GroundKind.CORRECTION_REFUSAL, _("Основания для отказа в исправлении")),
            grounds_list(GroundKind.DUPLICATE_REFUSAL, _("Основания для отказа в выдаче дубликата")),
            grounds_list(
                GroundKind.WITHOUT_CONSIDERATION, _("Основания для оставления запроса без рассмотрения")
            ),
        ),
        extra_anchors=("grounds", "correction", "duplicate", "without_consideration"),
        single_standard_only=True,
    ),
    Section(
        slug="forms",
        title=_("Формы документов"),
        requirement_codes=("forms",),
        validator_sections=("forms",),
        row_lists=(
            RowList(
                prefix="forms",
                model=StandardForm,
                fields=("kind", "title", "file", "variant"),
                title=_("Формы (бланки)"),
                anchor="forms",
            ),
        ),
    ),
    Section(
        slug="variants",
        title=_("Варианты и признаки заявителя"),
        validator_sections=("variants",),
        row_lists=(
            RowList(
                prefix="attributes",
                model=ApplicantAttribute,
                fields=("code", "question", "order"),
                title=_("Признаки заявителя (вопросы анкеты)"),
                anchor="applicant_attributes",
            ),
            RowList(
                prefix="attribute_values",
                model=AttributeValue,
                fields=("attribute", "code", "label", "order"),
                title=_("Значения признаков (ответы)"),
                anchor="attribute_values",
                help=_("Новый признак сначала сохраните, затем добавьте его значения."),
            ),
            RowList(
                prefix="variants",
                model=Variant,
                fields=("code", "name", "description", *DEADLINE_FIELDS, "attribute_values", "order"),
                title=_("Варианты предоставления услуги"),
                anchor="variants",
                help=_(
                    "Вариант применяется, когда ответы заявителя совпадают с отмеченными значениями "
                    "признаков. Свой срок варианта заменяет общий срок услуги."
                ),
            ),
        ),
    ),
)

SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}

# Validator section code -> editor page.
SECTION_OF_FINDING = {code: section.slug for section in SECTIONS for code in section.validator_sections}


def sections_for(service) -> list[Section]:
    """The pages of a service's editor: part 2 pages only under the single standard."""
    return [
        section for section in SECTIONS if service.under_single_standard or not section.single_standard_only
    ]
