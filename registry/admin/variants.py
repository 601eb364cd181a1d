"""Variants of a service and the applicant questionnaire that selects them (Правила 1228)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.admin_names import AccusativeTitlesMixin
from registry.admin.common import edition_is_read_only, edition_read_only_error
from registry.models import ApplicantAttribute, AttributeValue, Variant


class DraftEditionFormMixin:
    """Adds rows only to a draft edition."""

    def clean_edition(self):
        edition = self.cleaned_data["edition"]
        if edition_is_read_only(edition):
            raise edition_read_only_error(edition)
        return edition


class VariantForm(DraftEditionFormMixin, forms.ModelForm):
    """The admin supplies the model and fields."""

    def clean(self):
        cleaned_data = super().clean()
        edition = cleaned_data.get("edition")
        values = cleaned_data.get("attribute_values")
        if edition is not None and values:
            foreign = [value for value in values if value.attribute.edition_id != edition.pk]
            if foreign:
                self.add_error(
                    "attribute_values",
                    ValidationError(
                        _("Значения признаков %(values)s относятся к другой редакции."),
                        code="attribute_value_other_edition",
                        params={"values": ", ".join(f"«{value}»" for value in foreign)},
                    ),
                )
        return cleaned_data


@admin.register(Variant)
class VariantAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("вариант предоставления")
    form = VariantForm
    list_display = ["name", "code", "edition", "order", "deadline"]
    list_select_related = ["edition__service"]
    search_fields = ["name", "code", "edition__service__registry_number"]
    list_filter = ["edition__status"]
    ordering = ["edition__service__registry_number", "-edition__number", "order"]
    autocomplete_fields = ["edition"]
    filter_horizontal = ["attribute_values"]
    fieldsets = [
        (None, {"fields": ["edition", "code", "name", "description", "order"]}),
        (
            _("Срок, если он отличается от срока услуги"),
            {
                "fields": [
                    ("deadline_kind", "deadline_value", "deadline_unit", "deadline_day_type"),
                    "deadline_start_event",
                ]
            },
        ),
        (_("Профилирование заявителя"), {"fields": ["attribute_values"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edition__service")

    def get_readonly_fields(self, request, obj=None):
        return ["edition"] if obj is not None else []

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "attribute_values":
            kwargs["queryset"] = AttributeValue.objects.select_related("attribute__edition__service")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        values_field = form.base_fields.get("attribute_values")
        if obj is not None and values_field is not None:
            values_field.queryset = values_field.queryset.filter(attribute__edition_id=obj.edition_id)
        return form

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and edition_is_read_only(obj.edition))

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and edition_is_read_only(obj.edition))

    @admin.display(description=_("срок"))
    def deadline(self, obj: Variant) -> str:
        return obj.deadline_display()


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    fields = ["order", "code", "label"]
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not (obj and edition_is_read_only(obj.edition))

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and edition_is_read_only(obj.edition))

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and edition_is_read_only(obj.edition))


class ApplicantAttributeForm(DraftEditionFormMixin, forms.ModelForm):
    """The admin supplies the model and fields."""


@admin.register(ApplicantAttribute)
class ApplicantAttributeAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("признак заявителя")
    form = ApplicantAttributeForm
    list_display = ["question", "code", "edition", "order"]
    list_select_related = ["edition__service"]
    search_fields = ["question", "code", "edition__service__registry_number"]
    ordering = ["edition__service__registry_number", "-edition__number", "order"]
    autocomplete_fields = ["edition"]
    fields = ["edition", "code", "question", "order"]
    inlines = [AttributeValueInline]

    def get_readonly_fields(self, request, obj=None):
        return ["edition"] if obj is not None else []

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edition__service")

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and edition_is_read_only(obj.edition))

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and edition_is_read_only(obj.edition))
