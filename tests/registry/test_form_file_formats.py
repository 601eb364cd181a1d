"""A form file is judged by its content, not by its name: an HTML page or an SVG picture
renamed .pdf is refused at the field with a message naming the field and what the file is;
real documents of every allowed format pass."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import FormKind, StandardForm
from tests import factories, form_samples

pytestmark = pytest.mark.django_db


def form_with(name: str, content: bytes) -> StandardForm:
    return StandardForm(
        edition=factories.edition(),
        kind=FormKind.REQUEST,
        title="Заявление",
        file=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("zayavlenie.pdf", form_samples.PDF),
        ("zayavlenie.docx", form_samples.docx()),
        ("Заявление.DOCX", form_samples.docx()),
        ("zayavlenie.odt", form_samples.odt()),
        ("tablica.xlsx", form_samples.xlsx()),
        ("tablica.ods", form_samples.ods()),
        ("zayavlenie.doc", form_samples.doc()),
        ("tablica.xls", form_samples.xls()),
        ("zayavlenie.rtf", form_samples.RTF),
    ],
)
def test_a_real_document_of_an_allowed_format_is_accepted(name, content):
    form_with(name, content).full_clean()


@pytest.mark.parametrize(
    ("content", "what"),
    [(form_samples.HTML, "веб-страница HTML"), (form_samples.SVG, "рисунок SVG")],
)
def test_a_page_or_picture_renamed_pdf_is_refused_naming_the_field_and_what_it_is(content, what):
    with pytest.raises(ValidationError) as exc_info:
        form_with("zayavlenie.pdf", content).full_clean()
    [error] = exc_info.value.error_dict["file"]
    assert error.code == "form_file_content"
    message = error.messages[0]
    assert "«Файл»" in message and "«zayavlenie.pdf»" in message
    assert "по расширению — документ PDF" in message and f"по содержимому — {what}" in message


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("zayavlenie.docx", form_samples.PDF, "документ PDF"),
        ("zayavlenie.xlsx", form_samples.docx(), "документ Word (DOCX)"),
        ("zayavlenie.ods", form_samples.odt(), "текстовый документ OpenDocument (ODT)"),
        ("zayavlenie.xls", form_samples.doc(), "документ Word (DOC)"),
        ("zayavlenie.docx", form_samples.docx(main=form_samples.WORD_MACRO_MAIN), "с макросами"),
        ("zayavlenie.odt", form_samples.odt_with_macros(), "с макросами"),
        ("zayavlenie.doc", form_samples.doc_with_macros(), "с макросами"),
        ("zayavlenie.rtf", "Просто текст".encode(), "простой текст"),
        ("zayavlenie.pdf", b"", "пустой файл"),
        ("zayavlenie.pdf", b"MZ\x90\x00", "программа"),
    ],
)
def test_a_file_whose_content_is_not_what_its_extension_names_is_refused(name, content, what):
    with pytest.raises(ValidationError) as exc_info:
        form_with(name, content).full_clean()
    [error] = exc_info.value.error_dict["file"]
    assert error.code == "form_file_content"
    assert what in error.messages[0]


def test_a_foreign_extension_gets_only_the_extension_message():
    with pytest.raises(ValidationError) as exc_info:
        form_with("zayavlenie.html", form_samples.HTML).full_clean()
    assert [error.code for error in exc_info.value.error_dict["file"]] == ["invalid_extension"]


def test_detection_leaves_the_stream_at_its_start_for_the_save():
    from registry import file_formats

    stream = io.BytesIO(form_samples.xlsx())
    stream.seek(100)
    assert file_formats.detect_format(stream) is file_formats.XLSX
    assert stream.tell() == 0


def test_a_malformed_compound_file_is_unknown_not_an_error():
    from registry import file_formats

    assert file_formats.detect_format(io.BytesIO(form_samples.doc()[:600])) is file_formats.UNKNOWN
