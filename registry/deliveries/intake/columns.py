"""The columns of a delivery file: one declaration read by the CSV and Excel readers (headers),
the XML reader (attribute names, which are the codes in camelCase), the checks (messages name a
column by its Russian header) and docs/exchange.md.

A header is matched ignoring case, surrounding spaces and «ё»; either the Russian header or the
code may be used, in any order. Unknown columns are refused: a column nobody declared may carry
what the registry must never hold."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    code: str  # also the CSV/Excel header a system may use
    xml: str  # the attribute of <delivery> in the XML file
    header: str  # the Russian header, as people write it
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("case_id", "caseId", _("Номер дела"), required=True),
    Column("service", "service", _("Реестровый номер услуги"), required=True),
    Column("body", "body", _("ОГРН органа"), required=True),
    Column("office", "office", _("Код офиса")),
    Column("channel", "channel", _("Способ подачи")),
    Column("variant", "variant", _("Код варианта")),
    Column("submitted_at", "submittedAt", _("Дата подачи"), required=True),
    Column("registered_at", "registeredAt", _("Дата регистрации")),
    Column("result_at", "resultAt", _("Дата результата")),
    Column("outcome", "outcome", _("Исход"), required=True),
    Column("refusal_ground", "refusalGround", _("Основание отказа")),
    Column("queue_wait_submission", "queueWaitSubmission", _("Ожидание при подаче, мин")),
    Column("queue_wait_receipt", "queueWaitReceipt", _("Ожидание при получении, мин")),
)
BY_CODE = {column.code: column for column in COLUMNS}
BY_XML = {column.xml: column for column in COLUMNS}


def normalize_header(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\ufeff", "")).strip().lower().replace("ё", "е")


def header_lookup() -> dict[str, Column]:
    """Normalized header → column (computed per call: the Russian headers are lazy strings)."""
    lookup = {}
    for column in COLUMNS:
        lookup[normalize_header(column.code)] = column
        lookup[normalize_header(str(column.header))] = column
    return lookup
