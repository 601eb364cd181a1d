"""The admin's titles in grammatical Russian.

Django builds «Выберите %s для изменения», «Добавить %s» and «Изменить %s» from the model's
verbose_name, which is nominative: «Выберите услуга», «Добавить услуга». Russian needs the
accusative there («услугу», «редакцию стандарта»), and only a person knows it, so every model
admin declares it once as ``verbose_name_accusative`` and this mixin puts it in the changelist
title, the add button and the add, change and view page titles and breadcrumbs.

It lives in the project package since both apps' admins use it and ``regulations`` may not
import ``registry``."""

from typing import Any, ClassVar

from django.contrib.admin.options import IS_POPUP_VAR
from django.utils.functional import Promise
from django.utils.translation import gettext as _


class AccusativeTitlesMixin:
    """Put before ``admin.ModelAdmin`` (or a subclass) in the bases."""

    verbose_name_accusative: ClassVar[str | Promise] = ""

    def _accusative(self) -> str:
        return str(self.verbose_name_accusative or self.opts.verbose_name)

    def _names(self) -> dict[str, str]:
        name = self._accusative()
        return {"verbose_name_accusative": name, "add_title": _("Добавить %(name)s") % {"name": name}}

    def changelist_view(self, request, extra_context: dict[str, Any] | None = None):
        name = self._accusative()
        if IS_POPUP_VAR in request.GET:
            title = _("Выберите %(name)s") % {"name": name}
        elif self.has_change_permission(request):
            title = _("Выберите %(name)s для изменения") % {"name": name}
        else:
            title = _("Выберите %(name)s для просмотра") % {"name": name}
        return super().changelist_view(request, {**self._names(), "title": title, **(extra_context or {})})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        name = self._accusative()
        if add:
            title = _("Добавить %(name)s") % {"name": name}
        elif self.has_change_permission(request, obj):
            title = _("Изменить %(name)s") % {"name": name}
        else:
            title = _("Просмотреть %(name)s") % {"name": name}
        context.update(self._names(), title=title)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
