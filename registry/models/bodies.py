from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models.reference import Level
from registry.validators import validate_exchangeable_text, validate_inn, validate_ogrn, validate_oktmo
from regulations.fields import HttpsURLField


class ProviderBody(models.Model):
    """A body that provides services (орган, предоставляющий услугу)."""

    full_name = models.CharField(
        _("полное наименование"), max_length=1000, validators=[validate_exchangeable_text]
    )
    short_name = models.CharField(
        _("краткое наименование"), max_length=300, validators=[validate_exchangeable_text]
    )
    level = models.CharField(_("уровень"), max_length=16, choices=Level.choices)
    region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("субъект РФ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
    )
    oktmo = models.CharField(_("ОКТМО"), max_length=11, blank=True, validators=[validate_oktmo])
    ogrn = models.CharField(_("ОГРН"), max_length=15, blank=True, validators=[validate_ogrn])
    inn = models.CharField(_("ИНН"), max_length=10, blank=True, validators=[validate_inn])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("вышестоящий орган"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subordinates",
    )
    address = models.CharField(
        _("адрес"), max_length=500, blank=True, validators=[validate_exchangeable_text]
    )
    phone = models.CharField(
        _("телефон"), max_length=100, blank=True, validators=[validate_exchangeable_text]
    )
    email = models.EmailField(_("электронная почта"), blank=True, validators=[validate_exchangeable_text])
    website = HttpsURLField(_("сайт"), max_length=300, blank=True, validators=[validate_exchangeable_text])
    working_hours = models.TextField(_("график работы"), blank=True, validators=[validate_exchangeable_text])

    class Meta:
        verbose_name = _("орган, предоставляющий услуги")
        verbose_name_plural = _("органы, предоставляющие услуги")
        ordering = ["level", "short_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=Level.FEDERAL) | Q(region__isnull=False),
                name="body_regional_or_municipal_has_region",
            ),
            models.UniqueConstraint(
                fields=["ogrn"],
                condition=~Q(ogrn=""),
                name="body_unique_ogrn",
                violation_error_code="ogrn_not_unique",
                violation_error_message=_("Орган с таким ОГРН уже есть в реестре."),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.full_name

    def clean(self) -> None:
        errors = {}
        if self.level in (Level.REGIONAL, Level.MUNICIPAL) and not self.region_id:
            errors["region"] = ValidationError(
                _("Для регионального или муниципального органа укажите субъект РФ."),
                code="region_required",
            )
        if self.level == Level.MUNICIPAL and not self.oktmo:
            errors["oktmo"] = ValidationError(
                _("Для органа местного самоуправления укажите код ОКТМО муниципального образования."),
                code="oktmo_required",
            )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = ValidationError(
                _("Орган не может быть вышестоящим сам для себя."), code="parent_is_self"
            )
        if errors:
            raise ValidationError(errors)
