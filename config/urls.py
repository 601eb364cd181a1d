from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Реестр стандартов государственных и муниципальных услуг")
admin.site.site_title = _("Реестр стандартов услуг")
admin.site.index_title = _("Администрирование реестра")

urlpatterns = [
    # Until the public catalogue exists the site opens on the administration pages.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
