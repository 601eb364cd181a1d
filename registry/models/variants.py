"""Variants of a service (Правила 1228) and the applicant attributes that select them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.editions import Deadline, EditionContent
from registry.validators import validate_exchangeable_text


class Variant(EditionContent, Deadline):
    """A variant of providing the service: issue, replace, duplicate, correct an error …

    Its deadline, when set, replaces the edition's; its own results, documents, fees and
    grounds are rows pointing at it. A variant matches a combination of attribute values
    when, for every attribute it restricts, the combination's value is among its values.
    """

    edition = models.ForeignKey(
        "registry.Edition", verbose_name=_("редакция"), on_delete=models.CASCADE, related_name="variants"
    )
    code = models.SlugField(_("код"), max_length=64)
    name = models.CharField(
        _("наименование варианта"), max_length=500, validators=[validate_exchangeable_text]
    )
    description = models.TextField(_("описание"), blank=True, validators=[validate_exchangeable_text])
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    attribute_values = models.ManyToManyField(
        "registry.AttributeValue",
        verbose_name=_("значения признаков, при которых применяется вариант"),
        blank=True,
        related_name="variants",
    )

    class Meta(EditionContent.Meta):
        verbose_name = _("вариант предоставления")
        verbose_name_plural = _("варианты предоставления")
        ordering = ["edition", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="variant_unique_code"),
            *Deadline.deadline_constraints("variant"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = self.deadline_errors()
        if errors:
            raise ValidationError(errors)


class ApplicantAttribute(EditionContent):
    """A question of the applicant questionnaire (признак заявителя)."""

    edition = models.ForeignKey(
        "registry.Edition",
        verbose_name=_("редакция"),
        on_delete=models.CASCADE,
        related_name="applicant_attributes",
    )
    code = models.SlugField(_("код"), max_length=64)
    question = models.CharField(
        _("вопрос заявителю"), max_length=500, validators=[validate_exchangeable_text]
    )
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta(EditionContent.Meta):
        verbose_name = _("признак заявителя")
        verbose_name_plural = _("признаки заявителя")
        ordering = ["edition", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="attribute_unique_code"),
        ]

    def __str__(self) -> str:
        return self.question


class AttributeValue(EditionContent):
    """One answer to an attribute's question."""

    edition_parent_field = "attribute"
    edition_status_lookup = "attribute__edition__status"

    attribute = models.ForeignKey(
        ApplicantAttribute, verbose_name=_("признак"), on_delete=models.CASCADE, related_name="values"
    )
    code = models.SlugField(_("код"), max_length=64)
    label = models.CharField(_("значение"), max_length=500, validators=[validate_exchangeable_text])
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta(EditionContent.Meta):
        verbose_name = _("значение признака")
        verbose_name_plural = _("значения признаков")
        ordering = ["attribute", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "code"], name="attribute_value_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.attribute.question}: {self.label}"
