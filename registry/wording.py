"""Russian wording shared by every face: the three plural forms of a counted noun.

Django's gettext fallback (there is no message catalogue: the source strings are Russian)
knows only two plural forms, singular for 1 and plural otherwise, which gives «21 ошибок» and
«2 ошибок». Russian chooses among three by the last two digits."""

from typing import TypeVar

Form = TypeVar("Form")


def plural_form(n: int, one: Form, few: Form, many: Form) -> Form:
    """The noun form for ``n``: one (1, 21, 101 …), few (2–4, 22–24 …), many (0, 5–20, 25 …)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def counted(n: int, one: str, few: str, many: str) -> str:
    """«1 ошибка», «3 ошибки», «10 ошибок»."""
    return f"{n} {plural_form(n, one, few, many)}"


def lower_first(text: str) -> str:
    """A name continuing a sentence: «Через многофункциональный центр (МФЦ)» → «через
    многофункциональный центр (МФЦ)». Unlike ``lower`` it keeps abbreviations (МФЦ, ЕПГУ, РФ)
    and leaves a name that starts with one («МФЦ …», «ИП») as it is."""
    first, _, rest = text.partition(" ")
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]
