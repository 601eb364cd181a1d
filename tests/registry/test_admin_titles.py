"""The admin speaks grammatical Russian: the changelist title, the add button and the add,
change and view page titles name the model in the accusative («Выберите услугу для
изменения», «Добавить редакцию стандарта»), never Django's nominative («Выберите услуга»)."""

import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
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
    if model._meta.label == "registry.LoginFailures":  # counted by a failed sign-in, as in service
        Client().post(reverse("workspace:login"), {"username": "mvd_official", "password": "wrong"})
    if model._meta.label == "registry.BackgroundJob":  # asked for in the workspace, as in service
        from registry.jobs.services import start_export

        start_export(demo_registry["admin"], file_format="xml")
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the demo registry holds no {model._meta.label}"
    change = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    assert change.status_code == 200
    pages.append(change)
    for page in pages:
        page_text = _text(page)
        assert not [phrase for phrase in wrong if phrase in page_text], page.request["PATH_INFO"]
    assert re.search(f"<h1>(изменить|просмотреть) {re.escape(accusative)}</h1>", _text(change))


def _messages(response) -> list[str]:
    return [re.sub(r"<[^>]+>", "", str(message)) for message in response.context["messages"]]


def test_save_and_delete_messages_agree_whatever_the_models_gender(client, demo_registry):
    """Django's Russian says «… был успешно добавлен» for every model; the project's catalogue
    (locale/ru) says «Запись … добавлена» and names the model."""
    from registry.models import Category

    client.force_login(demo_registry["admin"])
    data = {"kind": "category", "name": "Спорт", "code": "sport", "description": "", "order": "7"}
    added = client.post(reverse("admin:registry_category_add"), data, follow=True)
    assert _messages(added) == ["Запись «Спорт» (категория или жизненная ситуация) добавлена."]
    category = Category.objects.get(code="sport")
    changed = client.post(
        reverse("admin:registry_category_change", args=[category.pk]),
        {**data, "name": "Спорт и отдых"},
        follow=True,
    )
    assert _messages(changed) == ["Запись «Спорт и отдых» (категория или жизненная ситуация) изменена."]
    deleted = client.post(
        reverse("admin:registry_category_delete", args=[category.pk]), {"post": "yes"}, follow=True
    )
    assert _messages(deleted) == ["Запись «Спорт и отдых» (категория или жизненная ситуация) удалена."]


def test_inline_add_row_buttons_name_the_row_without_a_masculine_adjective(client, demo_registry):
    import json

    from lxml import html as lxml_html

    from registry.models import Edition, EditionStatus

    client.force_login(demo_registry["admin"])
    draft = Edition.objects.filter(status=EditionStatus.DRAFT).order_by("pk").first()
    page = lxml_html.fromstring(client.get(reverse("admin:registry_edition_change", args=[draft.pk])).content)
    buttons = [
        json.loads(data)["options"]["addText"]
        for data in page.xpath("//*[@data-inline-formset]/@data-inline-formset")
    ]
    assert "Добавить ещё: Форма документа" in buttons
    assert not [text for text in buttons if "еще один" in text]
