"""Model fields shared by the apps."""

from django.db import models


class HttpsURLField(models.URLField):
    """A URL field whose forms read an address typed without a scheme as https: Django 6.0's
    default, chosen now so that the forms behave the same before and after the upgrade (and
    Django 5.2 does not warn on every form). Deconstructs as a plain URLField: no migration."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs
