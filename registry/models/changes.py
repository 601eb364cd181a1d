"""The registry-wide change sequence for inter-agency sync: "give me every change after N".

One row per publication, supersession, withdrawal and restoration, written by the workflow
services in the same transaction as the change (``registry.exchange.changes``). The primary
key is the sequence number: it only grows, and a receiver keeps the last one it has seen."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.append_only import AppendOnly


class ChangeKind(models.TextChoices):
    PUBLISHED = "published", _("Опубликована редакция")
    SUPERSEDED = "superseded", _("Редакция утратила силу")
    WITHDRAWN = "withdrawn", _("Услуга исключена из реестра")
    RESTORED = "restored", _("Услуга восстановлена в реестре")


class ChangeLog(AppendOnly):
    append_only_message = _("Журнал последовательности изменений только пополняется.")

    sequence = models.BigAutoField(_("порядковый номер изменения"), primary_key=True)
    kind = models.CharField(_("вид изменения"), max_length=16, choices=ChangeKind.choices)
    service = models.ForeignKey(
        "registry.Service", verbose_name=_("услуга"), on_delete=models.PROTECT, related_name="changes"
    )
    edition = models.ForeignKey(
        "registry.Edition",
        verbose_name=_("редакция"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("записано"), default=timezone.now)

    class Meta(AppendOnly.Meta):
        verbose_name = _("изменение реестра")
        verbose_name_plural = _("последовательность изменений реестра")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["service", "sequence"], name="changelog_service_sequence")]

    def __str__(self) -> str:
        return f"{self.sequence}: {self.get_kind_display()}"
