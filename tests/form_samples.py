"""Small but real files of every form format (and the impostors a form must not be), built in
memory: a PDF, DOCX and XLSX (Office Open XML), ODT and ODS (OpenDocument), DOC and XLS (OLE2
compound files), RTF; an HTML page and an SVG picture with a script."""

import io
import struct
import zipfile

from registry.demo import render_form_odt

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
RTF = b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times New Roman;}}\\f0 \\u1047?\\u1072?\\u1103?\\u1074?\\par}"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>\n"
)

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/{part}" ContentType="{content_type}"/>{extra}</Types>'
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def _zip(entries: list[tuple[str, str | bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compression)
    return buffer.getvalue()


def docx(*, main: str = WORD_MAIN, extra: str = "") -> bytes:
    return _zip(
        [
            (
                "[Content_Types].xml",
                CONTENT_TYPES.format(part="word/document.xml", content_type=main, extra=extra),
            ),
            ("word/document.xml", "<w:document/>"),
        ]
    )


def xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Заявление"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt() -> bytes:
    return render_form_odt(title="Заявление", lines=["Прошу выдать дубликат."])


def ods() -> bytes:
    return _zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", "<office:document-content/>"),
        ]
    )


def odt_with_macros() -> bytes:
    return _zip(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", "<office:document-content/>"),
            ("Basic/Standard/Module1.xml", "<script:module/>"),
        ]
    )


def ole2(*streams: str) -> bytes:
    """A compound file of 512-byte sectors: the header, one FAT sector (sector 0) and one
    directory sector (sector 1) holding the root entry and up to three named streams."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end)
    struct.pack_into("<I", header, 72, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))
    directory = bytearray(512)
    for index, (name, kind) in enumerate([("Root Entry", 5), *((stream, 2) for stream in streams)]):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        offset = index * 128
        directory[offset : offset + len(encoded)] = encoded
        struct.pack_into("<HB", directory, offset + 64, len(encoded), kind)
    return bytes(header) + fat + bytes(directory)


def doc() -> bytes:
    return ole2("WordDocument", "1Table")


def xls() -> bytes:
    return ole2("Workbook")


def doc_with_macros() -> bytes:
    return ole2("WordDocument", "Macros")
