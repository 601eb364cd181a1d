"""Limits and checks for untrusted files, applied before any parser reads them.

XML: no DTD, no entity expansion, no network, no huge trees, UTF-8 only, a size limit.
XLSX: a real zip whose declared uncompressed sizes, member count and compression ratios are
checked before openpyxl opens it, and whose XML parts carry no DTD."""

import codecs
import zipfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

MAX_XML_BYTES = getattr(settings, "REGISTRY_EXCHANGE_MAX_XML_BYTES", 512 * 1024 * 1024)
MAX_XLSX_BYTES = getattr(settings, "REGISTRY_EXCHANGE_MAX_XLSX_BYTES", 64 * 1024 * 1024)
MAX_XLSX_UNCOMPRESSED = getattr(settings, "REGISTRY_EXCHANGE_MAX_XLSX_UNCOMPRESSED", 512 * 1024 * 1024)
MAX_XLSX_MEMBERS = 200
MAX_COMPRESSION_RATIO = 200
MAX_XLSX_ROWS = getattr(settings, "REGISTRY_EXCHANGE_MAX_XLSX_ROWS", 1_000_000)
PROLOG_BYTES = 64 * 1024


class UnsafeFile(ValueError):
    """A file refused before parsing; the message says why, in Russian."""


def xml_parser_options() -> dict:
    return {
        "resolve_entities": False,
        "no_network": True,
        "dtd_validation": False,
        "load_dtd": False,
        "huge_tree": False,
        "remove_pis": True,
    }


def safe_xml_parser() -> etree.XMLParser:
    return etree.XMLParser(**xml_parser_options())


def file_size(source: Path | BinaryIO) -> int:
    if isinstance(source, Path):
        return source.stat().st_size
    position = source.tell()
    source.seek(0, 2)
    size = source.tell()
    source.seek(position)
    return size


def check_xml_prolog(head: bytes) -> None:
    """UTF-8 only and no document type declaration (the door to entity bombs and XXE)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise UnsafeFile(_("Файл должен быть в кодировке UTF-8, а он в UTF-16 или UTF-32."))
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    if head.startswith(b"<?xml"):
        declaration = head[: head.find(b"?>") + 2].lower().replace(b"'", b'"')
        if b"encoding=" in declaration and b'encoding="utf-8"' not in declaration:
            raise UnsafeFile(
                _("Файл должен быть в кодировке UTF-8; в объявлении XML указана другая кодировка.")
            )
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UnsafeFile(
            _(
                "Файл содержит объявление типа документа (DOCTYPE) или сущности (ENTITY): такие "
                "файлы не принимаются. Уберите DOCTYPE — формат описан схемой XSD."
            )
        )


def check_xml_size(size: int) -> None:
    if size > MAX_XML_BYTES:
        raise UnsafeFile(
            _("Файл слишком большой: %(size)s МБ при допустимых %(limit)s МБ.")
            % {"size": size // (1024 * 1024), "limit": MAX_XML_BYTES // (1024 * 1024)}
        )
    if size == 0:
        raise UnsafeFile(_("Файл пуст."))


def check_xlsx(source: Path | BinaryIO) -> None:
    """Refuse anything that is not a plausible workbook before openpyxl unpacks it."""
    size = file_size(source)
    if size > MAX_XLSX_BYTES:
        raise UnsafeFile(
            _("Файл слишком большой: %(size)s МБ при допустимых %(limit)s МБ.")
            % {"size": size // (1024 * 1024), "limit": MAX_XLSX_BYTES // (1024 * 1024)}
        )
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeFile(_("Файл не является книгой Excel (.xlsx): это не zip-архив.")) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise UnsafeFile(_("В книге Excel слишком много частей (%(count)s).") % {"count": len(members)})
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeFile(_("Файл не является книгой Excel (.xlsx): в архиве нет книги."))
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > MAX_XLSX_UNCOMPRESSED or (
                member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO
            ):
                raise UnsafeFile(
                    _(
                        "Книга Excel после распаковки занимает слишком много места (часть «%(name)s»): "
                        "файл похож на zip-бомбу и не принимается."
                    )
                    % {"name": member.filename}
                )
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                _check_member_has_no_dtd(archive, member)


def _check_member_has_no_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Reads the part (its size is already bounded) and refuses a DTD anywhere in it; also
    stops when the part inflates past its declared size (a forged header)."""
    read = 0
    tail = b""
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(1024 * 1024):
                read += len(chunk)
                if read > member.file_size:
                    raise UnsafeFile(
                        _("Книга Excel повреждена: размер части «%(name)s» не сходится.")
                        % {"name": member.filename}
                    )
                window = tail + chunk
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise UnsafeFile(
                        _("Книга Excel содержит объявление DOCTYPE в части «%(name)s» и не принимается.")
                        % {"name": member.filename}
                    )
                tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UnsafeFile(
            _("Книга Excel повреждена: часть «%(name)s» не читается.") % {"name": member.filename}
        ) from exc
