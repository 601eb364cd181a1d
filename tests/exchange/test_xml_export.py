"""The XML export: everything the registry holds, valid against the XSD, published data only,
filters, one service, incremental changes, and a query count that does not grow with rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.exchange import records
from registry.exchange.selectors import ExportRequestError
from registry.models import (
    ApplicantAttribute,
    AttributeValue,
    Edition,
    EditionStatus,
    ProviderBody,
    Service,
    Variant,
)
from registry.services import (
    edition_approve,
    edition_create_draft,
    edition_publish,
    edition_submit,
    edition_update,
    service_restore,
    service_withdraw,
)
from tests.exchange.conftest import NS, assert_valid, export_xml

pytestmark = pytest.mark.django_db


def model_fields(model) -> set[str]:
    return {field.name for field in [*model._meta.concrete_fields, *model._meta.many_to_many]}


def test_every_edition_field_is_exchanged_or_deliberately_left_out():
    covered = {*records.EDITION_SCALARS, *records.EDITION_META, *records.EDITION_CHOICES}
    assert model_fields(Edition) - covered == records.EDITION_NOT_EXCHANGED


@pytest.mark.parametrize("section", list(records.ROW_SECTIONS))
def test_every_row_field_is_exchanged_or_deliberately_left_out(section):
    model, fields = records.ROW_SECTIONS[section]
    exchanged = set(fields) - {"file_name", "sha256"} | ({"file"} if section == "forms" else set())
    assert model_fields(model) - exchanged - records.ROW_NOT_EXCHANGED == set()


def test_variant_attribute_and_body_fields_are_all_exchanged():
    assert model_fields(Variant) - set(records.VARIANT_FIELDS) == {
        "id",
        "edition",
        "order",
        "attribute_values",
    }
    assert model_fields(ApplicantAttribute) == {"id", "edition", "code", "question", "order"}
    assert model_fields(AttributeValue) == {"id", "attribute", "code", "label", "order"}
    assert model_fields(ProviderBody) - set(records.BODY_FIELDS) == {"id", "parent"}


def test_full_export_of_the_demo_validates_and_holds_every_published_service(demo):
    root = assert_valid(export_xml())
    numbers = [service.get("registryNumber") for service in root.iter(f"{NS}service")]
    published = Service.objects.filter(editions__status=EditionStatus.PUBLISHED, is_withdrawn=False)
    assert sorted(numbers) == sorted(published.values_list("registry_number", flat=True))
    assert root.get("scope") == "full" and root.get("content") == "published"
    assert {edition.get("status") for edition in root.iter(f"{NS}edition")} == {"published"}
    # A service with variants carries them, their attributes and the rows that point at them.
    assert root.find(f".//{NS}variants/{NS}variant/{NS}selectedBy") is not None
    assert root.find(f".//{NS}forms/{NS}form/{NS}content") is not None


def test_a_draft_only_service_is_not_exported_but_an_administrator_gets_drafts(demo):
    draft_only = Service.objects.exclude(editions__status__in=[EditionStatus.PUBLISHED]).first()
    assert draft_only is not None
    public = assert_valid(export_xml())
    assert draft_only.registry_number not in {s.get("registryNumber") for s in public.iter(f"{NS}service")}
    drafts = assert_valid(export_xml(content="drafts"))
    statuses = {
        s.get("registryNumber"): s.find(f"{NS}edition").get("status") for s in drafts.iter(f"{NS}service")
    }
    assert statuses[draft_only.registry_number] == "draft"
    assert drafts.get("content") == "drafts"


def test_filtered_export_holds_only_the_matching_services_and_one_service_export_one(demo):
    root = assert_valid(export_xml(filters={"level": "municipal"}))
    levels = {service.get("level") for service in root.iter(f"{NS}service")}
    assert levels == {"municipal"} and root.get("scope") == "filtered"
    number = next(root.iter(f"{NS}service")).get("registryNumber")
    single = assert_valid(export_xml(registry_number=number))
    assert [s.get("registryNumber") for s in single.iter(f"{NS}service")] == [number]
    # Bodies listed are only the service's own and its superiors (a receiver creates them).
    body = Service.objects.get(registry_number=number).provider
    chain = []
    while body is not None:
        chain.append(f"body-{body.pk}")
        body = body.parent
    assert sorted(b.get("id") for b in single.iter(f"{NS}body")) == sorted(chain)


def test_an_unknown_service_or_filter_is_refused_with_a_message(demo):
    with pytest.raises(ExportRequestError, match="не найдена"):
        export_xml(registry_number="99999999999")
    with pytest.raises(ExportRequestError, match="Неверный фильтр"):
        export_xml(filters={"level": "galactic"})


def test_export_query_count_does_not_grow_with_the_services(demo):
    def count(level: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            root = assert_valid(export_xml(filters={"level": level}))
        return len(queries), len(list(root.iter(f"{NS}edition")))

    few_queries, few = count("municipal")
    more_queries, more = count("federal")
    all_queries, every = count("")
    assert few < more < every
    assert more_queries == few_queries
    # Without a filter the export does not build the catalogue's filter form and choice lists.
    assert all_queries <= few_queries


def publish_new_edition(service: Service, **changes) -> Edition:
    draft = edition_create_draft(service=service, actor=None)
    draft = edition_update(
        edition=draft,
        actor=None,
        changes={"change_note": "Уточнён порядок.", **changes},
        expected_version=draft.lock_version,
    )
    edition_submit(edition=draft, actor=None)
    edition_approve(edition=draft, actor=None)
    return edition_publish(edition=draft, actor=None, effective_date=datetime.date.today())


def test_incremental_export_after_publish_supersede_and_withdraw(demo):
    since = int(assert_valid(export_xml()).get("sequence"))
    empty = assert_valid(export_xml(since=since))
    assert list(empty.iter(f"{NS}service")) == [] and empty.get("scope") == "changes"

    services = list(Service.objects.filter(editions__status=EditionStatus.PUBLISHED, is_withdrawn=False)[:2])
    changed, withdrawn = services
    publish_new_edition(changed, short_name="Новое краткое наименование")
    service_withdraw(service=withdrawn, actor=None, reason="Полномочие передано.", date=datetime.date.today())

    root = assert_valid(export_xml(since=since))
    assert int(root.get("sequence")) == since + 3  # superseded, published, withdrawn
    sent = root.find(f"{NS}services").findall(f"{NS}service")
    assert [s.get("registryNumber") for s in sent] == [changed.registry_number]
    assert sent[0].findtext(f"{NS}edition/{NS}shortName") == "Новое краткое наименование"
    gone = root.find(f"{NS}withdrawn").findall(f"{NS}service")
    assert [(s.get("registryNumber"), s.findtext(f"{NS}reason")) for s in gone] == [
        (withdrawn.registry_number, "Полномочие передано.")
    ]
    # After the receiver caught up, a restoration sends the service again.
    caught_up = int(root.get("sequence"))
    service_restore(service=withdrawn, actor=None)
    again = assert_valid(export_xml(since=caught_up))
    assert [s.get("registryNumber") for s in again.find(f"{NS}services")] == [withdrawn.registry_number]
    assert list(again.find(f"{NS}withdrawn")) == []
