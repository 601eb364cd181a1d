from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegulationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "regulations"
    verbose_name = _("Нормативная база")
