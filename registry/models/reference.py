"""Classifiers: subjects of the Federation, categories, applicant categories, channels,
payment methods. Reference data, loaded from fixtures/reference."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.validators import validate_region_code


class Level(models.TextChoices):
    FEDERAL = "federal", _("Федеральный")
    REGIONAL = "regional", _("Региональный")
    MUNICIPAL = "municipal", _("Муниципальный")


class Region(models.Model):
    """A subject of the Russian Federation with its two-digit code."""

    code = models.CharField(_("код субъекта"), max_length=2, unique=True, validators=[validate_region_code])
    name = models.CharField(_("наименование"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("субъект Российской Федерации")
        verbose_name_plural = _("субъекты Российской Федерации")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Classifier(models.Model):
    """A coded entry of a classifier: code for exchange, Russian name for people."""

    code = models.SlugField(_("код"), max_length=64, unique=True)
    name = models.CharField(_("наименование"), max_length=300)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CategoryKind(models.TextChoices):
    CATEGORY = "category", _("Категория услуг")
    LIFE_SITUATION = "life_situation", _("Жизненная ситуация")


class Category(Classifier):
    """A catalogue heading: a category of services or a life situation."""

    kind = models.CharField(
        _("вид"), max_length=20, choices=CategoryKind.choices, default=CategoryKind.CATEGORY
    )
    description = models.TextField(_("описание"), blank=True)

    class Meta(Classifier.Meta):
        verbose_name = _("категория или жизненная ситуация")
        verbose_name_plural = _("категории и жизненные ситуации")


class ApplicantCategory(Classifier):
    class Meta(Classifier.Meta):
        verbose_name = _("категория заявителей")
        verbose_name_plural = _("категории заявителей")


class PaymentMethod(Classifier):
    class Meta(Classifier.Meta):
        verbose_name = _("способ оплаты")
        verbose_name_plural = _("способы оплаты")


class Channel(Classifier):
    """A way to apply or to receive the result: in person, МФЦ, ЕПГУ, post …"""

    class Meta(Classifier.Meta):
        verbose_name = _("канал подачи или получения")
        verbose_name_plural = _("каналы подачи и получения")
