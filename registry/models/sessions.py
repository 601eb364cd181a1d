from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficialSession(models.Model):
    """A signed-in session of an official (every account of the registry is an official's:
    citizens never sign in). Written at sign-in, touched by the idle-timeout middleware, removed
    at sign-out; the administrator sees the open ones in the admin and can end them, which
    deletes the session itself so the next request of that browser is anonymous."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(_("ключ сеанса"), max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(_("IP-адрес"), null=True, blank=True)
    user_agent = models.CharField(_("браузер"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("начало"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("последнее действие"), auto_now_add=True)

    class Meta:
        verbose_name = _("сеанс должностного лица")
        verbose_name_plural = _("сеансы должностных лиц")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} — {self.ip_address or '?'}"


class LoginFailures(AccessAttempt):
    """django-axes' count of failed sign-ins for one account or one address; at the limit the
    account (or the address) is locked, and deleting the row unlocks it."""

    class Meta:
        proxy = True
        verbose_name = _("счётчик неудачных входов")
        verbose_name_plural = _("счётчики неудачных входов")


class SignIn(AccessLog):
    """django-axes' record of a successful sign-in and its sign-out."""

    class Meta:
        proxy = True
        verbose_name = _("вход в систему")
        verbose_name_plural = _("входы в систему")
