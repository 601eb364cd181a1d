"""The list sections of an edition: results, legal bases, documents, grounds, fees,
quality indicators and forms. Each row belongs to an edition and, when it applies to one
variant only, to that variant."""

import re
import secrets

from django.core.exceptions import ValidationError
from django.core.files.utils import validate_file_name
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.models.editions import EditionContent
from registry.validators import FormFileContentValidator, validate_exchangeable_text
from regulations.models import OptionalCitation


def normalize_name(value: str) -> str:
    """The key under which two document names are "the same document"."""
    return re.sub(r"\s+", " ", value.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


class EditionItem(EditionContent):
    """Common columns of an edition's list rows; written only while the edition is open."""

    variant = models.ForeignKey(
        "registry.Variant",
        verbose_name=_("вариант"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Пусто — относится ко всем вариантам."),
    )
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta(EditionContent.Meta):
        abstract = True
        ordering = ["edition", "order", "id"]

    def variant_errors(self) -> dict[str, ValidationError]:
        if self.variant_id and self.edition_id and self.variant.edition_id != self.edition_id:
            return {
                "variant": ValidationError(
                    _("Вариант «%(variant)s» относится к другой редакции."),
                    code="variant_other_edition",
                    params={"variant": self.variant},
                )
            }
        return {}

    def clean(self) -> None:
        errors = self.variant_errors()
        if errors:
            raise ValidationError(errors)


class ResultKind(models.TextChoices):
    DOCUMENT = "document", _("Документ")
    ACTION = "action", _("Действие")
    REFUSAL = "refusal", _("Решение об отказе")


class Result(EditionItem):
    """ч. 1 п. 3: a result of the service, a document or an action, with its form."""

    edition = models.ForeignKey(
        "registry.Edition", verbose_name=_("редакция"), on_delete=models.CASCADE, related_name="results"
    )
    kind = models.CharField(
        _("вид результата"), max_length=16, choices=ResultKind.choices, default=ResultKind.DOCUMENT
    )
    # Blank only in a draft's half-filled row: the validator refuses to publish it.
    name = models.CharField(
        _("результат"), max_length=1000, blank=True, validators=[validate_exchangeable_text]
    )
    document_form = models.CharField(
        _("форма документа"),
        max_length=500,
        blank=True,
        help_text=_("Бумажный документ, электронный документ, запись в реестре …"),
        validators=[validate_exchangeable_text],
    )

    class Meta(EditionItem.Meta):
        verbose_name = _("результат предоставления услуги")
        verbose_name_plural = _("результаты предоставления услуги")

    def __str__(self) -> str:
        return self.name


class LegalBasis(EditionItem, OptionalCitation):
    """ч. 1 п. 5: a legal ground for providing the service. Its act is empty only in a draft's
    half-filled row (an article typed, the act not yet chosen): the validator refuses to
    publish it (legal_bases.act_missing)."""

    edition = models.ForeignKey(
        "registry.Edition", verbose_name=_("редакция"), on_delete=models.CASCADE, related_name="legal_bases"
    )
    note = models.CharField(
        _("пояснение"), max_length=500, blank=True, validators=[validate_exchangeable_text]
    )

    class Meta(EditionItem.Meta):
        verbose_name = _("правовое основание")
        verbose_name_plural = _("правовые основания")

    def __str__(self) -> str:
        return self.render_citation()


class DocumentSource(models.TextChoices):
    APPLICANT = "applicant", _("Представляет заявитель")
    INTERAGENCY = "interagency", _("Запрашивается органом (заявитель вправе представить сам)")


class DocumentPresentation(models.TextChoices):
    ORIGINAL = "original", _("Подлинник")
    COPY = "copy", _("Копия")
    CERTIFIED_COPY = "certified_copy", _("Нотариально заверенная копия")
    ORIGINAL_FOR_INSPECTION = "original_for_inspection", _("Подлинник для обозрения и копия")
    ELECTRONIC = "electronic", _("Электронный документ")


class Document(EditionItem):
    """ч. 1 п. 6: a document of the exhaustive list, in one of its two lists."""

    edition = models.ForeignKey(
        "registry.Edition", verbose_name=_("редакция"), on_delete=models.CASCADE, related_name="documents"
    )
    source = models.CharField(_("перечень"), max_length=16, choices=DocumentSource.choices)
    name = models.CharField(
        _("наименование документа"), max_length=1000, blank=True, validators=[validate_exchangeable_text]
    )
    name_key = models.CharField(max_length=1000, editable=False)
    presentation = models.CharField(
        _("подлинник или копия"),
        max_length=32,
        choices=DocumentPresentation.choices,
        default=DocumentPresentation.ORIGINAL,
    )
    copies = models.PositiveSmallIntegerField(_("количество, экз."), default=1)
    holder_body = models.CharField(
        _("орган, в распоряжении которого находится документ"),
        max_length=1000,
        blank=True,
        help_text=_("Для документов, запрашиваемых в порядке межведомственного взаимодействия."),
        validators=[validate_exchangeable_text],
    )
    note = models.TextField(_("пояснение"), blank=True, validators=[validate_exchangeable_text])

    class Meta(EditionItem.Meta):
        verbose_name = _("документ")
        verbose_name_plural = _("документы")
        constraints = [
            # A document appears once per edition (or variant): in one of the two lists only.
            # Rows of a draft still without a name are not "the same document".
            models.UniqueConstraint(
                fields=["edition", "name_key"],
                condition=Q(variant__isnull=True) & ~Q(name_key=""),
                name="document_unique_in_edition",
            ),
            models.UniqueConstraint(
                fields=["edition", "variant", "name_key"],
                condition=Q(variant__isnull=False) & ~Q(name_key=""),
                name="document_unique_in_variant",
            ),
            models.CheckConstraint(condition=Q(copies__gte=1), name="document_copies_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = normalize_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = self.variant_errors()
        if self.copies is not None and self.copies < 1:
            errors["copies"] = ValidationError(
                _("Количество экземпляров — не меньше одного."), code="document_copies_positive"
            )
        if self.edition_id and self.name:
            # A common document applies to every variant, so it clashes with the same document
            # in any variant, and a variant's document clashes with a common one.
            twins = Document.objects.filter(edition_id=self.edition_id, name_key=normalize_name(self.name))
            if self.variant_id:
                twins = twins.filter(Q(variant_id=self.variant_id) | Q(variant__isnull=True))
            twins = list(twins.exclude(pk=self.pk))
            twin = next((t for t in twins if t.source != self.source), twins[0] if twins else None)
            if twin is not None:
                if twin.source != self.source:
                    errors["name"] = ValidationError(
                        _(
                            "Документ «%(name)s» уже указан в перечне «%(list)s»: документ не может "
                            "быть одновременно в перечне представляемых заявителем и в перечне "
                            "запрашиваемых по межведомственному запросу."
                        ),
                        code="document_in_both_lists",
                        params={"name": self.name, "list": twin.get_source_display()},
                    )
                else:
                    errors["name"] = ValidationError(
                        _("Документ «%(name)s» уже есть в этом перечне."),
                        code="document_duplicate",
                        params={"name": self.name},
                    )
        if errors:
            raise ValidationError(errors)


class GroundKind(models.TextChoices):
    ACCEPT_REFUSAL = "accept_refusal", _("Отказ в приеме документов")
    SUSPENSION = "suspension", _("Приостановление предоставления услуги")
    REFUSAL = "refusal", _("Отказ в предоставлении услуги")
    CORRECTION_REFUSAL = "correction_refusal", _("Отказ в исправлении опечаток и ошибок")
    DUPLICATE_REFUSAL = "duplicate_refusal", _("Отказ в выдаче дубликата")
    WITHOUT_CONSIDERATION = "without_consideration", _("Оставление запроса без рассмотрения")


class Ground(EditionItem, OptionalCitation):
    """ч. 1 пп. 7–8, ч. 2 пп. 5–7: one ground of an exhaustive list of grounds."""

    edition = models.ForeignKey(
        "registry.Edition", verbose_name=_("редакция"), on_delete=models.CASCADE, related_name="grounds"
    )
    kind = models.CharField(_("вид основания"), max_length=32, choices=GroundKind.choices)
    text = models.TextField(_("основание"), blank=True, validators=[validate_exchangeable_text])

    class Meta(EditionItem.Meta):
        verbose_name = _("основание")
        verbose_name_plural = _("основания (отказы, приостановление)")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:80]}"


class Fee(EditionItem, OptionalCitation):
    """ч. 1 п. 9: an amount charged, with its legal basis and period of validity."""

    edition = models.ForeignKey(
        "registry.Edition", verbose_name=_("редакция"), on_delete=models.CASCADE, related_name="fees"
    )
    # Name and amount are blank only in a draft's half-filled row: the validator refuses to
    # publish it (fee.row_incomplete).
    name = models.CharField(
        _("за что взимается"),
        max_length=500,
        blank=True,
        help_text=_("Например: «за выдачу паспорта взамен утраченного»"),
        validators=[validate_exchangeable_text],
    )
    amount = models.DecimalField(_("размер, руб."), max_digits=12, decimal_places=2, null=True, blank=True)
    applicant_category = models.ForeignKey(
        "registry.ApplicantCategory",
        verbose_name=_("категория заявителей"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exemptions = models.TextField(
        _("льготы и освобождение от уплаты"), blank=True, validators=[validate_exchangeable_text]
    )
    valid_from = models.DateField(_("действует с"), null=True, blank=True)
    valid_to = models.DateField(_("действует по"), null=True, blank=True)

    class Meta(EditionItem.Meta):
        verbose_name = _("размер платы")
        verbose_name_plural = _("размеры платы")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="fee_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        if self.amount is None:
            return f"{self.name}: {_('размер не указан')}"
        return f"{self.name}: {self.amount} ₽"

    def clean(self) -> None:
        errors = self.variant_errors()
        if self.amount is not None and self.amount < 0:
            errors["amount"] = ValidationError(
                _("Размер платы не может быть отрицательным."), code="fee_amount_negative"
            )
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = ValidationError(
                _("Дата окончания действия размера платы раньше даты начала."),
                code="fee_validity_reversed",
            )
        if errors:
            raise ValidationError(errors)


class IndicatorKind(models.TextChoices):
    ACCESSIBILITY = "accessibility", _("Показатель доступности")
    QUALITY = "quality", _("Показатель качества")


class IndicatorComparison(models.TextChoices):
    AT_MOST = "le", _("не более")
    AT_LEAST = "ge", _("не менее")
    EQUALS = "eq", _("равно")
    YES_NO = "yes", _("да")


class QualityIndicator(EditionItem):
    """ч. 1 п. 13: a named indicator of accessibility or quality with its target value."""

    edition = models.ForeignKey(
        "registry.Edition", verbose_name=_("редакция"), on_delete=models.CASCADE, related_name="indicators"
    )
    # Blank only in a draft's half-filled row: the validator refuses to publish it.
    kind = models.CharField(_("вид показателя"), max_length=16, choices=IndicatorKind.choices, blank=True)
    name = models.CharField(
        _("показатель"), max_length=1000, blank=True, validators=[validate_exchangeable_text]
    )
    comparison = models.CharField(_("условие"), max_length=4, choices=IndicatorComparison.choices, blank=True)
    target_value = models.DecimalField(
        _("целевое значение"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(
        _("единица"),
        max_length=50,
        blank=True,
        help_text=_("раз, минут, %"),
        validators=[validate_exchangeable_text],
    )

    class Meta(EditionItem.Meta):
        verbose_name = _("показатель доступности и качества")
        verbose_name_plural = _("показатели доступности и качества")

    def __str__(self) -> str:
        return self.name


class FormKind(models.TextChoices):
    REQUEST = "request", _("Форма запроса (заявления)")
    RESULT = "result", _("Форма документа — результата услуги")
    CORRECTION = "correction", _("Форма заявления об исправлении ошибок")
    DUPLICATE = "duplicate", _("Форма заявления о выдаче дубликата")
    WITHDRAWAL = "withdrawal", _("Форма заявления об оставлении запроса без рассмотрения")


FORM_FILE_EXTENSIONS = ["pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods"]


def form_upload_path(instance: "StandardForm", filename: str) -> str:
    """``forms/<registry number>/<random token>/<file name>``: the token makes the address
    unguessable (the name is kept for the download); not the edition's number, since the
    editions copied from this one share the file."""
    token = secrets.token_urlsafe(16)
    return f"forms/{instance.edition.service.registry_number}/{token}/{filename}"


class FormFieldFile(FieldFile):
    """A form's file, whose address is the registry's permission-checked download view
    (``registry.views.form_files``), never the storage's own: every page, widget and admin
    form that links ``form.file.url`` goes through the edition's visibility."""

    @property
    def url(self) -> str:
        self._require_file()
        return self.instance.get_file_url()

    @property
    def download_name(self) -> str:
        return self.name.rsplit("/", 1)[-1] if self.name else ""


FORM_FILE_NAME_MAX = 100
# Characters no file system or browser download takes in a name, and control characters.
UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def form_file_name(filename: str) -> str:
    """The uploaded file's own name, as the official gave it (spaces and Cyrillic kept: it is
    the name the citizen downloads), less any path and the characters no file may hold."""
    name = UNSAFE_NAME_CHARACTERS.sub("", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    name = name.lstrip(".") or "form"
    if len(name) > FORM_FILE_NAME_MAX:  # a file system holds 255 bytes, two for a Cyrillic letter
        root, dot, extension = name.rpartition(".")
        name = (
            f"{root[: FORM_FILE_NAME_MAX - len(extension) - 1].rstrip()}.{extension}"
            if dot
            else name[:FORM_FILE_NAME_MAX]
        )
    return name


class FormFileField(models.FileField):
    attr_class = FormFieldFile

    def generate_filename(self, instance, filename: str) -> str:
        # Not the storage's get_valid_name, which would turn the name's spaces into underscores;
        # the random directory already keeps names apart.
        return validate_file_name(
            self.upload_to(instance, form_file_name(filename)), allow_relative_path=True
        )


class StandardForm(EditionItem):
    """ч. 2 п. 8: a form (бланк) as an uploaded file."""

    edition = models.ForeignKey(
        "registry.Edition", verbose_name=_("редакция"), on_delete=models.CASCADE, related_name="forms"
    )
    kind = models.CharField(_("вид формы"), max_length=16, choices=FormKind.choices)
    title = models.CharField(_("наименование формы"), max_length=500, validators=[validate_exchangeable_text])
    file = FormFileField(
        _("файл"),
        upload_to=form_upload_path,
        max_length=255,
        validators=[FileExtensionValidator(FORM_FILE_EXTENSIONS), FormFileContentValidator(_("Файл"))],
        help_text=_("PDF, DOC, DOCX, ODT, RTF, XLS, XLSX или ODS, не более 10 МБ."),
    )

    class Meta(EditionItem.Meta):
        verbose_name = _("форма документа")
        verbose_name_plural = _("формы документов")

    def __str__(self) -> str:
        return self.title

    def get_file_url(self) -> str:
        """The download address (empty for a row not saved yet: it has no address to link)."""
        if self.pk is None:
            return ""
        edition = self.edition
        return reverse(
            "catalogue:form_file",
            kwargs={
                "registry_number": edition.service.registry_number,
                "number": edition.number,
                "form_id": self.pk,
            },
        )

    def clean(self) -> None:
        from django.conf import settings

        errors = self.variant_errors()
        if self.file and getattr(self.file, "size", 0) > settings.REGISTRY_FORM_MAX_BYTES:
            errors["file"] = ValidationError(
                _("Файл «%(name)s» больше допустимых %(limit)s МБ."),
                code="form_file_too_large",
                params={"name": self.file.name, "limit": settings.REGISTRY_FORM_MAX_BYTES // (1024 * 1024)},
            )
        if errors:
            raise ValidationError(errors)
