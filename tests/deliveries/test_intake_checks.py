"""Every bad input of issue 14 refuses the whole file with each row's error in Russian (row,
column, what is wrong); good files in every format and encoding pass the check."""

import datetime

import pytest
from django.utils import timezone

from registry.deliveries.intake import MAX_LISTED_ERRORS, check_file
from registry.deliveries.rows import Outcome
from tests.deliveries.files import CITY_OGRN, HEADERS, write_csv, write_xlsx, write_xml

pytestmark = pytest.mark.django_db


def messages(report) -> list[str]:
    return [str(error) for error in report.errors]


def only_error(report) -> str:
    assert not report.ok
    assert len(report.errors) == 1, messages(report)
    return str(report.errors[0])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_good_csv_passes_in_either_encoding_and_delimiter(world, tmp_path, encoding, delimiter):
    rows = [world.row("К-1"), world.row("К-2", outcome="refused", ground="п. 2 перечня: неполный комплект")]
    path = write_csv(tmp_path / "ok.csv", rows, encoding=encoding, delimiter=delimiter)
    report = check_file(path)
    assert report.ok, messages(report)
    assert report.rows == 2
    assert report.summary == "Проверка пройдена: 2 строки без ошибок."


def test_rows_resolve_to_the_registry_ids_and_aware_times(world, tmp_path):
    from registry.deliveries.intake.checks import RowChecker
    from registry.deliveries.intake.readers import read_rows

    path = write_csv(tmp_path / "ok.csv", [world.row("К-7", wait_out="")])
    checker = RowChecker()
    try:
        [(row, errors)] = [checker.check(raw) for raw in read_rows(path)]
    finally:
        checker.close()
    assert errors == []
    assert (row.line, row.case_id, row.service_id, row.body_id) == (2, "К-7", world.passport.pk, world.mvd.pk)
    assert (row.office_id, row.channel_id, row.variant_code) == (world.office.pk, world.channel.pk, "first")
    # Naive times are Moscow time; an explicit offset is kept.
    assert row.submitted_at == datetime.datetime(2025, 3, 3, 7, 0, tzinfo=datetime.UTC)
    assert row.registered_at == datetime.datetime(2025, 3, 3, 7, 15, tzinfo=datetime.UTC)
    assert row.result_at == datetime.datetime(2025, 3, 20, 9, 0, tzinfo=datetime.UTC)
    assert (row.outcome, row.queue_wait_submission, row.queue_wait_receipt) == (Outcome.ISSUED, 12, None)


def test_column_codes_work_as_headers_in_any_order(world, tmp_path):
    codes = ("outcome", "case_id", "service", "body", "submitted_at", "result_at")
    row = world.row()
    path = write_csv(
        tmp_path / "codes.csv", [[row[9], row[0], row[1], row[2], row[6], row[8]]], headers=codes
    )
    report = check_file(path)
    assert report.ok, messages(report)


def test_an_unknown_service_is_named_with_its_row_and_column(world, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [world.row("К-1"), world.row("К-2", service="10000009999")])
    assert only_error(check_file(path)) == (
        "Строка 3, столбец «Реестровый номер услуги»: "
        "услуга с реестровым номером «10000009999» в реестре не найдена."
    )


def test_a_service_of_another_body_than_the_row_names_is_refused(world, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv", [world.row(service=world.permit.registry_number, office="", variant="")]
    )
    assert "предоставляет другой орган (ОГРН 1027300621941)" in only_error(check_file(path))


def test_an_uploader_scoped_to_a_body_cannot_send_another_bodys_rows(world, tmp_path):
    other = world.row("К-2", service=world.permit.registry_number, body=CITY_OGRN, office="", variant="")
    path = write_csv(tmp_path / "scoped.csv", [world.row("К-1"), other])
    assert check_file(path).ok
    error = only_error(check_file(path, scope_body_ids={world.mvd.pk}))
    assert error.startswith("Строка 3, столбец «ОГРН органа»: орган с ОГРН «1027300621941» — не ваш")


def test_an_unknown_office_and_an_unknown_body(world, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv", [world.row("К-1", office="NOPE"), world.row("К-2", body="1000000000009")]
    )
    assert messages(check_file(path)) == [
        "Строка 2, столбец «Код офиса»: у органа нет офиса с кодом «NOPE».",
        "Строка 3, столбец «ОГРН органа»: орган с ОГРН «1000000000009» в реестре не найден.",
    ]


def test_a_date_in_the_future_is_refused(world, tmp_path):
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%d.%m.%Y %H:%M")
    path = write_csv(tmp_path / "bad.csv", [world.row(result=tomorrow)])
    assert only_error(check_file(path)) == (
        f"Строка 2, столбец «Дата результата»: дата {tomorrow} ещё не наступила."
    )


def test_a_result_or_a_registration_before_the_submission_is_refused(world, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [world.row("К-1", result="2025-03-01T09:00:00"), world.row("К-2", registered="02.03.2025 18:00")],
    )
    assert messages(check_file(path)) == [
        "Строка 2, столбец «Дата результата»: результат (01.03.2025 09:00) раньше подачи (03.03.2025 10:00).",
        "Строка 3, столбец «Дата регистрации»: "
        "регистрация (02.03.2025 18:00) раньше подачи (03.03.2025 10:00).",
    ]


def test_a_negative_or_fractional_wait_is_refused(world, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [world.row("К-1", wait_in="-5"), world.row("К-2", wait_out="2,5")])
    assert messages(check_file(path)) == [
        "Строка 2, столбец «Ожидание при подаче, мин»: ожидание не может быть отрицательным (-5 мин).",
        "Строка 3, столбец «Ожидание при получении, мин»: "
        "ожидание указывается целым числом минут, а не «2,5».",
    ]


def test_an_outcome_code_not_in_the_list_is_refused_with_the_list(world, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [world.row(outcome="lost")])
    error = only_error(check_file(path))
    assert error.startswith(
        "Строка 2, столбец «Исход»: код исхода «lost» не из списка. Допустимые коды: issued"
    )
    assert "withdrawn (отозвано заявителем)" in error


def test_a_case_id_repeated_within_the_file_is_refused(world, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [world.row("К-1"), world.row("К-2"), world.row("К-1")])
    assert (
        only_error(check_file(path))
        == "Строка 4, столбец «Номер дела»: номер дела «К-1» уже встречался в строке 2."
    )


def test_a_refusal_without_a_ground_and_a_ground_without_a_refusal(world, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv", [world.row("К-1", outcome="refused"), world.row("К-2", ground="п. 1")]
    )
    assert messages(check_file(path)) == [
        "Строка 2, столбец «Основание отказа»: "
        "при отказе укажите основание отказа: его номер в перечне или текст.",
        "Строка 3, столбец «Основание отказа»: "
        "основание отказа указывается только при исходе «refused» (отказ).",
    ]


def test_missing_required_values_and_unparseable_dates(world, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv", [world.row("", submitted="вчера"), world.row("К-2", outcome="", result="")]
    )
    assert messages(check_file(path)) == [
        "Строка 2, столбец «Номер дела»: не заполнено обязательное значение.",
        "Строка 2, столбец «Дата подачи»: дата «вчера» не разбирается: "
        "ожидается ГГГГ-ММ-ДДTЧЧ:ММ (ISO 8601) или "
        "ДД.ММ.ГГГГ ЧЧ:ММ.",
        "Строка 3, столбец «Исход»: не заполнено обязательное значение.",
    ]


def test_a_missing_required_column_and_an_unknown_column_refuse_the_file(world, tmp_path):
    headers = (*HEADERS[:2], *HEADERS[3:], "Примечание")
    path = write_csv(tmp_path / "bad.csv", [[*world.row()[:2], *world.row()[3:], "x"]], headers=headers)
    assert messages(check_file(path)) == [
        "Строка 1, столбец «Примечание»: неизвестный столбец.",
        "Строка 1, столбец «ОГРН органа»: обязательный столбец отсутствует.",
    ]


@pytest.mark.parametrize(
    "header", ["ФИО заявителя", "Фамилия", "СНИЛС", "Паспорт", "Адрес", "Телефон", "E-mail", "Дата рождения"]
)
def test_a_column_named_like_personal_data_refuses_the_file(world, tmp_path, header):
    path = write_csv(tmp_path / "pd.csv", [[*world.row(), "x"]], headers=(*HEADERS, header))
    error = only_error(check_file(path))
    assert error.startswith(f"Строка 1, столбец «{header}»: столбец похож на персональные данные.")


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("123-456-789 01", "СНИЛС"),
        ("ivanov@mail.ru", "адрес электронной почты"),
        ("4510 123456", "серию и номер паспорта"),
        ("+7 916 123-45-67", "номер телефона"),
        ("8 (843) 123-45-67", "номер телефона"),
    ],
)
def test_a_value_shaped_like_personal_data_refuses_the_file(world, tmp_path, value, what):
    path = write_csv(tmp_path / "pd.csv", [world.row(value)])
    assert only_error(check_file(path)) == (
        f"Строка 2, столбец «Номер дела»: значение похоже на {what} — "
        f"персональные данные в файл не включаются."
    )


def test_a_bare_number_is_an_honest_case_id(world, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [world.row("89161234567"), world.row("4510123456")])
    assert check_file(path).ok


def test_errors_are_listed_up_to_the_cap_and_counted_in_full(world, tmp_path):
    rows = [world.row(f"К-{n}", wait_in="-1") for n in range(MAX_LISTED_ERRORS + 30)]
    report = check_file(write_csv(tmp_path / "many.csv", rows))
    assert len(report.errors) == MAX_LISTED_ERRORS
    assert report.error_count == MAX_LISTED_ERRORS + 30
    assert report.lines()[-2:] == [
        "…и ещё 30 ошибок (показаны первые 100).",
        "Файл не принят: 130 ошибок; ничего не записано.",
    ]


def test_a_file_mixing_encodings_is_refused_with_the_line(world, tmp_path, monkeypatch):
    from registry.deliveries.intake import readers

    path = write_csv(tmp_path / "mixed.csv", [world.row("К-1"), world.row("К-2")])
    monkeypatch.setattr(readers, "SNIFF_BYTES", len(path.read_bytes()))  # the encoding is told by the head
    path.write_bytes(path.read_bytes() + ";".join(world.row("Ж-3")).encode("cp1251") + b"\r\n")
    assert messages(check_file(path)) == [
        "Строка 4: файл не читается в кодировке UTF-8 (она определена по началу файла). Сохраните весь файл "
        "в одной кодировке: UTF-8 или Windows-1251."
    ]


def test_an_excel_workbook_passes_with_its_own_dates_and_numbers(world, tmp_path):
    row = world.row("К-1")
    row[1] = int(row[1])  # a number typed into a cell
    row[6] = datetime.datetime(2025, 3, 3, 10, 0)
    row[11] = 12
    path = write_xlsx(tmp_path / "ok.xlsx", [row, world.row("К-2")])
    report = check_file(path)
    assert report.ok, messages(report)
    assert report.rows == 2


def test_an_excel_workbook_with_bad_rows_names_sheet_rows(world, tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", [world.row("К-1"), world.row("К-2", wait_in=-3)])
    assert only_error(check_file(path)) == (
        "Строка 3, столбец «Ожидание при подаче, мин»: ожидание не может быть отрицательным (-3 мин)."
    )


def test_a_valid_xml_file_passes(world, tmp_path):
    rows = [world.row("К-1", registered="2025-03-03T10:15:00"), world.row("К-2", registered="")]
    report = check_file(write_xml(tmp_path / "ok.xml", rows))
    assert report.ok, messages(report)
    assert report.rows == 2


def test_an_xml_file_against_the_schema_is_refused_in_russian(world, tmp_path):
    rows = [world.row("К-1", registered="03.03.2025 10:15"), world.row("К-2", registered="")]
    report = check_file(write_xml(tmp_path / "bad.xml", rows, extra=' fio="Иванов"'))
    assert messages(report) == [
        "Строка 3, столбец «registeredAt»: атрибут «registeredAt» элемента «delivery»: "
        "значение «03.03.2025 10:15» "
        "не подходит: ожидается дата и время в виде ГГГГ-ММ-ДДTчч:мм:сс, например 2024-03-01T10:00:00+03:00.",
        "Строка 3, столбец «fio»: атрибут похож на персональные данные: уберите его.",
        "Строка 4, столбец «fio»: атрибут похож на персональные данные: уберите его.",
    ]


def test_an_xml_file_of_another_format_is_refused(world, tmp_path):
    path = tmp_path / "registry.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<registry xmlns="urn:registry:service-standards:1.0"/>\n'
    )
    [error] = messages(check_file(path))
    assert error.startswith(
        "Строка 2: Корневой элемент файла — «deliveries» в пространстве имён urn:registry:deliveries:1.0"
    )


def test_an_xml_file_with_bad_rows_names_their_lines(world, tmp_path):
    rows = [world.row("К-1", registered=""), world.row("К-1", registered="")]
    report = check_file(write_xml(tmp_path / "dup.xml", rows))
    assert messages(report) == ["Строка 4, столбец «Номер дела»: номер дела «К-1» уже встречался в строке 3."]


def test_an_empty_file_is_refused(world, tmp_path):
    path = write_csv(tmp_path / "empty.csv", [])
    assert messages(check_file(path)) == ["В файле нет ни одной строки со сведениями."]


def test_the_schema_is_published_next_to_the_registrys(client):
    response = client.get("/exchange/schema/deliveries-1.0.xsd")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="deliveries-1.0.xsd"'
    assert b'targetNamespace="urn:registry:deliveries:1.0"' in b"".join(response.streaming_content)
