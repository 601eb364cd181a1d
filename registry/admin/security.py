"""Officials' sign-ins in the admin: the counts of failed sign-ins (deleting one unlocks its
account or address), the record of sign-ins, and the open sessions with an action to end them."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.admin_names import AccusativeTitlesMixin
from registry import security
from registry.models import LoginFailures, OfficialSession, SignIn


class ReadOnlyMixin:
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LoginFailures)
class LoginFailuresAdmin(AccusativeTitlesMixin, ReadOnlyMixin, admin.ModelAdmin):
    verbose_name_accusative = _("счётчик неудачных входов")
    list_display = ["username", "ip_address", "failures_since_start", "locked", "attempt_time"]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    fields = ["username", "ip_address", "user_agent", "path_info", "failures_since_start", "attempt_time"]
    actions = ["unlock"]

    @admin.display(description=_("заблокирован"), boolean=True)
    def locked(self, row: LoginFailures) -> bool:
        return row.failures_since_start >= settings.AXES_FAILURE_LIMIT

    @admin.action(description=_("Снять блокировку и обнулить счётчик"), permissions=["delete"])
    def unlock(self, request, queryset) -> None:
        names = ", ".join(sorted({row.username or row.ip_address or "—" for row in queryset}))
        queryset.delete()
        self.message_user(request, _("Блокировка снята: %(names)s.") % {"names": names}, messages.SUCCESS)


@admin.register(SignIn)
class SignInAdmin(AccusativeTitlesMixin, ReadOnlyMixin, admin.ModelAdmin):
    verbose_name_accusative = _("вход в систему")
    list_display = ["username", "ip_address", "attempt_time", "logout_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    ordering = ["-attempt_time"]
    fields = ["username", "ip_address", "user_agent", "attempt_time", "logout_time"]


@admin.register(OfficialSession)
class OfficialSessionAdmin(AccusativeTitlesMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Open sessions only: a row whose session has expired or been cleared is not shown."""

    verbose_name_accusative = _("сеанс должностного лица")
    list_display = ["user", "ip_address", "user_agent", "started_at", "last_seen_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__last_name", "ip_address"]
    ordering = ["-last_seen_at"]
    fields = ["user", "ip_address", "user_agent", "started_at", "last_seen_at"]
    actions = ["end_sessions"]

    def get_queryset(self, request):
        open_sessions = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        return super().get_queryset(request).filter(session_key__in=open_sessions)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # «Завершить сеансы» says what deleting means here
        return actions

    @admin.display(description=_("истекает"))
    def expires_at(self, row: OfficialSession):
        session = Session.objects.filter(session_key=row.session_key).first()
        return session.expire_date if session else None

    @admin.action(description=_("Завершить выбранные сеансы"), permissions=["delete"])
    def end_sessions(self, request, queryset) -> None:
        count = security.end_sessions(list(queryset))
        self.message_user(
            request,
            _("Завершено сеансов: %(count)s. При следующем запросе эти браузеры увидят страницу входа.")
            % {"count": count},
            messages.SUCCESS,
        )

    def delete_model(self, request, obj) -> None:
        security.end_sessions([obj])

    def delete_queryset(self, request, queryset) -> None:
        security.end_sessions(list(queryset))
