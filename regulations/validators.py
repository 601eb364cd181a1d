"""Text that every copy of the registry can carry: the XML exchange (XML 1.0) and the Excel one.

Here rather than in ``registry.validators`` because legal acts travel too, and this app never
imports ``registry``; ``registry.validators`` re-exports it."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Characters XML 1.0 cannot carry (its Char production): the C0 controls but tab, line feed and
# carriage return (openpyxl refuses the same in a cell), the surrogates and U+FFFE, U+FFFF.
NOT_EXCHANGEABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# An Excel cell holds at most this many characters; openpyxl cuts a longer text without a word.
EXCEL_CELL_MAX_CHARS = 32_767


def character_code(character: str) -> str:
    return f"U+{ord(character):04X}"


def exchangeable_text_error(value: str) -> ValidationError | None:
    """Why the exchange cannot carry the text, or None when it can."""
    found = NOT_EXCHANGEABLE.search(value)
    if found is not None:
        character = found.group()
        if character < "\x20":
            message = _(
                "Недопустимый управляющий символ %(code)s: удалите его (часто появляется при вставке "
                "из Word)."
            )
            code = "text_control_character"
        else:
            message = _("Недопустимый символ %(code)s: его нельзя передать в XML; удалите его.")
            code = "text_not_xml_character"
        return ValidationError(message, code=code, params={"code": character_code(character)})
    if len(value) > EXCEL_CELL_MAX_CHARS:
        return ValidationError(
            _(
                "Текст длиннее 32 767 знаков (здесь %(length)s) не поместится в ячейку Excel при "
                "обмене; сократите его или вынесите в документ."
            ),
            code="text_too_long",
            params={"length": len(value), "limit": EXCEL_CELL_MAX_CHARS},
        )
    return None


@deconstructible
class ExchangeableTextValidator:
    """Refuses text the exchange cannot carry: characters XML 1.0 does not admit, and text
    longer than an Excel cell."""

    def __call__(self, value: str) -> None:
        error = exchangeable_text_error(value)
        if error is not None:
            raise error

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExchangeableTextValidator)


validate_exchangeable_text = ExchangeableTextValidator()
