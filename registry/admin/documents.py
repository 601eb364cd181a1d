"""The two document lists of an edition (ч. 1 п. 6 ст. 14): what the applicant submits, and
what the body requests through inter-agency interaction.

The database keeps one document per edition (or variant) under its normalized name, across
both lists. Document.clean compares a row with the saved rows only; rows typed on the same
page are compared here, across the forms of both inlines, so that a repeated name is an
error on its row instead of a failed insert."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from registry.admin.common import EditionRowInline, fixed_row_form
from registry.models import Document, DocumentSource, normalize_name


class DocumentListGroup:
    """The document formsets of one edition page, checked together for repeated names."""

    def __init__(self) -> None:
        self.formsets: list[DocumentFormSet] = []
        self._errors: dict[forms.Form, ValidationError] | None = None

    def register(self, formset: "DocumentFormSet") -> None:
        self.formsets.append(formset)

    def name_errors(self) -> dict[forms.Form, ValidationError]:
        """For every row that repeats an earlier row's document, the error to show on it.

        Computed once for the group, before any formset adds its errors, so that the outcome
        does not depend on which formset is cleaned first.
        """
        if self._errors is None:
            self._errors = {}
            first_list: dict[tuple[int | None, str], DocumentFormSet] = {}
            for formset in self.formsets:
                for form in formset.forms:
                    key = formset.document_key(form)
                    if key is None:
                        continue
                    if key in first_list:
                        self._errors[form] = self._duplicate_error(form, formset, first_list[key])
                    else:
                        first_list[key] = formset
        return self._errors

    @staticmethod
    def _duplicate_error(
        form: forms.Form, formset: "DocumentFormSet", earlier: "DocumentFormSet"
    ) -> ValidationError:
        name = form.cleaned_data["name"]
        if earlier.document_source != formset.document_source:
            return ValidationError(
                _(
                    "Документ «%(name)s» уже указан в перечне «%(list)s»: документ не может быть "
                    "одновременно в перечне представляемых заявителем и в перечне запрашиваемых "
                    "по межведомственному запросу."
                ),
                code="document_in_both_lists",
                params={"name": name, "list": DocumentSource(earlier.document_source).label},
            )
        return ValidationError(
            _("Документ «%(name)s» уже есть в этом перечне."),
            code="document_duplicate",
            params={"name": name},
        )


class DocumentFormSet(BaseInlineFormSet):
    """The rows of one document list; the edition admin puts both lists in one group."""

    document_group: DocumentListGroup | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.document_group is not None:
            self.document_group.register(self)

    @property
    def document_source(self) -> str:
        return self.form.fixed_values["source"]

    def document_key(self, form: forms.Form) -> tuple[int | None, str] | None:
        """(variant, normalized name) of a row that will be saved, or None."""
        if not form.is_bound:
            return None
        form.errors  # noqa: B018  (cleans the row once; cleaned_data exists after it)
        if self.can_delete and self._should_delete_form(form):
            return None
        name = form.cleaned_data.get("name")
        if not name:
            return None
        variant = form.cleaned_data.get("variant")
        return (variant.pk if variant is not None else None, normalize_name(name))

    def clean(self) -> None:
        super().clean()
        group = self.document_group
        if group is None:
            group = DocumentListGroup()
            group.register(self)
        errors = group.name_errors()
        for form in self.forms:
            if form in errors:
                form.add_error("name", errors[form])


class DocumentInline(EditionRowInline):
    model = Document
    formset = DocumentFormSet


class ApplicantDocumentInline(DocumentInline):
    form = fixed_row_form(source=DocumentSource.APPLICANT)
    fields = ["order", "name", "presentation", "copies", "note", "variant"]
    verbose_name = _("документ, представляемый заявителем")
    verbose_name_plural = _("6. Документы, которые представляет заявитель (п. 6 ч. 1 ст. 14)")


class InteragencyDocumentInline(DocumentInline):
    form = fixed_row_form(source=DocumentSource.INTERAGENCY)
    fields = ["order", "name", "holder_body", "presentation", "copies", "note", "variant"]
    verbose_name = _("документ, запрашиваемый по межведомственному запросу")
    verbose_name_plural = _(
        "6. Документы, которые орган запрашивает по межведомственному запросу, а заявитель вправе "
        "представить сам (п. 6 ч. 1 ст. 14)"
    )
