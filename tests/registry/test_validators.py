"""Validators of identifiers (registry number, OKTMO, region code, OGRN, INN) and of text the
exchange can carry."""

import pytest
from django.core.exceptions import ValidationError

from registry.validators import (
    EXCEL_CELL_MAX_CHARS,
    DigitsValidator,
    ExchangeableTextValidator,
    InnValidator,
    OgrnValidator,
    inn_check_digit,
    ogrn_check_digit,
    validate_exchangeable_text,
    validate_inn,
    validate_ogrn,
    validate_oktmo,
    validate_region_code,
    validate_registry_number,
)

# МВД России: ОГРН 1037700029620, ИНН 7706074737 (public data of the ЕГРЮЛ).
MVD_OGRN = "1037700029620"
MVD_INN = "7706074737"
# An individual entrepreneur's ОГРНИП with a correct control digit.
OGRNIP = "304500116000157"


def assert_rejected(validator, value: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc_info:
        validator(value)
    assert exc_info.value.code == code
    assert exc_info.value.params == {"value": value}


@pytest.mark.parametrize("value", ["10000000648", "7300100220000088273"])
def test_registry_number_of_eleven_or_nineteen_digits_is_accepted(value):
    validate_registry_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "1000000064",  # 10 digits
        "100000006480",  # 12 digits
        "730010022000008827",  # 18 digits
        "73001002200000882730",  # 20 digits
        "1000000064A",
        "1000 000064",
        "١٠٠٠٠٠٠٠٦٤٨",  # eleven Arabic-Indic digits: digits, but not ASCII
        "",
    ],
)
def test_registry_number_of_other_lengths_or_non_digits_is_rejected(value):
    assert_rejected(validate_registry_number, value, "registry_number_format")


@pytest.mark.parametrize("value", ["73701000", "73701000001"])
def test_oktmo_of_eight_or_eleven_digits_is_accepted(value):
    validate_oktmo(value)


@pytest.mark.parametrize("value", ["7370100", "737010001", "7370100000", "737010000011", "7370100O"])
def test_oktmo_of_other_lengths_or_non_digits_is_rejected(value):
    assert_rejected(validate_oktmo, value, "oktmo_format")


@pytest.mark.parametrize("value", ["01", "73", "77"])
def test_region_code_of_two_digits_is_accepted(value):
    validate_region_code(value)


@pytest.mark.parametrize("value", ["7", "773", "7a", " 7"])
def test_region_code_other_than_two_digits_is_rejected(value):
    assert_rejected(validate_region_code, value, "region_code_format")


def test_ogrn_of_mvd_is_valid():
    assert ogrn_check_digit(MVD_OGRN) == int(MVD_OGRN[-1])
    validate_ogrn(MVD_OGRN)


def test_ogrn_with_a_wrong_control_digit_is_rejected():
    for last in "123456789":
        assert_rejected(validate_ogrn, MVD_OGRN[:-1] + last, "ogrn_checksum")


def test_fifteen_digit_ogrnip_is_valid():
    validate_ogrn(OGRNIP)


def test_fifteen_digit_ogrnip_with_a_wrong_control_digit_is_rejected():
    wrong = OGRNIP[:-1] + str((int(OGRNIP[-1]) + 1) % 10)
    assert_rejected(validate_ogrn, wrong, "ogrn_checksum")


@pytest.mark.parametrize("value", ["103770002962", "10377000296200", "1037700029620000", "103770002962O", ""])
def test_ogrn_of_other_lengths_or_non_digits_is_rejected(value):
    assert_rejected(validate_ogrn, value, "ogrn_format")


def test_inn_of_mvd_is_valid():
    assert inn_check_digit(MVD_INN) == int(MVD_INN[-1])
    validate_inn(MVD_INN)


def test_inn_with_a_wrong_control_digit_is_rejected():
    for last in "012345689":
        assert_rejected(validate_inn, MVD_INN[:-1] + last, "inn_checksum")


@pytest.mark.parametrize("value", ["770607473", "770607473712", "77060747З7", ""])
def test_inn_of_other_lengths_or_non_digits_is_rejected(value):
    assert_rejected(validate_inn, value, "inn_format")


def test_validators_compare_equal_to_their_copies_for_migrations():
    assert validate_ogrn == OgrnValidator()
    assert validate_inn == InnValidator()
    assert validate_oktmo == DigitsValidator(validate_oktmo.lengths, validate_oktmo.message, "oktmo_format")
    assert validate_oktmo != validate_registry_number
    assert validate_exchangeable_text == ExchangeableTextValidator()


# Every character XML 1.0 cannot carry, range by range (the ends of each and one inside).
NOT_XML = [
    *("\x00", "\x01", "\x04", "\x08"),
    *("\x0b", "\x0c"),
    *("\x0e", "\x15", "\x1f"),
    *("\ud800", "\udbff", "\udc00", "\udfff"),
    *("\ufffe", "\uffff"),
]


@pytest.mark.parametrize("character", NOT_XML, ids=[f"U+{ord(c):04X}" for c in NOT_XML])
def test_text_with_a_character_xml_cannot_carry_is_rejected_naming_its_code(character):
    with pytest.raises(ValidationError) as exc_info:
        validate_exchangeable_text(f"Выдача{character}паспорта")
    code = f"U+{ord(character):04X}"
    assert exc_info.value.params == {"code": code}
    assert code in exc_info.value.messages[0]
    if character < " ":
        assert exc_info.value.code == "text_control_character"
        assert exc_info.value.messages[0] == (
            f"Недопустимый управляющий символ {code}: удалите его (часто появляется при вставке из Word)."
        )
    else:
        assert exc_info.value.code == "text_not_xml_character"


@pytest.mark.parametrize(
    "value",
    [
        "Абзац первый.\tТаблица\nАбзац второй.\r\nТретий.",
        " \x7f\x85\u2028 ",  # DEL, NEL and the line separator are XML characters
        "\ufffd\ufffd",
        "\U0001f4c4 \U0010ffff",  # beyond the BMP
    ],
    ids=["tab-newline-cr", "other-controls", "replacement", "astral"],
)
def test_tab_newline_carriage_return_and_other_xml_characters_are_accepted(value):
    validate_exchangeable_text(value)


def test_text_of_exactly_an_excel_cell_is_accepted_and_one_more_character_is_not():
    assert EXCEL_CELL_MAX_CHARS == 32_767
    validate_exchangeable_text("я" * 32_767)
    with pytest.raises(ValidationError) as exc_info:
        validate_exchangeable_text("я" * 32_768)
    assert exc_info.value.code == "text_too_long"
    assert exc_info.value.params == {"length": 32_768, "limit": 32_767}
    assert "длиннее 32 767 знаков" in exc_info.value.messages[0]
    assert "32768" in exc_info.value.messages[0]


def test_a_long_text_with_a_control_character_is_rejected_for_the_character():
    with pytest.raises(ValidationError) as exc_info:
        validate_exchangeable_text("я" * 40_000 + "\x0b")
    assert exc_info.value.code == "text_control_character"
