"""Entry points for the commands and views: import a file of either format from a path."""

import zipfile
from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext as _

from registry.exchange.applying import ImportSource, run_import
from registry.exchange.report import ImportReport
from registry.exchange.xlsx_import import xlsx_source
from registry.exchange.xml_import import xml_source
from registry.permissions import User

XLSX, XML = "xlsx", "xml"
SUFFIXES = {".xlsx": XLSX, ".xml": XML}
# A zip's local file header (or the end record of an empty archive): every .xlsx starts so.
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
HEAD_BYTES = 512


def content_format(path: Path) -> str | None:
    """What the bytes are, whatever the name says: a zip (a workbook), XML (its first character
    is «<» after a byte-order mark and blanks), or neither."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith(ZIP_SIGNATURES):
        return XLSX
    if head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<"):
        return XML
    return None


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def format_mismatch(path: Path, name: str) -> str | None:
    """A file whose name says one format and whose content is the other is refused with what it
    really is: read by its content, it would fail with a message about the wrong format."""
    declared = SUFFIXES.get(Path(name).suffix.lower())
    found = content_format(path)
    if declared == XML and found == XLSX:
        if _is_workbook(path):
            return _(
                "Файл «%(name)s» назван как XML, но это книга Excel (.xlsx): он начинается с подписи "
                "zip-архива «PK». Загрузите его с расширением .xlsx."
            ) % {"name": name}
        return _(
            "Файл «%(name)s» назван как XML, но это zip-архив (начинается с подписи «PK»), а не XML "
            "и не книга Excel."
        ) % {"name": name}
    if declared == XLSX and found == XML:
        return _(
            "Файл «%(name)s» назван как книга Excel (.xlsx), но это XML-документ (текст, "
            "начинающийся с «<»), а не zip-архив книги. Загрузите его с расширением .xml."
        ) % {"name": name}
    return None


def detect_format(path: Path, declared_name: str = "") -> str:
    """The reader for a file: its extension, else its content (a zip is a workbook)."""
    declared = SUFFIXES.get(Path(declared_name or path.name).suffix.lower())
    return declared or content_format(path) or XML


def import_file(
    path: Path,
    *,
    actor: User,
    dry_run: bool,
    publish: bool = False,
    file_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import an exchange file (XML or Excel): everything or nothing; a dry run writes nothing.
    ``file_name`` is the name the file came with (an upload is stored under a name of its own);
    ``progress`` is told how many services have been judged (a background job's bar)."""
    name = file_name or path.name
    report = ImportReport(file_name=name)
    mismatch = format_mismatch(path, name)
    if mismatch is not None:

        def refused(rep: ImportReport) -> ImportSource:
            rep.add_file_error(mismatch)
            return ImportSource(acts={}, services=[])

        return run_import(refused, actor=actor, dry_run=dry_run, publish=publish, report=report)
    reader = xlsx_source if detect_format(path, name) == XLSX else xml_source
    return run_import(
        lambda rep: reader(path, rep),
        actor=actor,
        dry_run=dry_run,
        publish=publish,
        report=report,
        progress=progress,
    )
