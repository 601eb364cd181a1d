"""Excel's escapes in cell text (ST_Xstring): decoded as Excel reads them, encoded so that a text
reading like an escape comes back as itself."""

import itertools

import pytest

from registry.exchange.xlsx_escapes import decode_xstring, encode_xstring


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        ("Выдача_x000D_\nпаспорта", "Выдача\r\nпаспорта"),
        ("столбец_x0009_столбец", "столбец\tстолбец"),
        ("_x005F_", "_"),
        # The escaped underscore does not begin a new escape.
        ("_x005F_x000D_", "_x000D_"),
        ("_x005F_x005F_", "_x005F_"),
        ("_x000d__x000a_", "\r\n"),
        ("_x005f_x0041_", "_x0041_"),
        ("_x0041__x0042_", "AB"),
        ("_x005F__x0041_", "_A"),
        # An escape's closing underscore is its own, not the next one's opening.
        ("_x0041_x0042_", "Ax0042_"),
        ("_x00D_", "_x00D_"),
        ("_x000D", "_x000D"),
        ("_x00G0_", "_x00G0_"),
        ("x000D_", "x000D_"),
        ("snake_x_case", "snake_x_case"),
        ("", ""),
    ],
)
def test_an_escape_in_a_cell_is_read_as_its_character(stored, text):
    assert decode_xstring(stored) == text


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("_x0041_", "_x005F_x0041_"),
        ("_x005F_", "_x005F_x005F_"),
        ("_x000d_", "_x005F_x000d_"),
        ("__x0041_", "__x005F_x0041_"),
        # Two escapes sharing an underscore: both are escaped.
        ("_x0041_x0042_", "_x005F_x0041_x005F_x0042_"),
        ("строка\rс возвратом\tи табуляцией", "строка\rс возвратом\tи табуляцией"),
        ("_x00D_ и _x000D и snake_x_case", "_x00D_ и _x000D и snake_x_case"),
        ("", ""),
    ],
)
def test_text_that_reads_as_an_escape_is_written_with_its_underscore_escaped(text, stored):
    assert encode_xstring(text) == stored
    assert decode_xstring(stored) == text


def test_every_text_of_underscores_and_escape_pieces_comes_back_as_itself():
    pieces = ("_", "x", "0041", "005F", "00D", "a")
    for length in range(1, 6):
        for combination in itertools.product(pieces, repeat=length):
            text = "".join(combination)
            assert decode_xstring(encode_xstring(text)) == text, text
