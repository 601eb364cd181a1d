"""The audit trail: one append-only row per change of a service or an edition, written by
the workflow services in the same transaction as the change itself."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.append_only import AppendOnly


class AuditEventKind(models.TextChoices):
    CREATED = "created", _("Создание")
    EDITED = "edited", _("Изменение")
    SUBMITTED = "submitted", _("Отправлена на согласование")
    REJECTED = "rejected", _("Возвращена на доработку")
    APPROVED = "approved", _("Утверждена")
    PUBLISHED = "published", _("Опубликована")
    SCHEDULED = "scheduled", _("Публикация запланирована")
    SUPERSEDED = "superseded", _("Утратила силу")
    WITHDRAWN = "withdrawn", _("Услуга исключена из реестра")
    RESTORED = "restored", _("Услуга восстановлена в реестре")


class AuditEvent(AppendOnly):
    """Who did what to which service or edition, and when."""

    append_only_message = _("Журнал изменений не редактируется и не удаляется: записи только добавляются.")

    service = models.ForeignKey(
        "registry.Service", verbose_name=_("услуга"), on_delete=models.PROTECT, related_name="audit_events"
    )
    edition = models.ForeignKey(
        "registry.Edition",
        verbose_name=_("редакция"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    # PROTECT: people who acted stay identifiable; deactivate accounts instead of deleting them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registry_audit_events",
        help_text=_("Пусто — действие выполнено системой (публикация по графику, загрузка данных)."),
    )
    kind = models.CharField(_("событие"), max_length=16, choices=AuditEventKind.choices)
    changes = models.JSONField(
        _("изменения"),
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("Поле: [было, стало]."),
    )
    comment = models.TextField(_("комментарий"), blank=True)
    created_at = models.DateTimeField(_("время"), default=timezone.now, editable=False)

    class Meta(AppendOnly.Meta):
        verbose_name = _("событие журнала изменений")
        verbose_name_plural = _("журнал изменений")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["service", "-created_at"], name="audit_service_time")]

    def __str__(self) -> str:
        return _("%(time)s — %(kind)s") % {
            "time": timezone.localtime(self.created_at).strftime("%d.%m.%Y %H:%M"),
            "kind": self.get_kind_display(),
        }
