"""The edition of a standard: one page with a fieldset per statutory section of 210-FZ
art. 14 and an inline per list section."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.admin_names import AccusativeTitlesMixin
from registry.admin.common import EditionRowInline, edition_is_read_only, fixed_row_form
from registry.admin.documents import (
    ApplicantDocumentInline,
    DocumentFormSet,
    DocumentListGroup,
    InteragencyDocumentInline,
)
from registry.models import (
    OPEN_STATUSES,
    ApplicantAttribute,
    AuditEventKind,
    Edition,
    Fee,
    Ground,
    GroundKind,
    LegalBasis,
    QualityIndicator,
    Result,
    StandardForm,
    Variant,
)
from registry.services.audit import audit_record, field_changes
from registry.widgets import AdminFormFileWidget

CITATION_FIELDS = ["act", "article", "part", "point", "subpoint"]


class ResultInline(EditionRowInline):
    model = Result
    fields = ["order", "kind", "name", "document_form", "variant"]
    verbose_name_plural = _("3. Результат предоставления услуги (п. 3 ч. 1 ст. 14)")


class LegalBasisInline(EditionRowInline):
    model = LegalBasis
    fields = ["order", *CITATION_FIELDS, "note", "variant"]
    autocomplete_fields = ["act"]
    verbose_name_plural = _("5. Правовые основания для предоставления услуги (п. 5 ч. 1 ст. 14)")


class GroundInline(EditionRowInline):
    """One exhaustive list of grounds; the inline fixes its kind."""

    model = Ground
    fields = ["order", "text", *CITATION_FIELDS, "variant"]
    autocomplete_fields = ["act"]


class AcceptRefusalGroundInline(GroundInline):
    form = fixed_row_form(kind=GroundKind.ACCEPT_REFUSAL)
    verbose_name = _("основание для отказа в приеме документов")
    verbose_name_plural = _("7. Основания для отказа в приеме документов (п. 7 ч. 1 ст. 14)")


class SuspensionGroundInline(GroundInline):
    form = fixed_row_form(kind=GroundKind.SUSPENSION)
    verbose_name = _("основание для приостановления")
    verbose_name_plural = _("8. Основания для приостановления предоставления услуги (п. 8 ч. 1 ст. 14)")


class RefusalGroundInline(GroundInline):
    form = fixed_row_form(kind=GroundKind.REFUSAL)
    verbose_name = _("основание для отказа в предоставлении")
    verbose_name_plural = _("8. Основания для отказа в предоставлении услуги (п. 8 ч. 1 ст. 14)")


class CorrectionRefusalGroundInline(GroundInline):
    form = fixed_row_form(kind=GroundKind.CORRECTION_REFUSAL)
    verbose_name = _("основание для отказа в исправлении")
    verbose_name_plural = _(
        "Единый стандарт, п. 5: основания для отказа в исправлении опечаток и ошибок (п. 5 ч. 2 ст. 14)"
    )


class DuplicateRefusalGroundInline(GroundInline):
    form = fixed_row_form(kind=GroundKind.DUPLICATE_REFUSAL)
    verbose_name = _("основание для отказа в выдаче дубликата")
    verbose_name_plural = _(
        "Единый стандарт, п. 6: основания для отказа в выдаче дубликата (п. 6 ч. 2 ст. 14)"
    )


class WithoutConsiderationGroundInline(GroundInline):
    form = fixed_row_form(kind=GroundKind.WITHOUT_CONSIDERATION)
    verbose_name = _("основание для оставления запроса без рассмотрения")
    verbose_name_plural = _(
        "Единый стандарт, п. 7: основания для оставления запроса без рассмотрения (п. 7 ч. 2 ст. 14)"
    )


class FeeInline(EditionRowInline):
    model = Fee
    fields = [
        "order",
        "name",
        "amount",
        *CITATION_FIELDS,
        "applicant_category",
        "exemptions",
        "valid_from",
        "valid_to",
        "variant",
    ]
    autocomplete_fields = ["act"]
    verbose_name_plural = _("9. Размер платы (п. 9 ч. 1 ст. 14)")


class QualityIndicatorInline(EditionRowInline):
    model = QualityIndicator
    fields = ["order", "kind", "name", "comparison", "target_value", "unit", "variant"]
    verbose_name_plural = _("13. Показатели доступности и качества (п. 13 ч. 1 ст. 14)")


class StandardFormInline(EditionRowInline):
    model = StandardForm
    fields = ["order", "kind", "title", "file", "variant"]
    # Read-only (a frozen edition), the file is shown by its own name, not its storage path.
    readonly_fields = ["file_download"]
    formfield_overrides = {models.FileField: {"widget": AdminFormFileWidget}}
    verbose_name_plural = _("Единый стандарт, п. 8: формы документов (п. 8 ч. 2 ст. 14)")

    def get_fields(self, request, obj=None):
        if edition_is_read_only(obj):
            return ["order", "kind", "title", "file_download", "variant"]
        return super().get_fields(request, obj)

    @admin.display(description=_("файл"))
    def file_download(self, form: StandardForm) -> str:
        if not form.file:
            return "—"
        return format_html('<a href="{}">{}</a>', form.file.url, form.file.download_name)


class VariantInline(EditionRowInline):
    """Variants are named here; their applicant attribute values are set on the variant's page."""

    model = Variant
    fields = [
        "order",
        "code",
        "name",
        "deadline_kind",
        "deadline_value",
        "deadline_unit",
        "deadline_day_type",
        "deadline_start_event",
    ]
    show_change_link = True
    verbose_name_plural = _("Варианты предоставления услуги (Правила, утв. Постановлением № 1228)")


class ApplicantAttributeInline(EditionRowInline):
    """Questions of the applicant questionnaire; their answers are set on the question's page."""

    model = ApplicantAttribute
    fields = ["order", "code", "question"]
    show_change_link = True
    verbose_name_plural = _("Признаки заявителя для выбора варианта (профилирование)")


class EditionForm(forms.ModelForm):
    """The admin supplies the model and fields. A new edition is the first draft of a service
    that is in the registry; later editions start as copies of the current one (the service
    list's action «Начать новую редакцию»). ``expected_version`` carries the lock_version the
    page was rendered with, so a save over someone else's newer save is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields["expected_version"].initial = self.instance.lock_version

    def clean(self):
        cleaned = super().clean()
        if self.instance._state.adding:
            return cleaned
        stored = Edition.objects.filter(pk=self.instance.pk).values_list("lock_version", flat=True).first()
        expected = cleaned.get("expected_version")
        if expected is not None and stored is not None and stored != expected:
            raise ValidationError(
                _(
                    "Пока вы редактировали, редакцию сохранил другой пользователь (версия %(stored)s, "
                    "у вас — %(expected)s). Ваши изменения не сохранены: откройте редакцию заново в "
                    "новой вкладке, сравните и внесите их повторно."
                ),
                code="edit_conflict",
                params={"stored": stored, "expected": expected},
            )
        return cleaned

    def clean_service(self):
        service = self.cleaned_data["service"]
        if not self.instance._state.adding:
            return service
        if service.editions.exists() and not service.editions.filter(status__in=OPEN_STATUSES).exists():
            raise ValidationError(
                _(
                    "У услуги %(service)s уже есть редакции: новая редакция начинается с копии "
                    "действующей. Выберите услугу в списке услуг и действие «Начать новую редакцию»."
                ),
                code="edition_starts_as_copy",
                params={"service": service.registry_number},
            )
        if service.is_withdrawn:
            raise ValidationError(
                _("Услуга %(service)s исключена из реестра: новые редакции для неё не готовятся."),
                code="service_withdrawn",
                params={"service": service.registry_number},
            )
        open_edition = service.editions.filter(status__in=OPEN_STATUSES).order_by("number").first()
        if open_edition is not None:
            raise ValidationError(
                _(
                    "У услуги уже есть незавершённая редакция № %(number)s (%(status)s): одновременно "
                    "может готовиться только одна редакция. Продолжите работу с ней."
                ),
                code="open_edition_exists",
                params={"number": open_edition.number, "status": open_edition.get_status_display()},
            )
        return service


CHECKBOX_M2M_FIELDS = {
    "payment_methods",
    "applicant_categories",
    "submission_channels",
    "result_delivery_channels",
}


@admin.register(Edition)
class EditionAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("редакцию стандарта")
    list_display = ["service_number", "name", "number", "status", "effective_date", "updated_at"]
    list_display_links = ["service_number", "name"]
    list_filter = ["status", "service__level", "service__under_single_standard"]
    list_select_related = ["service"]
    search_fields = ["service__registry_number", "full_name", "short_name"]
    ordering = ["service__registry_number", "-number"]
    date_hierarchy = "effective_date"
    autocomplete_fields = ["service", "amending_act"]
    form = EditionForm
    readonly_fields = [
        "status",
        "provider",
        "scheduled_at",
        "published_at",
        "superseded_at",
        "created_by",
        "created_at",
        "updated_at",
        "deadline_words",
    ]
    fieldsets = [
        (
            _("Редакция"),
            {
                "fields": [
                    "expected_version",
                    "service",
                    "number",
                    "status",
                    "amending_act",
                    "effective_date",
                    "change_note",
                    "scheduled_at",
                    "published_at",
                    "superseded_at",
                    "created_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        (_("1. Наименование услуги (п. 1 ч. 1 ст. 14)"), {"fields": ["full_name", "short_name"]}),
        (_("2. Наименование органа, предоставляющего услугу (п. 2 ч. 1 ст. 14)"), {"fields": ["provider"]}),
        (
            _("4. Срок предоставления услуги (п. 4 ч. 1 ст. 14)"),
            {
                "fields": [
                    ("deadline_kind", "deadline_value", "deadline_unit", "deadline_day_type"),
                    "deadline_start_event",
                    "deadline_words",
                    "unusual_deadline_confirmed",
                ]
            },
        ),
        (
            _("7–8. Основания для отказа и приостановления (пп. 7–8 ч. 1 ст. 14)"),
            {
                "description": _(
                    "Перечни оснований заполняются в таблицах ниже. Если оснований нет, отметьте это явно."
                ),
                "fields": ["no_accept_refusal_grounds", "no_suspension_grounds", "no_refusal_grounds"],
            },
        ),
        (
            _("9. Размер платы и способы ее взимания (п. 9 ч. 1 ст. 14)"),
            {
                "description": _("Размеры платы с правовым основанием — в таблице «9. Размер платы» ниже."),
                "fields": ["is_free", "payment_methods"],
            },
        ),
        (
            _("10. Максимальный срок ожидания в очереди (п. 10 ч. 1 ст. 14)"),
            {"fields": ["queue_wait_minutes_submission", "queue_wait_minutes_receipt"]},
        ),
        (
            _("11. Срок регистрации запроса заявителя (п. 11 ч. 1 ст. 14)"),
            {"fields": [("registration_term", "registration_term_value")]},
        ),
        (
            _("12. Требования к помещениям и доступность для инвалидов (п. 12 ч. 1 ст. 14)"),
            {
                "fields": [
                    "premises_requirements",
                    "accessibility_requirements",
                    "access_ramp",
                    "access_parking",
                    "access_braille",
                    "access_sign_language",
                    "access_guide_dog",
                    "access_assistance",
                    "access_audio_visual",
                ]
            },
        ),
        (
            _("14. Иные требования: МФЦ, электронная форма (п. 14 ч. 1 ст. 14)"),
            {
                "fields": [
                    "available_in_mfc",
                    "available_electronically",
                    "extraterritorial",
                    "other_requirements",
                    "online_application_url",
                ]
            },
        ),
        (
            _("Единый стандарт (ч. 2 ст. 14)"),
            {
                "description": _(
                    "Заполняется для услуг, предоставляемых по единому стандарту "
                    "(в ред. Федерального закона от 27.12.2019 № 472-ФЗ)."
                ),
                "fields": [
                    "applicant_categories",
                    "applicants_description",
                    "submission_channels",
                    "progress_tracking",
                    "correction_procedure",
                    "no_correction_refusal_grounds",
                    "duplicate_procedure",
                    "no_duplicate_refusal_grounds",
                    "without_consideration_procedure",
                    "no_without_consideration_grounds",
                    "result_delivery_channels",
                ],
            },
        ),
    ]
    inlines = [
        ResultInline,
        LegalBasisInline,
        ApplicantDocumentInline,
        InteragencyDocumentInline,
        AcceptRefusalGroundInline,
        SuspensionGroundInline,
        RefusalGroundInline,
        FeeInline,
        QualityIndicatorInline,
        CorrectionRefusalGroundInline,
        DuplicateRefusalGroundInline,
        WithoutConsiderationGroundInline,
        StandardFormInline,
        VariantInline,
        ApplicantAttributeInline,
    ]

    def get_queryset(self, request):
        # The page title reads the service, the section 2 line its provider body.
        return super().get_queryset(request).select_related("service__provider")

    def get_changeform_initial_data(self, request):
        """«Добавить редакцию» on a service's page opens this form with the service and its next
        edition number filled in."""
        initial = super().get_changeform_initial_data(request)
        service_id = initial.get("service")
        if service_id is None:
            return initial
        if not str(service_id).isdigit():
            del initial["service"]
            return initial
        if "number" not in initial:
            highest = Edition.objects.filter(service_id=service_id).aggregate(Max("number"))["number__max"]
            initial["number"] = (highest or 0) + 1
        return initial

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # An edition stays with its service and number; another number is another edition.
            readonly += ["service", "number"]
        return readonly

    def get_formsets_with_inlines(self, request, obj=None):
        # Both document lists of the page share one group, so a name repeated across them is
        # caught before the database's unique constraint is.
        document_group = DocumentListGroup()
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if issubclass(formset, DocumentFormSet):
                formset = type(formset.__name__, (formset,), {"document_group": document_group})
            yield formset, inline

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in CHECKBOX_M2M_FIELDS:
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not edition_is_read_only(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not edition_is_read_only(obj)

    def save_model(self, request, obj, form, change) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        if change:
            obj.lock_version = (form.cleaned_data.get("expected_version") or obj.lock_version) + 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        """Writes the audit event of the save, in the admin's transaction: the fields changed
        (old and new values) and the rows added, changed and removed per list."""
        before = {name: form.initial.get(name) for name in form.changed_data if name != "expected_version"}
        super().save_related(request, form, formsets, change)
        edition = form.instance
        after = {name: form.cleaned_data.get(name) for name in before}
        changes = field_changes(before, after) if change else {}
        rows = []
        for formset in formsets:
            model = formset.model._meta.verbose_name_plural
            counts = (len(formset.new_objects), len(formset.changed_objects), len(formset.deleted_objects))
            if any(counts):
                rows.append(
                    str(_("%(list)s: добавлено %(added)s, изменено %(changed)s, удалено %(removed)s"))
                    % {"list": model, "added": counts[0], "changed": counts[1], "removed": counts[2]}
                )
        if change and not changes and not rows:
            return
        audit_record(
            kind=AuditEventKind.EDITED if change else AuditEventKind.CREATED,
            service=edition.service,
            edition=edition,
            actor=request.user,
            changes=changes if change else {"number": [None, edition.number]},
            comment="; ".join(rows),
        )

    @admin.display(description=_("реестровый номер"), ordering="service__registry_number")
    def service_number(self, obj: Edition) -> str:
        return obj.service.registry_number

    @admin.display(description=_("наименование услуги"), ordering="short_name")
    def name(self, obj: Edition) -> str:
        return obj.short_name or obj.full_name

    @admin.display(description=_("срок словами"))
    def deadline_words(self, obj: Edition) -> str:
        return (obj.deadline_display() if obj is not None else "") or "—"

    @admin.display(description=_("орган, предоставляющий услугу"))
    def provider(self, obj: Edition) -> str:
        if obj is None or not obj.service_id:
            return "—"
        return str(obj.service.provider)
