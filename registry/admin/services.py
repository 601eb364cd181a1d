"""Provider bodies and services. A service's standard lives in its editions; the service page
lists them as links."""

from django.contrib import admin
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from registry.models import OPEN_STATUSES, Edition, ProviderBody, Service


@admin.register(ProviderBody)
class ProviderBodyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "level", "region", "oktmo", "ogrn", "inn"]
    list_filter = ["level", "region"]
    list_select_related = ["region"]
    search_fields = ["full_name", "short_name", "ogrn", "inn", "oktmo"]
    ordering = ["level", "short_name"]
    autocomplete_fields = ["parent", "region"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["full_name", "short_name", "level", "region", "oktmo", "parent"]}),
        (_("Реквизиты"), {"fields": ["ogrn", "inn"]}),
        (_("Контакты"), {"fields": ["address", "phone", "email", "website", "working_hours"]}),
    ]


class EditionLinkInline(admin.TabularInline):
    """The service's editions, newest first, each a link to its page."""

    model = Edition
    fields = ["edition", "name", "status", "effective_date"]
    readonly_fields = fields
    ordering = ["-number"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("Редакции стандарта")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("amending_act")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("редакция"))
    def edition(self, obj: Edition) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:registry_edition_change", args=[obj.pk]), obj.edition_line()
        )

    @admin.display(description=_("наименование услуги"))
    def name(self, obj: Edition) -> str:
        return obj.short_name or obj.full_name


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["registry_number", "name", "level", "provider", "under_single_standard", "is_withdrawn"]
    list_filter = [
        "level",
        ("provider", admin.RelatedOnlyFieldListFilter),
        "is_withdrawn",
        "under_single_standard",
        "categories",
    ]
    list_select_related = ["provider"]
    search_fields = ["registry_number", "editions__full_name", "editions__short_name"]
    ordering = ["registry_number"]
    autocomplete_fields = ["provider"]
    filter_horizontal = ["categories"]
    readonly_fields = ["created_at", "new_edition"]
    fieldsets = [
        (None, {"fields": ["registry_number", "level", "provider", "under_single_standard", "categories"]}),
        (_("Исключение из реестра"), {"fields": ["is_withdrawn", "withdrawn_on", "withdrawal_reason"]}),
        (None, {"fields": ["created_at", "new_edition"]}),
    ]
    inlines = [EditionLinkInline]

    def get_inlines(self, request, obj):
        # A new service has no editions yet; the link to add one appears once it is saved.
        return self.inlines if obj is not None else []

    def get_queryset(self, request):
        # Labels of services (list column, autocomplete, page titles) show the newest edition's
        # name: the editions come in one query for the whole page.
        editions = Edition.objects.only(
            "id", "service_id", "number", "status", "short_name", "full_name"
        ).order_by("number")
        return (
            super()
            .get_queryset(request)
            .select_related("provider")
            .prefetch_related(Prefetch("editions", queryset=editions))
        )

    @admin.display(description=_("наименование (по последней редакции)"))
    def name(self, obj: Service) -> str:
        edition = obj.latest_edition_for_display()
        if edition is None:
            return "—"
        return edition.short_name or edition.full_name

    @admin.display(description=_("новая редакция"))
    def new_edition(self, obj: Service | None) -> str:
        if obj is None or obj.pk is None:
            return _("Сохраните услугу, затем добавьте редакцию стандарта.")
        # One edition is prepared at a time: while it is open, the link leads to it.
        open_edition = next((e for e in obj.editions.all() if e.status in OPEN_STATUSES), None)
        if open_edition is not None:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:registry_edition_change", args=[open_edition.pk]),
                _("Продолжить работу с редакцией № %(number)s (%(status)s)")
                % {"number": open_edition.number, "status": open_edition.get_status_display()},
            )
        url = f"{reverse('admin:registry_edition_add')}?{urlencode({'service': obj.pk})}"
        return format_html('<a href="{}">{}</a>', url, _("Добавить редакцию стандарта"))
