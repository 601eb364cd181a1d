"""Excel's escapes in the text of a cell (ECMA-376 Part 1, §22.9.2.19 ST_Xstring), both ways.

A cell's text in the file may hold ``_xHHHH_`` for the character U+HHHH: Excel writes a carriage
return as ``_x000D_``, and a text that itself reads ``_x0041_`` with its underscore escaped,
``_x005F_x0041_``. openpyxl neither reads nor writes these escapes in cells (it hands over and
writes the file's text as is), so the reader decodes every text cell and the writer encodes
every string cell: what an official typed is what the registry holds, both ways."""

import re

# One escape: "_x", four hex digits (either case), "_". A substitution pass reads left to
# right without overlaps, so "_x005F_x000D_" is "_" followed by the text "x000D_".
ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
# An underscore that begins an escape, also one that shares its underscore with the previous
# one ("_x0041_x0042_" has two).
_ESCAPE_START = re.compile(f"_(?={ESCAPE.pattern[1:]})")
# "_", escaped: a reader decodes it to the underscore and goes on after it.
ESCAPED_UNDERSCORE = "_x005F_"


def escaped_character(escape: re.Match) -> str:
    """The character an ``ESCAPE`` match stands for."""
    return chr(int(escape.group(1), 16))


def decode_xstring(text: str) -> str:
    """The text a cell's stored text stands for: each ``_xHHHH_`` read as U+HHHH (``_x005F_`` as
    "_"); anything that is not such an escape (``_x00D_``) stays as it is."""
    if "_x" not in text:
        return text
    return ESCAPE.sub(escaped_character, text)


def encode_xstring(text: str) -> str:
    """The text to store in a cell so that a reader decodes it to ``text``: an underscore that
    would begin an escape is written as ``_x005F_``; nothing else changes (characters XML cannot
    carry are the writer's to refuse, ``xlsx_rows.UnwritableText``)."""
    if "_x" not in text:
        return text
    return _ESCAPE_START.sub(ESCAPED_UNDERSCORE, text)
