"""An edition (редакция) of a service's standard: every statutory section of
210-FZ art. 14 parts 1 and 2, as structured fields and rows."""

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from registry.validators import validate_exchangeable_text
from registry.wording import plural_form
from regulations.fields import HttpsURLField


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("Черновик")
    SUBMITTED = "submitted", _("На согласовании")
    APPROVED = "approved", _("Утверждена, ожидает вступления в силу")
    PUBLISHED = "published", _("Действующая редакция")
    SUPERSEDED = "superseded", _("Утратила силу")


# Published and superseded editions are the public record: never changed, never deleted.
FROZEN_STATUSES = (EditionStatus.PUBLISHED, EditionStatus.SUPERSEDED)
# An open edition is work in progress; a service has at most one.
OPEN_STATUSES = (EditionStatus.DRAFT, EditionStatus.SUBMITTED, EditionStatus.APPROVED)
# The one change a frozen edition admits: published -> superseded, when the next edition
# takes effect. These are the only columns that transition writes.
SUPERSEDE_FIELDS = frozenset({"status", "superseded_at"})

_workflow_transition = contextvars.ContextVar("registry_edition_workflow_transition", default=False)


@contextlib.contextmanager
def status_transition() -> Iterator[None]:
    """Marks a status change as made by the workflow services (registry.services).

    Outside this context the models refuse to change an edition's status, so that no form,
    admin action, importer or shell session publishes around the validator.
    """
    token = _workflow_transition.set(True)
    try:
        yield
    finally:
        _workflow_transition.reset(token)


class EditionImmutable(IntegrityError):
    """A write that would change a published or superseded edition, or its status outside the
    workflow. The database triggers on PostgreSQL raise an IntegrityError for the same writes."""


def frozen_edition_error() -> EditionImmutable:
    return EditionImmutable(
        _(
            "Опубликованная или утратившая силу редакция не изменяется и не удаляется: "
            "исправления вносятся новой редакцией."
        )
    )


def status_change_error() -> EditionImmutable:
    return EditionImmutable(
        _(
            "Статус редакции меняется только действиями порядка согласования и публикации "
            "(отправить на согласование, вернуть, утвердить, опубликовать)."
        )
    )


def editions_frozen(edition_ids: Iterable[int | None]) -> bool:
    ids = {pk for pk in edition_ids if pk is not None}
    return bool(ids) and Edition._base_manager.filter(pk__in=ids, status__in=FROZEN_STATUSES).exists()


class EditionContentQuerySet(models.QuerySet):
    """Bulk writes of an edition's rows, refused when they would touch a frozen edition."""

    def _touches_frozen(self) -> bool:
        return self.filter(**{f"{self.model.edition_status_lookup}__in": FROZEN_STATUSES}).exists()

    def _targets_frozen(self, kwargs: dict) -> bool:
        parent = self.model.edition_parent_field
        target = kwargs.get(parent, kwargs.get(f"{parent}_id"))
        if target is None:
            return False
        target_id = target.pk if isinstance(target, models.Model) else target
        return self.model.parents_frozen([target_id])

    def update(self, **kwargs) -> int:
        if self._touches_frozen() or self._targets_frozen(kwargs):
            raise frozen_edition_error()
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._touches_frozen():
            raise frozen_edition_error()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        parent = self.model.edition_parent_field
        if self.model.parents_frozen(getattr(obj, f"{parent}_id") for obj in objs):
            raise frozen_edition_error()
        return super().bulk_create(objs, *args, **kwargs)


class EditionContent(models.Model):
    """A row that belongs to an edition: written only while its edition is not yet published.

    ``edition_parent_field`` names the foreign key that leads to the edition and
    ``edition_status_lookup`` the lookup from the row to the edition's status.
    """

    edition_parent_field: ClassVar[str] = "edition"
    edition_status_lookup: ClassVar[str] = "edition__status"

    objects = EditionContentQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args, **kwargs) -> None:
        parent_id = getattr(self, f"{self.edition_parent_field}_id")
        if self.parents_frozen([parent_id]) or (not self._state.adding and self.stored_frozen()):
            raise frozen_edition_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.stored_frozen():
            raise frozen_edition_error()
        return super().delete(*args, **kwargs)

    @classmethod
    def parents_frozen(cls, parent_ids: Iterable[int | None]) -> bool:
        ids = {pk for pk in parent_ids if pk is not None}
        if not ids:
            return False
        parent_model = cls._meta.get_field(cls.edition_parent_field).related_model
        if parent_model is Edition:
            return editions_frozen(ids)
        return (
            parent_model._base_manager.filter(pk__in=ids)
            .filter(**{f"{parent_model.edition_status_lookup}__in": FROZEN_STATUSES})
            .exists()
        )

    def stored_frozen(self) -> bool:
        """Whether the row as stored (not as edited in memory) belongs to a frozen edition."""
        if self.pk is None:
            return False
        return (
            type(self)
            ._base_manager.filter(pk=self.pk, **{f"{self.edition_status_lookup}__in": FROZEN_STATUSES})
            .exists()
        )


class EditionQuerySet(models.QuerySet):
    def _touches_frozen(self) -> bool:
        return self.filter(status__in=FROZEN_STATUSES).exists()

    def update(self, **kwargs) -> int:
        if self._touches_frozen():
            raise frozen_edition_error()
        if "status" in kwargs and not _workflow_transition.get():
            raise status_change_error()
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._touches_frozen():
            raise frozen_edition_error()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if not _workflow_transition.get() and any(obj.status != EditionStatus.DRAFT for obj in objs):
            raise status_change_error()
        return super().bulk_create(objs, *args, **kwargs)

    def published(self) -> "EditionQuerySet":
        return self.filter(status=EditionStatus.PUBLISHED)

    def open(self) -> "EditionQuerySet":
        return self.filter(status__in=OPEN_STATUSES)


class DeadlineUnit(models.TextChoices):
    MINUTES = "minutes", _("минут")
    HOURS = "hours", _("часов")
    DAYS = "days", _("дней")
    MONTHS = "months", _("месяцев")


class DeadlineKind(models.TextChoices):
    """Whether a term bounds the service from above, from below, or fixes the day.

    Most terms are maxima («не более 10 рабочих дней»); some laws set a waiting period instead:
    a marriage is registered «по истечении месяца со дня подачи заявления» (СК РФ ст. 11), a
    minimum; a fixed period («через 1 месяц») names the day itself."""

    MAXIMUM = "maximum", _("максимальный: «не более …»")
    MINIMUM = "minimum", _("минимальный: «не ранее чем через …»")
    FIXED = "fixed", _("точный: «через …»")


class DayType(models.TextChoices):
    WORKING = "working", _("рабочих")
    CALENDAR = "calendar", _("календарных")


class RegistrationTerm(models.TextChoices):
    MINUTES = "minutes", _("в течение указанного числа минут")
    SAME_DAY = "same_day", _("в день поступления")
    NEXT_WORKING_DAY = "next_working_day", _("не позднее следующего рабочего дня")
    WORKING_DAYS = "working_days", _("в течение указанного числа рабочих дней")


UNIT_GENITIVE = {
    DeadlineUnit.MINUTES: (_("минуты"), _("минут")),
    DeadlineUnit.HOURS: (_("часа"), _("часов")),
    DeadlineUnit.DAYS: (_("дня"), _("дней")),
    DeadlineUnit.MONTHS: (_("месяца"), _("месяцев")),
}
DAY_TYPE_GENITIVE = {
    DayType.WORKING: (_("рабочего"), _("рабочих")),
    DayType.CALENDAR: (_("календарного"), _("календарных")),
}
# After «через» Russian takes the accusative: «1 месяц», «2 месяца», «5 месяцев»; the adjective
# agrees with 1 («1 рабочий день») and is genitive plural otherwise («2 рабочих дня»).
UNIT_ACCUSATIVE = {
    DeadlineUnit.MINUTES: (_("минуту"), _("минуты"), _("минут")),
    DeadlineUnit.HOURS: (_("час"), _("часа"), _("часов")),
    DeadlineUnit.DAYS: (_("день"), _("дня"), _("дней")),
    DeadlineUnit.MONTHS: (_("месяц"), _("месяца"), _("месяцев")),
}
DAY_TYPE_ACCUSATIVE = {
    DayType.WORKING: (_("рабочий"), _("рабочих"), _("рабочих")),
    DayType.CALENDAR: (_("календарный"), _("календарных"), _("календарных")),
}
# The words that open a term of each kind: the deadline in words, the Excel column's values.
DEADLINE_KIND_WORDS = {
    DeadlineKind.MAXIMUM: _("не более"),
    DeadlineKind.MINIMUM: _("не ранее чем через"),
    DeadlineKind.FIXED: _("через"),
}


class Deadline(models.Model):
    """Срок: its kind, a positive number, a unit, a day type for days and months, a starting event."""

    deadline_kind = models.CharField(
        _("срок: вид срока"),
        max_length=16,
        choices=DeadlineKind.choices,
        default=DeadlineKind.MAXIMUM,
        help_text=_(
            "Обычно срок максимальный («не более 5 рабочих дней»). Если закон устанавливает срок "
            "ожидания («не ранее чем через 1 месяц») или точный срок («через 1 месяц»), выберите его."
        ),
    )
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
        validators=[validate_exchangeable_text],
    )

    class Meta:
        abstract = True

    @property
    def has_deadline(self) -> bool:
        return bool(self.deadline_value or self.deadline_unit)

    def deadline_display(self) -> str:
        """«не более 5 рабочих дней со дня регистрации заявления», «не ранее чем через 1 календарный
        месяц со дня подачи заявления», «через 2 рабочих дня»."""
        if not (self.deadline_value and self.deadline_unit):
            return ""
        n = self.deadline_value
        # A kind not (yet) validated, as in a form being corrected, reads as the default.
        kind = self.deadline_kind if self.deadline_kind in DEADLINE_KIND_WORDS else DeadlineKind.MAXIMUM
        with_day_type = bool(self.deadline_day_type) and self.deadline_unit in (
            DeadlineUnit.DAYS,
            DeadlineUnit.MONTHS,
        )
        words = [str(DEADLINE_KIND_WORDS[kind]), str(n)]
        if kind == DeadlineKind.MAXIMUM:
            # After «не более» Russian takes the genitive: singular for 1, 21, 31 …, plural otherwise.
            form = 0 if n % 10 == 1 and n % 100 != 11 else 1
            if with_day_type:
                words.append(str(DAY_TYPE_GENITIVE[self.deadline_day_type][form]))
            words.append(str(UNIT_GENITIVE[self.deadline_unit][form]))
        else:
            form = plural_form(n, 0, 1, 2)
            if with_day_type:
                words.append(str(DAY_TYPE_ACCUSATIVE[self.deadline_day_type][form]))
            words.append(str(UNIT_ACCUSATIVE[self.deadline_unit][form]))
        if self.deadline_start_event:
            words.append(self.deadline_start_event)
        return " ".join(words)

    def deadline_errors(self) -> dict[str, ValidationError]:
        """What no deadline can be. A half-entered one (a number without its unit, days without
        their kind) is kept in a draft: the publication validator names it (deadline.incomplete)."""
        errors: dict[str, ValidationError] = {}
        if self.deadline_value is not None and self.deadline_value <= 0:
            errors["deadline_value"] = ValidationError(
                _("Срок предоставления услуги должен быть положительным числом."),
                code="deadline_not_positive",
            )
        if self.deadline_unit in (DeadlineUnit.MINUTES, DeadlineUnit.HOURS) and self.deadline_day_type:
            errors["deadline_day_type"] = ValidationError(
                _("Вид дней указывается только для срока в днях или месяцах."),
                code="deadline_day_type_not_applicable",
            )
        return errors

    @staticmethod
    def deadline_constraints(prefix: str) -> list[models.BaseConstraint]:
        # Not "a number has its unit": drafts keep half-entered deadlines (the validator refuses
        # to publish them; a published edition's is checked by edition_deadline_has_unit).
        return [
            models.CheckConstraint(
                condition=Q(deadline_value__isnull=True) | Q(deadline_value__gt=0),
                name=f"{prefix}_deadline_positive",
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
    change_note = models.TextField(_("что изменено"), blank=True, validators=[validate_exchangeable_text])
    unusual_deadline_confirmed = models.BooleanField(
        _("необычный срок подтверждён"),
        default=False,
        help_text=_(
            "Срок в минутах или больше года обычно означает ошибку ввода; отметьте, если срок "
            "действительно такой."
        ),
    )
    lock_version = models.PositiveIntegerField(
        _("версия записи"),
        default=1,
        editable=False,
        help_text=_("Увеличивается при каждом сохранении; защищает от одновременного редактирования."),
    )
    published_at = models.DateTimeField(_("опубликована"), null=True, blank=True)
    scheduled_at = models.DateTimeField(
        _("публикация запланирована"),
        null=True,
        blank=True,
        help_text=_("Когда утверждённая редакция с будущей датой вступления в силу поставлена в график."),
    )
    superseded_at = models.DateTimeField(_("утратила силу"), null=True, blank=True)
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
    full_name = models.CharField(
        _("полное наименование услуги"), max_length=1000, blank=True, validators=[validate_exchangeable_text]
    )
    short_name = models.CharField(
        _("краткое наименование услуги"), max_length=300, blank=True, validators=[validate_exchangeable_text]
    )
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
        validators=[validate_exchangeable_text],
    )
    accessibility_requirements = models.TextField(
        _("доступность для инвалидов (описание)"), blank=True, validators=[validate_exchangeable_text]
    )
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
    other_requirements = models.TextField(
        _("иные требования"), blank=True, validators=[validate_exchangeable_text]
    )
    online_application_url = HttpsURLField(
        _("адрес для подачи заявления в электронной форме"),
        max_length=500,
        blank=True,
        help_text=_("Страница услуги на ЕПГУ (Госуслугах) или региональном портале, где подают заявление."),
        validators=[validate_exchangeable_text],
    )
    # ч. 2 п. 1 — заявители
    applicant_categories = models.ManyToManyField(
        "registry.ApplicantCategory", verbose_name=_("категории заявителей"), blank=True, related_name="+"
    )
    applicants_description = models.TextField(
        _("круг заявителей (описание)"), blank=True, validators=[validate_exchangeable_text]
    )
    # ч. 2 п. 2 — способы направления запроса
    submission_channels = models.ManyToManyField(
        "registry.Channel", verbose_name=_("способы подачи запроса"), blank=True, related_name="+"
    )
    # ч. 2 п. 4 — информирование о ходе рассмотрения
    progress_tracking = models.TextField(
        _("как заявитель узнаёт о ходе рассмотрения"), blank=True, validators=[validate_exchangeable_text]
    )
    # ч. 2 п. 5 — исправление опечаток и ошибок
    correction_procedure = models.TextField(
        _("порядок исправления опечаток и ошибок"), blank=True, validators=[validate_exchangeable_text]
    )
    no_correction_refusal_grounds = models.BooleanField(
        _("основания для отказа в исправлении не предусмотрены"), default=False
    )
    # ч. 2 п. 6 — дубликат
    duplicate_procedure = models.TextField(
        _("порядок выдачи дубликата"), blank=True, validators=[validate_exchangeable_text]
    )
    no_duplicate_refusal_grounds = models.BooleanField(
        _("основания для отказа в выдаче дубликата не предусмотрены"), default=False
    )
    # ч. 2 п. 7 — оставление запроса без рассмотрения
    without_consideration_procedure = models.TextField(
        _("порядок оставления запроса без рассмотрения"),
        blank=True,
        validators=[validate_exchangeable_text],
    )
    no_without_consideration_grounds = models.BooleanField(
        _("основания для оставления без рассмотрения не предусмотрены"), default=False
    )
    # ч. 2 п. 9 — способы получения результата
    result_delivery_channels = models.ManyToManyField(
        "registry.Channel", verbose_name=_("способы получения результата"), blank=True, related_name="+"
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("редакция стандарта")
        verbose_name_plural = _("редакции стандартов")
        ordering = ["service", "-number"]
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="edition_unique_number"),
            models.UniqueConstraint(
                fields=["service"], condition=Q(status__in=OPEN_STATUSES), name="edition_one_open_per_service"
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status=EditionStatus.PUBLISHED),
                name="edition_one_published_per_service",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=FROZEN_STATUSES)
                | Q(published_at__isnull=False, effective_date__isnull=False),
                name="edition_published_has_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status=EditionStatus.SUPERSEDED) | Q(superseded_at__isnull=False),
                name="edition_superseded_has_date",
            ),
            models.CheckConstraint(
                condition=Q(scheduled_at__isnull=True)
                | Q(effective_date__isnull=False, status__in=[EditionStatus.APPROVED, *FROZEN_STATUSES]),
                name="edition_scheduled_is_approved_with_date",
            ),
            # ч. 1 ст. 14 as read by the registry: every later edition names what amended it.
            models.CheckConstraint(
                condition=Q(number=1)
                | ~Q(status__in=FROZEN_STATUSES)
                | Q(amending_act__isnull=False)
                | ~Q(change_note=""),
                name="edition_amendment_named",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="edition_number_positive"),
            *Deadline.deadline_constraints("edition"),
            models.CheckConstraint(
                condition=~Q(status__in=FROZEN_STATUSES)
                | Q(deadline_value__isnull=True)
                | ~Q(deadline_unit=""),
                name="edition_deadline_has_unit",
            ),
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

    def save(self, *args, **kwargs) -> None:
        stored_status = None
        if not self._state.adding and self.pk is not None:
            stored_status = Edition._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored_status in FROZEN_STATUSES:
            update_fields = kwargs.get("update_fields")
            superseding = (
                stored_status == EditionStatus.PUBLISHED
                and self.status == EditionStatus.SUPERSEDED
                and update_fields is not None
                and set(update_fields) <= SUPERSEDE_FIELDS
            )
            if not superseding:
                raise frozen_edition_error()
        if (self.status != (stored_status or EditionStatus.DRAFT)) and not _workflow_transition.get():
            raise status_change_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Edition._base_manager.filter(pk=self.pk, status__in=FROZEN_STATUSES).exists():
            raise frozen_edition_error()
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        errors = self.deadline_errors()
        if self.registration_term_value is not None and self.registration_term_value <= 0:
            errors["registration_term_value"] = ValidationError(
                _("Срок регистрации должен быть положительным числом."),
                code="registration_term_value_not_positive",
            )
        elif self.registration_term in (RegistrationTerm.SAME_DAY, RegistrationTerm.NEXT_WORKING_DAY) and (
            self.registration_term_value is not None
        ):
            # A term without its number, or a number whose term is not chosen yet, is kept in a
            # draft: the validator names it (registration_term.value_missing, .missing).
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

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_scheduled(self) -> bool:
        return self.status == EditionStatus.APPROVED and self.scheduled_at is not None


def _instance_frozen(instance: models.Model) -> bool:
    if isinstance(instance, Edition):
        return editions_frozen([instance.pk])
    if isinstance(instance, EditionContent):
        return instance.stored_frozen()
    return False


@receiver(m2m_changed, dispatch_uid="registry_edition_m2m_immutable")
def refuse_m2m_change_of_frozen_edition(sender, instance, action, model, pk_set, **kwargs) -> None:
    """Choices of a published edition (payment methods, channels, a variant's attribute values)
    are part of it: adding or removing them is an edit. (Rows written to the join tables
    directly, ``through.objects.create``, send no signals: the PostgreSQL triggers refuse them.)"""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if _instance_frozen(instance):
        raise frozen_edition_error()
    if pk_set and model is Edition and editions_frozen(pk_set):
        raise frozen_edition_error()
    if pk_set and issubclass(model, EditionContent):
        lookup = f"{model.edition_status_lookup}__in"
        if model._base_manager.filter(pk__in=pk_set, **{lookup: FROZEN_STATUSES}).exists():
            raise frozen_edition_error()
