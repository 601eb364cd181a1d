"""What looks like personal data. A delivery file carries an opaque case id and never a name,
СНИЛС, passport number, address, phone or e-mail (152-ФЗ: the registry has no ground to process
them); a file whose header or values look like one is refused whole.

The value shapes are deliberately narrow (separators are required where a bare number could be
an honest case id): a false alarm costs the sender a renamed column, a miss costs a leak."""

import re

from django.utils.translation import gettext_lazy as _

PERSONAL_HEADER = re.compile(
    r"фио|фамил|(^|\W)имя($|\W)|отчеств|снилс|паспорт|адрес|телефон|e-?mail|почт|рожден|"
    r"snils|passport|pasport|fio|familiya|otchestvo|phone|address|birth|surname|last.?name|first.?name|full.?name|(^|\W)name($|\W)"
)

SNILS = re.compile(r"(?<!\d)\d{3}-\d{3}-\d{3}[ -]\d{2}(?!\d)")
EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]{2,}")
PASSPORT = re.compile(r"\d{2} ?\d{2} (?:№ ?)?\d{6}|\d{2} \d{2} ?(?:№ ?)?\d{6}")
PHONE = re.compile(r"(?:\+7|8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]?\d{2}[\s-]?\d{2}")

KINDS = (
    (SNILS, "search", _("значение похоже на СНИЛС")),
    (EMAIL, "search", _("значение похоже на адрес электронной почты")),
    (PASSPORT, "fullmatch", _("значение похоже на серию и номер паспорта")),
    (PHONE, "fullmatch", _("значение похоже на номер телефона")),
)


def header_is_personal(normalized_header: str) -> bool:
    return bool(PERSONAL_HEADER.search(normalized_header))


# Every shape above needs one of these characters: most values (codes, numbers) skip the patterns.
SUSPECT = re.compile(r"[@\s\-+()]")


def personal_value(value: str) -> str | None:
    """What the value looks like (a phrase for the message), or None."""
    if not SUSPECT.search(value):
        return None
    for pattern, how, what in KINDS:
        match = getattr(pattern, how)(value)
        if match is None:
            continue
        if pattern is PHONE and not (value.startswith("+") or re.search(r"[\s()-]", value)):
            continue  # eleven bare digits may be a case number
        return str(what)
    return None
