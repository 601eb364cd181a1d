"""The import report: the outcome of every service of a file, kept on disk past its first
megabyte (a file may hold 100 000 services), read back in order with every error's place."""

from registry.exchange.report import (
    ERROR,
    UNCHANGED,
    ImportProblem,
    ImportReport,
    Location,
    ServiceOutcome,
)


def test_outcomes_spill_to_a_file_and_read_back_in_order_with_their_places():
    report = ImportReport()
    for n in range(20_000):
        where = Location(xpath=f"/registry/services/service[{n + 1}]", line=n + 2)
        report.add(ServiceOutcome(f"{n:011d}", "Архивная справка", UNCHANGED, where))
    cell = Location(sheet="Услуги", row=3, column="B")
    report.add(
        ServiceOutcome("10000000003", "Паспорт", ERROR, cell, [ImportProblem("«Срок»: не число", cell)])
    )
    assert report.services._file._rolled  # on disk, not in memory
    items = list(report.services)
    assert len(items) == len(report.services) == 20_001
    assert (items[4].registry_number, items[4].location.xpath, items[4].location.line) == (
        "00000000004",
        "/registry/services/service[5]",
        6,
    )
    [problem] = items[-1].errors
    assert (problem.message, str(problem.location)) == ("«Срок»: не число", str(cell))
    assert report.counts()[UNCHANGED] == 20_000 and report.counts()[ERROR] == 1
    assert report.error_count == 1 and not report.ok
    assert [str(p) for p in report.errors()] == [str(problem)]
    lines = list(report.lines())
    assert lines[0] == "00000000000 Архивная справка: без изменений"
    assert "ничего из файла не записано" in lines[-1]
    assert list(report.services)[-1].registry_number == "10000000003"  # can be read again
