"""Validators of single values: identifiers used in the federal register, text the exchange
can carry, and a form file's content."""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from registry.file_formats import BY_EXTENSION, detect_format, extension_of

# Text the exchange can carry: defined beside the legal acts, which travel too (see there).
from regulations.validators import (  # noqa: F401 — re-exported for the registry's models
    EXCEL_CELL_MAX_CHARS,
    NOT_EXCHANGEABLE,
    ExchangeableTextValidator,
    character_code,
    exchangeable_text_error,
    validate_exchangeable_text,
)


@deconstructible
class DigitsValidator:
    """A string of digits of one of the allowed lengths."""

    def __init__(self, lengths: tuple[int, ...], message: str, code: str):
        self.lengths = tuple(lengths)
        self.message = message
        self.code = code

    def __call__(self, value: str) -> None:
        if not (value.isascii() and value.isdigit() and len(value) in self.lengths):
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DigitsValidator)
            and self.lengths == other.lengths
            and self.message == other.message
            and self.code == other.code
        )


validate_registry_number = DigitsValidator(
    (11, 19),
    _(
        "Реестровый номер «%(value)s» неверен: нужно 11 цифр для федеральной услуги "
        "или 19 цифр для региональной и муниципальной."
    ),
    "registry_number_format",
)
validate_oktmo = DigitsValidator(
    (8, 11),
    _("Код ОКТМО «%(value)s» неверен: он состоит из 8 или 11 цифр."),
    "oktmo_format",
)
validate_region_code = DigitsValidator(
    (2,),
    _("Код субъекта РФ «%(value)s» неверен: он состоит из двух цифр."),
    "region_code_format",
)


def ogrn_check_digit(digits: str) -> int:
    """The control digit of an OGRN (13 digits) or OGRNIP (15 digits)."""
    if len(digits) == 13:
        return int(digits[:12]) % 11 % 10
    return int(digits[:14]) % 13 % 10


def inn_check_digit(digits: str) -> int:
    """The control digit of a legal entity's 10-digit INN."""
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return sum(int(d) * w for d, w in zip(digits[:9], weights, strict=True)) % 11 % 10


@deconstructible
class OgrnValidator:
    def __call__(self, value: str) -> None:
        if not (value.isascii() and value.isdigit() and len(value) in (13, 15)):
            raise ValidationError(
                _("ОГРН «%(value)s» неверен: он состоит из 13 цифр (ОГРНИП — из 15)."),
                code="ogrn_format",
                params={"value": value},
            )
        if ogrn_check_digit(value) != int(value[-1]):
            raise ValidationError(
                _("ОГРН «%(value)s» неверен: не сходится контрольная цифра. Проверьте номер."),
                code="ogrn_checksum",
                params={"value": value},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OgrnValidator)


@deconstructible
class InnValidator:
    def __call__(self, value: str) -> None:
        if not (value.isascii() and value.isdigit() and len(value) == 10):
            raise ValidationError(
                _("ИНН организации «%(value)s» неверен: он состоит из 10 цифр."),
                code="inn_format",
                params={"value": value},
            )
        if inn_check_digit(value) != int(value[-1]):
            raise ValidationError(
                _("ИНН «%(value)s» неверен: не сходится контрольная цифра. Проверьте номер."),
                code="inn_checksum",
                params={"value": value},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InnValidator)


validate_ogrn = OgrnValidator()
validate_inn = InnValidator()


@deconstructible
class FormFileContentValidator:
    """A form file must be, by its content, the document its extension names (see
    ``registry.file_formats``): an HTML page or an SVG picture renamed ``.pdf`` is refused.

    Only new uploads are read; a stored file was checked when it came. An extension that is not
    a form's at all is left to ``FileExtensionValidator``, so the official gets one message."""

    message = _(
        "Файл «%(name)s» в поле «%(field)s» по расширению — %(claimed)s, а по содержимому — "
        "%(actual)s. Загрузите настоящий документ в формате PDF, DOC, DOCX, ODT, RTF, XLS, "
        "XLSX или ODS."
    )
    code = "form_file_content"

    def __init__(self, field_label: str):
        self.field_label = field_label

    def __call__(self, value) -> None:
        if not value or getattr(value, "_committed", True):
            return
        self.check(value.name, value.file)

    def check(self, name: str, stream) -> None:
        """Refuse ``stream`` when its content is not the document the ``name``'s extension names."""
        claimed = BY_EXTENSION.get(extension_of(name))
        if claimed is None:
            return
        actual = detect_format(stream)
        if actual != claimed:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "name": name.rsplit("/", 1)[-1],
                    "field": self.field_label,
                    "claimed": claimed.label,
                    "actual": actual.label,
                },
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FormFileContentValidator) and self.field_label == other.field_label
