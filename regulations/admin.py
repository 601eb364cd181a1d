"""Administration of the legal framework: legal acts are edited freely; the statutory
requirements come from data migrations (a change of the law is a new migration), so the
administrator reads them here but does not add, change or delete them."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from config.admin_names import AccusativeTitlesMixin
from regulations.models import LegalAct, RequirementProfile, StatutoryRequirement


@admin.register(LegalAct)
class LegalActAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("нормативный правовой акт")
    list_display = [
        "reference_display",
        "kind",
        "number",
        "date",
        "title",
        "status",
        "in_force_from",
        "in_force_until",
    ]
    list_display_links = ["reference_display", "number"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "title", "short_title"]
    date_hierarchy = "date"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    ordering = ["kind", "-date", "number"]
    fieldsets = [
        (None, {"fields": ["kind", "number", "date", "title", "short_title", "issuing_body"]}),
        (_("Действие акта"), {"fields": ["status", "in_force_from", "in_force_until"]}),
        (_("Публикация"), {"fields": ["source_url"]}),
    ]

    @admin.display(description=_("обозначение в ссылках"), ordering="short_title")
    def reference_display(self, obj: LegalAct) -> str:
        return obj.reference


class StatutoryRequirementInline(admin.TabularInline):
    model = StatutoryRequirement
    fields = ["number", "title", "citation", "section", "is_mandatory", "code"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("act")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("норма закона"))
    def citation(self, obj: StatutoryRequirement) -> str:
        return obj.render_citation()


@admin.register(RequirementProfile)
class RequirementProfileAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    """Profiles are loaded with the requirements; only their wording and order are editable."""

    verbose_name_accusative = _("профиль требований")

    list_display = ["title", "code", "order", "requirement_count"]
    search_fields = ["title", "code"]
    ordering = ["order", "code"]
    fields = ["code", "title", "description", "order"]
    readonly_fields = ["code"]
    inlines = [StatutoryRequirementInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(requirement_count=Count("requirements"))

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("требований"), ordering="requirement_count")
    def requirement_count(self, obj: RequirementProfile) -> int:
        return obj.requirement_count


@admin.register(StatutoryRequirement)
class StatutoryRequirementAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("требование закона")
    list_display = ["number", "title", "citation", "profile", "section", "is_mandatory"]
    list_display_links = ["number", "title"]
    list_filter = ["profile", "is_mandatory", "section"]
    list_select_related = ["profile", "act"]
    search_fields = ["title", "code", "section", "filled_when"]
    ordering = ["profile__order", "number"]
    fields = [
        "profile",
        "number",
        "code",
        "title",
        "citation",
        "act",
        "article",
        "part",
        "point",
        "subpoint",
        "section",
        "filled_when",
        "is_mandatory",
    ]
    readonly_fields = ["citation"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("норма закона"))
    def citation(self, obj: StatutoryRequirement) -> str:
        return obj.render_citation()
