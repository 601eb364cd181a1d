"""Workflow actions through the workspace: each button only where the role and the state allow
it; every refusal (403, 404 or a Russian message with the reasons) leaves the state unchanged."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.models import AuditEvent, Edition, EditionStatus, Membership, Role, Service
from registry.services import edition_approve, edition_submit
from regulations.models import LegalActStatus
from tests import factories
from tests.workspace.helpers import draft_of, published_service, user_with

pytestmark = pytest.mark.django_db


def service_url(service):
    return reverse("workspace:service", kwargs={"registry_number": service.registry_number})


def action_url(action, edition):
    return reverse(f"workspace:edition_{action}", kwargs={"pk": edition.pk})


def refreshed(edition):
    return Edition.objects.get(pk=edition.pk)


@pytest.fixture
def draft(body, official):
    """A complete first edition, drafted by the body's official."""
    service = factories.service(provider=body)
    edition = factories.complete_edition(service)
    Edition.objects.filter(pk=edition.pk).update(created_by=official)
    return refreshed(edition)


@pytest.fixture
def submitted(draft, official):
    return edition_submit(edition=draft, actor=official)


@pytest.fixture
def approved(submitted, reviewer):
    return edition_approve(edition=submitted, actor=reviewer)


# --- which buttons are shown ----------------------------------------------------------------------


def buttons(client, edition):
    content = client.get(service_url(edition.service)).content.decode()
    return {
        action
        for action in ("submit", "approve", "reject", "publish")
        if action_url(action, edition) in content
    }


def test_official_sees_submit_on_a_draft(client, official, draft):
    client.force_login(official)
    assert buttons(client, draft) == {"submit"}


def test_reviewer_sees_no_button_on_a_draft(client, reviewer, draft):
    client.force_login(reviewer)
    assert buttons(client, draft) == set()


def test_reviewer_sees_approve_and_reject_on_a_submitted_edition(client, reviewer, submitted):
    client.force_login(reviewer)
    assert buttons(client, submitted) == {"approve", "reject"}


def test_official_sees_no_button_on_a_submitted_edition(client, official, submitted):
    client.force_login(official)
    assert buttons(client, submitted) == set()


def test_reviewer_sees_publish_and_reject_on_an_approved_edition(client, reviewer, approved):
    client.force_login(reviewer)
    assert buttons(client, approved) == {"publish", "reject"}


def test_reviewer_who_authored_the_edition_sees_no_approve_but_the_four_eyes_note(client, body, submitted):
    author = submitted.created_by
    Membership.objects.create(user=author, body=body, role=Role.REVIEWER)
    client.force_login(author)
    assert buttons(client, submitted) == {"reject"}
    assert "четырёх глаз" in client.get(service_url(submitted.service)).content.decode()


def test_administrator_sees_every_applicable_button(client, administrator, submitted):
    client.force_login(administrator)
    assert buttons(client, submitted) == {"approve", "reject"}


def test_service_buttons_new_edition_for_official_withdraw_for_reviewer(client, official, reviewer, body):
    service = published_service(body)
    new_edition = reverse(
        "workspace:service_new_edition", kwargs={"registry_number": service.registry_number}
    )
    withdraw = reverse("workspace:service_withdraw", kwargs={"registry_number": service.registry_number})
    client.force_login(official)
    content = client.get(service_url(service)).content.decode()
    assert new_edition in content and withdraw not in content
    client.force_login(reviewer)
    content = client.get(service_url(service)).content.decode()
    assert withdraw in content and new_edition not in content


def test_no_new_edition_button_while_an_edition_is_open(client, official, body):
    service = published_service(body)
    draft_of(service, official)
    client.force_login(official)
    new_edition = reverse(
        "workspace:service_new_edition", kwargs={"registry_number": service.registry_number}
    )
    assert new_edition not in client.get(service_url(service)).content.decode()


# --- the actions themselves -----------------------------------------------------------------------


def test_official_submits_a_draft(client, official, draft):
    client.force_login(official)
    response = client.post(action_url("submit", draft), {"submit-comment": "Готово к проверке."}, follow=True)
    assert refreshed(draft).status == EditionStatus.SUBMITTED
    assert "отправлена на согласование" in response.content.decode()
    assert AuditEvent.objects.filter(edition=draft, kind="submitted", comment="Готово к проверке.").exists()


def test_reviewer_approves_then_publishes(client, reviewer, submitted):
    client.force_login(reviewer)
    client.post(action_url("approve", submitted))
    assert refreshed(submitted).status == EditionStatus.APPROVED
    response = client.post(action_url("publish", submitted), {"publish-effective_date": ""}, follow=True)
    assert refreshed(submitted).status == EditionStatus.PUBLISHED
    assert "опубликована и действует с" in response.content.decode()


def test_publish_on_a_later_date_schedules_the_edition(client, reviewer, approved):
    later = timezone.localdate() + datetime.timedelta(days=10)
    client.force_login(reviewer)
    response = client.post(
        action_url("publish", approved), {"publish-effective_date": later.isoformat()}, follow=True
    )
    edition = refreshed(approved)
    assert edition.status == EditionStatus.APPROVED and edition.is_scheduled
    assert edition.effective_date == later
    assert later.strftime("%d.%m.%Y") in response.content.decode()


def test_reviewer_rejects_with_a_comment(client, reviewer, official, submitted):
    client.force_login(reviewer)
    client.post(action_url("reject", submitted), {"reject-comment": "Уточните срок."})
    assert refreshed(submitted).status == EditionStatus.DRAFT
    client.force_login(official)
    assert "Уточните срок." in client.get(service_url(submitted.service)).content.decode()


def test_reject_without_a_comment_is_refused_with_a_field_error(client, reviewer, submitted):
    client.force_login(reviewer)
    response = client.post(action_url("reject", submitted), {"reject-comment": "  "})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Укажите замечания" in content
    assert 'aria-describedby="id_reject-comment_helptext id_reject-comment_error"' in content
    assert refreshed(submitted).status == EditionStatus.SUBMITTED


def repeal_cited_act(edition, *, until):
    act = edition.legal_bases.get().act
    act.status = LegalActStatus.REPEALED
    act.in_force_until = until
    act.save()


def test_publication_refused_lists_the_validator_findings(client, reviewer, approved):
    repeal_cited_act(approved, until=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(reviewer)
    response = client.post(action_url("publish", approved), {"publish-effective_date": ""})
    assert response.status_code == 409
    content = response.content.decode()
    assert "не опубликована" in content
    assert "Что нужно исправить" in content
    assert "ч. 1 ст. 14" in content
    assert refreshed(approved).status == EditionStatus.APPROVED


def test_submitting_an_incomplete_draft_is_refused_with_the_findings_linked_to_the_editor(
    client, official, body
):
    edition = draft_of(factories.service(provider=body), official)  # empty: the validator refuses it
    client.force_login(official)
    response = client.post(action_url("submit", edition), {"submit-comment": ""})
    assert response.status_code == 409
    content = response.content.decode()
    assert "не отправлена на согласование" in content
    assert "Что нужно исправить" in content
    assert 'data-code="result.missing"' in content
    results_page = reverse("workspace:edition_edit", kwargs={"pk": edition.pk, "section": "results"})
    assert f'href="{results_page}#field-results"' in content
    assert refreshed(edition).status == EditionStatus.DRAFT
    assert not AuditEvent.objects.filter(edition=edition, kind="submitted").exists()


def test_approval_refused_when_a_cited_act_was_repealed_after_submission(client, reviewer, submitted):
    repeal_cited_act(submitted, until=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(reviewer)
    response = client.post(action_url("approve", submitted), {"approve-effective_date": ""})
    assert response.status_code == 409
    content = response.content.decode()
    assert "не утверждена" in content
    assert 'data-code="legal_bases.act_not_in_force"' in content
    assert action_url("reject", submitted) in content  # the way back to the official
    edition = refreshed(submitted)
    assert (edition.status, edition.effective_date) == (EditionStatus.SUBMITTED, None)


def test_the_approve_form_shows_the_date_it_approves_with(client, reviewer, submitted):
    client.force_login(reviewer)
    content = client.get(service_url(submitted.service)).content.decode()
    assert f'name="approve-effective_date" value="{timezone.localdate().isoformat()}"' in content
    assert "Пусто — дата, указанная в редакции, а если её нет — сегодняшняя." in content


def test_approval_without_a_date_takes_today_and_says_so(client, reviewer, submitted):
    client.force_login(reviewer)
    response = client.post(action_url("approve", submitted), {"approve-effective_date": ""}, follow=True)
    edition = refreshed(submitted)
    assert (edition.status, edition.effective_date) == (EditionStatus.APPROVED, timezone.localdate())
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert f"утверждена с датой вступления в силу {today}" in response.content.decode()


def test_invalid_transition_is_a_message_not_a_change(client, official, submitted):
    client.force_login(official)
    response = client.post(action_url("submit", submitted))
    assert response.status_code == 409
    assert "недоступно" in response.content.decode()
    assert refreshed(submitted).status == EditionStatus.SUBMITTED


def test_actions_refuse_get(client, official, draft):
    client.force_login(official)
    assert client.get(action_url("submit", draft)).status_code == 405
    assert refreshed(draft).status == EditionStatus.DRAFT


def test_next_outside_the_site_is_ignored(client, official, draft):
    client.force_login(official)
    response = client.post(action_url("submit", draft), {"next": "https://evil.example/"})
    assert response["Location"] == service_url(draft.service)


def test_official_starts_a_new_edition_from_the_current_one(client, official, body):
    service = published_service(body)
    client.force_login(official)
    url = reverse("workspace:service_new_edition", kwargs={"registry_number": service.registry_number})
    response = client.post(url)
    assert response.status_code == 302
    draft = service.editions.get(number=2)
    assert draft.status == EditionStatus.DRAFT
    assert draft.full_name == service.editions.get(number=1).full_name


def test_second_open_edition_is_refused_with_a_message(client, official, body):
    service = published_service(body)
    draft_of(service, official)
    client.force_login(official)
    url = reverse("workspace:service_new_edition", kwargs={"registry_number": service.registry_number})
    response = client.post(url)
    assert response.status_code == 409
    assert "незавершённая редакция" in response.content.decode()
    assert service.editions.count() == 2


def test_reviewer_withdraws_and_restores_a_service(client, reviewer, body):
    service = published_service(body)
    client.force_login(reviewer)
    kwargs = {"registry_number": service.registry_number}
    client.post(
        reverse("workspace:service_withdraw", kwargs=kwargs),
        {"withdraw-reason": "Полномочие передано другому органу.", "withdraw-date": "2025-01-01"},
    )
    service = Service.objects.get(pk=service.pk)
    assert service.is_withdrawn and service.withdrawn_on == datetime.date(2025, 1, 1)
    client.post(reverse("workspace:service_restore", kwargs=kwargs), {"restore-comment": ""})
    assert not Service.objects.get(pk=service.pk).is_withdrawn


def test_withdraw_without_a_reason_is_refused(client, reviewer, body):
    service = published_service(body)
    client.force_login(reviewer)
    url = reverse("workspace:service_withdraw", kwargs={"registry_number": service.registry_number})
    response = client.post(url, {"withdraw-reason": "", "withdraw-date": "2025-01-01"})
    assert response.status_code == 400
    assert "Укажите причину" in response.content.decode()
    assert not Service.objects.get(pk=service.pk).is_withdrawn


def test_withdraw_with_a_control_character_in_the_reason_is_refused(client, reviewer, body):
    service = published_service(body)
    client.force_login(reviewer)
    url = reverse("workspace:service_withdraw", kwargs={"registry_number": service.registry_number})
    response = client.post(url, {"withdraw-reason": "Полномочие\x0bпередано.", "withdraw-date": "2025-01-01"})
    assert response.status_code == 400
    assert "U+000B" in response.content.decode()
    assert not Service.objects.get(pk=service.pk).is_withdrawn


# --- refusals by role: 403, never a change --------------------------------------------------------


def test_official_may_not_approve(client, official, submitted):
    client.force_login(official)
    assert client.post(action_url("approve", submitted)).status_code == 403
    assert refreshed(submitted).status == EditionStatus.SUBMITTED


def test_official_may_not_publish_or_reject(client, official, approved):
    client.force_login(official)
    assert client.post(action_url("publish", approved), {"publish-effective_date": ""}).status_code == 403
    assert client.post(action_url("reject", approved), {"reject-comment": "Нет."}).status_code == 403
    assert refreshed(approved).status == EditionStatus.APPROVED


def test_reviewer_may_not_submit(client, reviewer, draft):
    client.force_login(reviewer)
    assert client.post(action_url("submit", draft)).status_code == 403
    assert refreshed(draft).status == EditionStatus.DRAFT


def test_author_reviewer_may_not_approve(client, body, submitted):
    author = submitted.created_by
    Membership.objects.create(user=author, body=body, role=Role.REVIEWER)
    client.force_login(author)
    assert client.post(action_url("approve", submitted)).status_code == 403
    assert refreshed(submitted).status == EditionStatus.SUBMITTED


def test_reviewer_may_not_start_a_draft_official_may_not_withdraw(client, official, reviewer, body):
    service = published_service(body)
    kwargs = {"registry_number": service.registry_number}
    client.force_login(reviewer)
    assert client.post(reverse("workspace:service_new_edition", kwargs=kwargs)).status_code == 403
    client.force_login(official)
    data = {"withdraw-reason": "Причина.", "withdraw-date": "2025-01-01"}
    assert client.post(reverse("workspace:service_withdraw", kwargs=kwargs), data).status_code == 403
    assert service.editions.count() == 1
    assert not Service.objects.get(pk=service.pk).is_withdrawn


def test_user_without_roles_gets_404_for_a_draft(client, draft):
    client.force_login(user_with())
    assert client.post(action_url("submit", draft)).status_code == 404
    assert refreshed(draft).status == EditionStatus.DRAFT


def test_anonymous_post_goes_to_login_and_changes_nothing(draft):
    response = Client().post(action_url("submit", draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workspace:login"))
    assert refreshed(draft).status == EditionStatus.DRAFT


# --- another body's objects: 404, never a change ---------------------------------------------------


@pytest.fixture(params=["other_official", "other_reviewer"])
def outsider(request):
    return request.getfixturevalue(request.param)


def test_another_bodys_pages_are_not_found(client, outsider, submitted):
    service = submitted.service
    kwargs = {"registry_number": service.registry_number}
    client.force_login(outsider)
    assert client.get(service_url(service)).status_code == 404
    assert client.get(reverse("workspace:edition", kwargs={"pk": submitted.pk})).status_code == 404
    assert client.get(reverse("workspace:compare", kwargs=kwargs)).status_code == 404


def test_another_bodys_published_service_is_not_in_the_workspace(client, outsider, body):
    service = published_service(body)
    client.force_login(outsider)
    assert client.get(service_url(service)).status_code == 404
    current = service.editions.get()
    assert client.get(reverse("workspace:edition", kwargs={"pk": current.pk})).status_code == 404


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("submit", {}),
        ("approve", {}),
        ("reject", {"reject-comment": "Нет."}),
        ("publish", {"publish-effective_date": ""}),
    ],
)
def test_another_bodys_edition_actions_are_not_found(client, outsider, submitted, action, data):
    client.force_login(outsider)
    assert client.post(action_url(action, submitted), data).status_code == 404
    assert refreshed(submitted).status == EditionStatus.SUBMITTED


def test_another_bodys_service_actions_are_not_found(client, outsider, body):
    service = published_service(body)
    kwargs = {"registry_number": service.registry_number}
    client.force_login(outsider)
    assert client.post(reverse("workspace:service_new_edition", kwargs=kwargs)).status_code == 404
    data = {"withdraw-reason": "Причина.", "withdraw-date": "2025-01-01"}
    assert client.post(reverse("workspace:service_withdraw", kwargs=kwargs), data).status_code == 404
    assert client.post(reverse("workspace:service_restore", kwargs=kwargs)).status_code == 404
    assert service.editions.count() == 1
    assert not Service.objects.get(pk=service.pk).is_withdrawn


def test_another_bodys_drafts_are_not_in_the_queue_or_dashboard(client, other_reviewer, submitted):
    client.force_login(other_reviewer)
    assert client.get(reverse("workspace:queue")).context["queue"]["submitted"] == []
    assert client.get(reverse("workspace:dashboard")).context["rows"] == []
