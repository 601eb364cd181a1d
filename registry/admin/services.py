"""Provider bodies and services. A service's standard lives in its editions; the service page
lists them as links."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from config.admin_names import AccusativeTitlesMixin
from registry.models import OPEN_STATUSES, AuditEventKind, Edition, ProviderBody, Service
from registry.services import WorkflowError, edition_create_draft
from registry.services.audit import audit_record, field_changes


@admin.register(ProviderBody)
class ProviderBodyAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("орган, предоставляющий услуги")
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
class ServiceAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("услугу")
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
    actions = ["start_new_edition"]
    fieldsets = [
        (None, {"fields": ["registry_number", "level", "provider", "under_single_standard", "categories"]}),
        (_("Исключение из реестра"), {"fields": ["is_withdrawn", "withdrawn_on", "withdrawal_reason"]}),
        (None, {"fields": ["created_at", "new_edition"]}),
    ]
    inlines = [EditionLinkInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Withdrawal and restoration are workflow actions with their audit events
            # (registry.services.service_withdraw / service_restore), not field edits.
            readonly += ["is_withdrawn", "withdrawn_on", "withdrawal_reason"]
        return readonly

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._audit_changes = (change, {name: form.initial.get(name) for name in form.changed_data})

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        change, before = getattr(self, "_audit_changes", (change, {}))
        after = {name: form.cleaned_data.get(name) for name in before}
        changes = field_changes(before, after) if change else field_changes({}, form.cleaned_data)
        if change and not changes:
            return
        audit_record(
            kind=AuditEventKind.EDITED if change else AuditEventKind.CREATED,
            service=form.instance,
            actor=request.user,
            changes=changes,
        )

    @admin.action(description=_("Начать новую редакцию (копия действующей)"))
    def start_new_edition(self, request, queryset) -> None:
        for service in queryset:
            try:
                draft = edition_create_draft(service=service, actor=request.user)
            except WorkflowError as error:
                self.message_user(request, f"{service.registry_number}: {error}", level=messages.ERROR)
                continue
            self.message_user(
                request,
                format_html(
                    '{}: <a href="{}">{}</a>',
                    service.registry_number,
                    reverse("admin:registry_edition_change", args=[draft.pk]),
                    _("создан черновик редакции № %(number)s") % {"number": draft.number},
                ),
                level=messages.SUCCESS,
            )

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
        if obj.editions.all():
            return _(
                "Новая редакция начинается с копии действующей: отметьте услугу в списке услуг и "
                "выберите действие «Начать новую редакцию (копия действующей)»."
            )
        url = f"{reverse('admin:registry_edition_add')}?{urlencode({'service': obj.pk})}"
        return format_html('<a href="{}">{}</a>', url, _("Добавить первую редакцию стандарта"))
