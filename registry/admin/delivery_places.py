"""Where and when services are delivered: the bodies' offices (a reception, an МФЦ office) and
the working-day calendar that terms are counted by."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin_names import AccusativeTitlesMixin
from registry.models import CalendarDay, Office


@admin.register(Office)
class OfficeAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("офис")
    list_display = ["name", "code", "body", "is_mfc", "address"]
    list_display_links = ["name", "code"]
    list_filter = ["is_mfc", "body"]
    list_select_related = ["body"]
    search_fields = ["name", "code", "address", "oktmo", "body__short_name"]
    ordering = ["body__short_name", "name"]
    autocomplete_fields = ["body"]
    filter_horizontal = ["services"]
    fieldsets = [
        (None, {"fields": ["body", "code", "name", "is_mfc"]}),
        (_("Где и когда"), {"fields": ["address", "oktmo", "working_hours"]}),
        (_("Услуги"), {"fields": ["services"]}),
    ]


@admin.register(CalendarDay)
class CalendarDayAdmin(AccusativeTitlesMixin, admin.ModelAdmin):
    verbose_name_accusative = _("день производственного календаря")
    list_display = ["date", "weekday", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["note"]
    ordering = ["date"]
    fields = ["date", "kind", "note"]

    @admin.display(description=_("день недели"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])


WEEKDAYS = (
    _("понедельник"),
    _("вторник"),
    _("среда"),
    _("четверг"),
    _("пятница"),
    _("суббота"),
    _("воскресенье"),
)
