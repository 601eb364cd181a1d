"""The legal framework: legal acts, citations of them, and the statutory requirements
of 210-FZ art. 14 held as data (the publication validator reads them)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regulations.fields import HttpsURLField
from regulations.validators import validate_exchangeable_text


class LegalActKind(models.TextChoices):
    FEDERAL_LAW = "federal_law", _("Федеральный закон")
    CODE = "code", _("Кодекс")
    PRESIDENTIAL_DECREE = "presidential_decree", _("Указ Президента")
    GOVERNMENT_DECREE = "government_decree", _("Постановление Правительства")
    MINISTERIAL_ORDER = "ministerial_order", _("Приказ федерального органа")
    REGIONAL_LAW = "regional_law", _("Закон субъекта РФ")
    REGIONAL_ACT = "regional_act", _("Акт органа субъекта РФ")
    MUNICIPAL_ACT = "municipal_act", _("Муниципальный правовой акт")


class LegalActStatus(models.TextChoices):
    IN_FORCE = "in_force", _("Действует")
    NOT_YET_IN_FORCE = "not_yet_in_force", _("Не вступил в силу")
    REPEALED = "repealed", _("Утратил силу")


class LegalActQuerySet(models.QuerySet):
    def in_force_on(self, date: datetime.date) -> "LegalActQuerySet":
        return self.filter(
            Q(in_force_from__isnull=True) | Q(in_force_from__lte=date),
            Q(in_force_until__isnull=True) | Q(in_force_until__gte=date),
        ).exclude(status=LegalActStatus.REPEALED, in_force_until__isnull=True)


# The head word of an act's short title (kept in the genitive, to read after «ст. 5» and
# «в ред.») and its nominative, for a citation of the act as a whole.
NOMINATIVE_HEADS = (
    ("Федерального закона", "Федеральный закон"),
    ("Федерального конституционного закона", "Федеральный конституционный закон"),
    ("Постановления", "Постановление"),
    ("Распоряжения", "Распоряжение"),
    ("Приказа", "Приказ"),
    ("Указа", "Указ"),
    ("Закона", "Закон"),
    ("Решения", "Решение"),
    ("Правил,", "Правила,"),
    ("Положения,", "Положение,"),
)


class LegalAct(models.Model):
    kind = models.CharField(_("вид акта"), max_length=32, choices=LegalActKind.choices)
    number = models.CharField(_("номер"), max_length=64, blank=True, validators=[validate_exchangeable_text])
    date = models.DateField(_("дата принятия"))
    title = models.CharField(_("наименование"), max_length=1000, validators=[validate_exchangeable_text])
    short_title = models.CharField(
        _("краткое обозначение"),
        max_length=120,
        blank=True,
        help_text=_(
            "Как акт называют в ссылках, в родительном падеже: «НК РФ», «Федерального закона "
            "№ 210-ФЗ», «Приказа МВД России от 16.11.2020 № 773» — так оно читается и после "
            "«ст. 5», и в строке «в ред. …»."
        ),
        validators=[validate_exchangeable_text],
    )
    issuing_body = models.CharField(
        _("принявший орган"), max_length=500, blank=True, validators=[validate_exchangeable_text]
    )
    in_force_from = models.DateField(_("действует с"), null=True, blank=True)
    in_force_until = models.DateField(_("действует по"), null=True, blank=True)
    status = models.CharField(
        _("статус"), max_length=32, choices=LegalActStatus.choices, default=LegalActStatus.IN_FORCE
    )
    source_url = HttpsURLField(
        _("официальная публикация"), max_length=500, blank=True, validators=[validate_exchangeable_text]
    )

    objects = LegalActQuerySet.as_manager()

    class Meta:
        verbose_name = _("нормативный правовой акт")
        verbose_name_plural = _("нормативные правовые акты")
        ordering = ["kind", "-date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number", "date"], name="legalact_unique_kind_number_date"
            ),
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True)
                | Q(in_force_from__isnull=True)
                | Q(in_force_until__gte=models.F("in_force_from")),
                name="legalact_in_force_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.get_kind_display(), _("от %(date)s") % {"date": self.date.strftime("%d.%m.%Y")}]
        if self.number:
            parts.append(_("№ %(number)s") % {"number": self.number})
        return f"{' '.join(str(p) for p in parts)} «{self.title}»"

    def clean(self) -> None:
        if self.in_force_from and self.in_force_until and self.in_force_until < self.in_force_from:
            raise ValidationError(
                {
                    "in_force_until": ValidationError(
                        _("Дата окончания действия не может быть раньше даты вступления в силу."),
                        code="in_force_period_reversed",
                    )
                }
            )
        if self.status == LegalActStatus.REPEALED and not self.in_force_until:
            raise ValidationError(
                {
                    "in_force_until": ValidationError(
                        _("Для утратившего силу акта укажите дату, по которую он действовал."),
                        code="repealed_without_end_date",
                    )
                }
            )

    @property
    def reference(self) -> str:
        """The short name used inside citations («НК РФ», «Федерального закона № 210-ФЗ»)."""
        if self.short_title:
            return self.short_title
        if self.number:
            return f"{self.get_kind_display()} № {self.number}"
        return f"{self.get_kind_display()} от {self.date:%d.%m.%Y}"

    @property
    def nominative_reference(self) -> str:
        """The act named on its own, as a reader expects it: «Приказ МВД России от 16.11.2020
        № 773», «Федеральный закон от 27.07.2010 № 210-ФЗ», «НК РФ»."""
        text = self.reference
        for genitive, nominative in NOMINATIVE_HEADS:
            if text.startswith(genitive + " "):
                text = nominative + text[len(genitive) :]
                break
        if self.date and " от " not in f" {text} " and "№" in text:
            head, _, number = text.partition("№")
            text = f"{head}от {self.date:%d.%m.%Y} №{number}"
        return text

    @property
    def full_reference(self) -> str:
        """The act in a list of legal bases: «Приказ МВД России от 16.11.2020 № 773 «Об
        утверждении …»»; a code by its title («Градостроительный кодекс Российской Федерации от
        29.12.2004 № 190-ФЗ»)."""
        if self.kind == LegalActKind.CODE:
            number = f" № {self.number}" if self.number else ""
            return f"{self.title} от {self.date:%d.%m.%Y}{number}"
        return f"{self.nominative_reference} «{self.title}»"

    def is_in_force_on(self, date: datetime.date) -> bool:
        if self.in_force_from and date < self.in_force_from:
            return False
        if self.in_force_until and date > self.in_force_until:
            return False
        return not (self.status == LegalActStatus.REPEALED and not self.in_force_until)


class Citation(models.Model):
    """A structured reference to a place in a legal act: article, part, point, subpoint.

    Abstract: legal bases, fee bases, refusal grounds and statutory requirements each carry
    their own citation columns, so a published edition's rows stay self-contained.
    """

    act = models.ForeignKey(
        "regulations.LegalAct",
        verbose_name=_("нормативный правовой акт"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    article = models.CharField(
        _("статья"), max_length=32, blank=True, validators=[validate_exchangeable_text]
    )
    part = models.CharField(_("часть"), max_length=32, blank=True, validators=[validate_exchangeable_text])
    point = models.CharField(_("пункт"), max_length=32, blank=True, validators=[validate_exchangeable_text])
    subpoint = models.CharField(
        _("подпункт"), max_length=32, blank=True, validators=[validate_exchangeable_text]
    )

    class Meta:
        abstract = True

    @property
    def cites_part(self) -> bool:
        """Whether the citation names a place in the act, not the act as a whole."""
        return bool(self.article or self.part or self.point or self.subpoint)

    def render_citation(self) -> str:
        """«ст. 333.33 п. 1 пп. 17 НК РФ»: article, part, point, subpoint, then the act (in the
        genitive after them); an act cited as a whole is named in the nominative («Приказ МВД
        России от 16.11.2020 № 773»), not as a dangling «Приказа …»."""
        pieces = []
        for label, value in (
            ("ст.", self.article),
            ("ч.", self.part),
            ("п.", self.point),
            ("пп.", self.subpoint),
        ):
            if value:
                pieces.append(f"{label} {value}")
        act = getattr(self, "act", None) if self.act_id else None
        if act is not None:
            pieces.append(act.reference if pieces else act.nominative_reference)
        return " ".join(pieces)


class OptionalCitation(Citation):
    """A citation that may be left out (a refusal ground may or may not cite its basis)."""

    act = models.ForeignKey(
        "regulations.LegalAct",
        verbose_name=_("нормативный правовой акт"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        abstract = True


class RequirementProfile(models.Model):
    """A set of statutory requirements a standard must meet (part 1, part 2 of art. 14)."""

    code = models.SlugField(_("код"), max_length=64, unique=True)
    title = models.CharField(_("наименование"), max_length=300)
    description = models.TextField(_("описание"), blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("профиль требований")
        verbose_name_plural = _("профили требований")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class StatutoryRequirement(Citation):
    """One item of the statute that a standard must fill (e.g. ч. 1 ст. 14 210-ФЗ, п. 7)."""

    profile = models.ForeignKey(
        RequirementProfile,
        verbose_name=_("профиль"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    code = models.SlugField(
        _("код"),
        max_length=64,
        unique=True,
        help_text=_("Стабильный код, на который ссылаются проверки и обмен данными."),
    )
    number = models.PositiveSmallIntegerField(_("номер пункта"))
    title = models.CharField(_("наименование пункта"), max_length=500)
    section = models.SlugField(
        _("раздел стандарта"),
        max_length=64,
        help_text=_("Код раздела записи о стандарте, к которому относится требование."),
    )
    filled_when = models.TextField(_("считается заполненным, если"))
    is_mandatory = models.BooleanField(_("обязательно"), default=True)

    class Meta:
        verbose_name = _("требование закона")
        verbose_name_plural = _("требования закона")
        ordering = ["profile__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="requirement_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def natural_key(self) -> tuple[str]:
        return (self.code,)
