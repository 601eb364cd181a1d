"""The registry's admin pages as an administrator uses them: every page opens, bad input comes
back as a Russian error on its field or row and writes nothing, a good edition saves with its
rows, and the service list does not query per row."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.admin.documents import ApplicantDocumentInline, InteragencyDocumentInline
from registry.admin.editions import (
    AcceptRefusalGroundInline,
    CorrectionRefusalGroundInline,
    DuplicateRefusalGroundInline,
    FeeInline,
    LegalBasisInline,
    QualityIndicatorInline,
    RefusalGroundInline,
    ResultInline,
    StandardFormInline,
    SuspensionGroundInline,
    VariantInline,
    WithoutConsiderationGroundInline,
)
from registry.models import (
    ApplicantAttribute,
    ApplicantCategory,
    AttributeValue,
    AuditEvent,
    AuditEventKind,
    CalendarDay,
    CalendarDayKind,
    Category,
    Channel,
    DayType,
    DeadlineKind,
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
    Level,
    LoginFailures,
    Membership,
    Office,
    OfficialSession,
    PaymentMethod,
    ProviderBody,
    QualityIndicator,
    Region,
    Result,
    Role,
    SearchSynonym,
    Service,
    SignIn,
    StandardForm,
    Variant,
    status_transition,
)
from tests import factories

pytestmark = pytest.mark.django_db

from registry.models import Audit, BackgroundJob  # noqa: E402

ADMIN_MODELS = [
    Region,
    Category,
    ApplicantCategory,
    PaymentMethod,
    Channel,
    ProviderBody,
    Service,
    Edition,
    Variant,
    ApplicantAttribute,
    Membership,
    AuditEvent,
    SearchSynonym,
    Office,
    CalendarDay,
    LoginFailures,
    SignIn,
    OfficialSession,
]
# The audit trail is append-only: the administrator reads it.
VIEW_ONLY_MODELS = {AuditEvent}
# Sign-in records: read, and deleted to unlock an account or to end a session; never edited.
READ_AND_DELETE_MODELS = {LoginFailures, SignIn, OfficialSession}


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def publish(edition: Edition) -> Edition:
    """Puts an edition in force the way the workflow does (the models refuse it otherwise)."""
    with status_transition():
        Edition.objects.filter(pk=edition.pk).update(
            status=EditionStatus.PUBLISHED,
            published_at=datetime.datetime(2024, 1, 10, 9, 0, tzinfo=datetime.UTC),
            effective_date=datetime.date(2024, 2, 1),
        )
    edition.refresh_from_db()
    return edition


def pdf_file(name: str = "zayavlenie.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test form", content_type="application/pdf")


def fill_edition(edition: Edition) -> Edition:
    """An edition with a row in every list section and an answer in every M2M field."""
    tax_code = factories.legal_act(short_title="НК РФ", title="Налоговый кодекс Российской Федерации")
    variant = Variant.objects.create(edition=edition, code="issue", name="Выдача", order=1)
    attribute = ApplicantAttribute.objects.create(edition=edition, code="age", question="Сколько вам лет?")
    value = AttributeValue.objects.create(attribute=attribute, code="adult", label="18 лет и старше")
    variant.attribute_values.add(value)
    Result.objects.create(edition=edition, name="Выдача паспорта", document_form="Бумажный документ")
    LegalBasis.objects.create(edition=edition, act=tax_code, article="333.33", point="1")
    Document.objects.create(edition=edition, source=DocumentSource.APPLICANT, name="Заявление")
    Document.objects.create(
        edition=edition,
        source=DocumentSource.INTERAGENCY,
        name="Сведения о регистрации по месту жительства",
        holder_body="МВД России",
    )
    for kind in GroundKind.values:
        Ground.objects.create(edition=edition, kind=kind, text=f"Основание вида {kind}")
    Fee.objects.create(
        edition=edition, name="государственная пошлина", amount=Decimal("300"), act=tax_code, article="333.33"
    )
    QualityIndicator.objects.create(
        edition=edition,
        kind=IndicatorKind.QUALITY,
        name="Число обращений к должностным лицам",
        comparison=IndicatorComparison.AT_MOST,
        target_value=Decimal("2"),
        unit="раз",
    )
    StandardForm.objects.create(edition=edition, kind=FormKind.REQUEST, title="Заявление", file=pdf_file())
    edition.payment_methods.add(PaymentMethod.objects.create(code="card", name="Банковская карта"))
    edition.applicant_categories.add(ApplicantCategory.objects.create(code="citizens", name="Граждане РФ"))
    channel = Channel.objects.create(code="mfc", name="МФЦ")
    edition.submission_channels.add(channel)
    edition.result_delivery_channels.add(channel)
    return edition


@pytest.fixture
def catalogue(admin_user) -> dict:
    """One populated object of every model the admin shows."""
    body = factories.body(Level.REGIONAL, ogrn="1037700029620", inn="7706074737", oktmo="73701000")
    service = factories.service(Level.REGIONAL, provider=body, under_single_standard=True)
    service.categories.add(Category.objects.create(code="passport", name="Паспорта, регистрация"))
    edition = fill_edition(
        factories.edition(
            service,
            deadline_value=5,
            deadline_unit=DeadlineUnit.DAYS,
            deadline_day_type=DayType.WORKING,
            amending_act=factories.legal_act(),
        )
    )
    membership = Membership.objects.create(user=admin_user, body=body, role=Role.REVIEWER)
    event = AuditEvent.objects.create(
        service=service, edition=edition, actor=admin_user, kind=AuditEventKind.CREATED, comment="Создана"
    )
    office = Office.objects.create(
        body=body, code="1", name="Отдел 1", address="г. Москва, ул. Тверская, д. 1"
    )
    office.services.add(service)
    session = SessionStore()
    session.create()
    return {
        LoginFailures: LoginFailures.objects.create(
            username="mvd_official",
            ip_address="192.0.2.1",
            user_agent="Firefox 1",
            http_accept="text/html",
            path_info="/workspace/login/",
            get_data="",
            post_data="username=mvd_official",
            failures_since_start=5,
        ),
        SignIn: SignIn.objects.create(
            username="mvd_official",
            ip_address="192.0.2.1",
            user_agent="Firefox 1",
            http_accept="",
            path_info="/",
        ),
        OfficialSession: OfficialSession.objects.create(
            user=admin_user, session_key=session.session_key, ip_address="192.0.2.1", user_agent="Firefox 1"
        ),
        Region: body.region,
        Category: Category.objects.get(),
        ApplicantCategory: ApplicantCategory.objects.get(),
        PaymentMethod: PaymentMethod.objects.get(),
        Channel: Channel.objects.get(),
        ProviderBody: body,
        Service: service,
        Edition: edition,
        Variant: edition.variants.get(),
        ApplicantAttribute: edition.applicant_attributes.get(),
        Membership: membership,
        AuditEvent: event,
        SearchSynonym: SearchSynonym.objects.create(term="загранпаспорт 1", meaning="заграничный паспорт"),
        Office: office,
        CalendarDay: CalendarDay.objects.create(
            date=datetime.date(2026, 1, 1), kind=CalendarDayKind.HOLIDAY, note="Новогодние каникулы 1"
        ),
    }


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def value_for_post(field, value):
    """What a browser sends for a form field showing `value`, or None to send nothing."""
    if isinstance(field, forms.FileField) or value is None and not isinstance(field, forms.NullBooleanField):
        return None
    if isinstance(field, forms.NullBooleanField):
        return {True: "true", False: "false"}.get(value, "unknown")
    if isinstance(field, forms.BooleanField):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def page_form_data(response) -> dict:
    """The POST a browser sends when the administrator saves the page as it was shown."""
    forms_on_page = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_on_page.append(inline.formset.management_form)
        forms_on_page.extend(inline.formset.forms)
    data = {}
    for form in forms_on_page:
        for name, field in form.fields.items():
            value = value_for_post(field, form[name].value())
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def inline_prefix(response, inline_class) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if type(inline.opts) is inline_class:
            return inline.formset.prefix
    raise AssertionError(f"{inline_class.__name__} is not on the page")


def inline_formset(response, inline_class):
    for inline in response.context["inline_admin_formsets"]:
        if type(inline.opts) is inline_class:
            return inline.formset
    raise AssertionError(f"{inline_class.__name__} is not on the page")


def add_row(data: dict, prefix: str, **fields) -> int:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return index


def row_errors(response, inline_class, index: int, field: str) -> list[str]:
    return inline_formset(response, inline_class).forms[index].errors.get(field, [])


# --- every page opens -------------------------------------------------------------------


# Read-only admins whose pages are walked elsewhere, on the objects their own journeys make
# (test_admin_titles opens their list and change pages; tests/audits and tests/jobs make them).
COVERED_ELSEWHERE = {Audit, BackgroundJob}


def test_every_registry_model_with_an_admin_is_covered_here():
    registered = {model for model in admin.site._registry if model._meta.app_label == "registry"}
    assert registered == set(ADMIN_MODELS) | COVERED_ELSEWHERE


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model.__name__)
def test_changelist_renders_with_objects(staff_client, catalogue, model):
    response = staff_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model.__name__)
def test_changelist_search_renders(staff_client, catalogue, model):
    response = staff_client.get(admin_url(model, "changelist"), {"q": "1"})
    assert response.status_code == 200


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model.__name__)
def test_add_page_renders(staff_client, catalogue, model):
    response = staff_client.get(admin_url(model, "add"))
    assert response.status_code == (403 if model in VIEW_ONLY_MODELS | READ_AND_DELETE_MODELS else 200)


@pytest.mark.parametrize("model", sorted(READ_AND_DELETE_MODELS, key=str), ids=lambda model: model.__name__)
def test_sign_in_records_are_read_only_but_may_be_deleted(staff_client, catalogue, model):
    obj = catalogue[model]
    url = admin_url(model, "change", obj.pk)
    response = staff_client.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert staff_client.post(url, {"username": "другой"}).status_code == 403
    assert staff_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 302
    assert not model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", sorted(VIEW_ONLY_MODELS, key=str), ids=lambda model: model.__name__)
def test_view_only_page_renders_and_refuses_changes(staff_client, catalogue, model):
    obj = catalogue[model]
    url = admin_url(model, "change", obj.pk)
    response = staff_client.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert staff_client.post(url, {"comment": "Другое"}).status_code == 403
    assert staff_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403


@pytest.mark.parametrize(
    "model",
    [model for model in ADMIN_MODELS if model not in VIEW_ONLY_MODELS | READ_AND_DELETE_MODELS],
    ids=lambda model: model.__name__,
)
def test_change_page_renders_and_saves_unchanged(staff_client, catalogue, model):
    obj = catalogue[model]
    url = admin_url(model, "change", obj.pk)
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"]

    saved = staff_client.post(url, page_form_data(response))

    assert saved.status_code == 302, saved.context["errors"] if saved.context else saved
    assert saved["Location"] == admin_url(model, "changelist")


def test_edition_page_groups_fields_by_statutory_section(staff_client, catalogue):
    response = staff_client.get(admin_url(Edition, "change", catalogue[Edition].pk))
    content = response.content.decode()
    for title in (
        "1. Наименование услуги (п. 1 ч. 1 ст. 14)",
        "4. Срок предоставления услуги (п. 4 ч. 1 ст. 14)",
        "Единый стандарт (ч. 2 ст. 14)",
        "6. Документы, которые представляет заявитель (п. 6 ч. 1 ст. 14)",
        "7. Основания для отказа в приеме документов (п. 7 ч. 1 ст. 14)",
    ):
        assert title in content
    assert catalogue[Service].provider.short_name in content


def test_edition_fieldsets_hold_every_editable_field():
    model_admin = admin.site._registry[Edition]
    shown = set()
    for _title, options in model_admin.fieldsets:
        for entry in options["fields"]:
            shown.update(entry if isinstance(entry, tuple) else [entry])
    editable = {field.name for field in Edition._meta.get_fields() if getattr(field, "editable", False)}
    editable -= {"id"}
    assert editable <= shown, editable - shown


def test_edition_inlines_show_each_list_to_its_own_table(staff_client, catalogue):
    response = staff_client.get(admin_url(Edition, "change", catalogue[Edition].pk))

    applicant = inline_formset(response, ApplicantDocumentInline)
    interagency = inline_formset(response, InteragencyDocumentInline)
    assert [form.instance.name for form in applicant.forms] == ["Заявление"]
    assert [form.instance.name for form in interagency.forms] == [
        "Сведения о регистрации по месту жительства"
    ]
    refusal = inline_formset(response, RefusalGroundInline)
    assert [form.instance.kind for form in refusal.forms] == [GroundKind.REFUSAL]


def test_service_page_lists_editions_as_links(staff_client, catalogue):
    edition = catalogue[Edition]
    url = admin_url(Service, "change", catalogue[Service].pk)

    content = staff_client.get(url).content.decode()

    assert admin_url(Edition, "change", edition.pk) in content
    assert "Продолжить работу с редакцией № 1 (Черновик)" in content
    publish(edition)
    assert "Начать новую редакцию (копия действующей)" in staff_client.get(url).content.decode()


def test_new_edition_action_copies_the_current_edition_and_audits_it(staff_client, catalogue):
    service = catalogue[Service]
    current = publish(catalogue[Edition])

    response = staff_client.post(
        admin_url(Service, "changelist"),
        {"action": "start_new_edition", "_selected_action": [str(service.pk)]},
        follow=True,
    )

    assert "создан черновик редакции № 2" in response.content.decode()
    draft = service.editions.get(number=2)
    assert draft.status == EditionStatus.DRAFT
    assert draft.full_name == current.full_name
    assert draft.documents.count() == current.documents.count() > 0
    assert AuditEvent.objects.filter(edition=draft, kind=AuditEventKind.CREATED).exists()


def test_adding_an_empty_edition_to_a_service_with_editions_is_refused(staff_client, catalogue):
    service = catalogue[Service]
    publish(catalogue[Edition])
    shown = staff_client.get(admin_url(Edition, "add"), {"service": service.pk})
    data = page_form_data(shown)
    data.update(full_name="Пустая редакция", change_note="Попытка")

    response = staff_client.post(admin_url(Edition, "add"), data)

    assert response.status_code == 200
    assert "начинается с копии действующей" in response.content.decode()
    assert service.editions.count() == 1


def test_edition_edit_is_audited_with_old_and_new_values(staff_client, catalogue):
    edition = catalogue[Edition]
    url = admin_url(Edition, "change", edition.pk)
    data = page_form_data(staff_client.get(url))
    data["short_name"] = "Новое краткое наименование"

    response = staff_client.post(url, data)

    assert response.status_code == 302
    event = AuditEvent.objects.filter(edition=edition, kind=AuditEventKind.EDITED).get()
    assert event.changes["short_name"] == [edition.short_name, "Новое краткое наименование"]
    assert event.actor.username == "admin"
    edition.refresh_from_db()
    assert edition.lock_version == 2


def test_edition_save_over_a_newer_save_is_a_conflict(staff_client, catalogue):
    edition = catalogue[Edition]
    url = admin_url(Edition, "change", edition.pk)
    data = page_form_data(staff_client.get(url))
    Edition.objects.filter(pk=edition.pk).update(lock_version=5, short_name="Сохранено другим")
    data["short_name"] = "Моя правка"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "сохранил другой пользователь" in response.content.decode()
    edition.refresh_from_db()
    assert edition.short_name == "Сохранено другим"


def test_withdrawal_is_not_a_field_edit_in_the_admin(staff_client, catalogue):
    response = staff_client.get(admin_url(Service, "change", catalogue[Service].pk))
    form = response.context["adminform"].form
    assert "is_withdrawn" not in form.fields
    assert "withdrawal_reason" not in form.fields


def test_service_autocomplete_labels_services_by_their_newest_edition(staff_client, catalogue):
    service = catalogue[Service]
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "registry",
            "model_name": "edition",
            "field_name": "service",
            "term": service.registry_number,
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": str(service.pk), "text": f"{service.registry_number} — Тестовый документ"}
    ]


def test_service_search_finds_by_edition_name(staff_client, catalogue):
    other = factories.edition(full_name="Выдача разрешения на строительство", short_name="")
    response = staff_client.get(admin_url(Service, "changelist"), {"q": "разрешения на строительство"})
    assert list(response.context["cl"].result_list) == [other.service]


def test_service_list_shows_the_newest_editions_name(staff_client, catalogue):
    service = catalogue[Service]
    publish(catalogue[Edition])
    factories.edition(service, short_name="Новое краткое наименование")
    response = staff_client.get(admin_url(Service, "changelist"))
    assert "Новое краткое наименование" in response.content.decode()


# --- query counts do not grow with rows -------------------------------------------------

SERVICE_CHANGELIST_MAX_QUERIES = 8
EDITION_CHANGELIST_MAX_QUERIES = 7


@pytest.mark.parametrize("size", [3, 30])
def test_service_changelist_query_count_does_not_grow(staff_client, django_assert_max_num_queries, size):
    category = Category.objects.create(code="family", name="Семья")
    for _number in range(size):
        service = factories.service(Level.MUNICIPAL)
        service.categories.add(category)
        publish(factories.edition(service))
        factories.edition(service, short_name="Вторая редакция", change_note="Уточнён срок.")

    with django_assert_max_num_queries(SERVICE_CHANGELIST_MAX_QUERIES):
        response = staff_client.get(admin_url(Service, "changelist"))

    assert response.context["cl"].result_count == size
    assert response.content.decode().count('<td class="field-name">Вторая редакция</td>') == size


@pytest.mark.parametrize("size", [3, 30])
def test_edition_changelist_query_count_does_not_grow(staff_client, django_assert_max_num_queries, size):
    for _number in range(size):
        factories.edition(amending_act=factories.legal_act())

    with django_assert_max_num_queries(EDITION_CHANGELIST_MAX_QUERIES):
        response = staff_client.get(admin_url(Edition, "changelist"))

    assert response.context["cl"].result_count == size


def test_edition_page_query_count_does_not_grow_with_rows(staff_client, catalogue):
    edition = catalogue[Edition]
    url = admin_url(Edition, "change", edition.pk)
    staff_client.get(url)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    category = catalogue[ApplicantCategory]
    for number in range(30):
        Document.objects.create(edition=edition, source=DocumentSource.APPLICANT, name=f"Справка № {number}")
        Result.objects.create(edition=edition, name=f"Результат {number}")
        Fee.objects.create(
            edition=edition,
            name=f"пошлина {number}",
            amount=Decimal("100"),
            act=edition.fees.first().act,
            applicant_category=category,
        )
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)

    assert len(inline_formset(response, ApplicantDocumentInline).forms) == 31
    # Each fee row shows its act through the autocomplete widget, which reads that one act.
    assert len(many) <= len(few) + 30


def add_variant_row() -> None:
    factories.variant(factories.edition())


def add_attribute_row() -> None:
    ApplicantAttribute.objects.create(edition=factories.edition(), code="age", question="Возраст?")


def add_body_row() -> None:
    factories.body(Level.MUNICIPAL)


def add_membership_row() -> None:
    user = get_user_model().objects.create_user(username=f"official-{Membership.objects.count()}")
    Membership.objects.create(user=user, body=factories.body(), role=Role.OFFICIAL)


def add_audit_row() -> None:
    edition = factories.edition()
    AuditEvent.objects.create(service=edition.service, edition=edition, kind=AuditEventKind.CREATED)


@pytest.mark.parametrize(
    ("model", "add_one"),
    [
        (Variant, add_variant_row),
        (ApplicantAttribute, add_attribute_row),
        (ProviderBody, add_body_row),
        (Membership, add_membership_row),
        (AuditEvent, add_audit_row),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_other_changelists_do_not_query_per_row(staff_client, model, add_one):
    url = admin_url(model, "changelist")
    for _number in range(3):
        add_one()
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    for _number in range(27):
        add_one()
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)

    assert response.context["cl"].result_count >= 30
    assert len(many) == len(few)


# --- bad input is an error on its field, never a 500 ------------------------------------


def post_edition_page(staff_client, edition, change, **fields):
    """Open the edition page, let `change(response, data)` alter the POST, and send it."""
    url = admin_url(Edition, "change", edition.pk)
    shown = staff_client.get(url)
    data = page_form_data(shown)
    data.update(fields)
    change(shown, data)
    return staff_client.post(url, data)


def assert_nothing_written(edition: Edition, documents_before: int) -> None:
    edition.refresh_from_db()
    assert edition.full_name == "Выдача тестового документа"
    assert Document.objects.filter(edition=edition).count() == documents_before


@pytest.fixture
def draft(catalogue) -> Edition:
    return catalogue[Edition]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Паспорт гражданина", "Паспорт гражданина"),
        ("Паспорт гражданина", "  ПАСПОРТ   гражданина "),
        ("Свидетельство о рождении ребёнка", "Свидетельство о рождении ребенка"),
    ],
)
def test_two_new_rows_with_one_name_in_one_list_give_a_row_error(staff_client, draft, first, second):
    before = Document.objects.filter(edition=draft).count()
    rows = {}

    def change(shown, data):
        prefix = inline_prefix(shown, ApplicantDocumentInline)
        rows["first"] = add_row(data, prefix, name=first, presentation="original", copies="1", order="1")
        rows["second"] = add_row(data, prefix, name=second, presentation="copy", copies="1", order="2")

    response = post_edition_page(staff_client, draft, change, full_name="Изменённое наименование")

    assert response.status_code == 200
    assert row_errors(response, ApplicantDocumentInline, rows["first"], "name") == []
    assert row_errors(response, ApplicantDocumentInline, rows["second"], "name") == [
        f"Документ «{second.strip()}» уже есть в этом перечне."
    ]
    assert "уже есть в этом перечне" in response.content.decode()
    assert_nothing_written(draft, before)


def test_one_name_in_both_new_lists_gives_a_row_error(staff_client, draft):
    before = Document.objects.filter(edition=draft).count()
    rows = {}

    def change(shown, data):
        rows["applicant"] = add_row(
            data,
            inline_prefix(shown, ApplicantDocumentInline),
            name="Справка о доходах",
            presentation="original",
            copies="1",
            order="1",
        )
        rows["interagency"] = add_row(
            data,
            inline_prefix(shown, InteragencyDocumentInline),
            name="справка  о  доходах",
            holder_body="ФНС России",
            presentation="original",
            copies="1",
            order="1",
        )

    response = post_edition_page(staff_client, draft, change, full_name="Изменённое наименование")

    assert response.status_code == 200
    assert row_errors(response, ApplicantDocumentInline, rows["applicant"], "name") == []
    [message] = row_errors(response, InteragencyDocumentInline, rows["interagency"], "name")
    assert message.startswith("Документ «справка  о  доходах» уже указан в перечне «Представляет заявитель»")
    assert "не может быть одновременно" in response.content.decode()
    assert_nothing_written(draft, before)


def test_new_row_repeating_a_saved_document_of_the_other_list_gives_a_row_error(staff_client, draft):
    before = Document.objects.filter(edition=draft).count()
    rows = {}

    def change(shown, data):
        rows["new"] = add_row(
            data,
            inline_prefix(shown, InteragencyDocumentInline),
            name="ЗАЯВЛЕНИЕ",
            presentation="original",
            copies="1",
            order="2",
        )

    response = post_edition_page(staff_client, draft, change, full_name="Изменённое наименование")

    assert response.status_code == 200
    [message] = row_errors(response, InteragencyDocumentInline, rows["new"], "name")
    assert "уже указан в перечне «Представляет заявитель»" in message
    assert_nothing_written(draft, before)


def test_renamed_saved_row_and_new_row_of_the_other_list_clash(staff_client, draft):
    rows = {}

    def change(shown, data):
        data[f"{inline_prefix(shown, ApplicantDocumentInline)}-0-name"] = "Выписка из домовой книги"
        rows["new"] = add_row(
            data,
            inline_prefix(shown, InteragencyDocumentInline),
            name="выписка из домовой книги",
            holder_body="МВД России",
            presentation="original",
            copies="1",
            order="2",
        )

    response = post_edition_page(staff_client, draft, change)

    assert response.status_code == 200
    assert row_errors(response, ApplicantDocumentInline, 0, "name") == []
    [message] = row_errors(response, InteragencyDocumentInline, rows["new"], "name")
    assert "уже указан в перечне «Представляет заявитель»" in message
    assert draft.documents.filter(name="Заявление").exists()


def test_one_name_for_two_variants_is_allowed(staff_client, draft):
    variant = draft.variants.get()

    def change(shown, data):
        prefix = inline_prefix(shown, ApplicantDocumentInline)
        add_row(data, prefix, name="Фотография", presentation="original", copies="2", order="1")
        add_row(
            data,
            prefix,
            name="Фотография",
            presentation="original",
            copies="2",
            order="2",
            variant=variant.pk,
        )

    response = post_edition_page(staff_client, draft, change)

    assert response.status_code == 302
    assert Document.objects.filter(edition=draft, name_key="фотография").count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"deadline_value": "0"},
            "deadline_value",
            "Срок предоставления услуги должен быть положительным числом.",
        ),
        (
            {"deadline_value": "пять"},
            "deadline_value",
            "Введите целое число.",
        ),
    ],
    ids=["zero", "not-a-number"],
)
def test_bad_deadline_is_a_field_error(staff_client, draft, fields, field, message):
    before = Document.objects.filter(edition=draft).count()

    response = post_edition_page(
        staff_client, draft, lambda shown, data: None, full_name="Изменённое наименование", **fields
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert message in response.content.decode()
    assert_nothing_written(draft, before)
    assert draft.deadline_value == 5


def test_the_admin_sets_the_kind_of_a_term_and_shows_the_term_in_words(staff_client, draft):
    response = post_edition_page(
        staff_client, draft, lambda shown, data: None, deadline_kind=DeadlineKind.MINIMUM
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.deadline_kind == DeadlineKind.MINIMUM

    page = staff_client.get(admin_url(Edition, "change", draft.pk)).content.decode()

    assert "срок словами" in page.lower()
    assert "не ранее чем через 5 рабочих дней" in page
    variant = draft.variants.get()
    Variant.objects.filter(pk=variant.pk).update(
        deadline_kind=DeadlineKind.FIXED,
        deadline_value=2,
        deadline_unit=DeadlineUnit.HOURS,
        deadline_day_type="",
    )
    variants = staff_client.get(admin_url(Variant, "changelist")).content.decode()
    assert "через 2 часа" in variants


def test_variant_row_with_a_zero_deadline_is_a_row_error(staff_client, draft):
    rows = {}

    def change(shown, data):
        rows["variant"] = add_row(
            data,
            inline_prefix(shown, VariantInline),
            code="replace",
            name="Замена",
            order="2",
            deadline_value="0",
            deadline_unit=DeadlineUnit.DAYS,
            deadline_day_type=DayType.WORKING,
        )

    response = post_edition_page(staff_client, draft, change)

    assert response.status_code == 200
    assert row_errors(response, VariantInline, rows["variant"], "deadline_value") == [
        "Срок предоставления услуги должен быть положительным числом."
    ]
    assert not draft.variants.filter(code="replace").exists()


def test_a_half_entered_deadline_is_kept_in_the_draft(staff_client, draft):
    """The publication validator names it (deadline.incomplete); a draft may be incomplete."""
    response = post_edition_page(
        staff_client,
        draft,
        lambda shown, data: None,
        deadline_value="5",
        deadline_unit="",
        deadline_day_type="",
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.deadline_value, draft.deadline_unit) == (5, "")


def test_fee_without_legal_basis_is_kept_in_the_draft(staff_client, draft):
    """The publication validator names it (fee.paid_without_basis); a draft may be incomplete."""

    def change(shown, data):
        add_row(
            data,
            inline_prefix(shown, FeeInline),
            name="за выдачу паспорта взамен утраченного",
            amount="1500",
            order="2",
        )

    response = post_edition_page(staff_client, draft, change)

    assert response.status_code == 302
    assert draft.fees.get(name="за выдачу паспорта взамен утраченного").act is None


def test_regional_number_with_another_regions_prefix_is_a_field_error(staff_client, catalogue):
    body = catalogue[ProviderBody]
    count = Service.objects.count()
    url = admin_url(Service, "add")
    data = page_form_data(staff_client.get(url))
    data.update(registry_number="5000100220000088273", level=Level.REGIONAL, provider=str(body.pk))

    response = staff_client.post(url, data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["registry_number"]
    assert message == (
        f"Реестровый номер должен начинаться с кода субъекта РФ органа «{body}» — 73, а начинается с 50."
    )
    assert "должен начинаться с кода субъекта РФ" in response.content.decode()
    assert Service.objects.count() == count


def test_service_added_without_number_gets_one(staff_client, catalogue):
    body = catalogue[ProviderBody]
    url = admin_url(Service, "add")
    data = page_form_data(staff_client.get(url))
    data.update(level=Level.REGIONAL, provider=str(body.pk))

    response = staff_client.post(url, data)

    assert response.status_code == 302
    created = Service.objects.exclude(pk=catalogue[Service].pk).get()
    assert created.registry_number.startswith("73")
    assert len(created.registry_number) == 19


# --- a good edition saves with its rows -------------------------------------------------


def test_first_edition_with_rows_is_saved_and_audited(staff_client, catalogue):
    service = factories.service(Level.REGIONAL, provider=catalogue[ProviderBody])
    act = factories.legal_act(short_title="Приказ МВД России № 773")
    url = admin_url(Edition, "add")
    shown = staff_client.get(url, {"service": service.pk})
    assert shown.context["adminform"].form.initial["number"] == 1
    data = page_form_data(shown)
    data.update(
        full_name="Выдача паспорта гражданина Российской Федерации",
        short_name="Выдача паспорта",
        deadline_value="5",
        deadline_unit=DeadlineUnit.DAYS,
        deadline_day_type=DayType.WORKING,
        deadline_start_event="со дня регистрации заявления",
        is_free="false",
        queue_wait_minutes_submission="15",
        queue_wait_minutes_receipt="15",
        registration_term="same_day",
        available_in_mfc="true",
        available_electronically="true",
        extraterritorial="false",
        access_ramp="on",
        payment_methods=[str(catalogue[PaymentMethod].pk)],
        submission_channels=[str(catalogue[Channel].pk)],
    )
    add_row(data, inline_prefix(shown, ResultInline), kind="document", name="Паспорт", order="1")
    add_row(data, inline_prefix(shown, LegalBasisInline), act=str(act.pk), point="1", order="1")
    add_row(
        data,
        inline_prefix(shown, ApplicantDocumentInline),
        name="Заявление о выдаче паспорта",
        presentation="original",
        copies="1",
        order="1",
    )
    add_row(
        data,
        inline_prefix(shown, InteragencyDocumentInline),
        name="Сведения об уплате государственной пошлины",
        holder_body="Федеральное казначейство",
        presentation="electronic",
        copies="1",
        order="1",
    )
    ground_inlines = {
        AcceptRefusalGroundInline: GroundKind.ACCEPT_REFUSAL,
        SuspensionGroundInline: GroundKind.SUSPENSION,
        RefusalGroundInline: GroundKind.REFUSAL,
        CorrectionRefusalGroundInline: GroundKind.CORRECTION_REFUSAL,
        DuplicateRefusalGroundInline: GroundKind.DUPLICATE_REFUSAL,
        WithoutConsiderationGroundInline: GroundKind.WITHOUT_CONSIDERATION,
    }
    for inline_class, kind in ground_inlines.items():
        add_row(data, inline_prefix(shown, inline_class), text=f"Основание: {kind}", order="1")
    add_row(
        data,
        inline_prefix(shown, FeeInline),
        name="государственная пошлина",
        amount="300",
        act=str(act.pk),
        article="333.33",
        point="1",
        subpoint="17",
        order="1",
    )
    add_row(
        data,
        inline_prefix(shown, QualityIndicatorInline),
        kind=IndicatorKind.QUALITY,
        name="Время ожидания в очереди",
        comparison=IndicatorComparison.AT_MOST,
        target_value="15",
        unit="минут",
        order="1",
    )
    add_row(
        data,
        inline_prefix(shown, StandardFormInline),
        kind=FormKind.REQUEST,
        title="Форма заявления",
        file=pdf_file("forma.pdf"),
        order="1",
    )
    add_row(
        data,
        inline_prefix(shown, VariantInline),
        code="issue",
        name="Выдача паспорта",
        deadline_kind=DeadlineKind.MAXIMUM,
        order="1",
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    edition = service.editions.get(number=1)
    assert edition.status == EditionStatus.DRAFT
    assert AuditEvent.objects.filter(
        edition=edition, kind=AuditEventKind.CREATED, actor__username="admin"
    ).exists()
    assert edition.created_by.username == "admin"
    assert edition.deadline_display() == "не более 5 рабочих дней со дня регистрации заявления"
    assert edition.is_free is False
    assert list(edition.submission_channels.all()) == [catalogue[Channel]]
    assert list(edition.results.values_list("name", flat=True)) == ["Паспорт"]
    assert edition.legal_bases.get().render_citation() == "п. 1 Приказ МВД России № 773"
    assert sorted(edition.documents.values_list("source", "name_key")) == [
        (DocumentSource.APPLICANT, "заявление о выдаче паспорта"),
        (DocumentSource.INTERAGENCY, "сведения об уплате государственной пошлины"),
    ]
    assert sorted(edition.grounds.values_list("kind", "text")) == sorted(
        (kind, f"Основание: {kind}") for kind in GroundKind.values
    )
    assert edition.fees.get().render_citation() == "ст. 333.33 п. 1 пп. 17 Приказ МВД России № 773"
    assert edition.indicators.get().target_value == Decimal("15")
    assert edition.forms.get().file.name.endswith(".pdf")
    assert edition.variants.get().code == "issue"


def test_existing_rows_keep_their_list_when_edited(staff_client, draft):
    def change(shown, data):
        prefix = inline_prefix(shown, ApplicantDocumentInline)
        data[f"{prefix}-0-name"] = "Заявление о выдаче паспорта"

    response = post_edition_page(staff_client, draft, change)

    assert response.status_code == 302
    document = draft.documents.get(name="Заявление о выдаче паспорта")
    assert document.source == DocumentSource.APPLICANT
    assert document.name_key == "заявление о выдаче паспорта"


# --- published text is not edited in place ----------------------------------------------


def submit(edition: Edition) -> Edition:
    with status_transition():
        Edition.objects.filter(pk=edition.pk).update(status=EditionStatus.SUBMITTED)
    edition.refresh_from_db()
    return edition


@pytest.mark.parametrize("put_out_of_draft", [submit, publish], ids=["submitted", "published"])
def test_edition_out_of_draft_is_shown_read_only_with_its_rows(staff_client, catalogue, put_out_of_draft):
    edition = put_out_of_draft(catalogue[Edition])
    url = admin_url(Edition, "change", edition.pk)

    response = staff_client.get(url)

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]
    for inline in response.context["inline_admin_formsets"]:
        assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)
    assert staff_client.post(url, {"full_name": "Другое"}).status_code == 403
    edition.refresh_from_db()
    assert edition.full_name == "Выдача тестового документа"
    for model in (Variant, ApplicantAttribute):
        page = staff_client.get(admin_url(model, "change", catalogue[model].pk))
        assert page.status_code == 200
        assert not page.context["has_change_permission"]


def test_bulk_delete_of_a_published_edition_is_refused(staff_client):
    edition = publish(factories.edition())
    data = {"action": "delete_selected", "_selected_action": [str(edition.pk)], "post": "yes"}

    response = staff_client.post(admin_url(Edition, "changelist"), data)

    assert response.status_code == 403
    assert Edition.objects.filter(pk=edition.pk).exists()


@pytest.mark.parametrize(
    "model", [Channel, PaymentMethod, ApplicantCategory], ids=lambda model: model.__name__
)
def test_classifier_chosen_by_a_published_edition_is_not_deleted(staff_client, catalogue, model):
    edition = publish(catalogue[Edition])
    entry = catalogue[model]
    edition_page = admin_url(Edition, "change", edition.pk)

    single = staff_client.post(admin_url(model, "delete", entry.pk), {"post": "yes"})
    bulk = staff_client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [str(entry.pk)], "post": "yes"},
    )

    for response in (single, bulk):
        assert response.status_code == 200
        assert edition_page in response.content.decode()
    assert model.objects.filter(pk=entry.pk).exists()
    assert edition.submission_channels.count() == 1


def test_classifier_chosen_by_a_draft_only_is_deleted(staff_client, catalogue):
    channel = catalogue[Channel]

    response = staff_client.post(admin_url(Channel, "delete", channel.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not catalogue[Edition].submission_channels.exists()


def test_variant_cannot_be_added_to_a_published_edition(staff_client, draft):
    publish(draft)
    url = admin_url(Variant, "add")
    data = page_form_data(staff_client.get(url))
    data.update(edition=str(draft.pk), code="duplicate", name="Дубликат", order="2")

    response = staff_client.post(url, data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["edition"]
    assert message.startswith(
        f"Редакция № 1 услуги {draft.service.registry_number} в статусе «Действующая редакция»"
    )
    assert not Variant.objects.filter(code="duplicate").exists()


# --- variants and the applicant questionnaire -------------------------------------------


def test_variant_rejects_attribute_values_of_another_edition(staff_client, draft):
    other = ApplicantAttribute.objects.create(
        edition=factories.edition(), code="citizen", question="Гражданин РФ?"
    )
    foreign = AttributeValue.objects.create(attribute=other, code="yes", label="Да")
    url = admin_url(Variant, "add")
    data = page_form_data(staff_client.get(url))
    data.update(
        edition=str(draft.pk), code="replace", name="Замена", order="2", attribute_values=[str(foreign.pk)]
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["attribute_values"]
    assert message == "Значения признаков «Гражданин РФ?: Да» относятся к другой редакции."
    assert not Variant.objects.filter(code="replace").exists()


def test_variant_page_offers_only_its_editions_attribute_values(staff_client, catalogue):
    ApplicantAttribute.objects.create(edition=factories.edition(), code="citizen", question="Гражданин РФ?")
    variant = catalogue[Variant]

    response = staff_client.get(admin_url(Variant, "change", variant.pk))

    offered = response.context["adminform"].form.fields["attribute_values"].queryset
    assert list(offered) == list(AttributeValue.objects.filter(attribute__edition=variant.edition))


def test_applicant_attribute_values_are_added_inline(staff_client, catalogue):
    attribute = catalogue[ApplicantAttribute]
    url = admin_url(ApplicantAttribute, "change", attribute.pk)
    shown = staff_client.get(url)
    data = page_form_data(shown)
    prefix = shown.context["inline_admin_formsets"][0].formset.prefix
    add_row(data, prefix, code="minor", label="младше 18 лет", order="2")

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert list(attribute.values.values_list("code", flat=True)) == ["adult", "minor"]


def test_duplicate_attribute_value_code_is_a_row_error(staff_client, catalogue):
    attribute = catalogue[ApplicantAttribute]
    url = admin_url(ApplicantAttribute, "change", attribute.pk)
    shown = staff_client.get(url)
    data = page_form_data(shown)
    prefix = shown.context["inline_admin_formsets"][0].formset.prefix
    add_row(data, prefix, code="adult", label="совершеннолетний", order="2")

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert attribute.values.count() == 1


def test_provider_body_with_a_bad_ogrn_is_a_field_error(staff_client, catalogue):
    body = catalogue[ProviderBody]
    url = admin_url(ProviderBody, "change", body.pk)
    data = page_form_data(staff_client.get(url))
    data["ogrn"] = "1037700029621"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "не сходится контрольная цифра" in response.context["adminform"].form.errors["ogrn"][0]
    body.refresh_from_db()
    assert body.ogrn == "1037700029620"


def test_edition_add_page_for_an_unknown_service_still_renders(staff_client):
    response = staff_client.get(admin_url(Edition, "add"), {"service": "not-a-number"})
    assert response.status_code == 200


def test_edition_list_filters_by_status(staff_client, catalogue):
    published = publish(factories.edition())
    response = staff_client.get(admin_url(Edition, "changelist"), {"status__exact": EditionStatus.PUBLISHED})
    assert list(response.context["cl"].result_list) == [published]


def test_second_open_edition_of_a_service_is_a_field_error(staff_client, catalogue):
    service = catalogue[Service]
    url = admin_url(Edition, "add")
    data = page_form_data(staff_client.get(url, {"service": service.pk}))
    data.update(full_name="Ещё одна редакция")

    response = staff_client.post(url, data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["service"]
    assert message.startswith("У услуги уже есть незавершённая редакция № 1 (Черновик)")
    assert service.editions.count() == 1


def test_edition_page_offers_only_its_own_variants(staff_client, catalogue):
    factories.variant(factories.edition(), name="Вариант чужой редакции")
    edition = catalogue[Edition]

    response = staff_client.get(admin_url(Edition, "change", edition.pk))

    offered = inline_formset(response, FeeInline).form.base_fields["variant"].queryset
    assert list(offered) == list(edition.variants.all())
