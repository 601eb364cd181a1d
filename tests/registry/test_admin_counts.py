"""The admin declines its counts: «16 редакций стандартов», «5 услуг», «1 услуга» — never
Django's «16 редакции стандартов» (the nominative plural for every count but one)."""

import html
import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import model_ngettext
from django.urls import reverse

from registry.wording import plural_form

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", REGISTERED, ids=[model._meta.label for model in REGISTERED])
def test_every_admin_model_has_three_russian_count_forms(model):
    one, few, many = (model_ngettext(model._meta, n) for n in (1, 3, 5))
    assert one == str(model._meta.verbose_name)
    # Five of anything takes the genitive plural, which is never the nominative plural Django falls
    # back to when the project's catalogue (locale/ru) has no entry for the model.
    assert many != str(model._meta.verbose_name_plural), (
        f"{model._meta.label}: add its three forms to locale/ru/LC_MESSAGES/django.po"
    )
    assert plural_form(21, one, few, many) == one


@pytest.mark.django_db
def test_changelists_decline_their_counts(client, demo_registry):
    client.force_login(demo_registry["admin"])
    declined = 0
    for model in REGISTERED:
        count = model._default_manager.count()
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        text = re.sub(r"\s+", " ", html.unescape(client.get(url).content.decode()))
        paginator = text[text.index('<p class="paginator">') :].split("</p>")[0]
        assert f"> {count} {model_ngettext(model._meta, count)} " in paginator, (model._meta.label, paginator)
        declined += model_ngettext(model._meta, count) != str(model._meta.verbose_name_plural) and count != 1
    assert declined  # the demo has a count in the genitive plural somewhere («43 услуги» has not)
