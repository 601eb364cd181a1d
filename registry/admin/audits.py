"""Mystery-shopper audits, read-mostly: audits are written in the workspace (registry.audits
services compute answers, scores and findings); the admin shows them and may delete a mistaken
draft."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin_names import AccusativeTitlesMixin
from registry.models import Audit, AuditItem, AuditStatus, Finding

ITEM_FIELDS = [
    "order",
    "group",
    "requirement",
    "basis",
    "check_kind",
    "limit_minutes",
    "measured_minutes",
    "rating",
    "answer",
    "note",
]


class AuditItemInline(admin.TabularInline):
    model = AuditItem
    fields = ITEM_FIELDS
    readonly_fields = ITEM_FIELDS
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class FindingInline(admin.TabularInline):
    model = Finding
    fields = ["item", "status", "corrective_action", "due_date", "answered_by", "done_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Audit)
class AuditAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("проверку («тайный покупатель»)")
    list_display = ["visited_at", "office", "service", "kind", "status", "score", "inspector"]
    list_filter = ["status", "kind", "office__body"]
    list_select_related = ["office", "service", "inspector"]
    search_fields = ["office__name", "service__registry_number", "inspector__username"]
    date_hierarchy = "visited_at"
    ordering = ["-visited_at", "-id"]
    fields = [
        "office",
        "service",
        "edition",
        "inspector",
        "kind",
        "visited_at",
        "status",
        "checked_count",
        "met_count",
        "score",
        "created_at",
        "submitted_at",
    ]
    readonly_fields = fields
    inlines = [AuditItemInline, FindingInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A submitted audit is the record the body answered; only a draft may go.
        if obj is not None and obj.status != AuditStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)
