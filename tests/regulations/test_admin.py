"""The admin of the legal framework: legal acts are edited; the statutory requirements of
art. 14 come from a data migration and are only read here."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from regulations.models import (
    LegalAct,
    LegalActKind,
    LegalActStatus,
    RequirementProfile,
    StatutoryRequirement,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def tax_code() -> LegalAct:
    return factories.legal_act(
        kind=LegalActKind.CODE,
        number="117-ФЗ",
        date=datetime.date(2000, 8, 5),
        title="Налоговый кодекс Российской Федерации (часть вторая)",
        short_title="НК РФ",
        issuing_body="Государственная Дума",
    )


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_regulations_model_with_an_admin_is_covered_here():
    registered = {model for model in admin.site._registry if model._meta.app_label == "regulations"}
    assert registered == {LegalAct, RequirementProfile, StatutoryRequirement}


@pytest.mark.parametrize(
    "model", [LegalAct, RequirementProfile, StatutoryRequirement], ids=lambda m: m.__name__
)
def test_changelist_renders_with_objects(staff_client, tax_code, model):
    response = staff_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize(
    "model", [LegalAct, RequirementProfile, StatutoryRequirement], ids=lambda m: m.__name__
)
def test_changelist_search_renders(staff_client, tax_code, model):
    response = staff_client.get(admin_url(model, "changelist"), {"q": "14"})
    assert response.status_code == 200


def test_legal_act_pages_render(staff_client, tax_code):
    assert staff_client.get(admin_url(LegalAct, "add")).status_code == 200
    response = staff_client.get(admin_url(LegalAct, "change", tax_code.pk))
    assert response.status_code == 200
    assert "Налоговый кодекс Российской Федерации (часть вторая)" in response.content.decode()


@pytest.mark.parametrize("term", ["НК РФ", "117-ФЗ", "Налоговый кодекс"])
def test_legal_act_search_by_short_title_number_and_title(staff_client, tax_code, term):
    response = staff_client.get(admin_url(LegalAct, "changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [tax_code]


def test_legal_act_list_filters_by_kind(staff_client, tax_code):
    response = staff_client.get(admin_url(LegalAct, "changelist"), {"kind__exact": LegalActKind.CODE})
    assert list(response.context["cl"].result_list) == [tax_code]


def test_legal_act_list_has_a_date_hierarchy(staff_client, tax_code):
    response = staff_client.get(admin_url(LegalAct, "changelist"), {"date__year": "2000"})
    assert list(response.context["cl"].result_list) == [tax_code]


def test_legal_act_autocomplete_finds_by_short_title(staff_client, tax_code):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "registry", "model_name": "legalbasis", "field_name": "act", "term": "НК"},
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(tax_code.pk)]


def legal_act_post(**fields) -> dict:
    values = {
        "kind": LegalActKind.MINISTERIAL_ORDER,
        "number": "773",
        "date": "16.11.2020",
        "title": "Об утверждении Административного регламента по выдаче паспорта",
        "short_title": "Приказ МВД России № 773",
        "issuing_body": "МВД России",
        "status": LegalActStatus.IN_FORCE,
        "in_force_from": "01.03.2021",
        "in_force_until": "",
        "source_url": "",
    }
    values.update(fields)
    return values


def test_legal_act_is_added(staff_client):
    response = staff_client.post(admin_url(LegalAct, "add"), legal_act_post())

    assert response.status_code == 302
    act = LegalAct.objects.get(number="773")
    assert act.date == datetime.date(2020, 11, 16)
    assert act.reference == "Приказ МВД России № 773"


def test_legal_act_ending_before_it_starts_is_a_field_error(staff_client):
    response = staff_client.post(admin_url(LegalAct, "add"), legal_act_post(in_force_until="01.01.2021"))

    assert response.status_code == 200
    message = "Дата окончания действия не может быть раньше даты вступления в силу."
    assert response.context["adminform"].form.errors["in_force_until"] == [message]
    assert message in response.content.decode()
    assert not LegalAct.objects.filter(number="773").exists()


def test_repealed_act_without_end_date_is_a_field_error(staff_client, tax_code):
    url = admin_url(LegalAct, "change", tax_code.pk)
    data = legal_act_post(
        kind=tax_code.kind,
        number=tax_code.number,
        date="05.08.2000",
        title=tax_code.title,
        short_title=tax_code.short_title,
        status=LegalActStatus.REPEALED,
        in_force_from="01.01.2001",
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["in_force_until"] == [
        "Для утратившего силу акта укажите дату, по которую он действовал."
    ]
    tax_code.refresh_from_db()
    assert tax_code.status == LegalActStatus.IN_FORCE


def test_same_act_twice_is_an_error_not_a_failure(staff_client, tax_code):
    data = legal_act_post(kind=LegalActKind.CODE, number="117-ФЗ", date="05.08.2000", title="Дубликат")

    response = staff_client.post(admin_url(LegalAct, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert LegalAct.objects.filter(number="117-ФЗ").count() == 1


def test_requirement_list_shows_the_rendered_citation(staff_client):
    response = staff_client.get(admin_url(StatutoryRequirement, "changelist"))
    content = response.content.decode()
    assert "ст. 14 ч. 1 п. 4 Федерального закона № 210-ФЗ" in content
    assert "ст. 14 ч. 2 п. 9 Федерального закона № 210-ФЗ" in content
    assert response.context["cl"].result_count == 23


def test_requirement_list_does_not_query_per_row(staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = staff_client.get(admin_url(StatutoryRequirement, "changelist"))
    assert response.context["cl"].result_count == 23


def test_requirements_are_read_not_added_changed_or_deleted(staff_client):
    requirement = StatutoryRequirement.objects.get(code="deadline")
    url = admin_url(StatutoryRequirement, "change", requirement.pk)

    response = staff_client.get(url)

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert "ст. 14 ч. 1 п. 4 Федерального закона № 210-ФЗ" in response.content.decode()
    assert staff_client.get(admin_url(StatutoryRequirement, "add")).status_code == 403
    assert staff_client.post(url, {"title": "Другое"}).status_code == 403
    assert (
        staff_client.post(
            admin_url(StatutoryRequirement, "delete", requirement.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    requirement.refresh_from_db()
    assert requirement.title == "Срок предоставления услуги"


def test_profile_page_shows_its_requirements_read_only(staff_client):
    profile = RequirementProfile.objects.get(code="standard")

    response = staff_client.get(admin_url(RequirementProfile, "change", profile.pk))

    assert response.status_code == 200
    [inline] = response.context["inline_admin_formsets"]
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert not inline.has_delete_permission
    assert [form.instance.number for form in inline.formset.forms] == list(range(1, 15))
    assert "Срок предоставления услуги" in response.content.decode()


def test_profile_wording_is_editable_but_not_its_code_or_requirements(staff_client):
    profile = RequirementProfile.objects.get(code="standard")
    url = admin_url(RequirementProfile, "change", profile.pk)
    prefix = staff_client.get(url).context["inline_admin_formsets"][0].formset.prefix
    data = {
        "code": "renamed",
        "title": "Стандарт услуги (ч. 1 ст. 14)",
        "description": profile.description,
        "order": "1",
        f"{prefix}-TOTAL_FORMS": "15",
        f"{prefix}-INITIAL_FORMS": "14",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-14-number": "15",
        f"{prefix}-14-code": "invented",
        f"{prefix}-14-title": "Выдуманное требование",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.title == "Стандарт услуги (ч. 1 ст. 14)"
    assert profile.code == "standard"
    assert profile.requirements.count() == 14
    assert not StatutoryRequirement.objects.filter(code="invented").exists()


def test_profiles_are_not_added_or_deleted(staff_client):
    profile = RequirementProfile.objects.get(code="standard")
    assert staff_client.get(admin_url(RequirementProfile, "add")).status_code == 403
    assert (
        staff_client.post(admin_url(RequirementProfile, "delete", profile.pk), {"post": "yes"}).status_code
        == 403
    )
    assert RequirementProfile.objects.filter(code="standard").exists()
