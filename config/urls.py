from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Реестр стандартов государственных и муниципальных услуг")
admin.site.site_title = _("Реестр стандартов услуг")
admin.site.index_title = _("Администрирование реестра")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("workspace/", include("registry.urls.workspace")),
    path("exchange/", include("registry.urls.exchange")),
    path("", include("registry.urls.catalogue")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
