"""Forms of the audit pages: starting an audit, filling its checklist, answering a finding.

Every message for bad input names the row or the field: the checklist's rows are many, and an
inspector on a phone must find the one to correct."""

import datetime

from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from registry.audits.photos import validate_audit_photo
from registry.audits.services import ItemInput
from registry.models import (
    Answer,
    AuditItem,
    AuditKind,
    CheckKind,
    DocumentSource,
    Edition,
    EditionStatus,
    Office,
    Service,
)
from registry.permissions import ALL_BODIES, inspected_body_ids

MAX_MINUTES = 24 * 60
# The scale of «Ваш контроль» (Постановление № 1284).
RATING_CHOICES = (
    ("1", _("1 — очень плохо")),
    ("2", _("2 — плохо")),
    ("3", _("3 — нормально")),
    ("4", _("4 — хорошо")),
    ("5", _("5 — отлично")),
)
NOT_RATED = ""


class AuditStartForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Офис"),
        queryset=Office.objects.none(),
        empty_label=_("— выберите офис —"),
        error_messages={
            "required": _("Офис: выберите офис, который проверяете."),
            "invalid_choice": _("Офис: этот офис вам проверять нельзя или его нет в реестре."),
        },
    )
    service = forms.ModelChoiceField(
        label=_("Услуга"),
        queryset=Service.objects.none(),
        empty_label=_("— выберите услугу —"),
        error_messages={
            "required": _("Услуга: выберите услугу, за которой вы обращаетесь."),
            "invalid_choice": _("Услуга: такой услуги с действующим стандартом в выбранных офисах нет."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Вид проверки"),
        choices=AuditKind.choices,
        initial=AuditKind.VISIT,
        widget=forms.RadioSelect,
        error_messages={"required": _("Вид проверки: выберите визит или звонок.")},
    )
    visited_at = forms.DateTimeField(
        label=_("Дата и время проверки"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
        error_messages={
            "required": _("Дата и время проверки: укажите, когда вы были в офисе или звонили."),
            "invalid": _("Дата и время проверки: введите дату и время, например 05.12.2026 10:30."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = inspected_body_ids(user)
        offices = Office.objects.select_related("body").order_by("body__short_name", "name")
        if scope is not ALL_BODIES:
            offices = offices.filter(body_id__in=scope)
        self.fields["office"].queryset = offices
        in_force = Edition.objects.filter(service=OuterRef("pk"), status=EditionStatus.PUBLISHED)
        self.fields["service"].queryset = (
            Service.objects.filter(Exists(in_force), offices__in=offices)
            .distinct()
            .prefetch_related("editions")
            .order_by("registry_number")
        )
        self.fields["service"].label_from_instance = service_label
        self.fields["office"].label_from_instance = lambda office: f"{office.name} — {office.address}"
        if not self.is_bound:
            self.initial["visited_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_visited_at(self) -> datetime.datetime:
        visited_at = self.cleaned_data["visited_at"]
        if visited_at > timezone.now():
            raise forms.ValidationError(
                _("Дата и время проверки: не позже текущего момента."), code="visited_in_future"
            )
        return visited_at

    def clean(self):
        cleaned = super().clean()
        office, service = cleaned.get("office"), cleaned.get("service")
        if office and service and not office.services.filter(pk=service.pk).exists():
            self.add_error(
                "service",
                forms.ValidationError(
                    _("Услуга: «%(service)s» не предоставляется в офисе «%(office)s»."),
                    code="service_not_in_office",
                    params={"service": service_label(service), "office": office.name},
                ),
            )
        return cleaned


def service_label(service: Service) -> str:
    published = [e for e in service.editions.all() if e.status == EditionStatus.PUBLISHED]
    name = (published[0].short_name or published[0].full_name) if published else ""
    return f"{service.registry_number} {name}".strip()


def row_label(item: AuditItem) -> str:
    return Truncator(item.requirement).chars(90)


class ChecklistForm(forms.Form):
    """One form for every row of a draft audit; field names carry the row's id."""

    def __init__(self, *args, items: list[AuditItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self._add_fields(item)

    def _add_fields(self, item: AuditItem) -> None:
        row = row_label(item).replace("%", "%%")
        if item.check_kind == CheckKind.MINUTES:
            self.fields[f"minutes-{item.pk}"] = forms.IntegerField(
                label=_("Измеренное время, минут"),
                required=False,
                min_value=0,
                max_value=MAX_MINUTES,
                initial=item.measured_minutes,
                error_messages={
                    "invalid": _("«%(row)s»: время — целое число минут.") % {"row": row},
                    "min_value": _("«%(row)s»: время не может быть отрицательным.") % {"row": row},
                    "max_value": _("«%(row)s»: время — не более %(max)s минут (суток).")
                    % {"row": row, "max": MAX_MINUTES},
                },
            )
        if item.check_kind == CheckKind.ANSWER or (
            item.check_kind == CheckKind.MINUTES and item.statutory_item == 11
        ):
            self.fields[f"answer-{item.pk}"] = forms.ChoiceField(
                label=_("Результат"),
                choices=Answer.choices,
                initial=item.answer,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _(
                        "«%(row)s»: выберите «соблюдено», «не соблюдено» или «не проверялось»."
                    )
                    % {"row": row}
                },
            )
        if item.check_kind == CheckKind.DOCUMENTS:
            choices = [
                (
                    document["name"],
                    document["name"]
                    if document["source"] == DocumentSource.APPLICANT
                    else _("%(name)s (орган запрашивает сам; заявитель вправе принести)")
                    % {"name": document["name"]},
                )
                for document in item.allowed_documents
            ]
            self.fields[f"documents-{item.pk}"] = forms.MultipleChoiceField(
                label=_("Какие документы из перечня запросил сотрудник"),
                choices=choices,
                required=False,
                initial=item.documents_asked,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": _("«%(row)s»: документа «%%(value)s» нет в перечне.") % {"row": row}
                },
            )
            self.fields[f"other-{item.pk}"] = forms.CharField(
                label=_("Другие запрошенные документы"),
                help_text=_("Каждый документ, которого нет в перечне, — с новой строки."),
                required=False,
                initial=item.other_documents,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={
                    "max_length": _("«%(row)s»: другие документы — не более 4000 знаков.") % {"row": row}
                },
            )
        if item.check_kind == CheckKind.RATING:
            self.fields[f"rating-{item.pk}"] = forms.TypedChoiceField(
                label=_("Оценка"),
                choices=[(NOT_RATED, _("не оценивалось")), *RATING_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(item.rating) if item.rating else NOT_RATED,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("«%(row)s»: оценка — от 1 до 5.") % {"row": row}},
            )
        self.fields[f"note-{item.pk}"] = forms.CharField(
            label=_("Примечание"),
            required=False,
            initial=item.note,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"max_length": _("«%(row)s»: примечание — не более 2000 знаков.") % {"row": row}},
        )
        self.fields[f"photo-{item.pk}"] = forms.FileField(
            label=_("Фотография (JPEG или PNG, до 5 МБ)"),
            required=False,
            widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
        )
        if item.photo:
            self.fields[f"remove_photo-{item.pk}"] = forms.BooleanField(
                label=_("Удалить фотографию «%(name)s»") % {"name": item.photo_name}, required=False
            )

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            photo = cleaned.get(f"photo-{item.pk}")
            if photo:
                try:
                    validate_audit_photo(photo, _("«%(row)s», фотография") % {"row": row_label(item)})
                except forms.ValidationError as error:
                    self.add_error(f"photo-{item.pk}", error)
        return cleaned

    def rows(self):
        """The items with their bound fields, for the template."""
        for item in self.items:
            yield (
                item,
                {name.split("-", 1)[0]: self[name] for name in self.fields if name.endswith(f"-{item.pk}")},
            )

    def inputs(self) -> dict[int, ItemInput]:
        data = self.cleaned_data
        inputs = {}
        for item in self.items:
            key = item.pk
            inputs[key] = ItemInput(
                answer=data.get(f"answer-{key}") or None,
                note=data.get(f"note-{key}", ""),
                measured_minutes=data.get(f"minutes-{key}"),
                documents_asked=data.get(f"documents-{key}"),
                other_documents=data.get(f"other-{key}"),
                rating=data.get(f"rating-{key}"),
                photo=data.get(f"photo-{key}") or None,
                remove_photo=bool(data.get(f"remove_photo-{key}")),
            )
        return inputs

    def error_list(self):
        """(field id, message) for the error summary; the message names the row."""
        for name, errors in self.errors.items():
            if name == "__all__":
                for error in errors:
                    yield "", error
                continue
            for error in errors:
                yield self[name].id_for_label, error


class FindingAnswerForm(forms.Form):
    corrective_action = forms.CharField(
        label=_("Корректирующая мера"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Корректирующая мера: опишите, что орган сделает, чтобы нарушение не повторялось."),
            "max_length": _("Корректирующая мера: не более 2000 знаков."),
        },
    )
    due_date = forms.DateField(
        label=_("Срок выполнения"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Срок выполнения: укажите дату."),
            "invalid": _("Срок выполнения: введите дату, например 31.12.2026."),
        },
    )
