"""Mystery-shopper audits (контрольные закупки, «тайный покупатель», issue 15): an inspector's
unannounced visit or call to an office, checked against a checklist generated from the edition
of the standard in force (``registry.audits.checklist``), and the findings that the body's
officials answer with corrective actions.

An audit copies its checklist rows (requirement text, limits, the exhaustive list of documents)
from the edition when it is started: a later edition changes the next audit's checklist, never
an audit already made."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.sections import form_file_name
from registry.validators import validate_exchangeable_text


class AuditKind(models.TextChoices):
    VISIT = "visit", _("Визит в офис")
    CALL = "call", _("Звонок в офис")


class AuditStatus(models.TextChoices):
    DRAFT = "draft", _("Черновик")
    SUBMITTED = "submitted", _("Отправлена")


class Audit(models.Model):
    """One unannounced check of one service in one office. A draft is seen by its inspector
    only (the check is unannounced); a submitted audit is final and seen by the body's staff."""

    office = models.ForeignKey(
        "registry.Office", verbose_name=_("офис"), on_delete=models.PROTECT, related_name="audits"
    )
    service = models.ForeignKey(
        "registry.Service", verbose_name=_("услуга"), on_delete=models.PROTECT, related_name="audits"
    )
    edition = models.ForeignKey(
        "registry.Edition",
        verbose_name=_("редакция стандарта"),
        on_delete=models.PROTECT,
        related_name="audits",
        help_text=_("Редакция, действовавшая при начале проверки: из неё составлен перечень пунктов."),
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("проверяющий"),
        on_delete=models.PROTECT,
        related_name="audits",
    )
    kind = models.CharField(_("вид проверки"), max_length=8, choices=AuditKind.choices)
    visited_at = models.DateTimeField(_("дата и время проверки"))
    status = models.CharField(
        _("статус"), max_length=16, choices=AuditStatus.choices, default=AuditStatus.DRAFT
    )
    checked_count = models.PositiveSmallIntegerField(_("проверено пунктов"), default=0)
    met_count = models.PositiveSmallIntegerField(_("соблюдено пунктов"), default=0)
    score = models.DecimalField(
        _("оценка, %"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Доля соблюдённых среди проверенных пунктов, в процентах."),
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("отправлена"), null=True, blank=True)

    class Meta:
        verbose_name = _("проверка («тайный покупатель»)")
        verbose_name_plural = _("проверки («тайный покупатель»)")
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(met_count__lte=models.F("checked_count")), name="audit_met_within_checked"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="audit_score_percent",
            ),
            models.CheckConstraint(
                condition=Q(status=AuditStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="audit_submitted_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "visited_at"], name="audit_status_visited"),
        ]

    def __str__(self) -> str:
        return _("Проверка № %(number)s: %(office)s, %(date)s") % {
            "number": self.pk,
            "office": self.office,
            "date": timezone.localtime(self.visited_at).strftime("%d.%m.%Y"),
        }

    def get_absolute_url(self) -> str:
        return reverse("workspace:audit", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == AuditStatus.DRAFT


class ItemGroup(models.TextChoices):
    PREMISES = "premises", _("Помещение")
    ACCESSIBILITY = "accessibility", _("Доступность для инвалидов")
    INFORMATION = "information", _("Информирование заявителей")
    DOCUMENTS = "documents", _("Документы")
    QUEUE = "queue", _("Очередь")
    REGISTRATION = "registration", _("Регистрация запроса")
    MFC = "mfc", _("Предоставление в МФЦ")
    CRITERIA = "criteria", _("Критерии оценки качества")


class CheckKind(models.TextChoices):
    """How a row is answered: by the inspector, or computed from what was measured."""

    ANSWER = "answer", _("ответ проверяющего")
    MINUTES = "minutes", _("измеренное время, минут")
    DOCUMENTS = "documents", _("запрошенные документы")
    RATING = "rating", _("оценка от 1 до 5")


class Answer(models.TextChoices):
    MET = "met", _("Соблюдено")
    NOT_MET = "not_met", _("Не соблюдено")
    NOT_CHECKED = "not_checked", _("Не проверялось")


AUDIT_PHOTO_EXTENSIONS = ("jpg", "jpeg", "png")


def audit_photo_path(instance: "AuditItem", filename: str) -> str:
    """``audits/<audit>/<random token>/<file name>``: never served from MEDIA directly, but the
    token keeps the name unguessable should a server be misconfigured."""
    return f"audits/{instance.audit_id}/{secrets.token_urlsafe(16)}/{form_file_name(filename)}"


class AuditItem(models.Model):
    """A row of an audit's checklist, copied from the edition when the audit was started."""

    audit = models.ForeignKey(
        Audit, verbose_name=_("проверка"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("порядок"))
    code = models.CharField(_("код пункта"), max_length=64)
    group = models.CharField(_("раздел"), max_length=16, choices=ItemGroup.choices)
    requirement = models.TextField(_("требование"))
    statutory_item = models.PositiveSmallIntegerField(
        _("пункт ч. 1 ст. 14 210-ФЗ"),
        null=True,
        blank=True,
        help_text=_("Пусто — критерий Постановления № 1284 или сведения об офисе."),
    )
    basis = models.CharField(_("основание требования"), max_length=200)
    check_kind = models.CharField(_("как проверяется"), max_length=16, choices=CheckKind.choices)
    limit_minutes = models.PositiveSmallIntegerField(
        _("допустимо, минут"), null=True, blank=True, help_text=_("Максимум по стандарту (пп. 10–11).")
    )
    allowed_documents = models.JSONField(
        _("исчерпывающий перечень документов"),
        default=list,
        blank=True,
        help_text=_("Документы п. 6 редакции: наименование и перечень («applicant» или «interagency»)."),
    )
    measured_minutes = models.PositiveSmallIntegerField(_("измерено, минут"), null=True, blank=True)
    documents_asked = models.JSONField(_("запрошенные документы из перечня"), default=list, blank=True)
    other_documents = models.TextField(
        _("другие запрошенные документы"), blank=True, validators=[validate_exchangeable_text]
    )
    rating = models.PositiveSmallIntegerField(
        _("оценка"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    answer = models.CharField(
        _("результат"), max_length=16, choices=Answer.choices, default=Answer.NOT_CHECKED
    )
    note = models.TextField(_("примечание"), blank=True, validators=[validate_exchangeable_text])
    photo = models.FileField(_("фотография"), upload_to=audit_photo_path, max_length=255, blank=True)

    class Meta:
        verbose_name = _("пункт проверки")
        verbose_name_plural = _("пункты проверки")
        ordering = ["audit", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "code"], name="audititem_unique_code"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="audititem_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.requirement[:120]

    def get_photo_url(self) -> str:
        return reverse("workspace:audit_photo", kwargs={"pk": self.audit_id, "item_id": self.pk})

    @property
    def photo_name(self) -> str:
        return self.photo.name.rsplit("/", 1)[-1] if self.photo else ""


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Ожидает ответа органа")
    PLANNED = "planned", _("Назначена корректирующая мера")
    DONE = "done", _("Мера выполнена")


class Finding(models.Model):
    """An unmet item of a submitted audit: the body's officials answer it with a corrective
    action and its due date, and later mark it done."""

    audit = models.ForeignKey(
        Audit, verbose_name=_("проверка"), on_delete=models.CASCADE, related_name="findings"
    )
    item = models.OneToOneField(
        AuditItem, verbose_name=_("пункт проверки"), on_delete=models.CASCADE, related_name="finding"
    )
    status = models.CharField(
        _("статус"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    corrective_action = models.TextField(
        _("корректирующая мера"), blank=True, validators=[validate_exchangeable_text]
    )
    due_date = models.DateField(_("срок выполнения"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ответил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("ответ дан"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("отметил выполнение"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("выполнена"), null=True, blank=True)

    class Meta:
        verbose_name = _("нарушение, выявленное проверкой")
        verbose_name_plural = _("нарушения, выявленные проверками")
        ordering = ["audit", "item__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=FindingStatus.OPEN)
                | (~Q(corrective_action="") & Q(due_date__isnull=False)),
                name="finding_answered_has_action_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=FindingStatus.DONE) | Q(done_at__isnull=False),
                name="finding_done_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="finding_status_due")]

    def __str__(self) -> str:
        return str(self.item)

    @property
    def is_open(self) -> bool:
        return self.status != FindingStatus.DONE


def score_of(met: int, checked: int) -> Decimal | None:
    """The audit's score: met items as a percentage of checked ones, to one decimal place
    (half up); None when nothing was checked."""
    if not checked:
        return None
    return (Decimal(met) * 100 / Decimal(checked)).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
