"""History in the workspace: the editions of a service, its audit trail with field changes,
the comparison of two editions (drafts included) and the edition read section by section."""

import pytest
from django.urls import reverse

from registry.services import edition_update
from tests.workspace.helpers import draft_of, published_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_with_edited_draft(body, official):
    service = published_service(body)
    draft = draft_of(service, official)
    edition_update(
        edition=draft,
        actor=official,
        changes={"short_name": "Разрешение на стройку", "change_note": "Сокращено наименование."},
        expected_version=draft.lock_version,
    )
    return service, draft


def test_service_page_lists_editions_and_audit_trail(client, official, service_with_edited_draft):
    service, draft = service_with_edited_draft
    client.force_login(official)
    response = client.get(reverse("workspace:service", kwargs={"registry_number": service.registry_number}))
    content = response.content.decode()
    assert [edition.number for edition in response.context["editions"]] == [2, 1]
    assert "краткое наименование услуги" in content
    assert "<del>Разрешение на строительство</del> → <ins>Разрешение на стройку</ins>" in content
    assert "Петрова" in content
    assert "Копия действующей редакции № 1." in content


def test_audit_dates_are_shown_as_a_reader_reads_them(client, official, body):
    service = published_service(body)
    client.force_login(official)
    content = client.get(reverse("workspace:service", kwargs={"registry_number": service.registry_number}))
    entries = content.context["audit_entries"]
    # Approval fixes the effective date (today, none being entered): its event records it.
    approved = next(entry for entry in entries if entry.event.kind == "approved")
    effective = next(line for line in approved.fields if line.label == "дата вступления в силу")
    assert effective.new.count(".") == 2 and "-" not in effective.new


def test_compare_a_draft_with_the_current_edition(client, official, service_with_edited_draft):
    service, draft = service_with_edited_draft
    current = service.editions.get(number=1)
    client.force_login(official)
    url = reverse("workspace:compare", kwargs={"registry_number": service.registry_number})
    response = client.get(url, {"old": current.pk, "new": draft.pk})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<del" in content and "Разрешение на строительство</del>" in content
    assert "Разрешение на стройку</ins>" in content
    titles = [section.title for section in response.context["comparison"].changed_sections]
    assert "Наименование услуги" in titles


def test_compare_the_same_edition_twice_is_a_form_error(client, official, service_with_edited_draft):
    service, draft = service_with_edited_draft
    client.force_login(official)
    url = reverse("workspace:compare", kwargs={"registry_number": service.registry_number})
    response = client.get(url, {"old": draft.pk, "new": draft.pk})
    assert response.status_code == 400
    assert "две разные редакции" in response.content.decode()


def test_compare_refuses_an_edition_of_another_service(client, official, body, service_with_edited_draft):
    service, _draft = service_with_edited_draft
    foreign = published_service(body).editions.get()
    client.force_login(official)
    url = reverse("workspace:compare", kwargs={"registry_number": service.registry_number})
    response = client.get(url, {"old": foreign.pk, "new": _draft.pk})
    assert response.status_code == 400
    assert response.context["comparison"] is None


def test_edition_page_shows_every_section(client, reviewer, service_with_edited_draft):
    _service, draft = service_with_edited_draft
    client.force_login(reviewer)
    response = client.get(reverse("workspace:edition", kwargs={"pk": draft.pk}))
    content = response.content.decode()
    assert "Разрешение на стройку" in content
    assert "Выписка из ЕГРН о земельном участке" in content
    assert "Показатели доступности и качества" in content


def test_service_urls_take_digits_only_so_services_new_is_the_editors():
    from django.urls import resolve

    assert resolve("/workspace/services/10000000001/").url_name == "service"
    assert resolve("/workspace/services/new/").url_name == "service_create"


def test_audit_keys_naming_reverse_relations_and_demo_parts_get_russian_labels(body):
    """The demo loader writes a replaced section as ``"grounds": [old count, new count]`` and a
    part by its code; the trail labels them in Russian instead of failing on the relation."""
    from registry.models import AuditEvent, AuditEventKind, Variant
    from registry.workspace.selectors import audit_trail_entries

    service = published_service(body)
    edition = service.editions.get()
    event = AuditEvent.objects.create(
        service=service,
        edition=edition,
        kind=AuditEventKind.EDITED,
        changes={
            "grounds": [0, 2],
            "forms": [1, 0],
            "variant.general": [None, "general"],
            "applicantattribute.age.question": ["Возраст?", "Сколько вам лет?"],
            "variants.general.attribute_values": [[], [3]],
        },
    )
    (entry,) = audit_trail_entries([event])
    labels = {line.label: (line.old, line.new) for line in entry.fields}
    assert labels["Основания (отказы, приостановление)"] == ("0", "2")
    assert "Формы документов" in labels
    assert "Вариант предоставления «general»" in labels
    question = Variant._meta.get_field("attribute_values").verbose_name
    assert f"Вариант предоставления «general»: {question}" in labels
    assert "Признак заявителя «age»: вопрос заявителю" in labels
