"""Background jobs in the admin, read-only: what was asked, by whom, how it ended. The queue's
own table (django-tasks-db's task results, in English) is not shown: a job is the face of its
task, and its message is in Russian."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from config.admin_names import AccusativeTitlesMixin
from registry.admin.security import ReadOnlyMixin
from registry.models import BackgroundJob

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(BackgroundJob)
class BackgroundJobAdmin(AccusativeTitlesMixin, ReadOnlyMixin, admin.ModelAdmin):
    verbose_name_accusative = _("фоновое задание")
    list_display = ["title", "kind", "requested_by", "state", "created_at", "finished_at", "attempts"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "requested_by__username"]
    ordering = ["-created_at"]
    fields = [
        "title",
        "kind",
        "requested_by",
        "state",
        "stage",
        "done",
        "total",
        "attempts",
        "created_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "summary",
        "error",
        "result_name",
    ]
    readonly_fields = fields
