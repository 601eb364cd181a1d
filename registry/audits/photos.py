"""Photographs attached to audit rows: JPEG or PNG by their content, at most 5 MB.

Pillow is not a dependency of the registry, so a photo is not decoded: it is accepted when its
bytes are those of the picture its extension names (``registry.file_formats``) and served back
only through the permission-checked view, as an attachment that nothing in a browser runs."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.file_formats import JPEG, PNG, detect_format, extension_of

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"jpg": JPEG, "jpeg": JPEG, "png": PNG}


def validate_audit_photo(upload, field_label: str) -> None:
    name = upload.name.rsplit("/", 1)[-1]
    expected = PHOTO_FORMATS.get(extension_of(name))
    if expected is None:
        raise ValidationError(
            _("%(field)s: файл «%(name)s» — не фотография. Загрузите снимок в формате JPEG или PNG."),
            code="photo_extension",
            params={"field": field_label, "name": name},
        )
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("%(field)s: файл «%(name)s» больше допустимых %(limit)s МБ."),
            code="photo_too_large",
            params={"field": field_label, "name": name, "limit": PHOTO_MAX_BYTES // (1024 * 1024)},
        )
    actual = detect_format(upload.file)
    if actual.code != expected.code:
        raise ValidationError(
            _("%(field)s: файл «%(name)s» по расширению — %(claimed)s, а по содержимому — %(actual)s."),
            code="photo_content",
            params={"field": field_label, "name": name, "claimed": expected.label, "actual": actual.label},
        )


def photo_content_type(handle) -> str:
    fmt = detect_format(handle)
    return {JPEG.code: "image/jpeg", PNG.code: "image/png"}.get(fmt.code, "application/octet-stream")
