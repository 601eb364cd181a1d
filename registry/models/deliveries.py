"""What happened to applicants' requests (issue 14): one record per request, checked against the
edition of the standard in force on the day it was submitted, and rolled up per service × body ×
office × month for the pages.

No personal data ever: a request is named by the opaque case id of the body's own system.

On PostgreSQL ``registry_deliveryrecord`` is partitioned by ``month`` (declarative range
partitioning, one partition a month, see migration 0019 and ``registry.deliveries.partitions``);
its primary key there is (id, month) and the uniqueness of (body, case id) is kept by the unique
index (body, case id, month) together with the storage, which moves a corrected record whose
month changed (``registry.deliveries.storage``). On other databases it is a plain table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.deliveries.rows import Outcome


class DeliveryRecord(models.Model):
    """One applicant's request as the body's case-management system reported it, with the
    compliance columns computed against the edition in force at its submission (None: the rule
    does not apply, or the standard or the record does not say enough to tell)."""

    body = models.ForeignKey(
        "registry.ProviderBody",
        verbose_name=_("орган"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    case_id = models.CharField(_("номер дела в системе органа"), max_length=100)
    service = models.ForeignKey(
        "registry.Service",
        verbose_name=_("услуга"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    office = models.ForeignKey(
        "registry.Office",
        verbose_name=_("офис"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    channel = models.ForeignKey(
        "registry.Channel",
        verbose_name=_("способ подачи"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    variant_code = models.CharField(_("код варианта предоставления"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("запрос подан"))
    month = models.DateField(
        _("месяц подачи"), help_text=_("Первое число месяца подачи запроса (по местному времени реестра).")
    )
    registered_at = models.DateTimeField(_("запрос зарегистрирован"), null=True, blank=True)
    result_at = models.DateTimeField(_("результат или решение"), null=True, blank=True)
    outcome = models.CharField(_("итог"), max_length=16, choices=Outcome.choices)
    refusal_ground = models.CharField(_("основание отказа"), max_length=1000, blank=True)
    queue_wait_submission = models.PositiveIntegerField(
        _("ожидание в очереди при подаче, минут"), null=True, blank=True
    )
    queue_wait_receipt = models.PositiveIntegerField(
        _("ожидание в очереди при получении, минут"), null=True, blank=True
    )
    # Compliance with the edition in force at submission (registry.deliveries.compliance).
    edition = models.ForeignKey(
        "registry.Edition",
        verbose_name=_("редакция стандарта, действовавшая при подаче"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    term_declared = models.PositiveIntegerField(_("срок по стандарту, дней"), null=True, blank=True)
    term_used = models.IntegerField(_("срок фактически, дней"), null=True, blank=True)
    on_time = models.BooleanField(_("срок соблюдён"), null=True, blank=True)
    queue_submission_ok = models.BooleanField(
        _("ожидание при подаче в пределах стандарта"), null=True, blank=True
    )
    queue_receipt_ok = models.BooleanField(
        _("ожидание при получении в пределах стандарта"), null=True, blank=True
    )
    registered_in_time = models.BooleanField(_("зарегистрирован в срок"), null=True, blank=True)
    refusal_ground_listed = models.BooleanField(
        _("основание отказа есть в перечне стандарта"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("запись о предоставлении услуги")
        verbose_name_plural = _("записи о предоставлении услуг")
        constraints = [
            models.UniqueConstraint(fields=["body", "case_id"], name="delivery_unique_case_per_body"),
        ]
        indexes = [
            models.Index(fields=["service", "body", "office", "month"], name="delivery_rollup_key"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ({self.submitted_at:%d.%m.%Y})"


class DeliveryMonthly(models.Model):
    """The compliance of a service's delivery by one body in one office (or without an office)
    in one month: what the pages read. Recomputed from the records of the months a file touched
    (``registry.deliveries.rollup.refresh_rollup``)."""

    service = models.ForeignKey(
        "registry.Service", verbose_name=_("услуга"), on_delete=models.CASCADE, related_name="+"
    )
    body = models.ForeignKey(
        "registry.ProviderBody", verbose_name=_("орган"), on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey(
        "registry.Office",
        verbose_name=_("офис"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    month = models.DateField(_("месяц"))
    count = models.PositiveIntegerField(_("запросов"))
    decided = models.PositiveIntegerField(_("с результатом или решением"), default=0)
    term_checked = models.PositiveIntegerField(_("со сроком, проверенным по стандарту"), default=0)
    on_time = models.PositiveIntegerField(_("в срок"), default=0)
    term_used_median = models.FloatField(_("медиана срока, дней"), null=True, blank=True)
    term_used_p90 = models.FloatField(_("90-й процентиль срока, дней"), null=True, blank=True)
    term_declared = models.PositiveIntegerField(_("срок по стандарту, дней"), null=True, blank=True)
    queue_checked = models.PositiveIntegerField(_("ожиданий, проверенных по стандарту"), default=0)
    queue_ok = models.PositiveIntegerField(_("ожиданий в пределах стандарта"), default=0)
    registration_checked = models.PositiveIntegerField(_("регистраций, проверенных по стандарту"), default=0)
    registered_in_time = models.PositiveIntegerField(_("зарегистрировано в срок"), default=0)
    refusals = models.PositiveIntegerField(_("отказов"), default=0)
    refusals_unlisted = models.PositiveIntegerField(_("отказов по основаниям вне перечня"), default=0)

    class Meta:
        verbose_name = _("соблюдение стандарта за месяц")
        verbose_name_plural = _("соблюдение стандарта по месяцам")
        ordering = ["service", "body", "office", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "body", "office", "month"],
                name="delivery_monthly_unique_key",
            ),
        ]
        indexes = [models.Index(fields=["body", "month"], name="delivery_monthly_body")]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y}: {self.count}"

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def on_time_share(self) -> float | None:
        return self.share(self.on_time, self.term_checked)

    @property
    def queue_ok_share(self) -> float | None:
        return self.share(self.queue_ok, self.queue_checked)

    @property
    def registered_in_time_share(self) -> float | None:
        return self.share(self.registered_in_time, self.registration_checked)

    @property
    def refusal_rate(self) -> float | None:
        return self.share(self.refusals, self.decided)
