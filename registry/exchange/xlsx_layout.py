"""The Excel workbook's layout, shared by the writer, the reader and the blank template:
one sheet per list, a Russian header per column (the model's own label) with the statutory
item in the header's note, and the type each column holds."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from registry.exchange.records import EDITION_CHOICES, EDITION_SCALARS, ROW_SECTIONS, VARIANT_FIELDS
from registry.models import (
    ApplicantAttribute,
    AttributeValue,
    Edition,
    Office,
    ProviderBody,
    Service,
    Variant,
)
from registry.models.editions import DEADLINE_KIND_WORDS, DeadlineKind
from regulations.models import LegalAct

TEXT, INT, DECIMAL, DATE, BOOL, CODES, REF = "text", "int", "decimal", "date", "bool", "codes", "ref"
# The kind of a term, written in the words that open it («не более», «не ранее чем через»,
# «через»); an empty cell, or no such column in an older workbook, is a maximum.
TERM_KIND = "term_kind"
ART14 = "ст. 14 210-ФЗ"

# The statutory item of each field, shown in the header's note.
STATUTE = {
    "full_name": f"ч. 1 {ART14}, п. 1",
    "short_name": f"ч. 1 {ART14}, п. 1",
    "body": f"ч. 1 {ART14}, п. 2",
    "results": f"ч. 1 {ART14}, п. 3",
    "deadline": f"ч. 1 {ART14}, п. 4",
    "legal_bases": f"ч. 1 {ART14}, п. 5",
    "documents": f"ч. 1 {ART14}, п. 6",
    "accept_refusal": f"ч. 1 {ART14}, п. 7",
    "suspension": f"ч. 1 {ART14}, п. 8",
    "refusal": f"ч. 1 {ART14}, п. 8",
    "fees": f"ч. 1 {ART14}, п. 9; ч. 2, п. 3",
    "queue": f"ч. 1 {ART14}, п. 10",
    "registration": f"ч. 1 {ART14}, п. 11",
    "premises": f"ч. 1 {ART14}, п. 12",
    "indicators": f"ч. 1 {ART14}, п. 13",
    "availability": f"ч. 1 {ART14}, п. 14",
    "applicants": f"ч. 2 {ART14}, п. 1",
    "submission": f"ч. 2 {ART14}, п. 2",
    "progress": f"ч. 2 {ART14}, п. 4",
    "correction": f"ч. 2 {ART14}, п. 5",
    "duplicate": f"ч. 2 {ART14}, п. 6",
    "without_consideration": f"ч. 2 {ART14}, п. 7",
    "forms": f"ч. 2 {ART14}, п. 8",
    "delivery": f"ч. 2 {ART14}, п. 9",
    "variants": "Правила, утв. постановлением Правительства РФ от 20.07.2021 № 1228",
    "edition": _("Редакция стандарта"),
}


def _edition_statute(name: str) -> str:
    for prefix, key in (
        ("deadline_", "deadline"),
        ("unusual_deadline", "deadline"),
        ("no_accept", "accept_refusal"),
        ("no_suspension", "suspension"),
        ("no_refusal", "refusal"),
        ("no_correction", "correction"),
        ("no_duplicate", "duplicate"),
        ("no_without", "without_consideration"),
        ("is_free", "fees"),
        ("payment_methods", "fees"),
        ("queue_", "queue"),
        ("registration_", "registration"),
        ("premises", "premises"),
        ("access", "premises"),
        ("available_", "availability"),
        ("extraterritorial", "availability"),
        ("other_requirements", "availability"),
        ("online_application", "availability"),
        ("applicant", "applicants"),
        ("submission", "submission"),
        ("progress", "progress"),
        ("correction", "correction"),
        ("duplicate", "duplicate"),
        ("without_consideration", "without_consideration"),
        ("result_delivery", "delivery"),
        ("full_name", "full_name"),
        ("short_name", "short_name"),
    ):
        if name.startswith(prefix):
            return str(STATUTE[key])
    return str(STATUTE["edition"])


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    note: str
    kind: str = TEXT
    width: int = 24


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


def _kind(field) -> str:
    internal = field.get_internal_type()
    if internal in ("BooleanField", "NullBooleanField"):
        return BOOL
    if internal in ("PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField"):
        return INT
    if internal == "DecimalField":
        return DECIMAL
    if internal == "DateField":
        return DATE
    return TEXT


def _field_column(model, name: str, note: str, *, key: str | None = None, width: int = 24) -> Column:
    field = model._meta.get_field(name)
    header = str(field.verbose_name)
    header = header[:1].upper() + header[1:]
    if name == "deadline_kind":
        words = ", ".join(f"«{word}»" for word in term_kind_words().values())
        note = _("%(note)s; %(words)s; пусто — «не более»") % {"note": note, "words": words}
        return Column(key or name, header, note, TERM_KIND, width)
    return Column(key or name, header, note, _kind(field), width)


def term_kind_words() -> dict[str, str]:
    """The words the workbook shows for each kind of term, by its code."""
    return {DeadlineKind(kind).value: str(words) for kind, words in DEADLINE_KIND_WORDS.items()}


NUMBER = Column(
    "registry_number", str(_("Реестровый номер")), str(_("11 или 19 цифр; записан как текст")), TEXT, 22
)


def _services_sheet() -> Sheet:
    columns = [
        NUMBER,
        _field_column(Service, "level", str(STATUTE["body"]), width=14),
        Column("body", str(_("Орган (идентификатор с листа «Органы»)")), str(STATUTE["body"]), REF, 14),
        _field_column(Service, "under_single_standard", f"ч. 2 {ART14}", width=14),
        Column("categories", str(_("Категории (коды через запятую)")), str(_("Справочник категорий")), CODES),
        Column("number", str(_("Номер редакции")), str(STATUTE["edition"]), INT, 10),
        Column("status", str(_("Статус редакции")), str(STATUTE["edition"]), TEXT, 12),
        _field_column(Edition, "effective_date", str(STATUTE["edition"]), width=14),
        Column(
            "amending_act",
            str(_("Акт, которым внесены изменения (идентификатор)")),
            str(STATUTE["edition"]),
            REF,
        ),
        _field_column(Edition, "change_note", str(STATUTE["edition"]), width=40),
    ]
    for name in EDITION_SCALARS:
        width = 40 if Edition._meta.get_field(name).get_internal_type() == "TextField" else 20
        columns.append(_field_column(Edition, name, _edition_statute(name), width=width))
    for name in EDITION_CHOICES:
        column = _field_column(Edition, name, _edition_statute(name))
        columns.append(Column(name, f"{column.header} (коды через запятую)", column.note, CODES, 24))
    return Sheet("services", str(_("Услуги")), tuple(columns))


def _row_sheet(section: str, title: str) -> Sheet:
    model, fields = ROW_SECTIONS[section]
    note = str(STATUTE[section]) if section in STATUTE else str(STATUTE["refusal"])
    columns = [NUMBER]
    for name in fields:
        if name == "variant":
            columns.append(
                Column(
                    "variant", str(_("Код варианта (пусто — для всех)")), str(STATUTE["variants"]), TEXT, 16
                )
            )
        elif name == "act":
            columns.append(Column("act", str(_("Акт (идентификатор с листа «Акты»)")), note, REF, 14))
        elif name == "applicant_category":
            columns.append(Column(name, str(_("Категория заявителей (код)")), note, TEXT, 18))
        elif name in ("file_name", "sha256"):
            header = str(_("Имя файла")) if name == "file_name" else "SHA-256"
            columns.append(Column(name, header, note, TEXT, 30))
        else:
            width = 50 if name in ("name", "text", "title") else 18
            columns.append(_field_column(model, name, note, width=width))
    return Sheet(section, title, tuple(columns))


def _variants_sheet() -> Sheet:
    note = str(STATUTE["variants"])
    columns = [NUMBER] + [_field_column(Variant, name, note, width=30) for name in VARIANT_FIELDS]
    columns.append(Column("selected_by", str(_("Применяется при (признак=значение; …)")), note, TEXT, 30))
    return Sheet("variants", str(_("Варианты")), tuple(columns))


def _attributes_sheet() -> Sheet:
    note = str(STATUTE["variants"])
    return Sheet(
        "attributes",
        str(_("Признаки заявителя")),
        (
            NUMBER,
            Column("attribute", str(_("Код признака")), note, TEXT, 18),
            _field_column(ApplicantAttribute, "question", note, width=40),
            Column("value", str(_("Код значения")), note, TEXT, 18),
            _field_column(AttributeValue, "label", note, width=40),
        ),
    )


def _bodies_sheet() -> Sheet:
    columns = [Column("id", str(_("Идентификатор")), str(_("На него ссылается лист «Услуги»")), TEXT, 12)]
    for name in (
        "full_name",
        "short_name",
        "level",
        "region",
        "oktmo",
        "ogrn",
        "inn",
        "address",
        "phone",
        "email",
        "website",
        "working_hours",
    ):
        if name == "region":
            columns.append(Column("region", str(_("Код субъекта РФ")), str(STATUTE["body"]), TEXT, 10))
        else:
            columns.append(
                _field_column(
                    ProviderBody, name, str(STATUTE["body"]), width=30 if name.endswith("name") else 16
                )
            )
    columns.append(
        Column(
            "parent",
            str(_("Вышестоящий орган")),
            str(_("Идентификатор другого органа на этом листе")),
            TEXT,
            12,
        )
    )
    return Sheet("bodies", str(_("Органы")), tuple(columns))


def _offices_sheet() -> Sheet:
    """The bodies' offices (the XML's ``body/offices``): a row per office, its body by the
    identifier of «Органы», its services by registry number."""
    note = str(_("Офис органа: приёмная органа или офис МФЦ"))
    columns = [
        Column("body", str(_("Орган (идентификатор с листа «Органы»)")), str(STATUTE["body"]), REF, 14),
        _field_column(Office, "code", str(_("Уникален в пределах органа")), width=16),
        _field_column(Office, "name", note, width=40),
        _field_column(Office, "address", note, width=40),
        _field_column(Office, "oktmo", note, width=14),
        _field_column(Office, "is_mfc", str(_("да — офис МФЦ, нет — приёмная органа")), width=10),
        _field_column(Office, "working_hours", note, width=40),
        Column(
            "services",
            str(_("Услуги офиса (реестровые номера через «;»)")),
            str(_("Только услуги этого органа: перечень услуг офиса становится ровно таким")),
            TEXT,
            40,
        ),
    ]
    return Sheet("offices", str(_("Офисы")), tuple(columns))


def _acts_sheet() -> Sheet:
    columns = [Column("id", str(_("Идентификатор")), str(_("На него ссылаются другие листы")), TEXT, 12)]
    for name in (
        "kind",
        "number",
        "date",
        "title",
        "short_title",
        "issuing_body",
        "in_force_from",
        "in_force_until",
        "status",
        "source_url",
    ):
        columns.append(
            _field_column(LegalAct, name, str(STATUTE["legal_bases"]), width=40 if "title" in name else 16)
        )
    return Sheet("acts", str(_("Акты")), tuple(columns))


def _withdrawn_sheet() -> Sheet:
    """An incremental export's services withdrawn from the registry (the XML's ``withdrawn``)."""
    note = str(_("Услуги, исключённые из реестра после порядкового номера выгрузки"))
    return Sheet(
        "withdrawn",
        str(_("Исключённые услуги")),
        (
            NUMBER,
            _field_column(Service, "withdrawn_on", note, width=16),
            _field_column(Service, "withdrawal_reason", note, width=60),
        ),
    )


def workbook_sheets() -> tuple[Sheet, ...]:
    return (
        _services_sheet(),
        _attributes_sheet(),
        _variants_sheet(),
        _row_sheet("results", str(_("Результаты"))),
        _row_sheet("legal_bases", str(_("Правовые основания"))),
        _row_sheet("documents", str(_("Документы"))),
        _row_sheet("grounds", str(_("Основания"))),
        _row_sheet("fees", str(_("Плата"))),
        _row_sheet("indicators", str(_("Показатели"))),
        _row_sheet("forms", str(_("Формы"))),
        _bodies_sheet(),
        _offices_sheet(),
        _acts_sheet(),
        _withdrawn_sheet(),
    )


# Forms travel only in XML (the file itself); the Excel sheet lists them for reading.
READ_ONLY_SHEETS = frozenset({"forms"})
