"""Entry points for the commands and views: import a file of either format from a path."""

from pathlib import Path

from registry.exchange.applying import run_import
from registry.exchange.report import ImportReport
from registry.exchange.xlsx_import import xlsx_source
from registry.exchange.xml_import import xml_source
from registry.permissions import User

XLSX_SUFFIXES = (".xlsx",)


def detect_format(path: Path, declared_name: str = "") -> str:
    """ "xlsx" for a zip (or a name ending in .xlsx), else "xml": the content decides first."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"PK") or (declared_name or path.name).lower().endswith(XLSX_SUFFIXES):
        return "xlsx"
    return "xml"


def import_file(
    path: Path, *, actor: User, dry_run: bool, publish: bool = False, file_name: str = ""
) -> ImportReport:
    """Import an exchange file (XML or Excel): everything or nothing; a dry run writes nothing."""
    kind = detect_format(path, file_name)
    reader = xlsx_source if kind == "xlsx" else xml_source
    report = ImportReport(file_name=file_name or path.name)
    return run_import(
        lambda rep: reader(path, rep), actor=actor, dry_run=dry_run, publish=publish, report=report
    )
