"""Pieces shared by the registry's admin pages: which editions are closed to edits, and the
base of the inlines that edit an edition's list rows."""

from typing import ClassVar

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.models import Edition, EditionStatus, Variant


def edition_is_read_only(edition: Edition | None) -> bool:
    """Only a draft is edited. Published text is never edited in place (the models refuse it),
    and an edition under review or approved changes only through the workflow; the admin
    shows such an edition and its rows read-only instead of failing on save."""
    return edition is not None and edition.status != EditionStatus.DRAFT


def edition_read_only_error(edition: Edition) -> ValidationError:
    return ValidationError(
        _(
            "Редакция № %(number)s услуги %(service)s в статусе «%(status)s» не редактируется: "
            "изменять можно только черновик. Опубликованная редакция исправляется новой редакцией."
        ),
        code="edition_not_editable",
        params={
            "number": edition.number,
            "service": edition.service.registry_number,
            "status": edition.get_status_display(),
        },
    )


class RowForm(forms.ModelForm):
    """A row of a list that its inline fixes (one of the document lists, a kind of grounds).

    The fixed values are set on the instance before validation, since the model's clean()
    reads them, and they select the rows the inline shows.
    """

    fixed_values: ClassVar[dict[str, str]] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field_name, value in self.fixed_values.items():
            setattr(self.instance, field_name, value)


def fixed_row_form(**fixed_values: str) -> type[RowForm]:
    return type("FixedRowForm", (RowForm,), {"fixed_values": fixed_values})


class EditionRowInline(admin.TabularInline):
    """An inline of an edition's list rows: read-only unless the edition is a draft, and
    offering only the edition's own variants (a row may apply to one variant)."""

    form = RowForm
    extra = 0
    # Plain selects in every row: their options are read once per inline, not once per row.
    shared_choice_fields = ("variant", "applicant_category")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(**self.form.fixed_values)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        variant_field = formset.form.base_fields.get("variant")
        if variant_field is not None:
            variant_field.queryset = (
                Variant.objects.filter(edition=obj) if obj is not None and obj.pk else Variant.objects.none()
            )
        for name in self.shared_choice_fields:
            field = formset.form.base_fields.get(name)
            if field is not None:
                # Validation still looks the submitted value up in the queryset.
                field.choices = [*iter(field.choices)]
        return formset

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not edition_is_read_only(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not edition_is_read_only(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not edition_is_read_only(obj)
