"""The reference data and the demo registry: they load, they are complete where they claim
to be, and loading them again changes nothing.

The demo is loaded once per module (it publishes some 45 editions of 43 services through the
workflow); each test runs in a savepoint inside that load and is rolled back after it."""

import itertools
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from lxml import etree

from registry.demo import (
    CREATED,
    DEMO_DIR,
    REFERENCE_DIR,
    FixtureError,
    demo_expected_gaps,
    demo_service_files,
    load_demo,
    load_reference,
)
from registry.models import (
    FROZEN_STATUSES,
    Edition,
    EditionStatus,
    Level,
    ProviderBody,
    Region,
    Service,
    StandardForm,
    Variant,
)
from registry.services import SubmissionRefused, edition_submit
from registry.validation import validate_edition
from regulations.models import LegalAct, LegalActStatus, StatutoryRequirement

pytestmark = pytest.mark.django_db

DUMPED_APPS = ("regulations", "registry", "auth")


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def _media_root(settings, demo_media):
    """Every test of this module sees the form files the module's load wrote."""
    settings.MEDIA_ROOT = demo_media


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    """The report of the first load into an empty registry; rolled back after the module."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media), transaction.atomic():
        report = load_demo()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def fixtures_copy(tmp_path) -> tuple[Path, Path]:
    """A writable copy of fixtures/reference and fixtures/demo."""
    reference = tmp_path / "reference"
    demo_dir = tmp_path / "demo"
    shutil.copytree(REFERENCE_DIR, reference)
    shutil.copytree(DEMO_DIR, demo_dir)
    return reference, demo_dir


def read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def dump_everything() -> dict[str, str]:
    """Every row of the project's apps (and users), serialized with primary keys."""
    dumps = {}
    for app_label in DUMPED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            dumps[model._meta.label] = serializers.serialize("json", model._base_manager.order_by("pk"))
    return dumps


def latest_edition(service: Service) -> Edition:
    return service.editions.order_by("-number").first()


# ---------------------------------------------------------------- what the demo holds


def test_demo_loads_services_of_all_three_levels_with_published_editions_and_drafts(demo):
    services = Service.objects.all()
    assert services.count() == len(demo_service_files()) >= 15
    assert demo.count(Service, CREATED) == services.count()
    assert set(services.values_list("level", flat=True)) == {Level.FEDERAL, Level.REGIONAL, Level.MUNICIPAL}

    # Issue 13: the catalogue search needs at least 40 published services to have wrong answers to beat.
    published = Edition.objects.filter(status=EditionStatus.PUBLISHED)
    assert published.values("service").distinct().count() >= 40
    assert not published.filter(effective_date__isnull=True).exists()
    assert not published.filter(published_at__isnull=True).exists()

    drafts = [s for s in services if not s.editions.exclude(status=EditionStatus.DRAFT).exists()]
    assert len(drafts) >= 3


def test_every_loaded_object_passes_full_clean(demo):
    checked = set()
    for app_label in ("regulations", "registry"):
        for model in apps.get_app_config(app_label).get_models():
            for obj in model._base_manager.all():
                obj.full_clean()
                checked.add(model)
    assert {Region, LegalAct, ProviderBody, Service, Edition, Variant, StandardForm} <= checked


def test_reference_data_has_all_subjects_and_the_migrations_law_only_once(demo):
    assert Region.objects.count() == 89
    assert Region.objects.get(code="01").name == "Республика Адыгея (Адыгея)"
    assert Region.objects.get(code="89").name == "Ямало-Ненецкий автономный округ"
    assert Region.objects.get(code="73").name == "Ульяновская область"
    assert LegalAct.objects.filter(number="210-ФЗ").count() == 1
    assert LegalAct.objects.get(kind="code", number="117-ФЗ").short_title == "НК РФ"


def test_a_repealed_act_has_its_end_date_and_a_superseded_edition_cites_it(demo):
    repealed = LegalAct.objects.filter(status=LegalActStatus.REPEALED)
    assert repealed.exists()
    assert not repealed.filter(in_force_until__isnull=True).exists()
    cited_by = Edition.objects.filter(legal_bases__act__in=repealed).distinct()
    assert cited_by.exists()
    assert set(cited_by.values_list("status", flat=True)) == {EditionStatus.SUPERSEDED}


def test_real_identifiers_of_federal_bodies(demo):
    mvd = ProviderBody.objects.get(ogrn="1037700029620")
    assert (mvd.short_name, mvd.inn) == ("МВД России", "7706074737")
    assert ProviderBody.objects.get(ogrn="1047707030513").inn == "7707329152"
    assert ProviderBody.objects.get(ogrn="1227700700633").inn == "7706016118"  # СФР
    assert ProviderBody.objects.get(ogrn="1047796940465").inn == "7706560536"  # Росреестр


def test_passport_fees_follow_the_tax_code(demo):
    edition = Edition.objects.get(service__registry_number="10000000361", status=EditionStatus.PUBLISHED)
    fees = {fee.variant.code: (fee.amount, fee.render_citation()) for fee in edition.fees.all()}
    assert fees["first_issue"][0] == 300
    assert fees["lost"] == fees["unfit"] == (1500, "ст. 333.33 п. 1 пп. 18 НК РФ")
    assert (edition.deadline_value, edition.deadline_unit, edition.deadline_day_type) == (
        5,
        "days",
        "working",
    )


def test_divorce_fees_follow_the_tax_code_per_variant(demo):
    divorce = "7700000000160000104"
    edition = Edition.objects.get(service__registry_number=divorce, status=EditionStatus.PUBLISHED)
    fees = {fee.variant.code: (fee.amount, fee.render_citation()) for fee in edition.fees.all()}
    assert fees == {
        "mutual": (650, "ст. 333.26 п. 1 пп. 2 НК РФ"),
        "court": (650, "ст. 333.26 п. 1 пп. 2 НК РФ"),
        "one_spouse": (350, "ст. 333.26 п. 1 пп. 2 НК РФ"),
    }


def test_two_services_keep_a_superseded_edition_and_name_what_changed_in_the_next(demo):
    superseded = Edition.objects.filter(status=EditionStatus.SUPERSEDED)
    assert superseded.count() >= 2
    for old in superseded:
        newer = old.service.editions.get(number=old.number + 1)
        assert newer.status == EditionStatus.PUBLISHED
        assert newer.amending_act_id or newer.change_note.strip()
        assert newer.effective_date >= old.effective_date


# ---------------------------------------------------------------- completeness and gaps


def test_published_editions_pass_the_publication_validator(demo):
    for edition in Edition.objects.filter(status__in=[EditionStatus.PUBLISHED, EditionStatus.SUPERSEDED]):
        report = validate_edition(edition)
        assert report.missing_requirements == [], edition
        assert report.is_publishable, (edition, report.codes)


def test_each_draft_leaves_exactly_its_declared_gaps(demo):
    gaps = demo_expected_gaps()
    assert len(gaps) >= 3
    known = set(StatutoryRequirement.objects.values_list("code", flat=True))
    for registry_number, expected in gaps.items():
        assert expected and set(expected) <= known
        edition = latest_edition(Service.objects.get(registry_number=registry_number))
        assert edition.status == EditionStatus.DRAFT
        assert sorted(validate_edition(edition).missing_requirements) == sorted(expected), registry_number


def test_every_combination_of_answers_selects_exactly_one_variant(demo):
    editions = Edition.objects.filter(variants__isnull=False).distinct()
    assert editions.count() >= 2
    for edition in editions:
        attributes = list(edition.applicant_attributes.prefetch_related("values"))
        assert attributes, edition
        selections = {
            variant.code: set(variant.attribute_values.all())
            for variant in Variant.objects.filter(edition=edition).prefetch_related("attribute_values")
        }
        for answers in itertools.product(*(list(attribute.values.all()) for attribute in attributes)):
            # A variant matches when, for every attribute it restricts, the answer is among its values.
            matching = [
                code
                for code, values in selections.items()
                if all(
                    answer in values
                    for answer in answers
                    if answer.attribute_id in {value.attribute_id for value in values}
                )
            ]
            assert len(matching) == 1, (edition, [answer.code for answer in answers], matching)


def test_forms_are_real_opendocument_files(demo):
    forms = StandardForm.objects.all()
    assert forms.exists()
    form = forms.first()
    with zipfile.ZipFile(form.file.open("rb")) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = etree.fromstring(archive.read("content.xml"))
    texts = content.xpath(
        "//text:p/text()", namespaces={"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    )
    assert texts[0] == form.title


def test_the_demos_forms_download_through_their_editions_visibility(demo, client):
    public = StandardForm.objects.filter(edition__status__in=FROZEN_STATUSES).select_related("edition")
    assert public.exists()
    for form in public:
        response = client.get(form.file.url)
        assert response.status_code == 200, form.file.name
        assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
        assert response["Content-Disposition"].startswith("attachment;")
    hidden = StandardForm.objects.exclude(edition__status__in=FROZEN_STATUSES)
    for form in hidden:
        assert client.get(form.file.url).status_code == 404, form.file.name


# ---------------------------------------------------------------- idempotence


def test_loading_again_changes_nothing(demo, demo_media):
    before = dump_everything()
    files_before = sorted(p.relative_to(demo_media) for p in demo_media.rglob("*") if p.is_file())

    report = load_demo()

    assert not report.changed_anything, report.lines()
    assert report.total("unchanged") > 0
    assert dump_everything() == before
    assert sorted(p.relative_to(demo_media) for p in demo_media.rglob("*") if p.is_file()) == files_before


def test_loading_the_reference_again_changes_nothing(demo):
    before = dump_everything()
    report = load_reference()
    assert not report.changed_anything
    assert dump_everything() == before


def test_a_changed_draft_is_updated_in_place_and_a_reload_keeps_it(demo, fixtures_copy):
    reference, demo_dir = fixtures_copy
    path = demo_dir / "municipal-land-use-permit.json"
    data = read(path)
    data["editions"][0]["deadline_value"] = 20
    data["editions"][0]["documents"].pop()
    write(path, data)
    edition = latest_edition(Service.objects.get(registry_number="7300000000160000201"))
    version = edition.lock_version

    report = load_demo(directory=demo_dir, reference_directory=reference)

    assert report.count(Edition, "updated") == 1
    assert report.count(Edition, "unchanged") == Edition.objects.count() - 1
    reloaded = latest_edition(Service.objects.get(registry_number="7300000000160000201"))
    assert reloaded.pk == edition.pk
    assert (reloaded.deadline_value, reloaded.documents.count()) == (20, 3)
    assert reloaded.lock_version == version + 1
    assert not load_demo(directory=demo_dir, reference_directory=reference).changed_anything


# ---------------------------------------------------------------- bad fixture data


def test_a_bad_region_code_names_the_file_and_the_field(demo, fixtures_copy):
    reference, demo_dir = fixtures_copy
    regions = read(reference / "regions.json")
    regions.append({"code": "7A", "name": "Неверный субъект"})
    write(reference / "regions.json", regions)

    with pytest.raises(FixtureError) as raised:
        load_reference(directory=reference)

    assert raised.value.path.name == "regions.json"
    assert raised.value.field == "[89].code"
    assert "7A" in str(raised.value)


def test_a_bad_value_in_a_draft_names_the_file_and_the_field(demo, fixtures_copy):
    reference, demo_dir = fixtures_copy
    path = demo_dir / "municipal-land-use-permit.json"
    data = read(path)
    data["editions"][0]["deadline_unit"] = "weeks"
    write(path, data)

    with pytest.raises(FixtureError) as raised:
        load_demo(directory=demo_dir, reference_directory=reference)

    assert (raised.value.path.name, raised.value.field) == (
        "municipal-land-use-permit.json",
        "editions[0].deadline_unit",
    )
    assert Edition.objects.filter(deadline_unit="weeks").count() == 0


def test_an_unknown_key_and_a_missing_act_are_refused(demo, fixtures_copy):
    reference, demo_dir = fixtures_copy
    path = demo_dir / "regional-monthly-family-payment.json"
    data = read(path)
    data["editions"][0]["fees"] = [{"name": "Сбор", "amount": "10.00", "act": ["code", "1-ФЗ", "2000-01-01"]}]
    write(path, data)
    with pytest.raises(FixtureError) as raised:
        load_demo(directory=demo_dir, reference_directory=None)
    assert raised.value.field == "editions[0].fees[0].act"

    data["editions"][0]["fees"] = []
    data["editions"][0]["deadline"] = 5
    write(path, data)
    with pytest.raises(FixtureError) as raised:
        load_demo(directory=demo_dir, reference_directory=None)
    assert raised.value.field == "editions[0].deadline"


def test_a_published_edition_is_not_edited_by_a_reload(demo, fixtures_copy):
    reference, demo_dir = fixtures_copy
    path = demo_dir / "federal-passport.json"
    data = read(path)
    data["editions"][0]["queue_wait_minutes_submission"] = 10
    write(path, data)

    with pytest.raises(FixtureError) as raised:
        load_demo(directory=demo_dir, reference_directory=None)

    assert raised.value.field == "editions[0].queue_wait_minutes_submission"
    first = Edition.objects.get(service__registry_number="10000000361", number=1)
    assert first.queue_wait_minutes_submission == 15


def test_answers_that_select_no_variant_are_refused(demo, fixtures_copy):
    reference, demo_dir = fixtures_copy
    path = demo_dir / "municipal-house-construction-notice.json"
    data = read(path)
    edition = data["editions"][0]
    edition["applicant_attributes"] = [
        {
            "code": "object",
            "question": "Что строится?",
            "values": [{"code": "house", "label": "Жилой дом"}, {"code": "garden", "label": "Садовый дом"}],
        }
    ]
    edition["variants"] = [{"code": "house", "name": "Жилой дом", "attribute_values": [["object", "house"]]}]
    write(path, data)

    with pytest.raises(FixtureError) as raised:
        load_demo(directory=demo_dir, reference_directory=None)

    assert raised.value.field == "editions[0].variants"
    assert "object=garden" in str(raised.value)


def test_a_draft_must_declare_its_gaps(demo, fixtures_copy):
    reference, demo_dir = fixtures_copy
    path = demo_dir / "municipal-land-use-permit.json"
    data = read(path)
    del data["expected_gaps"]
    write(path, data)

    with pytest.raises(FixtureError) as raised:
        load_demo(directory=demo_dir, reference_directory=None)

    assert raised.value.field == "expected_gaps"


# ---------------------------------------------------------------- the commands


def test_load_demo_with_admin_refuses_without_debug(demo, settings, django_user_model):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", "--admin", "--without-deliveries")
    assert not django_user_model.objects.filter(username="admin").exists()


def test_load_demo_with_admin_creates_the_demo_superuser_once(demo, settings, django_user_model, capsys):
    settings.DEBUG = True
    call_command("load_demo", "--admin", "--without-deliveries")
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("admin")
    password_hash = admin.password

    call_command("load_demo", "--admin", "--without-deliveries")

    admin.refresh_from_db()
    assert admin.password == password_hash
    assert django_user_model.objects.filter(username="admin").count() == 1
    assert "изменений нет" in capsys.readouterr().out


def test_load_reference_command_prints_its_report(demo, capsys):
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "Субъекты Российской Федерации: создано 0, изменено 0, без изменений 89, удалено 0" in out


def test_submitting_each_demo_draft_is_refused_with_exactly_its_declared_gaps(demo):
    for registry_number, expected in demo_expected_gaps().items():
        edition = latest_edition(Service.objects.get(registry_number=registry_number))
        with transaction.atomic():
            with pytest.raises(SubmissionRefused) as refused:
                edition_submit(edition=edition, actor=None)
            transaction.set_rollback(True)
        refused_requirements = {f.requirement_code for f in refused.value.findings if f.requirement_code}
        assert refused_requirements == set(expected), registry_number
        assert all(f.message and f.citation for f in refused.value.findings if f.requirement_code)
        edition.refresh_from_db()
        assert edition.status == EditionStatus.DRAFT


def test_the_passport_variants_ask_only_for_the_documents_of_their_reason(demo):
    """Lost and unfit passports are separate variants: the applicant whose passport was lost is
    not asked to bring it, and the one whose passport is unfit is not asked for a loss report."""
    edition = Edition.objects.get(service__registry_number="10000000361", status=EditionStatus.PUBLISHED)
    documents = {variant.code: set() for variant in edition.variants.all()}
    for document in edition.documents.filter(variant__isnull=False).select_related("variant"):
        documents[document.variant.code].add(document.name)
    assert "Паспорт, пришедший в негодность" in documents["unfit"]
    assert not any("негодност" in name for name in documents["lost"])
    assert any("утрате" in name for name in documents["lost"])
    assert not any("утрате" in name for name in documents["unfit"])
