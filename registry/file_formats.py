"""What a form file is, judged by its content rather than by its name.

A browser decides how to show a file by its bytes as much as by its name: an HTML page or an
SVG picture with a script, renamed ``.pdf``, would run in the registry's origin. So an upload
is accepted only when its content is a document of the kind its extension names:

- PDF: starts with ``%PDF-``;
- DOCX and XLSX (Office Open XML): a ZIP whose ``[Content_Types].xml`` declares the main part
  of a Word document or an Excel workbook, without a macro project;
- ODT and ODS (OpenDocument): a ZIP whose first entry ``mimetype`` names a text document or a
  spreadsheet, without Basic or script macros;
- DOC and XLS (the binary Office formats, which many bodies' forms still are): an OLE2
  compound file with a ``WordDocument`` stream, or a ``Workbook``/``Book`` stream, and no
  macro storage;
- RTF: starts with ``{\\rtf``; it is text a browser does not run and holds no macros.

Everything else is named by what it is (an HTML page, an SVG picture, an image, a program …)
so that the official's message says why the file was refused.
"""

import struct
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 4096
CONTENT_TYPES_LIMIT = 1024 * 1024  # [Content_Types].xml is a few kilobytes; never read a bomb
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass(frozen=True)
class FileFormat:
    """A kind of content; ``extensions`` are the form extensions it may carry (none: not a form)."""

    code: str
    label: Promise
    content_type: str = "application/octet-stream"
    extensions: tuple[str, ...] = field(default=())

    @property
    def is_form(self) -> bool:
        return bool(self.extensions)


PDF = FileFormat("pdf", _("документ PDF"), "application/pdf", ("pdf",))
DOCX = FileFormat(
    "docx",
    _("документ Word (DOCX)"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
XLSX = FileFormat(
    "xlsx",
    _("таблица Excel (XLSX)"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
)
ODT = FileFormat(
    "odt", _("текстовый документ OpenDocument (ODT)"), "application/vnd.oasis.opendocument.text", ("odt",)
)
ODS = FileFormat(
    "ods", _("таблица OpenDocument (ODS)"), "application/vnd.oasis.opendocument.spreadsheet", ("ods",)
)
DOC = FileFormat("doc", _("документ Word (DOC)"), "application/msword", ("doc",))
XLS = FileFormat("xls", _("таблица Excel (XLS)"), "application/vnd.ms-excel", ("xls",))
RTF = FileFormat("rtf", _("документ RTF"), "application/rtf", ("rtf",))

FORM_FORMATS = (PDF, DOC, DOCX, ODT, RTF, XLS, XLSX, ODS)
BY_EXTENSION = {extension: fmt for fmt in FORM_FORMATS for extension in fmt.extensions}

HTML = FileFormat("html", _("веб-страница HTML"))
SVG = FileFormat("svg", _("рисунок SVG"))
XML = FileFormat("xml", _("документ XML"))
OFFICE_MACROS = FileFormat("office_macros", _("документ Office с макросами"))
OFFICE_OTHER = FileFormat("office_other", _("файл Office другого вида (не документ Word и не таблица Excel)"))
ODF_MACROS = FileFormat("odf_macros", _("документ OpenDocument с макросами"))
ODF_OTHER = FileFormat("odf_other", _("файл OpenDocument другого вида (не текст и не таблица)"))
ZIP = FileFormat("zip", _("архив ZIP"))
PNG = FileFormat("png", _("изображение PNG"))
JPEG = FileFormat("jpeg", _("изображение JPEG"))
GIF = FileFormat("gif", _("изображение GIF"))
PROGRAM = FileFormat("program", _("программа"))
TEXT = FileFormat("text", _("простой текст"))
EMPTY = FileFormat("empty", _("пустой файл"))
UNKNOWN = FileFormat("unknown", _("данные неизвестного вида"))

OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
ODF_MIMETYPES = {ODT.content_type: ODT, ODS.content_type: ODS}
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<meta", b"<a ")


def detect_format(stream: BinaryIO) -> FileFormat:
    """The kind of the stream's content; the stream is read from its start and left there."""
    stream.seek(0)
    try:
        head = stream.read(HEAD_BYTES)
        if not head:
            return EMPTY
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"{\\rtf"):
            return RTF
        if head.startswith(b"PK\x03\x04"):
            return _zip_format(stream)
        if head.startswith(OLE2_SIGNATURE):
            stream.seek(0)
            return _ole2_format(stream.read())
        return _other_format(head)
    finally:
        stream.seek(0)


def _zip_format(stream: BinaryIO) -> FileFormat:
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        if entries and entries[0].filename == "mimetype":
            with archive.open(entries[0]) as handle:
                mimetype = handle.read(200).decode("ascii", "replace").strip()
            if any(name.startswith(("Basic/", "Scripts/")) for name in names):
                return ODF_MACROS
            return ODF_MIMETYPES.get(mimetype, ODF_OTHER)
        if "[Content_Types].xml" in names:
            with archive.open("[Content_Types].xml") as handle:
                declared = handle.read(CONTENT_TYPES_LIMIT).decode("utf-8", "replace")
            if "vbaProject" in declared or "macroEnabled" in declared:
                return OFFICE_MACROS
            for main_part, fmt in OOXML_MAIN_PARTS.items():
                if f'"{main_part}"' in declared:
                    return fmt
            return OFFICE_OTHER
    # A damaged or hostile archive: zipfile raises NotImplementedError for a compression method it
    # does not know and RuntimeError for an encrypted member. Either way the content is unknown.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, RuntimeError, NotImplementedError, OSError):
        return UNKNOWN
    return ZIP


def _ole2_format(data: bytes) -> FileFormat:
    names = ole2_stream_names(data)
    if names is None:
        return UNKNOWN
    if {"Macros", "_VBA_PROJECT_CUR", "VBA"} & names:
        return OFFICE_MACROS
    if "WordDocument" in names:
        return DOC
    if "Workbook" in names or "Book" in names:
        return XLS
    return OFFICE_OTHER


def ole2_stream_names(data: bytes) -> set[str] | None:
    """The names in an OLE2 compound file's directory (``None`` when it is malformed).

    The directory is a chain of sectors in the file allocation table; the table's own sectors
    are listed in the header (the first 109) and in a chain of DIFAT sectors (the rest)."""
    try:
        (sector_shift,) = struct.unpack_from("<H", data, 30)
        if sector_shift not in (9, 12):
            return None
        size = 1 << sector_shift
        fat_count, first_directory = struct.unpack_from("<II", data, 44)
        first_difat, difat_count = struct.unpack_from("<II", data, 68)

        def sector(number: int) -> bytes:
            start = (number + 1) * size
            if start + size > len(data):
                raise ValueError("sector past the end")
            return data[start : start + size]

        fat_sectors = list(struct.unpack_from("<109I", data, 76))
        difat, seen = first_difat, 0
        while difat < 0xFFFFFFFA and seen < difat_count:
            entries = struct.unpack(f"<{size // 4}I", sector(difat))
            fat_sectors.extend(entries[:-1])
            difat, seen = entries[-1], seen + 1
        fat: list[int] = []
        for number in fat_sectors[:fat_count]:
            fat.extend(struct.unpack(f"<{size // 4}I", sector(number)))
        names: set[str] = set()
        current, visited = first_directory, set()
        while current < 0xFFFFFFFA:
            if current in visited or current >= len(fat):
                return None
            visited.add(current)
            block = sector(current)
            for offset in range(0, size, 128):
                length, kind = struct.unpack_from("<HB", block, offset + 64)
                if kind and 2 <= length <= 64:
                    names.add(block[offset : offset + length - 2].decode("utf-16-le", "replace"))
            current = fat[current]
    except (struct.error, ValueError):
        return None
    return names


def _other_format(head: bytes) -> FileFormat:
    if head.startswith(b"\x89PNG"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith((b"MZ", b"\x7fELF", b"#!")):
        return PROGRAM
    text = _as_text(head)
    if text is None:
        return UNKNOWN
    lowered = text.lstrip().lower().encode("utf-8")
    if b"<svg" in lowered:
        return SVG
    if any(marker in lowered for marker in HTML_MARKERS):
        return HTML
    if lowered.startswith(b"<"):
        return XML
    return TEXT


def _as_text(head: bytes) -> str | None:
    """The head as text when it is text (UTF-8 or UTF-16 with its mark, or a one-byte code page)."""
    for mark, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(mark):
            return head[len(mark) :].decode(encoding, "replace")
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a character cut by the head's end
            return head[: error.start].decode("utf-8")
        return head.decode("cp1251")


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
