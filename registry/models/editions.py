"""An edition (редакция) of a service's standard: every statutory section of
210-FZ art. 14 parts 1 and 2, as structured fields and rows."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("Черновик")
    SUBMITTED = "submitted", _("На согласовании")
    APPROVED = "approved", _("Утверждена, ожидает вступления в силу")
    PUBLISHED = "published", _("Действующая редакция")
    SUPERSEDED = "superseded", _("Утратила силу")


class DeadlineUnit(models.TextChoices):
    MINUTES = "minutes", _("минут")
    HOURS = "hours", _("часов")
    DAYS = "days", _("дней")
    MONTHS = "months", _("месяцев")


class DayType(models.TextChoices):
    WORKING = "working", _("рабочих")
    CALENDAR = "calendar", _("календарных")


class RegistrationTerm(models.TextChoices):
    MINUTES = "minutes", _("в течение указанного числа минут")
    SAME_DAY = "same_day", _("в день поступления")
    NEXT_WORKING_DAY = "next_working_day", _("не позднее следующего рабочего дня")
    WORKING_DAYS = "working_days", _("в течение указанного числа рабочих дней")


class Deadline(models.Model):
    """Срок: a positive number, a unit, a day type for days and months, a starting event."""

    deadline_value = models.PositiveIntegerField(_("срок: число"), null=True, blank=True)
    deadline_unit = models.CharField(
        _("срок: единица"), max_length=16, choices=DeadlineUnit.choices, blank=True
    )
    deadline_day_type = models.CharField(
        _("срок: вид дней"), max_length=16, choices=DayType.choices, blank=True
    )
    deadline_start_event = models.CharField(
        _("срок исчисляется"),
        max_length=500,
        blank=True,
        help_text=_("С какого события: например, «со дня регистрации заявления»."),
    )

    class Meta:
        abstract = True

    @property
    def has_deadline(self) -> bool:
        return bool(self.deadline_value or self.deadline_unit)

    def deadline_display(self) -> str:
        """«не более 5 рабочих дней со дня регистрации заявления»."""
        if not (self.deadline_value and self.deadline_unit):
            return ""
        words = [str(_("не более")), str(self.deadline_value)]
        if self.deadline_day_type and self.deadline_unit in (DeadlineUnit.DAYS, DeadlineUnit.MONTHS):
            words.append(self.get_deadline_day_type_display())
        words.append(self.get_deadline_unit_display())
        if self.deadline_start_event:
            words.append(self.deadline_start_event)
        return " ".join(words)

    def deadline_errors(self) -> dict[str, ValidationError]:
        errors: dict[str, ValidationError] = {}
        if self.deadline_value is not None and self.deadline_value <= 0:
            errors["deadline_value"] = ValidationError(
                _("Срок предоставления услуги должен быть положительным числом."),
                code="deadline_not_positive",
            )
        if self.deadline_value and not self.deadline_unit:
            errors["deadline_unit"] = ValidationError(
                _("Укажите единицу срока: минуты, часы, дни или месяцы."),
                code="deadline_unit_required",
            )
        if self.deadline_unit and self.deadline_value is None:
            errors["deadline_value"] = ValidationError(
                _("Укажите число: сколько %(unit)s длится срок."),
                code="deadline_value_required",
                params={"unit": self.get_deadline_unit_display()},
            )
        if self.deadline_unit in (DeadlineUnit.DAYS, DeadlineUnit.MONTHS) and not self.deadline_day_type:
            errors["deadline_day_type"] = ValidationError(
                _("Укажите, рабочие или календарные дни."), code="deadline_day_type_required"
            )
        if self.deadline_unit in (DeadlineUnit.MINUTES, DeadlineUnit.HOURS) and self.deadline_day_type:
            errors["deadline_day_type"] = ValidationError(
                _("Вид дней указывается только для срока в днях или месяцах."),
                code="deadline_day_type_not_applicable",
            )
        return errors

    @staticmethod
    def deadline_constraints(prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(deadline_value__isnull=True) | Q(deadline_value__gt=0),
                name=f"{prefix}_deadline_positive",
            ),
            models.CheckConstraint(
                condition=Q(deadline_value__isnull=True) | ~Q(deadline_unit=""),
                name=f"{prefix}_deadline_has_unit",
            ),
        ]


class Edition(Deadline):
    """One version of a service's standard. Published editions are never changed in place."""

    service = models.ForeignKey(
        "registry.Service",
        verbose_name=_("услуга"),
        on_delete=models.PROTECT,
        related_name="editions",
    )
    number = models.PositiveIntegerField(_("номер редакции"))
    status = models.CharField(
        _("статус"), max_length=16, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    amending_act = models.ForeignKey(
        "regulations.LegalAct",
        verbose_name=_("акт, которым внесены изменения"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_editions",
    )
    effective_date = models.DateField(_("дата вступления в силу"), null=True, blank=True)
    change_note = models.TextField(_("что изменено"), blank=True)
    published_at = models.DateTimeField(_("опубликована"), null=True, blank=True)
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("автор"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # ч. 1 п. 1 — наименование услуги
    full_name = models.CharField(_("полное наименование услуги"), max_length=1000, blank=True)
    short_name = models.CharField(_("краткое наименование услуги"), max_length=300, blank=True)
    # ч. 1 п. 4 — срок: fields of Deadline
    # ч. 1 пп. 7–8 — «основания не предусмотрены», stated explicitly
    no_accept_refusal_grounds = models.BooleanField(
        _("основания для отказа в приеме документов не предусмотрены"), default=False
    )
    no_suspension_grounds = models.BooleanField(
        _("основания для приостановления не предусмотрены"), default=False
    )
    no_refusal_grounds = models.BooleanField(
        _("основания для отказа в предоставлении не предусмотрены"), default=False
    )
    # ч. 1 п. 9 — плата: None means not answered yet
    is_free = models.BooleanField(_("услуга предоставляется бесплатно"), null=True, blank=True)
    payment_methods = models.ManyToManyField(
        "registry.PaymentMethod", verbose_name=_("способы оплаты"), blank=True, related_name="+"
    )
    # ч. 1 п. 10 — максимальный срок ожидания в очереди
    queue_wait_minutes_submission = models.PositiveSmallIntegerField(
        _("ожидание в очереди при подаче запроса, минут"), null=True, blank=True
    )
    queue_wait_minutes_receipt = models.PositiveSmallIntegerField(
        _("ожидание в очереди при получении результата, минут"), null=True, blank=True
    )
    # ч. 1 п. 11 — срок регистрации запроса
    registration_term = models.CharField(
        _("срок регистрации запроса"), max_length=32, choices=RegistrationTerm.choices, blank=True
    )
    registration_term_value = models.PositiveSmallIntegerField(
        _("срок регистрации: число минут или рабочих дней"), null=True, blank=True
    )
    # ч. 1 п. 12 — помещения и доступность для инвалидов
    premises_requirements = models.TextField(
        _("требования к помещениям"),
        blank=True,
        help_text=_("Зал ожидания, места для заполнения запросов, информационные стенды."),
    )
    accessibility_requirements = models.TextField(_("доступность для инвалидов (описание)"), blank=True)
    access_ramp = models.BooleanField(_("пандус, беспрепятственный вход"), default=False)
    access_parking = models.BooleanField(_("места на парковке для инвалидов"), default=False)
    access_braille = models.BooleanField(_("надписи шрифтом Брайля"), default=False)
    access_sign_language = models.BooleanField(_("сурдопереводчик и тифлосурдопереводчик"), default=False)
    access_guide_dog = models.BooleanField(_("допуск собаки-проводника"), default=False)
    access_assistance = models.BooleanField(_("помощь сотрудников в преодолении барьеров"), default=False)
    access_audio_visual = models.BooleanField(
        _("дублирование звуковой и зрительной информации"), default=False
    )
    # ч. 1 п. 14 — МФЦ, электронная форма, экстерриториальность: None means not answered
    available_in_mfc = models.BooleanField(_("можно получить в МФЦ"), null=True, blank=True)
    available_electronically = models.BooleanField(
        _("можно получить в электронной форме через ЕПГУ"), null=True, blank=True
    )
    extraterritorial = models.BooleanField(
        _("предоставляется по экстерриториальному принципу"), null=True, blank=True
    )
    other_requirements = models.TextField(_("иные требования"), blank=True)
    # ч. 2 п. 1 — заявители
    applicant_categories = models.ManyToManyField(
        "registry.ApplicantCategory", verbose_name=_("категории заявителей"), blank=True, related_name="+"
    )
    applicants_description = models.TextField(_("круг заявителей (описание)"), blank=True)
    # ч. 2 п. 2 — способы направления запроса
    submission_channels = models.ManyToManyField(
        "registry.Channel", verbose_name=_("способы подачи запроса"), blank=True, related_name="+"
    )
    # ч. 2 п. 4 — информирование о ходе рассмотрения
    progress_tracking = models.TextField(_("как заявитель узнаёт о ходе рассмотрения"), blank=True)
    # ч. 2 п. 5 — исправление опечаток и ошибок
    correction_procedure = models.TextField(_("порядок исправления опечаток и ошибок"), blank=True)
    no_correction_refusal_grounds = models.BooleanField(
        _("основания для отказа в исправлении не предусмотрены"), default=False
    )
    # ч. 2 п. 6 — дубликат
    duplicate_procedure = models.TextField(_("порядок выдачи дубликата"), blank=True)
    no_duplicate_refusal_grounds = models.BooleanField(
        _("основания для отказа в выдаче дубликата не предусмотрены"), default=False
    )
    # ч. 2 п. 7 — оставление запроса без рассмотрения
    without_consideration_procedure = models.TextField(
        _("порядок оставления запроса без рассмотрения"), blank=True
    )
    no_without_consideration_grounds = models.BooleanField(
        _("основания для оставления без рассмотрения не предусмотрены"), default=False
    )
    # ч. 2 п. 9 — способы получения результата
    result_delivery_channels = models.ManyToManyField(
        "registry.Channel", verbose_name=_("способы получения результата"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("редакция стандарта")
        verbose_name_plural = _("редакции стандартов")
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="edition_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="edition_number_positive"),
            *Deadline.deadline_constraints("edition"),
            models.CheckConstraint(
                condition=Q(registration_term_value__isnull=True) | Q(registration_term_value__gt=0),
                name="edition_registration_term_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "effective_date"], name="edition_status_date")]

    def __str__(self) -> str:
        name = self.short_name or self.full_name or _("без наименования")
        return _("%(service)s, редакция № %(number)s (%(status)s)") % {
            "service": f"{self.service.registry_number} {name}",
            "number": self.number,
            "status": self.get_status_display(),
        }

    def clean(self) -> None:
        errors = self.deadline_errors()
        if self.registration_term in (RegistrationTerm.MINUTES, RegistrationTerm.WORKING_DAYS):
            if not self.registration_term_value:
                errors["registration_term_value"] = ValidationError(
                    _("Укажите число для срока регистрации «%(term)s»."),
                    code="registration_term_value_required",
                    params={"term": self.get_registration_term_display()},
                )
        elif self.registration_term_value:
            errors["registration_term_value"] = ValidationError(
                _("Число указывается только для срока регистрации в минутах или рабочих днях."),
                code="registration_term_value_not_applicable",
            )
        if errors:
            raise ValidationError(errors)

    def edition_line(self) -> str:
        """«Редакция № 3 от 01.07.2022 (в ред. Приказа МВД России от … № …)»."""
        line = str(_("Редакция № %(number)s")) % {"number": self.number}
        if self.effective_date:
            line += str(_(" от %(date)s")) % {"date": self.effective_date.strftime("%d.%m.%Y")}
        if self.amending_act_id:
            line += str(_(" (в ред. %(act)s)")) % {"act": self.amending_act.reference}
        return line
