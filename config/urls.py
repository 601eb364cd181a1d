from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.health import healthz

admin.site.site_header = _("Реестр стандартов государственных и муниципальных услуг")
admin.site.site_title = _("Реестр стандартов услуг")
admin.site.index_title = _("Администрирование реестра")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("workspace/", include("registry.urls.workspace")),
    path("exchange/", include("registry.urls.exchange")),
    path("", include("registry.urls.catalogue")),
]
# No route serves MEDIA_ROOT, not even with DEBUG: form files go through their edition's
# visibility (registry.views.form_files).

# Uncaught errors: 503 with Retry-After while the database is unavailable, else the 500 page.
handler500 = "config.faults.server_error"
