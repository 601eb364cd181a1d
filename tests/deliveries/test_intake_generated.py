"""The demo generator's CSV (``generate_deliveries --csv``) goes through the intake: every row
read back is the row generated, the file is stored, and sent again it changes nothing."""

import dataclasses

import pytest

from registry.deliveries.generator import DEMO_END, generate_rows, write_csv
from registry.deliveries.intake import intake_file
from registry.deliveries.intake.checks import RowChecker
from registry.deliveries.intake.readers import read_rows


@pytest.fixture(scope="module")
def generated(demo_registry, django_db_blocker, tmp_path_factory):
    path = tmp_path_factory.mktemp("generated") / "deliveries.csv"
    with django_db_blocker.unblock():
        rows = list(generate_rows(months=2, end=DEMO_END, seed=11, scale=0.05))
        with path.open("w", encoding="utf-8", newline="") as stream:
            write_csv(rows, stream)
    return rows, path


def without_line(row) -> tuple:
    return dataclasses.astuple(dataclasses.replace(row, line=0))


@pytest.mark.django_db
def test_the_intake_reads_back_every_generated_row(generated):
    rows, path = generated
    assert len(rows) > 100
    checker = RowChecker()
    try:
        checked = [checker.check(raw) for raw in read_rows(path)]
    finally:
        checker.close()
    assert [errors for _row, errors in checked if errors][:3] == []
    assert [without_line(row) for row, _errors in checked] == [without_line(row) for row in rows]


@pytest.mark.django_db
def test_the_generated_file_is_stored_once_and_sent_again_changes_nothing(generated):
    rows, path = generated
    first = intake_file(path)
    assert first.ok, first.lines()[:5]
    assert (first.stored.created, first.stored.updated) == (len(rows), 0)
    again = intake_file(path)
    assert (again.stored.created, again.stored.updated, again.stored.unchanged) == (0, 0, len(rows))
