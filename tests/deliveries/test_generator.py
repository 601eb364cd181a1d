"""The demo's delivery records: deterministic, free of personal data, true to the standards in
force, with a late office and a crowded one that the compliance rules themselves can tell apart."""

import csv
import datetime
import io
import re
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from registry.deliveries import generator
from registry.deliveries.compliance import ComplianceChecker
from registry.deliveries.generator import DEMO_END, generate_rows, opening_hours, write_csv
from registry.deliveries.rows import Outcome
from registry.deliveries.storage import record_values
from registry.models import DeliveryMonthly, DeliveryRecord, Edition, Office, Service
from registry.workdays import current_calendar

pytestmark = pytest.mark.django_db

MVD_OGRN = "1037700029620"
LATE_OFFICE = "UL-OVM-ZASV"
CROWDED_OFFICE = "UL-MFC-CENTR"
PASSPORT = "10000000361"  # a new edition took effect on 1 March 2025

# Shapes of personal data (152-ФЗ) that no generated value may have: those the intake refuses
# (registry.deliveries.intake.personal), wherever they stand in a value.
PERSONAL_ANYWHERE = (
    re.compile(r"\d{3}-\d{3}-\d{3}[ -]\d{2}"),  # СНИЛС
    re.compile(r"[^\s@]+@[^\s@]+\.\w{2,}"),  # e-mail
    re.compile(r"\d{2} \d{2} ?№? ?\d{6}|\d{4} №? ?\d{6}"),  # серия и номер паспорта
    re.compile(r"\+7[\s(-]*\d{3}"),  # телефон
)


@pytest.fixture(scope="module")
def demo(demo_registry):
    return demo_registry


@pytest.fixture(scope="module")
def rows(demo, django_db_blocker):
    """Six months of the demo at a fifth of its volume."""
    with django_db_blocker.unblock():
        return list(generate_rows(months=6, end=DEMO_END, seed=3, scale=0.2))


def offices_by_id() -> dict[int, Office]:
    return {
        office.pk: office for office in Office.objects.select_related("body").prefetch_related("services")
    }


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(rows):
    assert list(generate_rows(months=6, end=DEMO_END, seed=3, scale=0.2)) == rows
    other = list(generate_rows(months=6, end=DEMO_END, seed=4, scale=0.2))
    assert {row.case_id for row in other}.isdisjoint({row.case_id for row in rows})


def test_a_months_rows_do_not_depend_on_the_window(rows):
    last_month = list(generate_rows(months=1, end=DEMO_END, seed=3, scale=0.2))
    november = [row for row in rows if timezone.localtime(row.submitted_at).date() >= DEMO_END.replace(day=1)]
    assert [row.case_id for row in last_month] == [row.case_id for row in november]


def test_rows_are_numbered_and_case_ids_are_opaque_and_unique(rows):
    assert [row.line for row in rows] == list(range(1, len(rows) + 1))
    assert len({(row.body_id, row.case_id) for row in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"demo-[a-p]{16}", row.case_id), row.case_id


def test_no_value_is_shaped_like_personal_data(rows):
    for row in rows:
        for value in (row.case_id, row.variant_code, row.refusal_ground):
            for shape in PERSONAL_ANYWHERE:
                assert not shape.search(value), (row.line, value)


def test_every_office_delivers_only_its_own_bodys_services_it_is_linked_to(rows):
    offices = offices_by_id()
    providers = dict(Service.objects.values_list("id", "provider_id"))
    seen_offices = set()
    for row in rows:
        office = offices[row.office_id]
        seen_offices.add(office.code)
        assert row.body_id == office.body_id == providers[row.service_id]
        assert row.service_id in {service.pk for service in office.services.all()}
    assert {LATE_OFFICE, CROWDED_OFFICE, "UL-OVM-LEN", "MFC-NOVY-GOROD", "ZAGS-TVER"} <= seen_offices


def test_requests_come_on_working_days_and_in_person_within_opening_hours(rows):
    calendar = current_calendar()
    offices = offices_by_id()
    in_person = 0
    for row in rows:
        submitted = timezone.localtime(row.submitted_at)
        assert calendar.is_working_day(submitted.date()), row
        assert row.submitted_at <= row.registered_at
        if row.result_at is not None:
            assert row.registered_at < row.result_at
        if row.queue_wait_submission is None:
            continue  # through the portal
        in_person += 1
        minute = submitted.hour * 60 + submitted.minute
        hours = opening_hours(offices[row.office_id].working_hours)[submitted.weekday()]
        assert any(low <= minute < high for low, high in hours), (offices[row.office_id].code, submitted)
    assert in_person > len(rows) / 2


def test_nothing_is_submitted_or_decided_after_the_end(rows):
    cutoff = datetime.datetime.combine(
        DEMO_END + datetime.timedelta(days=1), datetime.time(), tzinfo=timezone.get_default_timezone()
    )
    for row in rows:
        assert row.submitted_at < cutoff
        assert row.result_at is None or row.result_at < cutoff
    assert min(timezone.localtime(row.submitted_at).date() for row in rows) >= datetime.date(2026, 6, 1)


def test_variants_are_those_of_the_edition_in_force_on_the_day_of_submission(demo):
    passport = Service.objects.get(registry_number=PASSPORT)
    editions = {
        edition.effective_date: set(edition.variants.values_list("code", flat=True))
        for edition in Edition.objects.filter(service=passport, effective_date__isnull=False)
    }
    old, new = sorted(editions)
    assert editions[old] != editions[new]
    rows = [
        row
        for row in generate_rows(months=6, end=datetime.date(2025, 5, 31), seed=3, scale=0.3)
        if row.service_id == passport.pk
    ]
    before = {row.variant_code for row in rows if timezone.localtime(row.submitted_at).date() < new}
    after = {row.variant_code for row in rows if timezone.localtime(row.submitted_at).date() >= new}
    assert before and before <= editions[old]
    assert after and after <= editions[new]
    assert after - editions[old], "the new edition's own variant is used after it took effect"


def test_most_requests_are_issued_some_refused_on_listed_grounds_a_few_on_others(rows):
    checker = ComplianceChecker()
    outcomes = defaultdict(int)
    listed = defaultdict(int)
    for row in rows:
        outcomes[row.outcome] += 1
        if row.outcome == Outcome.REFUSED:
            assert row.refusal_ground
            listed[checker.evaluate(record_values(row, None))["refusal_ground_listed"]] += 1
        else:
            assert row.refusal_ground == ""
    assert outcomes[Outcome.ISSUED] > 0.8 * len(rows)
    assert {Outcome.REFUSED, Outcome.WITHDRAWN, Outcome.NOT_CONSIDERED, Outcome.SUSPENDED} <= set(outcomes)
    assert listed[True] > 3 * listed[False] > 0


def shares_by_office(rows) -> dict[str, dict[str, float]]:
    """Per office of the МВД: the share of decisions after the term and of waits over the maximum,
    as the compliance rules count them."""
    checker = ComplianceChecker()
    offices = offices_by_id()
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"late": [0, 0], "queue": [0, 0]})
    for row in rows:
        office = offices[row.office_id]
        if office.body.ogrn != MVD_OGRN:
            continue
        checks = checker.evaluate(record_values(row, None))
        if checks.get("on_time") is not None:
            counts[office.code]["late"][0] += not checks["on_time"]
            counts[office.code]["late"][1] += 1
        if checks.get("queue_submission_ok") is not None:
            counts[office.code]["queue"][0] += not checks["queue_submission_ok"]
            counts[office.code]["queue"][1] += 1
    return {
        code: {name: bad / total for name, (bad, total) in values.items()} for code, values in counts.items()
    }


def test_the_late_office_is_measurably_later_and_the_crowded_one_measurably_longer(rows):
    shares = shares_by_office(rows)
    punctual = shares["UL-OVM-LEN"]
    assert shares[LATE_OFFICE]["late"] > 0.2
    assert shares[LATE_OFFICE]["late"] > 3 * punctual["late"]
    assert shares[CROWDED_OFFICE]["queue"] > 0.4
    assert shares[CROWDED_OFFICE]["queue"] > 4 * punctual["queue"]
    for code in ("UL-OVM-LEN", "UL-MREO-1"):
        assert shares[code]["late"] < 0.12, code
        assert shares[code]["queue"] < 0.12, code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("пн–пт 8:00–20:00; сб 9:00–16:00; без перерыва", {0: ((480, 1200),), 5: ((540, 960),), 6: None}),
        (
            "вт, чт 9:00–18:00; ср, пт 11:00–20:00; сб 9:00–13:00; перерыв 13:00–14:00",
            {0: None, 1: ((540, 780), (840, 1080)), 2: ((660, 780), (840, 1200)), 5: ((540, 780),)},
        ),
        ("ежедневно 8:00–20:00", {6: ((480, 1200),)}),
        ("по записи", {0: ((540, 1080),), 4: ((540, 1080),), 5: None}),
    ],
)
def test_opening_hours_are_read_from_the_offices_schedule(text, expected):
    hours = opening_hours(text)
    for weekday, intervals in expected.items():
        assert hours.get(weekday) == intervals, weekday


def test_the_csv_has_the_intake_columns_and_one_line_a_row(rows):
    stream = io.StringIO()
    assert write_csv(rows[:50], stream) == 50
    lines = list(csv.reader(io.StringIO(stream.getvalue()), delimiter=";"))
    assert lines[0] == list(generator.CSV_COLUMNS)
    assert len(lines) == 51
    first = dict(zip(lines[0], lines[1], strict=True))
    assert first["case_id"] == rows[0].case_id
    assert first["service"] == Service.objects.get(pk=rows[0].service_id).registry_number
    assert datetime.datetime.fromisoformat(first["submitted_at"]) == rows[0].submitted_at


def test_the_command_writes_the_csv_and_refuses_a_period_not_yet_over(rows, tmp_path):
    path = tmp_path / "deliveries.csv"
    out = io.StringIO()
    call_command("generate_deliveries", "--months", "1", "--scale", "0.1", "--csv", str(path), stdout=out)
    assert "Записано в" in out.getvalue()
    assert path.read_text(encoding="utf-8").startswith("case_id;service;body;")
    assert not DeliveryRecord.objects.exists()
    with pytest.raises(CommandError, match="должен быть в прошлом"):
        call_command("generate_deliveries", "--end", timezone.localdate().isoformat(), stdout=io.StringIO())


def rollup_snapshot() -> list[tuple]:
    return list(DeliveryMonthly.objects.order_by("service_id", "body_id", "office_id", "month").values_list())


def test_load_demo_stores_the_deliveries_once_and_a_second_run_changes_nothing(
    demo, demo_media, monkeypatch, settings
):
    settings.MEDIA_ROOT = demo_media  # where the demo's form files are: the reload compares them
    monkeypatch.setattr(generator, "DEMO_MONTHS", 2)
    monkeypatch.setattr(generator, "DEMO_SCALE", 0.1)
    call_command("load_demo", "--without-deliveries", stdout=io.StringIO())
    assert not DeliveryRecord.objects.exists()

    first = io.StringIO()
    call_command("load_demo", stdout=first)
    stored = DeliveryRecord.objects.count()
    assert stored > 100
    assert f"создано {stored}, изменено 0, без изменений 0" in first.getvalue()
    records = list(DeliveryRecord.objects.order_by("body_id", "case_id").values_list())
    rollup = rollup_snapshot()
    assert rollup

    second = io.StringIO()
    call_command("load_demo", stdout=second)
    assert f"создано 0, изменено 0, без изменений {stored}" in second.getvalue()
    assert list(DeliveryRecord.objects.order_by("body_id", "case_id").values_list()) == records
    assert rollup_snapshot() == rollup
