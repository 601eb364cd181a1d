"""File inputs that link a form's stored file by its download address and its own name.

Django's file inputs show ``str(value)``, the storage name with its random token directory,
and link ``value.url``; a form's ``url`` is already the permission-checked download view, and
these show the file's own name beside it."""

from dataclasses import dataclass

from django.contrib.admin.widgets import AdminFileWidget
from django.forms import ClearableFileInput

from registry.models.sections import FormFieldFile


@dataclass(frozen=True)
class FileLink:
    url: str
    name: str

    def __str__(self) -> str:
        return self.name


class FormFileLinkMixin:
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and isinstance(value, FormFieldFile):
            context["widget"]["value"] = FileLink(url=value.url, name=value.download_name)
        return context


class FormFileInput(FormFileLinkMixin, ClearableFileInput):
    pass


class AdminFormFileWidget(FormFileLinkMixin, AdminFileWidget):
    pass
