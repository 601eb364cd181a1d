"""Forms of the draft editor: one ModelForm over the edition fields of a section and one
model formset per list of rows. Choices (legal acts, variants, classifiers) are read once per
request and handed to every row, so a page's query count does not grow with its rows."""

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseModelFormSet, modelform_factory, modelformset_factory
from django.utils.translation import gettext_lazy as _

from registry.models import (
    ApplicantAttribute,
    ApplicantCategory,
    AttributeValue,
    Category,
    Channel,
    Edition,
    Fee,
    Ground,
    LegalBasis,
    PaymentMethod,
    ProviderBody,
    Variant,
    normalize_name,
)
from registry.models.sections import FORM_FILE_EXTENSIONS
from registry.validators import validate_exchangeable_text
from registry.widgets import FormFileInput
from registry.workspace.sections import RowList, Section
from regulations.models import LegalAct

THREE_STATE = {"yes": True, "no": False, "unknown": None}


class ThreeStateField(forms.TypedChoiceField):
    """Да / нет / не указано: "not answered" is not "no" (is_free, available_in_mfc …)."""

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(
            choices=[("yes", _("Да")), ("no", _("Нет")), ("unknown", _("Не указано"))],
            coerce=self.to_bool,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            **{key: value for key, value in kwargs.items() if key in ("label", "help_text", "initial")},
        )

    @staticmethod
    def to_bool(value: Any) -> bool | None:
        if value in (True, False, None):
            return value
        return THREE_STATE.get(value)

    def prepare_value(self, value: Any) -> str:
        if value in ("yes", "no", "unknown"):
            return value
        return {True: "yes", False: "no"}.get(value, "unknown")


class EditorChoices:
    """Every list of choices an editor page may show, each read at most once."""

    def __init__(self, edition: Edition, act_query: str = ""):
        self.edition = edition
        self.act_query = act_query.strip()

    @cached_property
    def legal_acts(self) -> list[tuple[Any, str]]:
        """Every act, or with a search query the acts whose name has every word of it (compared
        in Python: SQLite folds the case of Latin letters only) plus the acts already cited."""
        acts = list(LegalAct.objects.all())
        if self.act_query:
            words = self.act_query.casefold().split()
            selected = self.selected_act_ids
            acts = [
                act
                for act in acts
                if act.pk in selected or all(word in f"{act} {act.reference}".casefold() for word in words)
            ]
        return [("", _("— выберите акт —")), *((act.pk, str(act)) for act in acts)]

    @cached_property
    def selected_act_ids(self) -> set[int]:
        ids = set()
        for model in (LegalBasis, Fee, Ground):
            rows = model.objects.filter(edition=self.edition, act__isnull=False)
            ids.update(rows.values_list("act", flat=True))
        if self.edition.amending_act_id:
            ids.add(self.edition.amending_act_id)
        return ids

    @cached_property
    def variants(self) -> list[tuple[Any, str]]:
        rows = Variant.objects.filter(edition=self.edition).order_by("order", "id")
        return [("", _("Все варианты")), *((variant.pk, variant.name) for variant in rows)]

    @cached_property
    def attributes(self) -> list[tuple[Any, str]]:
        rows = ApplicantAttribute.objects.filter(edition=self.edition).order_by("order", "id")
        return [("", _("— выберите признак —")), *((row.pk, row.question) for row in rows)]

    @cached_property
    def attribute_values(self) -> list[tuple[Any, str]]:
        rows = (
            AttributeValue.objects.filter(attribute__edition=self.edition)
            .select_related("attribute")
            .order_by("attribute__order", "attribute_id", "order", "id")
        )
        return [(row.pk, f"{row.attribute.question}: {row.label}") for row in rows]

    @cached_property
    def applicant_categories(self) -> list[tuple[Any, str]]:
        return [(row.pk, row.name) for row in ApplicantCategory.objects.all()]

    def for_field(self, name: str) -> tuple[list, models.QuerySet] | None:
        """(choices, queryset) for a relation field of the editor, or None for other fields."""
        if name in ("act", "amending_act"):
            return self.legal_acts, LegalAct.objects.all()
        if name == "variant":
            return self.variants, Variant.objects.filter(edition=self.edition)
        if name == "attribute":
            return self.attributes, ApplicantAttribute.objects.filter(edition=self.edition)
        if name == "attribute_values":
            return self.attribute_values, AttributeValue.objects.filter(attribute__edition=self.edition)
        if name == "applicant_category":
            return [("", _("Все заявители")), *self.applicant_categories], ApplicantCategory.objects.all()
        if name == "applicant_categories":
            return self.applicant_categories, ApplicantCategory.objects.all()
        if name in ("submission_channels", "result_delivery_channels"):
            return [(row.pk, row.name) for row in self.channels], Channel.objects.all()
        if name == "payment_methods":
            return [(row.pk, row.name) for row in self.payment_methods], PaymentMethod.objects.all()
        return None

    @cached_property
    def channels(self) -> list[Channel]:
        return list(Channel.objects.all())

    @cached_property
    def payment_methods(self) -> list[PaymentMethod]:
        return list(PaymentMethod.objects.all())


def editor_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """Widgets people can use: radios for yes/no/unknown, checkboxes for choices, dates as dates."""
    if isinstance(db_field, models.BooleanField) and db_field.null:
        return ThreeStateField(label=db_field.verbose_name, help_text=db_field.help_text)
    if isinstance(db_field, models.ManyToManyField):
        kwargs["widget"] = forms.CheckboxSelectMultiple
    if isinstance(db_field, models.DateField):
        kwargs["widget"] = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    if isinstance(db_field, models.TextField):
        kwargs["widget"] = forms.Textarea(attrs={"rows": 3})
    if isinstance(db_field, models.FileField):
        kwargs["widget"] = FormFileInput(
            attrs={"accept": ",".join(f".{extension}" for extension in FORM_FILE_EXTENSIONS)}
        )
    if isinstance(db_field, models.DecimalField):
        kwargs["widget"] = forms.NumberInput(attrs={"step": "0.01", "min": "0"})
    return db_field.formfield(**kwargs)


class EditorFormMixin:
    """Relation fields get the page's shared choices; the searchable act selects are marked."""

    def apply_choices(self, choices: EditorChoices) -> None:
        for name, form_field in self.fields.items():
            found = choices.for_field(name)
            if found is None:
                continue
            options, queryset = found
            form_field.queryset = queryset
            form_field.choices = options
            if name in ("act", "amending_act"):
                form_field.widget.attrs["data-searchable"] = "legal-act"

    def make_read_only(self) -> None:
        for form_field in self.fields.values():
            form_field.disabled = True


class EditionSectionForm(EditorFormMixin, forms.ModelForm):
    def __init__(self, *args, choices: EditorChoices, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_choices(choices)
        if read_only:
            self.make_read_only()


def edition_form_class(section: Section) -> type[EditionSectionForm] | None:
    if not section.fields:
        return None
    return modelform_factory(
        Edition, form=EditionSectionForm, fields=list(section.fields), formfield_callback=editor_formfield
    )


class RowForm(EditorFormMixin, forms.ModelForm):
    """One row of a list. New rows belong to the edition (and get the list's fixed values)
    before validation, so the model's own ``clean()`` sees them as they will be saved."""

    def __init__(
        self,
        *args,
        edition: Edition,
        fixed: dict[str, Any],
        choices: EditorChoices,
        read_only: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            if not isinstance(self.instance, AttributeValue):
                self.instance.edition = edition
            for name, value in fixed.items():
                setattr(self.instance, name, value)
        elif getattr(self.instance, "edition_id", None) == edition.pk:
            self.instance.edition = edition  # a form's file links by its edition: no query per row
        self.apply_choices(choices)
        if read_only:
            self.make_read_only()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and getattr(upload, "size", 0) > settings.REGISTRY_FORM_MAX_BYTES:
            raise ValidationError(
                _("Файл «%(name)s» больше допустимых %(limit)s МБ."),
                code="form_file_too_large",
                params={"name": upload.name, "limit": settings.REGISTRY_FORM_MAX_BYTES // (1024 * 1024)},
            )
        return upload


# Row fields whose values must differ between the rows of one list.
UNIQUE_IN_LIST = {
    ApplicantAttribute: ("code",),
    Variant: ("code",),
    AttributeValue: ("attribute", "code"),
}


class RowFormSet(BaseModelFormSet):
    row_list: RowList

    def clean(self) -> None:
        super().clean()
        for form in self.initial_forms:
            if form.instance.pk is None:
                raise ValidationError(
                    _(
                        "Строка %(row)s перечня больше не относится к этой редакции: её удалил другой "
                        "пользователь. Откройте раздел заново."
                    ),
                    code="row_not_in_edition",
                    params={"row": self.forms.index(form) + 1},
                )
        keys = UNIQUE_IN_LIST.get(self.model)
        if not keys:
            return
        seen: dict[tuple, int] = {}
        for index, form in enumerate(self.forms):
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            key = tuple(form.cleaned_data.get(name) for name in keys)
            if None in key or "" in key:
                continue
            if key in seen:
                form.add_error(
                    "code",
                    ValidationError(
                        _("Код «%(code)s» уже указан в строке %(row)s этого перечня."),
                        code="duplicate_code",
                        params={"code": form.cleaned_data["code"], "row": seen[key] + 1},
                    ),
                )
            else:
                seen[key] = index

    def live_forms(self) -> Iterable[forms.ModelForm]:
        """Rows that will be stored after the save: kept old rows and filled-in new ones."""
        for form in self.forms:
            if self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            yield form


def row_formset_class(rows: RowList, *, extra: int = 1, read_only: bool = False) -> type[RowFormSet]:
    form_class = modelform_factory(
        rows.model, form=RowForm, fields=list(rows.fields), formfield_callback=editor_formfield
    )
    formset_class = modelformset_factory(
        rows.model,
        form=form_class,
        formset=RowFormSet,
        extra=0 if read_only else extra,
        can_delete=not read_only,
        fields=list(rows.fields),
    )
    formset_class.row_list = rows
    return formset_class


def check_documents_in_one_list(formsets: Iterable[RowFormSet]) -> None:
    """A document is listed once: in the applicant's list or the inter-agency one (ч. 1 п. 6).
    Adds the error to the later row; the model's own check only sees rows already stored."""
    seen: dict[tuple[str, Any], str] = {}
    for formset in formsets:
        for form in formset.live_forms():
            name = form.cleaned_data.get("name") or ""
            if not name:
                continue
            variant = form.cleaned_data.get("variant")
            key = (normalize_name(name), variant.pk if variant else None)
            if key in seen:
                form.add_error(
                    "name",
                    ValidationError(
                        _(
                            "Документ «%(name)s» уже указан в перечне «%(list)s»: документ указывается "
                            "один раз — либо среди представляемых заявителем, либо среди "
                            "запрашиваемых по межведомственному запросу."
                        ),
                        code="document_in_both_lists",
                        params={"name": name, "list": seen[key]},
                    ),
                )
            else:
                seen[key] = str(formset.row_list.title)


class ServiceCreateForm(forms.Form):
    """A new service of one of the user's bodies, with the name of its first draft."""

    provider = forms.ModelChoiceField(
        label=_("Орган, предоставляющий услугу"),
        queryset=ProviderBody.objects.none(),
        empty_label=None,
        help_text=_("Уровень услуги (федеральный, региональный, муниципальный) — по уровню органа."),
    )
    full_name = forms.CharField(
        label=_("Полное наименование услуги"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Как в административном регламенте."),
        validators=[validate_exchangeable_text],
    )
    short_name = forms.CharField(
        label=_("Краткое наименование услуги"),
        max_length=300,
        required=False,
        help_text=_("Показывается гражданам в каталоге."),
        validators=[validate_exchangeable_text],
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Категории и жизненные ситуации"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    under_single_standard = forms.BooleanField(
        label=_("Услуга предоставляется по единому стандарту (ч. 2 ст. 14 210-ФЗ)"),
        required=False,
        help_text=_("Тогда в стандарте заполняются и разделы единого стандарта."),
    )

    def __init__(self, *args, bodies: models.QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = bodies
        self.fields["provider"].label_from_instance = self.body_label

    @staticmethod
    def body_label(body: ProviderBody) -> str:
        return f"{body.full_name} ({body.get_level_display().lower()})"
