"""The upload page takes the registry's own Excel export (stored under a name of its own, it
was refused as «InvalidFileException»), a file named as the other format is refused with what
it really is, and the error count reads the same, in correct Russian, on the page and in the
command."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from registry.exchange.report import error_count_text
from registry.models import EditionStatus, Role, Service
from tests.exchange.conftest import administrator, export_xml, user_with_role

pytestmark = pytest.mark.django_db


def named(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def own_body_workbook(client, service: Service) -> bytes:
    response = client.get(reverse("exchange:export"), {"format": "xlsx", "provider": service.provider_id})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_an_official_uploads_the_registrys_own_excel_export_previews_it_and_applies_it(demo, client):
    service = Service.objects.filter(editions__status=EditionStatus.PUBLISHED).order_by("pk").first()
    client.force_login(user_with_role("official", Role.OFFICIAL, service.provider))
    data = own_body_workbook(client, service)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Услуги"]
    headers = [cell.value for cell in sheet[1]]
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    row = numbers.index(service.registry_number) + 2
    sheet.cell(row=row, column=headers.index("Краткое наименование услуги") + 1).value = "Изменено в Excel"
    changed = io.BytesIO()
    workbook.save(changed)

    preview = client.post(reverse("exchange:upload"), {"file": named(changed.getvalue(), "registry.xlsx")})

    report = preview.context["report"]
    assert preview.status_code == 200 and report.ok, list(report.lines())
    assert [item.registry_number for item in report.services] == numbers
    outcomes = {item.registry_number: item.outcome for item in report.services}
    assert outcomes[service.registry_number] == "updated"
    page = preview.content.decode()
    assert all(number in page for number in numbers) and "Подтвердить загрузку" in page
    assert not service.editions.filter(status=EditionStatus.DRAFT, short_name="Изменено в Excel").exists()

    done = client.post(reverse("exchange:upload"), {"confirm": preview.context["token"]})

    assert done.status_code == 200 and done.context["report"].applied
    assert "Загрузка выполнена." in done.content.decode()
    assert service.editions.get(status=EditionStatus.DRAFT).short_name == "Изменено в Excel"


@pytest.fixture
def files(demo, client) -> dict[str, bytes]:
    response = client.get(reverse("exchange:export"), {"format": "xlsx", "level": "federal"})
    return {"xlsx": b"".join(response.streaming_content), "xml": export_xml(filters={"level": "federal"})}


MISNAMED = [
    ("xlsx", "registry.xml", "назван как XML, но это книга Excel (.xlsx)"),
    ("xml", "registry.xlsx", "назван как книга Excel (.xlsx), но это XML-документ"),
]


@pytest.mark.parametrize(("content", "name", "message"), MISNAMED, ids=["xlsx-named-xml", "xml-named-xlsx"])
def test_the_command_says_which_format_a_misnamed_file_is(files, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(files[content])
    out = io.StringIO()
    with pytest.raises(CommandError, match="В файле 1 ошибка: ничего из файла не записано"):
        call_command("import_registry", str(path), "--dry-run", stdout=out)
    assert f"Файл «{name}» {message}" in out.getvalue()


@pytest.mark.parametrize(("content", "name", "message"), MISNAMED, ids=["xlsx-named-xml", "xml-named-xlsx"])
def test_the_upload_page_says_which_format_a_misnamed_file_is(files, client, content, name, message):
    client.force_login(user_with_role("official", Role.OFFICIAL, Service.objects.first().provider))
    response = client.post(reverse("exchange:upload"), {"file": named(files[content], name)})
    assert response.status_code == 200 and response.context["token"] is None
    page = response.content.decode()
    assert f"Файл «{name}» {message}" in page and "В файле 1 ошибка: ничего из файла не записано." in page


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "1 ошибка"),
        (2, "2 ошибки"),
        (4, "4 ошибки"),
        (5, "5 ошибок"),
        (11, "11 ошибок"),
        (12, "12 ошибок"),
        (14, "14 ошибок"),
        (21, "21 ошибка"),
        (22, "22 ошибки"),
        (25, "25 ошибок"),
        (101, "101 ошибка"),
        (111, "111 ошибок"),
        (112, "112 ошибок"),
    ],
)
def test_the_error_count_takes_the_russian_plural_form(count, text):
    assert error_count_text(count) == text


def test_the_page_and_the_command_give_the_same_count_in_the_same_words(demo, client, tmp_path):
    data = export_xml(filters={"level": "federal"}).replace(b'unit="days"', b'unit="weeks"')
    path = tmp_path / "weeks.xml"
    path.write_bytes(data)
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_registry", str(path), "--dry-run", stdout=out)
    # An administrator, as the command is: an official would also get the other bodies' services.
    client.force_login(administrator())
    page = client.post(reverse("exchange:upload"), {"file": named(data, "weeks.xml")})
    count = page.context["report"].error_count
    assert count >= 2
    sentence = f"В файле {error_count_text(count)}: ничего из файла не записано."
    assert sentence in page.content.decode() and sentence in out.getvalue() and sentence in str(raised.value)
