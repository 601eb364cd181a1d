from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from registry.models.reference import Level
from registry.validators import validate_exchangeable_text, validate_registry_number

FEDERAL_NUMBER_LENGTH = 11
REGIONAL_NUMBER_LENGTH = 19
# Our numbering scheme: federal numbers are "1" followed by ten digits (10000000648);
# regional and municipal numbers are the region's two-digit code followed by 17 digits
# (7300100220000088273). Numbers are assigned in order within their prefix.
FEDERAL_NUMBER_PREFIX = "1"


def registry_number_prefix(level: str, region_code: str | None) -> tuple[str, int]:
    if level == Level.FEDERAL:
        return FEDERAL_NUMBER_PREFIX, FEDERAL_NUMBER_LENGTH
    return region_code or "", REGIONAL_NUMBER_LENGTH


# Written only by the withdrawal and restoration services, which record the change themselves.
WITHDRAWAL_FIELDS = ("is_withdrawn", "withdrawn_on", "withdrawal_reason")


class Service(models.Model):
    """A public service. Its standard lives in editions; the service holds what outlives them."""

    registry_number = models.CharField(
        _("реестровый номер"),
        max_length=REGIONAL_NUMBER_LENGTH,
        unique=True,
        blank=True,
        validators=[validate_registry_number],
        help_text=_(
            "11 цифр для федеральной услуги, 19 цифр с кодом субъекта РФ в начале — для "
            "региональной и муниципальной. Оставьте пустым, чтобы номер присвоился автоматически."
        ),
    )
    level = models.CharField(_("уровень"), max_length=16, choices=Level.choices)
    provider = models.ForeignKey(
        "registry.ProviderBody",
        verbose_name=_("орган, предоставляющий услугу"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    categories = models.ManyToManyField(
        "registry.Category",
        verbose_name=_("категории и жизненные ситуации"),
        blank=True,
        related_name="services",
    )
    under_single_standard = models.BooleanField(
        _("единый стандарт (ч. 2 ст. 14 210-ФЗ)"),
        default=False,
        help_text=_("Услуга предоставляется по единому стандарту; применяются требования ч. 2 ст. 14."),
    )
    is_withdrawn = models.BooleanField(_("исключена из реестра"), default=False)
    withdrawn_on = models.DateField(_("дата исключения"), null=True, blank=True)
    withdrawal_reason = models.TextField(
        _("причина исключения"), blank=True, validators=[validate_exchangeable_text]
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("услуга")
        verbose_name_plural = _("услуги")
        ordering = ["registry_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_withdrawn=False) | (Q(withdrawn_on__isnull=False) & ~Q(withdrawal_reason="")),
                name="service_withdrawal_has_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        edition = self.latest_edition_for_display()
        name = edition.short_name or edition.full_name if edition else _("без наименования")
        return f"{self.registry_number} — {name}"

    def save(self, *args, **kwargs) -> None:
        if self.registry_number:
            super().save(*args, **kwargs)
            return
        # Assign the next free number in the prefix; a concurrent insert of the same number
        # fails on the unique constraint, and we take the next one.
        for _attempt in range(10):
            self.registry_number = self.next_registry_number()
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                if not Service.objects.filter(registry_number=self.registry_number).exists():
                    raise
        raise IntegrityError("could not assign a free registry number")

    def next_registry_number(self) -> str:
        region_code = self.provider.region.code if self.provider_id and self.provider.region_id else None
        prefix, length = registry_number_prefix(self.level, region_code)
        if not prefix:
            raise ValidationError(
                _("Нельзя присвоить реестровый номер: у органа не указан субъект РФ."),
                code="registry_number_no_region",
            )
        highest = (
            Service.objects.annotate(number_length=Length("registry_number"))
            .filter(registry_number__startswith=prefix, number_length=length)
            .order_by("-registry_number")
            .values_list("registry_number", flat=True)
            .first()
        )
        sequence = int(highest[len(prefix) :]) + 1 if highest else 1
        return f"{prefix}{sequence:0{length - len(prefix)}d}"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        provider = self.provider if self.provider_id else None
        if provider is not None and self.level and provider.level != self.level:
            errors["level"] = ValidationError(
                _("Уровень услуги (%(level)s) не совпадает с уровнем органа «%(body)s» (%(body_level)s)."),
                code="level_mismatch_provider",
                params={
                    "level": self.get_level_display(),
                    "body": provider,
                    "body_level": provider.get_level_display(),
                },
            )
        number = self.registry_number
        if number and number.isdigit() and self.level:
            if self.level == Level.FEDERAL and len(number) != FEDERAL_NUMBER_LENGTH:
                errors["registry_number"] = ValidationError(
                    _("Реестровый номер федеральной услуги состоит из 11 цифр."),
                    code="registry_number_federal_length",
                )
            elif self.level != Level.FEDERAL and len(number) != REGIONAL_NUMBER_LENGTH:
                errors["registry_number"] = ValidationError(
                    _("Реестровый номер региональной или муниципальной услуги состоит из 19 цифр."),
                    code="registry_number_regional_length",
                )
            elif (
                self.level != Level.FEDERAL
                and provider is not None
                and provider.region_id
                and not number.startswith(provider.region.code)
            ):
                errors["registry_number"] = ValidationError(
                    _(
                        "Реестровый номер должен начинаться с кода субъекта РФ органа "
                        "«%(body)s» — %(code)s, а начинается с %(prefix)s."
                    ),
                    code="registry_number_region_mismatch",
                    params={"body": provider, "code": provider.region.code, "prefix": number[:2]},
                )
        if self.is_withdrawn and not self.withdrawal_reason.strip():
            errors["withdrawal_reason"] = ValidationError(
                _("Укажите причину исключения услуги: она публикуется для граждан."),
                code="withdrawal_reason_required",
            )
        if self.is_withdrawn and not self.withdrawn_on:
            errors["withdrawn_on"] = ValidationError(
                _("Укажите дату исключения услуги из реестра."), code="withdrawal_date_required"
            )
        if errors:
            raise ValidationError(errors)

    def latest_edition_for_display(self):
        """The newest edition, for labels; uses prefetched editions when present."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "editions" in cache:
            editions = sorted(cache["editions"], key=lambda e: e.number)
            return editions[-1] if editions else None
        if not self.pk:
            return None
        return self.editions.order_by("-number").first()
