from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.validators import validate_exchangeable_text, validate_oktmo


class Office(models.Model):
    """A place where services are delivered: a body's reception or an МФЦ office.

    Delivery records name the office by its ``code``, unique within the body (the code the body's
    own case-management system uses); the registry's exchange files carry it the same way."""

    body = models.ForeignKey(
        "registry.ProviderBody",
        verbose_name=_("орган"),
        on_delete=models.PROTECT,
        related_name="offices",
    )
    code = models.CharField(
        _("код офиса"),
        max_length=50,
        help_text=_("Код офиса в учётной системе органа; уникален в пределах органа."),
        validators=[validate_exchangeable_text],
    )
    name = models.CharField(_("наименование"), max_length=500, validators=[validate_exchangeable_text])
    address = models.CharField(_("адрес"), max_length=500, validators=[validate_exchangeable_text])
    oktmo = models.CharField(_("ОКТМО"), max_length=11, blank=True, validators=[validate_oktmo])
    is_mfc = models.BooleanField(_("офис МФЦ"), default=False)
    working_hours = models.TextField(_("график работы"), blank=True, validators=[validate_exchangeable_text])
    services = models.ManyToManyField(
        "registry.Service",
        verbose_name=_("услуги, предоставляемые в офисе"),
        blank=True,
        related_name="offices",
    )

    class Meta:
        verbose_name = _("офис")
        verbose_name_plural = _("офисы")
        ordering = ["body", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "code"],
                name="office_unique_code_per_body",
                violation_error_code="office_code_not_unique",
                violation_error_message=_("У этого органа уже есть офис с таким кодом."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
