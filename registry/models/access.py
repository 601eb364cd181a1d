"""Who may do what: a user's role in a provider body, or a registry administrator.

An inspector (проверяющий, «тайный покупатель») holds the role in one body, and audits that
body's offices only, or without a body, and audits the offices of every body."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICIAL = "official", _("Должностное лицо органа")
    REVIEWER = "reviewer", _("Согласующий")
    ADMINISTRATOR = "administrator", _("Администратор реестра")
    INSPECTOR = "inspector", _("Проверяющий (тайный покупатель)")


BODY_ROLES = (Role.OFFICIAL, Role.REVIEWER)


class Membership(models.Model):
    """A role of a user: official or reviewer of one provider body, administrator of the
    whole registry (no body), or inspector of one body's offices or, without a body, of all.
    A user may hold several: official of one body, reviewer of another. Django superusers are
    administrators without a membership."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь"),
        on_delete=models.CASCADE,
        related_name="registry_memberships",
    )
    body = models.ForeignKey(
        "registry.ProviderBody",
        verbose_name=_("орган"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_(
            "Пусто — для администратора реестра и для проверяющего, который проверяет офисы всех органов."
        ),
    )
    role = models.CharField(_("роль"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("назначена"), auto_now_add=True)

    class Meta:
        verbose_name = _("роль пользователя")
        verbose_name_plural = _("роли пользователей")
        ordering = ["user", "body", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "body", "role"], name="membership_unique_role"),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role=Role.ADMINISTRATOR),
                name="membership_unique_administrator",
            ),
            # NULLs are distinct in a unique index: the registry-wide inspector needs its own.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role=Role.INSPECTOR, body__isnull=True),
                name="membership_unique_registry_inspector",
            ),
            models.CheckConstraint(
                condition=(Q(role=Role.ADMINISTRATOR) & Q(body__isnull=True))
                | (Q(role__in=BODY_ROLES) & Q(body__isnull=False))
                | Q(role=Role.INSPECTOR),
                name="membership_body_matches_role",
            ),
        ]

    def __str__(self) -> str:
        if self.body_id is None:
            return f"{self.user}: {self.get_role_display()}"
        return f"{self.user}: {self.get_role_display()} — {self.body}"

    def clean(self) -> None:
        if self.role == Role.ADMINISTRATOR and self.body_id is not None:
            raise ValidationError(
                {
                    "body": ValidationError(
                        _(
                            "Администратор реестра назначается без органа: его полномочия не "
                            "ограничены органом."
                        ),
                        code="administrator_with_body",
                    )
                }
            )
        if self.role in BODY_ROLES and self.body_id is None:
            raise ValidationError(
                {
                    "body": ValidationError(
                        _("Укажите орган, в котором пользователь — «%(role)s»."),
                        code="body_role_without_body",
                        params={"role": self.get_role_display()},
                    )
                }
            )
