"""The admin speaks grammatical Russian: the changelist title, the add button and the add,
change and view page titles name the model in the accusative («Выберите услугу для
изменения», «Добавить редакцию стандарта»), never Django's nominative («Выберите услуга»)."""

import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode())).lower()


def _wrong_phrases(model) -> list[str]:
    """Django's phrases with the nominative where Russian needs the accusative."""
    nominative = str(model._meta.verbose_name).lower()
    accusative = str(admin.site._registry[model].verbose_name_accusative).lower()
    if nominative == accusative:
        return []
    return [
        f"выберите {nominative}",
        f"добавить {nominative}",
        f"изменить {nominative}",
        f"просмотреть {nominative}",
    ]


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[model._meta.label for model, _ in REGISTERED]
)
def test_every_admin_declares_its_models_accusative_name(model, model_admin):
    assert str(model_admin.verbose_name_accusative).strip(), f"{model._meta.label}: verbose_name_accusative"


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[model._meta.label for model, _ in REGISTERED]
)
def test_changelist_add_and_change_pages_name_the_model_in_the_accusative(
    client, demo_registry, model, model_admin
):
    client.force_login(demo_registry["admin"])
    accusative = str(model_admin.verbose_name_accusative).lower()
    wrong = _wrong_phrases(model)
    info = (model._meta.app_label, model._meta.model_name)

    changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert changelist.status_code == 200
    text = _text(changelist)
    verb = "изменения" if model_admin.has_change_permission(changelist.wsgi_request) else "просмотра"
    assert f"<h1>выберите {accusative} для {verb}</h1>" in text
    assert not [phrase for phrase in wrong if phrase in text]

    pages = []
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    if model_admin.has_add_permission(add.wsgi_request):
        assert add.status_code == 200
        assert f"<h1>добавить {accusative}</h1>" in _text(add)
        assert f'class="addlink"> добавить {accusative} </a>' in text
        pages.append(add)
    else:
        assert add.status_code == 403  # the audit trail and the statutory requirements are not added by hand
        assert f'class="addlink"> добавить {accusative}' not in text
    if model is Group:  # the demo uses no groups
        Group.objects.create(name="Согласующие")
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the demo registry holds no {model._meta.label}"
    change = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    assert change.status_code == 200
    pages.append(change)
    for page in pages:
        page_text = _text(page)
        assert not [phrase for phrase in wrong if phrase in page_text], page.request["PATH_INFO"]
    assert re.search(f"<h1>(изменить|просмотреть) {re.escape(accusative)}</h1>", _text(change))
