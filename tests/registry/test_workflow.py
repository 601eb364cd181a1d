"""The lifecycle of an edition: every allowed and forbidden transition, publication with the
validator, scheduled publication, new drafts as copies, withdrawal of a service."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from registry import selectors
from registry.models import (
    ApplicantAttribute,
    ApplicantCategory,
    AttributeValue,
    AuditEvent,
    AuditEventKind,
    Channel,
    DayType,
    DeadlineUnit,
    Document,
    DocumentSource,
    Edition,
    EditionStatus,
    Fee,
    FormKind,
    Ground,
    GroundKind,
    IndicatorComparison,
    IndicatorKind,
    LegalBasis,
    Membership,
    PaymentMethod,
    QualityIndicator,
    Result,
    Role,
    StandardForm,
    Variant,
    status_transition,
)
from registry.services import (
    ActionForbidden,
    AmendmentNotNamed,
    ApprovalRefused,
    CommentRequired,
    EffectiveDateBeforeCurrent,
    InvalidTransition,
    NotVisible,
    OpenEditionExists,
    PublicationRefused,
    ScheduledEditionPending,
    ServiceNotWithdrawn,
    ServiceWithdrawn,
    SubmissionRefused,
    WithdrawalIncomplete,
    edition_approve,
    edition_create_draft,
    edition_publish,
    edition_reject,
    edition_submit,
    edition_update,
    editions_publish_due,
    service_create,
    service_restore,
    service_withdraw,
)
from registry.services.copying import WORKFLOW_FIELDS, edition_row_models
from regulations.models import LegalActStatus
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    """The workflow reads today's date from timezone.localdate(); fix it for these tests."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def publish(edition: Edition, effective_date: datetime.date | None = None) -> Edition:
    """Submit, approve and publish as the system (no four-eyes question)."""
    edition = edition_submit(edition=edition, actor=None)
    edition = edition_approve(edition=edition, actor=None)
    return edition_publish(edition=edition, actor=None, effective_date=effective_date)


def published_service(**service_fields) -> tuple:
    service = factories.service(**service_fields)
    edition = publish(factories.complete_edition(service), effective_date=TODAY - datetime.timedelta(days=30))
    return service, edition


def next_edition(service, **changes) -> Edition:
    draft = edition_create_draft(service=service, actor=None)
    changes.setdefault("change_note", "Уточнён срок предоставления услуги.")
    return edition_update(edition=draft, actor=None, changes=changes, expected_version=draft.lock_version)


def in_status(status: str) -> Edition:
    """An edition of a fresh service brought to the status through the services."""
    if status == "scheduled":
        draft = factories.complete_edition()
        return publish(draft, effective_date=TODAY + datetime.timedelta(days=10))
    if status == EditionStatus.SUPERSEDED:
        service, first = published_service()
        publish(next_edition(service))
        return Edition.objects.get(pk=first.pk)
    edition = factories.complete_edition()
    steps = {
        EditionStatus.DRAFT: [],
        EditionStatus.SUBMITTED: [edition_submit],
        EditionStatus.APPROVED: [edition_submit, edition_approve],
        EditionStatus.PUBLISHED: [edition_submit, edition_approve, edition_publish],
    }[status]
    for step in steps:
        edition = step(edition=edition, actor=None)
    return edition


# --- creating services and drafts --------------------------------------------------------------


def test_service_create_assigns_a_number_and_records_the_event():
    body = factories.body()
    official = get_user_model().objects.create_user("official")
    Membership.objects.create(user=official, body=body, role=Role.OFFICIAL)

    service = service_create(actor=official, provider=body)

    assert len(service.registry_number) == 11
    event = AuditEvent.objects.get(service=service)
    assert (event.kind, event.actor, event.edition) == (AuditEventKind.CREATED, official, None)
    assert event.changes["registry_number"] == [None, service.registry_number]


def test_service_create_for_another_body_is_refused():
    official = get_user_model().objects.create_user("official")
    Membership.objects.create(user=official, body=factories.body(), role=Role.OFFICIAL)

    with pytest.raises(ActionForbidden):
        service_create(actor=official, provider=factories.body())


def test_first_draft_is_an_empty_edition_number_one():
    service = factories.service()

    draft = edition_create_draft(service=service, actor=None)

    assert (draft.number, draft.status, draft.full_name) == (1, EditionStatus.DRAFT, "")
    assert AuditEvent.objects.filter(edition=draft, kind=AuditEventKind.CREATED).exists()


@pytest.mark.parametrize("status", [EditionStatus.DRAFT, EditionStatus.SUBMITTED, EditionStatus.APPROVED])
def test_a_second_open_edition_is_refused(status):
    edition = in_status(status)

    with pytest.raises(OpenEditionExists) as refused:
        edition_create_draft(service=edition.service, actor=None)

    assert "№ 1" in str(refused.value)
    assert edition.service.editions.count() == 1


def test_the_database_refuses_a_second_open_edition_too():
    edition = factories.complete_edition()

    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.create(service=edition.service, number=2)


def test_a_new_draft_starts_as_a_copy_of_the_current_edition():
    service, current = published_service()

    draft = edition_create_draft(service=service, actor=None)

    assert (draft.number, draft.status) == (2, EditionStatus.DRAFT)
    assert draft.full_name == current.full_name
    assert list(draft.documents.values_list("name", flat=True)) == list(
        current.documents.values_list("name", flat=True)
    )
    assert draft.change_note == "" and draft.amending_act is None and draft.effective_date is None


# --- the deep copy -------------------------------------------------------------------------------


def rich_edition() -> Edition:
    """An edition with a row of every kind, variant-specific rows and every choice filled."""
    edition = factories.complete_edition(
        factories.service(under_single_standard=True),
        unusual_deadline_confirmed=True,
        is_free=False,
        other_requirements="Экстерриториально не предоставляется.",
    )
    act = factories.legal_act(short_title="НК РФ")
    card, _created = PaymentMethod.objects.get_or_create(code="card", defaults={"name": "Банковская карта"})
    edition.payment_methods.add(card)
    replace = Variant.objects.create(
        edition=edition,
        code="replace",
        name="Замена",
        deadline_value=10,
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type=DayType.CALENDAR,
    )
    issue = Variant.objects.create(edition=edition, code="issue", name="Выдача", order=1)
    reason = ApplicantAttribute.objects.create(edition=edition, code="reason", question="Зачем?")
    lost = AttributeValue.objects.create(attribute=reason, code="lost", label="Утрата")
    first = AttributeValue.objects.create(attribute=reason, code="first", label="Впервые", order=1)
    replace.attribute_values.add(lost)
    issue.attribute_values.add(first)
    Fee.objects.create(
        edition=edition,
        variant=replace,
        name="За замену",
        amount="1500.00",
        act=act,
        article="333.33",
        point="1",
        subpoint="18",
        applicant_category=ApplicantCategory.objects.get(code="individuals"),
        valid_from=datetime.date(2020, 1, 1),
    )
    Document.objects.create(
        edition=edition, variant=replace, source=DocumentSource.APPLICANT, name="Старый  документ", copies=2
    )
    Ground.objects.create(edition=edition, variant=issue, kind=GroundKind.REFUSAL, text="Основание.")
    Result.objects.create(edition=edition, variant=replace, name="Новый документ", document_form="бумажный")
    LegalBasis.objects.create(edition=edition, act=act, article="333.33", note="пошлина")
    QualityIndicator.objects.create(
        edition=edition,
        variant=issue,
        kind=IndicatorKind.ACCESSIBILITY,
        name="Доступно в МФЦ",
        comparison=IndicatorComparison.YES_NO,
    )
    StandardForm.objects.create(
        edition=edition,
        variant=replace,
        kind=FormKind.DUPLICATE,
        title="Заявление о дубликате",
        file=ContentFile(b"%PDF-1.4\n", name="dublikat.pdf"),
    )
    post, _created = Channel.objects.get_or_create(code="post", defaults={"name": "Почтой"})
    edition.submission_channels.add(post)
    return edition


def comparable(row, variant_codes: dict[int, str]) -> dict:
    """A row's content without keys: foreign keys to variants by code, files by name."""
    values = {}
    for field in row._meta.concrete_fields:
        if field.primary_key or field.name in ("edition", "attribute"):
            continue
        value = getattr(row, field.attname)
        if field.name == "variant":
            value = variant_codes.get(value)
        elif field.name == "file":
            value = value.name
        values[field.name] = value
    return values


def content_of(edition: Edition) -> dict:
    variant_codes = dict(edition.variants.values_list("pk", "code"))
    content = {
        model._meta.model_name: sorted(
            (comparable(row, variant_codes) for row in model.objects.filter(edition=edition)), key=repr
        )
        for model in edition_row_models()
    }
    content["attribute_values"] = sorted(
        (
            (value.attribute.code, comparable(value, variant_codes))
            for value in AttributeValue.objects.filter(attribute__edition=edition)
        ),
        key=repr,
    )
    content["variant_choices"] = sorted(
        (variant.code, sorted(variant.attribute_values.values_list("code", flat=True)))
        for variant in edition.variants.all()
    )
    for field in Edition._meta.many_to_many:
        content[field.name] = sorted(getattr(edition, field.name).values_list("pk", flat=True))
    content["fields"] = {
        field.name: getattr(edition, field.attname)
        for field in Edition._meta.concrete_fields
        if field.name not in WORKFLOW_FIELDS
    }
    return content


def test_a_new_draft_copies_every_field_choice_and_row_with_variants_remapped():
    source = publish(rich_edition())

    copy = edition_create_draft(service=source.service, actor=None)

    assert content_of(copy) == content_of(source)
    for model in edition_row_models():
        assert model.objects.filter(edition=source).exists(), model
    assert not set(copy.variants.values_list("pk", flat=True)) & set(
        source.variants.values_list("pk", flat=True)
    )
    copied_fee = copy.fees.get(variant__isnull=False)
    assert copied_fee.variant.edition_id == copy.pk
    copied_value = AttributeValue.objects.get(attribute__edition=copy, code="lost")
    assert list(copied_value.variants.all()) == [copy.variants.get(code="replace")]


def test_a_copied_form_refers_to_the_same_stored_file():
    source = publish(rich_edition())

    copy = edition_create_draft(service=source.service, actor=None)

    original = source.forms.get(kind=FormKind.DUPLICATE).file
    copied = copy.forms.get(kind=FormKind.DUPLICATE).file
    assert copied.name == original.name
    assert copied.read() == b"%PDF-1.4\n"


# --- transitions -----------------------------------------------------------------------------


def test_submit_approve_publish_makes_the_edition_current():
    edition = factories.complete_edition()

    edition = edition_submit(edition=edition, actor=None)
    assert edition.status == EditionStatus.SUBMITTED
    edition = edition_approve(edition=edition, actor=None)
    assert edition.status == EditionStatus.APPROVED
    edition = edition_publish(edition=edition, actor=None)

    assert edition.status == EditionStatus.PUBLISHED
    assert edition.effective_date == TODAY
    assert edition.published_at is not None
    assert selectors.current_edition(edition.service) == edition
    kinds = list(AuditEvent.objects.filter(edition=edition).order_by("id").values_list("kind", flat=True))
    assert kinds == [AuditEventKind.SUBMITTED, AuditEventKind.APPROVED, AuditEventKind.PUBLISHED]


def test_publishing_uses_the_effective_date_entered_in_the_draft():
    edition = factories.complete_edition(effective_date=TODAY - datetime.timedelta(days=3))

    edition = publish(edition)

    assert edition.effective_date == TODAY - datetime.timedelta(days=3)
    assert edition.status == EditionStatus.PUBLISHED


def test_reject_returns_the_edition_to_draft_with_the_comment():
    edition = in_status(EditionStatus.SUBMITTED)

    edition = edition_reject(edition=edition, actor=None, comment="Нет формы заявления.")

    assert edition.status == EditionStatus.DRAFT
    assert selectors.last_rejection(edition).comment == "Нет формы заявления."


def test_reject_without_comment_is_refused_and_changes_nothing():
    edition = in_status(EditionStatus.SUBMITTED)

    with pytest.raises(CommentRequired):
        edition_reject(edition=edition, actor=None, comment="  ")

    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.SUBMITTED
    assert not AuditEvent.objects.filter(kind=AuditEventKind.REJECTED).exists()


def test_rejecting_a_scheduled_edition_cancels_the_schedule():
    edition = in_status("scheduled")

    edition = edition_reject(edition=edition, actor=None, comment="Дату переносим.")

    assert (edition.status, edition.scheduled_at) == (EditionStatus.DRAFT, None)
    assert not selectors.editions_scheduled().exists()


ALLOWED = {
    (EditionStatus.DRAFT, "submit"),
    (EditionStatus.SUBMITTED, "reject"),
    (EditionStatus.SUBMITTED, "approve"),
    (EditionStatus.APPROVED, "reject"),
    (EditionStatus.APPROVED, "publish"),
    ("scheduled", "reject"),
    ("scheduled", "publish"),
}
ACTIONS = {
    "submit": lambda edition: edition_submit(edition=edition, actor=None),
    "reject": lambda edition: edition_reject(edition=edition, actor=None, comment="Замечания."),
    "approve": lambda edition: edition_approve(edition=edition, actor=None),
    "publish": lambda edition: edition_publish(edition=edition, actor=None),
}
STATUSES = [
    EditionStatus.DRAFT,
    EditionStatus.SUBMITTED,
    EditionStatus.APPROVED,
    "scheduled",
    EditionStatus.PUBLISHED,
    EditionStatus.SUPERSEDED,
]
EXPECTED_STATUS = {
    "submit": EditionStatus.SUBMITTED,
    "reject": EditionStatus.DRAFT,
    "approve": EditionStatus.APPROVED,
    "publish": EditionStatus.PUBLISHED,
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition_is_allowed_or_refused_as_the_lifecycle_says(status, action):
    edition = in_status(status)
    stored_before = Edition.objects.get(pk=edition.pk).status
    events_before = AuditEvent.objects.count()

    if (status, action) in ALLOWED:
        result = ACTIONS[action](edition)
        # Publishing a scheduled edition again keeps it scheduled for its date.
        expected = (
            EditionStatus.APPROVED
            if status == "scheduled" and action == "publish"
            else EXPECTED_STATUS[action]
        )
        assert result.status == expected
        assert AuditEvent.objects.count() > events_before
    else:
        with pytest.raises(InvalidTransition) as refused:
            ACTIONS[action](edition)
        assert Edition.objects.get(pk=edition.pk).status == stored_before
        assert AuditEvent.objects.count() == events_before
        assert str(Edition.objects.get(pk=edition.pk).get_status_display()) in str(refused.value)


def test_a_scheduled_edition_published_with_todays_date_takes_effect_now():
    edition = in_status("scheduled")

    edition = edition_publish(edition=edition, actor=None, effective_date=TODAY)

    assert (edition.status, edition.effective_date) == (EditionStatus.PUBLISHED, TODAY)
    assert selectors.current_edition(edition.service) == edition


# --- publication and the validator ---------------------------------------------------------------


def repeal(act, *, until: datetime.date) -> None:
    act.status = LegalActStatus.REPEALED
    act.in_force_until = until
    act.save()


def test_submitting_an_incomplete_edition_is_refused_with_the_validator_errors():
    edition = factories.edition(effective_date=None)

    with pytest.raises(SubmissionRefused) as refused:
        edition_submit(edition=edition, actor=None)

    assert isinstance(refused.value, PublicationRefused)
    assert refused.value.code == "submission_refused"
    assert all(finding.is_error for finding in refused.value.findings)
    assert {"result.missing", "legal_bases.missing", "documents.missing"} <= set(refused.value.codes)
    assert "не отправлена на согласование" in str(refused.value)
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.DRAFT
    assert not AuditEvent.objects.filter(edition=edition, kind=AuditEventKind.SUBMITTED).exists()


def test_warnings_do_not_refuse_submission_or_approval():
    edition = factories.complete_edition(short_name="")

    edition = edition_approve(edition=edition_submit(edition=edition, actor=None), actor=None)

    assert edition.status == EditionStatus.APPROVED


def test_approval_stores_todays_date_when_none_is_entered_and_records_it():
    edition = edition_submit(edition=factories.complete_edition(effective_date=None), actor=None)

    edition = edition_approve(edition=edition, actor=None)

    assert Edition.objects.get(pk=edition.pk).effective_date == TODAY
    event = AuditEvent.objects.get(edition=edition, kind=AuditEventKind.APPROVED)
    assert event.changes["effective_date"] == [None, TODAY.isoformat()]


def test_approval_takes_the_given_date_over_the_entered_one():
    edition = factories.complete_edition(effective_date=TODAY + datetime.timedelta(days=3))
    edition = edition_submit(edition=edition, actor=None)

    edition = edition_approve(edition=edition, actor=None, effective_date=TODAY + datetime.timedelta(days=9))

    assert Edition.objects.get(pk=edition.pk).effective_date == TODAY + datetime.timedelta(days=9)


def test_approval_re_runs_the_validator_and_refuses_when_a_cited_act_was_repealed_after_submission():
    edition = edition_submit(edition=factories.complete_edition(effective_date=None), actor=None)
    repeal(edition.legal_bases.get().act, until=TODAY - datetime.timedelta(days=1))

    with pytest.raises(ApprovalRefused) as refused:
        edition_approve(edition=edition, actor=None)

    assert "legal_bases.act_not_in_force" in refused.value.codes
    assert "не утверждена" in str(refused.value) and TODAY.strftime("%d.%m.%Y") in str(refused.value)
    stored = Edition.objects.get(pk=edition.pk)
    assert (stored.status, stored.effective_date) == (EditionStatus.SUBMITTED, None)
    assert not AuditEvent.objects.filter(edition=edition, kind=AuditEventKind.APPROVED).exists()
    # The reviewer sends it back with comments; the official fixes it in the draft.
    assert (
        edition_reject(edition=edition, actor=None, comment="Акт утратил силу.").status == EditionStatus.DRAFT
    )


def test_approval_on_a_date_the_cited_act_is_still_in_force_is_allowed():
    edition = edition_submit(edition=factories.complete_edition(effective_date=None), actor=None)
    repeal(edition.legal_bases.get().act, until=TODAY + datetime.timedelta(days=30))

    edition = edition_approve(edition=edition, actor=None, effective_date=TODAY + datetime.timedelta(days=10))

    assert edition.status == EditionStatus.APPROVED


def test_approval_with_a_date_before_the_current_editions_is_refused():
    service, first = published_service()
    draft = edition_submit(edition=next_edition(service), actor=None)

    with pytest.raises(EffectiveDateBeforeCurrent):
        edition_approve(
            edition=draft, actor=None, effective_date=first.effective_date - datetime.timedelta(days=1)
        )

    assert Edition.objects.get(pk=draft.pk).status == EditionStatus.SUBMITTED


def test_publishing_is_refused_with_the_validator_errors_when_an_act_was_repealed_after_approval():
    edition = factories.complete_edition(effective_date=None)
    edition = edition_approve(edition=edition_submit(edition=edition, actor=None), actor=None)
    repeal(edition.legal_bases.get().act, until=TODAY - datetime.timedelta(days=2))

    with pytest.raises(PublicationRefused) as refused:
        edition_publish(edition=edition, actor=None, effective_date=TODAY - datetime.timedelta(days=1))

    assert refused.value.code == "publication_refused"
    assert "legal_bases.act_not_in_force" in refused.value.codes
    stored = Edition.objects.get(pk=edition.pk)
    assert (stored.status, stored.effective_date, stored.published_at) == (
        EditionStatus.APPROVED,
        TODAY,
        None,
    )
    assert not AuditEvent.objects.filter(edition=edition, kind=AuditEventKind.PUBLISHED).exists()


def test_publishing_the_next_edition_supersedes_the_previous_one():
    service, first = published_service()
    second = next_edition(service, short_name="Новое краткое наименование")

    second = publish(second)

    first.refresh_from_db()
    assert (first.status, second.status) == (EditionStatus.SUPERSEDED, EditionStatus.PUBLISHED)
    assert first.superseded_at == second.published_at
    assert selectors.current_edition(service) == second
    superseded = AuditEvent.objects.get(edition=first, kind=AuditEventKind.SUPERSEDED)
    assert superseded.changes["status"] == [EditionStatus.PUBLISHED, EditionStatus.SUPERSEDED]
    assert "№ 2" in superseded.comment


def test_submitting_a_later_edition_without_amending_act_or_change_note_is_refused():
    service, _first = published_service()
    draft = next_edition(service, change_note="")

    with pytest.raises(SubmissionRefused) as refused:
        edition_submit(edition=draft, actor=None)

    assert refused.value.codes == ["edition.change_not_described"]
    assert Edition.objects.get(pk=draft.pk).status == EditionStatus.DRAFT


def test_publishing_a_later_edition_without_amending_act_or_change_note_is_refused():
    service, _first = published_service()
    draft = next_edition(service)
    draft = edition_approve(edition=edition_submit(edition=draft, actor=None), actor=None)
    Edition.objects.filter(pk=draft.pk).update(change_note="")  # written around the services

    with pytest.raises(AmendmentNotNamed) as refused:
        edition_publish(edition=draft, actor=None)

    assert "№ 2" in str(refused.value)
    assert Edition.objects.get(pk=draft.pk).status == EditionStatus.APPROVED


def test_a_later_edition_naming_the_amending_act_is_published():
    service, _first = published_service()
    amending = factories.legal_act(title="О внесении изменений", in_force_from=datetime.date(2024, 1, 1))
    draft = next_edition(service, change_note="", amending_act=amending)

    assert publish(draft).status == EditionStatus.PUBLISHED


def test_an_effective_date_before_the_current_editions_is_refused():
    service, first = published_service()
    draft = next_edition(service)
    draft = edition_approve(edition=edition_submit(edition=draft, actor=None), actor=None)

    with pytest.raises(EffectiveDateBeforeCurrent):
        edition_publish(
            edition=draft, actor=None, effective_date=first.effective_date - datetime.timedelta(days=1)
        )

    assert Edition.objects.get(pk=first.pk).status == EditionStatus.PUBLISHED


def test_the_database_refuses_a_second_published_edition():
    service, _first = published_service()
    second = next_edition(service)

    with pytest.raises(IntegrityError), transaction.atomic(), status_transition():
        Edition.objects.filter(pk=second.pk).update(
            status=EditionStatus.PUBLISHED, published_at=timezone.now(), effective_date=TODAY
        )


# --- scheduled publication -------------------------------------------------------------------------


def test_a_future_effective_date_schedules_the_edition_without_showing_it():
    service, first = published_service()
    effective = TODAY + datetime.timedelta(days=20)

    second = publish(next_edition(service), effective_date=effective)

    assert (second.status, second.effective_date) == (EditionStatus.APPROVED, effective)
    assert second.is_scheduled
    assert selectors.current_edition(service) == first
    catalogue = selectors.services_in_catalogue(today=TODAY)
    assert [selectors.current_edition(s) for s in catalogue] == [first]
    assert not selectors.editions_visible_to(AnonymousUser()).filter(pk=second.pk).exists()
    assert AuditEvent.objects.filter(edition=second, kind=AuditEventKind.SCHEDULED).exists()


def test_a_scheduled_edition_becomes_current_on_its_date_and_not_before():
    service, first = published_service()
    effective = TODAY + datetime.timedelta(days=20)
    second = publish(next_edition(service), effective_date=effective)

    early = editions_publish_due(today=effective - datetime.timedelta(days=1))
    assert (early.published, early.failed) == ([], [])
    assert selectors.current_edition(service) == first

    run = editions_publish_due(today=effective)

    assert run.published == [second] and run.failed == []
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.status, first.status) == (EditionStatus.PUBLISHED, EditionStatus.SUPERSEDED)
    assert selectors.current_edition(service) == second
    event = AuditEvent.objects.get(edition=second, kind=AuditEventKind.PUBLISHED)
    assert event.actor is None


def test_publish_scheduled_command_publishes_due_editions():
    service, _first = published_service()
    effective = TODAY + datetime.timedelta(days=5)
    second = publish(next_edition(service), effective_date=effective)
    out = StringIO()

    call_command("publish_scheduled", "--date", effective.isoformat(), stdout=out)

    second.refresh_from_db()
    assert second.status == EditionStatus.PUBLISHED
    assert f"редакция № 2 вступила в силу {effective:%d.%m.%Y}" in out.getvalue()


def test_publish_scheduled_reports_an_edition_the_validator_now_refuses():
    service, first = published_service()
    effective = TODAY + datetime.timedelta(days=5)
    second = publish(next_edition(service), effective_date=effective)
    act = second.legal_bases.get().act
    act.status = LegalActStatus.REPEALED
    act.in_force_until = TODAY + datetime.timedelta(days=1)
    act.save()
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("publish_scheduled", "--date", effective.isoformat(), stdout=StringIO(), stderr=err)

    second.refresh_from_db()
    assert second.is_scheduled
    assert selectors.current_edition(service) == first
    assert "не опубликована" in err.getvalue()


def test_publish_scheduled_with_nothing_due_says_so():
    out = StringIO()

    call_command("publish_scheduled", "--date", "2025-03-10", stdout=out)

    assert "нет редакций к публикации" in out.getvalue()


# --- withdrawal -------------------------------------------------------------------------------------


def test_a_withdrawn_service_leaves_the_catalogue_but_stays_readable():
    service, current = published_service()

    service_withdraw(service=service, actor=None, reason="Услуга упразднена.", date=TODAY)

    assert not selectors.services_in_catalogue(today=TODAY).filter(pk=service.pk).exists()
    assert selectors.services_visible_to(AnonymousUser()).filter(pk=service.pk).exists()
    assert selectors.current_edition(service) == current
    event = AuditEvent.objects.get(service=service, kind=AuditEventKind.WITHDRAWN)
    assert event.comment == "Услуга упразднена."


def test_a_withdrawal_dated_later_keeps_the_service_listed_until_then():
    service, _current = published_service()

    service_withdraw(
        service=service, actor=None, reason="Упраздняется.", date=TODAY + datetime.timedelta(days=3)
    )

    assert selectors.services_in_catalogue(today=TODAY).filter(pk=service.pk).exists()
    assert not selectors.services_in_catalogue(today=TODAY + datetime.timedelta(days=3)).exists()


def test_withdrawal_needs_a_reason():
    service, _current = published_service()

    with pytest.raises(WithdrawalIncomplete):
        service_withdraw(service=service, actor=None, reason=" ", date=TODAY)

    service.refresh_from_db()
    assert not service.is_withdrawn


def test_withdrawal_is_refused_while_an_edition_is_scheduled():
    service, _current = published_service()
    publish(next_edition(service), effective_date=TODAY + datetime.timedelta(days=5))

    with pytest.raises(ScheduledEditionPending):
        service_withdraw(service=service, actor=None, reason="Упразднена.", date=TODAY)


def test_no_draft_is_started_for_a_withdrawn_service_until_it_is_restored():
    service, _current = published_service()
    service_withdraw(service=service, actor=None, reason="Упразднена.", date=TODAY)

    with pytest.raises(ServiceWithdrawn):
        edition_create_draft(service=service, actor=None)

    service_restore(service=service, actor=None)
    assert selectors.services_in_catalogue(today=TODAY).filter(pk=service.pk).exists()
    assert edition_create_draft(service=service, actor=None).number == 2
    assert AuditEvent.objects.filter(service=service, kind=AuditEventKind.RESTORED).exists()


def test_restoring_a_service_that_is_not_withdrawn_is_refused():
    service, _current = published_service()

    with pytest.raises(ServiceNotWithdrawn):
        service_restore(service=service, actor=None)


def test_another_bodys_draft_is_not_found_rather_than_forbidden():
    edition = factories.complete_edition()
    official = get_user_model().objects.create_user("stranger")
    Membership.objects.create(user=official, body=factories.body(), role=Role.OFFICIAL)

    with pytest.raises(NotVisible):
        edition_submit(edition=edition, actor=official)
