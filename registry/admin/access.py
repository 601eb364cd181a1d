"""Roles of users in provider bodies, and the audit trail (read-only: it is append-only)."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from config.admin_names import AccusativeTitlesMixin
from registry.models import AuditEvent, Membership


@admin.register(Membership)
class MembershipAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("роль пользователя")
    list_display = ["user", "role", "body", "created_at"]
    list_filter = ["role", "body__level"]
    list_select_related = ["user", "body"]
    search_fields = [
        "user__username",
        "user__last_name",
        "user__email",
        "body__short_name",
        "body__full_name",
    ]
    ordering = ["user__username", "role"]
    autocomplete_fields = ["user", "body"]
    fields = ["user", "role", "body", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("событие журнала изменений")
    list_display = ["created_at", "kind", "service_number", "edition_number", "actor", "comment"]
    list_filter = ["kind"]
    list_select_related = ["service", "edition", "actor"]
    search_fields = ["service__registry_number", "actor__username", "comment"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    fields = ["created_at", "kind", "service", "edition", "actor", "changes", "comment"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("service", "edition__service", "actor")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("реестровый номер"), ordering="service__registry_number")
    def service_number(self, obj: AuditEvent) -> str:
        return obj.service.registry_number

    @admin.display(description=_("редакция"), ordering="edition__number")
    def edition_number(self, obj: AuditEvent) -> str:
        return str(obj.edition.number) if obj.edition_id else "—"


# Django's own user and group admins, with their titles in the accusative.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(AccusativeTitlesMixin, auth_admin.UserAdmin):
    verbose_name_accusative = _("пользователя")


@admin.register(Group)
class GroupAdmin(AccusativeTitlesMixin, auth_admin.GroupAdmin):
    verbose_name_accusative = _("группу")
