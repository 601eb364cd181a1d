from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = _("Реестр услуг")

    def ready(self) -> None:
        # Signal receivers that keep the catalogue's search table and page cache right when
        # reference data changes, in every process (web, admin, management commands).
        from registry.catalogue import caching, search  # noqa: F401
