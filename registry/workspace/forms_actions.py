"""Forms of the workspace: the dashboard's filters, the workflow actions, the comparison.

They parse input only; the rules (who may, in which status, what a refusal says) live in
``registry.services``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Category, EditionStatus
from registry.validators import validate_exchangeable_text
from registry.workspace.selectors import STATUS_SCHEDULED, STATUS_WITHDRAWN

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

STATUS_CHOICES = [
    ("", _("Любой")),
    (EditionStatus.DRAFT, _("Есть черновик")),
    (EditionStatus.SUBMITTED, _("На согласовании")),
    (EditionStatus.APPROVED, _("Утверждена, не опубликована")),
    (STATUS_SCHEDULED, _("Запланирована к вступлению в силу")),
    (EditionStatus.PUBLISHED, _("Есть действующая редакция")),
    (STATUS_WITHDRAWN, _("Исключена из реестра")),
]

ERRORS_ANY, ERRORS_YES, ERRORS_NO = "", "yes", "no"


class DashboardFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Поиск"),
        required=False,
        max_length=200,
        help_text=_("Наименование услуги, реестровый номер или орган."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Статус"), choices=STATUS_CHOICES, required=False)
    category = forms.ModelChoiceField(
        label=_("Категория"),
        queryset=Category.objects.order_by("name"),
        required=False,
        empty_label=_("Любая"),
    )
    errors = forms.ChoiceField(
        label=_("Ошибки проверки"),
        required=False,
        choices=[
            (ERRORS_ANY, _("Не важно")),
            (ERRORS_YES, _("Есть ошибки")),
            (ERRORS_NO, _("Без ошибок")),
        ],
    )


class CommentForm(forms.Form):
    """Submit, approve, restore: a comment is optional."""

    comment = forms.CharField(
        label=_("Комментарий"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(CommentForm):
    """Approval fixes the date the edition takes effect on: the validator checks it on that date."""

    effective_date = forms.DateField(
        label=_("Дата вступления в силу"),
        required=False,
        widget=DATE_INPUT,
        help_text=_(
            "Редакция утверждается с этой датой, и проверка по ст. 14 210-ФЗ проводится на неё. "
            "Пусто — дата, указанная в редакции, а если её нет — сегодняшняя."
        ),
    )
    field_order = ["effective_date", "comment"]


class RejectForm(forms.Form):
    comment = forms.CharField(
        label=_("Замечания"),
        max_length=4000,
        help_text=_("Что исправить: замечания увидит должностное лицо, готовившее редакцию."),
        error_messages={"required": _("Укажите замечания: без них редакцию нельзя вернуть на доработку.")},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PublishForm(forms.Form):
    effective_date = forms.DateField(
        label=_("Дата вступления в силу"),
        required=False,
        widget=DATE_INPUT,
        help_text=_(
            "Пусто — дата, указанная в редакции, а если её нет — сегодня. Более поздняя дата: "
            "редакция вступит в силу в этот день автоматически."
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Причина исключения"),
        max_length=4000,
        help_text=_("Публикуется для граждан, например: «Полномочие передано другому органу»."),
        error_messages={"required": _("Укажите причину: она публикуется для граждан.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_exchangeable_text],
    )
    date = forms.DateField(
        label=_("Дата исключения"),
        widget=DATE_INPUT,
        error_messages={"required": _("Укажите дату исключения услуги из реестра.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate


class CompareForm(forms.Form):
    """Two editions of one service; ``editions`` are those the user may see."""

    old = forms.TypedChoiceField(label=_("Прежняя редакция"), coerce=int)
    new = forms.TypedChoiceField(label=_("Новая редакция"), coerce=int)

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (edition.pk, f"№ {edition.number} — {edition.get_status_display()}") for edition in editions
        ]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("old") is not None and data.get("old") == data.get("new"):
            raise forms.ValidationError(_("Выберите две разные редакции."), code="same_edition")
        return data


# The prefix of each action's form: one page shows the actions of one edition and its service.
ACTION_FORMS = {
    "submit": CommentForm,
    "approve": ApproveForm,
    "reject": RejectForm,
    "publish": PublishForm,
    "withdraw": WithdrawForm,
    "restore": CommentForm,
}


def action_form(action: str, data=None, *, edition=None) -> forms.Form:
    """The form of an action; unbound, a date field shows the edition's entered effective date
    (for approval, today when none is entered: the date it will be approved with)."""
    initial = {}
    if edition is not None and action == "approve":
        initial["effective_date"] = edition.effective_date or timezone.localdate()
    elif edition is not None and action == "publish":
        initial["effective_date"] = edition.effective_date
    return ACTION_FORMS[action](data, prefix=action, initial=initial)
