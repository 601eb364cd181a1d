"""The audit pages: who sees what, the checklist form, its messages for bad input."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.audits.services import ItemInput
from registry.models import Answer, Audit, AuditStatus, FindingStatus, Membership, Role
from tests.audits.helpers import filled, inspector_of, item, office_with_service, started
from tests.workspace.helpers import user_with

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def visited_value(moment=None):
    return timezone.localtime(moment or timezone.now() - datetime.timedelta(minutes=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )


def test_the_inspector_starts_an_audit_and_the_checklist_is_generated(client, office, service, inspector):
    client.force_login(inspector)
    page = client.get(reverse("workspace:audit_new"))
    assert page.status_code == 200
    assert office in page.context["form"].fields["office"].queryset
    response = client.post(
        reverse("workspace:audit_new"),
        {"office": office.pk, "service": service.pk, "kind": "visit", "visited_at": visited_value()},
    )
    audit = Audit.objects.get()
    assert response.status_code == 302 and response["Location"] == audit.get_absolute_url()
    page = client.get(audit.get_absolute_url())
    assert page.status_code == 200
    assert "Ожидание в очереди при подаче запроса — не более 15 мин." in page.content.decode()


def test_a_start_form_with_bad_input_names_the_field(client, office, inspector, body):
    client.force_login(inspector)
    response = client.post(
        reverse("workspace:audit_new"),
        {"office": office.pk, "service": "", "kind": "visit", "visited_at": "вчера"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["service"] == ["Услуга: выберите услугу, за которой вы обращаетесь."]
    assert errors["visited_at"] == ["Дата и время проверки: введите дату и время, например 05.12.2026 10:30."]
    assert Audit.objects.count() == 0


def test_the_start_form_offers_only_the_offices_in_the_inspectors_scope(
    client, office, inspector, other_body
):
    foreign, _service = office_with_service(other_body, code="FOREIGN")
    client.force_login(inspector)
    offices = client.get(reverse("workspace:audit_new")).context["form"].fields["office"].queryset
    assert list(offices) == [office]
    response = client.post(
        reverse("workspace:audit_new"),
        {"office": foreign.pk, "service": _service.pk, "kind": "visit", "visited_at": visited_value()},
    )
    assert response.status_code == 400
    assert "этот офис вам проверять нельзя" in response.context["form"].errors["office"][0]
    registry_wide = inspector_of(None)
    client.force_login(registry_wide)
    offices = client.get(reverse("workspace:audit_new")).context["form"].fields["office"].queryset
    assert set(offices) == {office, foreign}


def test_filling_the_checklist_computes_answers_and_submitting_creates_findings(
    client, office, service, inspector
):
    audit = started(office, service, inspector)
    rows = {row.code: row.pk for row in audit.items.all()}
    client.force_login(inspector)
    response = client.post(
        audit.get_absolute_url(),
        {
            f"answer-{rows['premises.1']}": Answer.MET,
            f"answer-{rows['access.ramp']}": Answer.NOT_MET,
            f"note-{rows['access.ramp']}": "Пандус закрыт на ремонт",
            f"photo-{rows['access.ramp']}": SimpleUploadedFile(
                "ramp.png", PNG_BYTES, content_type="image/png"
            ),
            f"minutes-{rows['queue.submission']}": "35",
            f"documents-{rows['documents.asked']}": ["Заявление о выдаче разрешения на строительство"],
            f"other-{rows['documents.asked']}": "СНИЛС",
            f"rating-{rows['criteria.politeness']}": "5",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert (audit.checked_count, audit.met_count) == (5, 2)
    assert sorted(audit.findings.values_list("item__code", flat=True)) == [
        "access.ramp",
        "documents.asked",
        "queue.submission",
    ]
    ramp = item(audit, "access.ramp")
    assert ramp.photo.name.endswith("/ramp.png")
    photo = client.get(ramp.get_photo_url())
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert photo["Content-Disposition"].startswith("attachment")


def test_bad_checklist_input_names_the_row_and_nothing_is_written(client, office, service, inspector):
    audit = started(office, service, inspector)
    rows = {row.code: row.pk for row in audit.items.all()}
    client.force_login(inspector)
    response = client.post(
        audit.get_absolute_url(),
        {
            f"minutes-{rows['queue.submission']}": "-3",
            f"rating-{rows['criteria.comfort']}": "7",
            f"answer-{rows['premises.1']}": Answer.MET,
            f"answer-{rows['stand.fee']}": "может быть",
            f"documents-{rows['documents.asked']}": ["Паспорт"],
            f"photo-{rows['premises.1']}": SimpleUploadedFile(
                "hall.jpg", b"<html><script>1</script>", "image/jpeg"
            ),
            "save": "1",
        },
    )
    assert response.status_code == 400
    messages = [message for _field, message in response.context["form"].error_list()]
    assert (
        "«Ожидание в очереди при подаче запроса — не более 15 мин.»: время не может быть отрицательным."
        in messages
    )
    assert "«Комфортность условий в помещении»: оценка — от 1 до 5." in messages
    assert (
        "«На стенде указана плата за услугу: услуга бесплатна»: выберите «соблюдено», «не соблюдено» "
        "или «не проверялось»." in messages
    )
    assert any(
        m.startswith("«Сотрудник запросил только документы") and "документа «Паспорт» нет в перечне." in m
        for m in messages
    )
    assert any(
        m.startswith("«Зал ожидания, места для заполнения запросов, информационные стенды», фотография:")
        and "файл «hall.jpg»" in m
        and "по содержимому — веб-страница HTML" in m
        for m in messages
    )
    assert item(audit, "premises.1").answer == Answer.NOT_CHECKED
    assert 'href="#id_minutes-' in response.content.decode()


def test_a_draft_is_seen_by_its_inspector_only(client, office, service, inspector, official):
    audit = started(office, service, inspector)
    client.force_login(official)
    assert client.get(audit.get_absolute_url()).status_code == 404
    another_inspector = inspector_of(office.body)
    client.force_login(another_inspector)
    assert client.get(audit.get_absolute_url()).status_code == 404
    assert client.post(audit.get_absolute_url(), {"save": "1"}).status_code == 404


def test_officials_see_only_their_bodies_submitted_audits(
    client, office, service, inspector, official, other_body
):
    audit = filled(
        started(office, service, inspector), inspector, {"access.ramp": ItemInput(answer=Answer.NOT_MET)}
    )
    client.force_login(official)
    listed = client.get(reverse("workspace:audits")).context["audits"]
    assert list(listed) == [audit]
    page = client.get(audit.get_absolute_url())
    assert page.status_code == 200 and page.context["answering"]
    stranger = user_with(Role.OFFICIAL, other_body)
    client.force_login(stranger)
    assert list(client.get(reverse("workspace:audits")).context["audits"]) == []
    assert client.get(audit.get_absolute_url()).status_code == 404
    assert client.get(item(audit, "access.ramp").get_photo_url()).status_code == 404


def test_an_inspector_of_another_body_does_not_see_the_audit(client, office, service, inspector, other_body):
    audit = filled(
        started(office, service, inspector), inspector, {"premises.1": ItemInput(answer=Answer.MET)}
    )
    client.force_login(inspector_of(other_body))
    assert client.get(audit.get_absolute_url()).status_code == 404
    client.force_login(inspector_of(None))
    assert client.get(audit.get_absolute_url()).status_code == 200


def test_the_official_answers_a_finding_and_marks_it_done_in_the_workspace(
    client, office, service, inspector, official
):
    audit = filled(
        started(office, service, inspector), inspector, {"access.ramp": ItemInput(answer=Answer.NOT_MET)}
    )
    finding = audit.findings.get()
    client.force_login(official)
    assert client.get(reverse("workspace:audit_actions")).context["findings"][0] == finding
    url = reverse("workspace:finding_answer", args=[audit.pk, finding.pk])
    bad = client.post(
        url, {f"finding-{finding.pk}-corrective_action": "", f"finding-{finding.pk}-due_date": "31.02.2027"}
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors == {
        "corrective_action": [
            "Корректирующая мера: опишите, что орган сделает, чтобы нарушение не повторялось."
        ],
        "due_date": ["Срок выполнения: введите дату, например 31.12.2026."],
    }
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    answered = client.post(
        url,
        {
            f"finding-{finding.pk}-corrective_action": "Отремонтировать пандус",
            f"finding-{finding.pk}-due_date": due,
        },
    )
    assert answered.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.PLANNED and finding.corrective_action == "Отремонтировать пандус"
    client.post(reverse("workspace:finding_done", args=[audit.pk, finding.pk]))
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DONE
    assert list(client.get(reverse("workspace:audit_actions")).context["findings"]) == []


def test_the_inspector_cannot_answer_findings(client, office, service, inspector):
    audit = filled(
        started(office, service, inspector), inspector, {"access.ramp": ItemInput(answer=Answer.NOT_MET)}
    )
    finding = audit.findings.get()
    client.force_login(inspector)
    response = client.post(
        reverse("workspace:finding_answer", args=[audit.pk, finding.pk]),
        {
            f"finding-{finding.pk}-corrective_action": "Сам исправлю",
            f"finding-{finding.pk}-due_date": "2030-01-01",
        },
    )
    assert response.status_code == 403


def test_a_user_without_roles_is_refused_the_audit_pages(client):
    client.force_login(user_with(None))
    assert client.get(reverse("workspace:audits")).status_code == 403
    assert client.get(reverse("workspace:audit_new")).status_code == 403


def test_the_audit_list_query_count_does_not_grow_with_audits(
    client, office, service, inspector, django_assert_max_num_queries
):
    for _n in range(3):
        filled(started(office, service, inspector), inspector, {"premises.1": ItemInput(answer=Answer.MET)})
    client.force_login(inspector)
    with django_assert_max_num_queries(12):
        client.get(reverse("workspace:audits"))
    for _n in range(6):
        filled(
            started(office, service, inspector), inspector, {"premises.1": ItemInput(answer=Answer.NOT_MET)}
        )
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("workspace:audits")).context["audits"]) == 9


def test_a_user_holds_the_registry_wide_inspector_role_once():
    user = inspector_of(None)
    assert user.registry_memberships.get().body is None
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.INSPECTOR, body=None)


def test_an_inspector_of_one_body_and_official_of_another_lists_both_bodies_audits(
    client, office, service, inspector, other_body
):
    foreign_office, foreign_service = office_with_service(other_body, code="FOREIGN")
    anywhere = inspector_of(None)
    ours = filled(
        started(office, service, inspector), inspector, {"premises.1": ItemInput(answer=Answer.MET)}
    )
    theirs = filled(
        started(foreign_office, foreign_service, anywhere),
        anywhere,
        {"premises.1": ItemInput(answer=Answer.MET)},
    )
    started(office, service, anywhere)  # another inspector's draft: never listed
    both = inspector_of(office.body)
    Membership.objects.create(user=both, role=Role.OFFICIAL, body=other_body)
    client.force_login(both)
    assert set(client.get(reverse("workspace:audits")).context["audits"]) == {ours, theirs}
    client.force_login(inspector)
    assert set(client.get(reverse("workspace:audits")).context["audits"]) == {ours}


def test_an_inspector_of_a_body_does_not_work_on_its_services(client, body, inspector):
    from registry.selectors import editions_visible_to, services_visible_to
    from tests import factories

    draft_only = factories.service(provider=body)
    draft = factories.edition(draft_only)
    assert draft_only not in services_visible_to(inspector)
    assert draft not in editions_visible_to(inspector)
    client.force_login(inspector)
    assert client.get(reverse("workspace:dashboard")).context["has_roles"] is False
    assert client.get(reverse("workspace:edition", args=[draft.pk])).status_code == 404


def test_the_audit_page_query_count_does_not_grow_with_findings(client, office, service, inspector, official):
    few = filled(
        started(office, service, inspector), inspector, {"access.ramp": ItemInput(answer=Answer.NOT_MET)}
    )
    codes = ["premises.1", "access.ramp", "access.parking", "stand.documents", "stand.term", "stand.fee"]
    many = filled(
        started(office, service, inspector),
        inspector,
        {code: ItemInput(answer=Answer.NOT_MET) for code in codes},
    )
    due = timezone.localdate() + datetime.timedelta(days=3)
    from registry.audits.services import finding_answer

    for finding in [*few.findings.all(), *many.findings.all()]:
        finding_answer(finding=finding, actor=official, corrective_action="Исправить", due_date=due)
    client.force_login(official)
    counts = []
    for audit in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(audit.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 14, counts


def test_the_dashboard_sends_an_inspector_to_the_audits(client):
    client.force_login(inspector_of(None))
    page = client.get(reverse("workspace:dashboard")).content.decode()
    assert "Вы — проверяющий: услуги органов вы не ведёте." in page
    assert f'href="{reverse("workspace:audits")}"' in page
    assert "нет ролей ни в одном органе" not in page
