from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.validators import validate_exchangeable_text


class CalendarDayKind(models.TextChoices):
    """How a date differs from the ordinary week (производственный календарь).

    A date not in the calendar is a working day from Monday to Friday and a day off on Saturday
    and Sunday; the calendar lists only the exceptions."""

    HOLIDAY = "holiday", _("нерабочий праздничный день")
    DAY_OFF = "day_off", _("выходной день (перенесённый)")
    SHORTENED = "shortened", _("сокращённый рабочий день")
    WORKING = "working", _("рабочий день (перенесённый выходной)")


class CalendarDay(models.Model):
    """One exception of the working-day calendar: a holiday, a moved day off, a shortened day, or
    a weekend made a working day by a transfer."""

    date = models.DateField(_("дата"), unique=True)
    kind = models.CharField(_("вид дня"), max_length=16, choices=CalendarDayKind.choices)
    note = models.CharField(
        _("основание или пояснение"), max_length=300, blank=True, validators=[validate_exchangeable_text]
    )

    class Meta:
        verbose_name = _("день производственного календаря")
        verbose_name_plural = _("производственный календарь")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} — {self.get_kind_display()}"
