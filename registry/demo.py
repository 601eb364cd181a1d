"""Reference data and the demo registry, loaded from JSON fixtures by natural keys.

The fixtures (``fixtures/reference``, ``fixtures/demo``; the format is described in
``fixtures/README.md``) carry no primary keys: regions are found by code, classifiers by
code, legal acts by (kind, number, date), bodies by OGRN (or full name), services by registry
number, editions by (service, number), variants and applicant attributes by code. Loading is
an upsert inside one transaction: every object passes ``full_clean()`` before it is saved, so
the demo holds nothing the admin would refuse, and a second run changes nothing.
"""

import datetime
import io
import itertools
import json
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.models import (
    WITHDRAWAL_FIELDS,
    ApplicantAttribute,
    ApplicantCategory,
    AttributeValue,
    AuditEventKind,
    CalendarDay,
    Category,
    Channel,
    Document,
    Edition,
    EditionStatus,
    Fee,
    Ground,
    LegalBasis,
    Office,
    PaymentMethod,
    ProviderBody,
    QualityIndicator,
    Region,
    Result,
    SearchSynonym,
    Service,
    StandardForm,
    Variant,
)
from registry.services import (
    PublicationRefused,
    WorkflowError,
    edition_approve,
    edition_create_draft,
    edition_publish,
    edition_submit,
    service_create,
)
from registry.services.audit import audit_record, audit_value, field_changes
from regulations.models import LegalAct, StatutoryRequirement

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
REFERENCE_DIR = FIXTURES_DIR / "reference"
DEMO_DIR = FIXTURES_DIR / "demo"
BODIES_FILE = "bodies.json"
OFFICES_FILE = "offices.json"
SYNONYMS_FILE = "search_synonyms.json"
CALENDAR_FILE = "calendar.json"

# Classifier files of fixtures/reference (loaded after regions.json, before legal_acts.json).
CLASSIFIER_FILES: tuple[tuple[str, type[models.Model]], ...] = (
    ("categories.json", Category),
    ("applicant_categories.json", ApplicantCategory),
    ("payment_methods.json", PaymentMethod),
    ("channels.json", Channel),
)

CREATED, UPDATED, UNCHANGED, DELETED = "created", "updated", "unchanged", "deleted"

# The workflow order of an edition's statuses; the loader only moves an edition forward.
STATUS_ORDER = [
    EditionStatus.DRAFT,
    EditionStatus.SUBMITTED,
    EditionStatus.APPROVED,
    EditionStatus.PUBLISHED,
    EditionStatus.SUPERSEDED,
]
# Set by the workflow services when an edition moves on, never by a fixture.
EDITION_WORKFLOW_KEYS = ("published_at", "scheduled_at", "superseded_at")

# The list sections of an edition: fixture key and row model.
EDITION_ROWS: tuple[tuple[str, type[models.Model]], ...] = (
    ("results", Result),
    ("legal_bases", LegalBasis),
    ("documents", Document),
    ("grounds", Ground),
    ("fees", Fee),
    ("indicators", QualityIndicator),
)
ROW_RELATIONS = {"variant", "act", "applicant_category"}
EDITION_M2M = {
    "payment_methods": PaymentMethod,
    "applicant_categories": ApplicantCategory,
    "submission_channels": Channel,
    "result_delivery_channels": Channel,
}
EDITION_RELATIONS = {"amending_act", *EDITION_M2M, "applicant_attributes", "variants", "forms"} | {
    key for key, _model in EDITION_ROWS
}
SERVICE_RELATIONS = {"provider", "categories", "editions", "expected_gaps"}
BODY_RELATIONS = {"region", "parent"}
OFFICE_RELATIONS = {"body", "services"}
FORM_KEYS = {"kind", "title", "lines", "variant"}


class FixtureError(Exception):
    """Bad fixture data: names the file and the field (a path like ``editions[0].fees[1].amount``)."""

    def __init__(self, *, path: Path, field: str, message: str) -> None:
        self.path = path
        self.field = field
        self.message = message
        super().__init__(
            gettext("Файл %(file)s, поле «%(field)s»: %(message)s")
            % {"file": path, "field": field or "—", "message": message}
        )


@dataclass(frozen=True)
class _Where:
    """A place in a fixture file, for error messages."""

    path: Path
    field: str = ""

    def child(self, key: str | int) -> "_Where":
        if isinstance(key, int):
            return _Where(self.path, f"{self.field}[{key}]")
        return _Where(self.path, f"{self.field}.{key}" if self.field else key)

    def fail(self, message: Any) -> NoReturn:
        raise FixtureError(path=self.path, field=self.field, message=str(message))


@dataclass
class LoadReport:
    """How many objects of each model were created, updated, left unchanged or deleted."""

    counts: dict[type[models.Model], Counter] = field(default_factory=dict)

    def record(self, model: type[models.Model], outcome: str, number: int = 1) -> None:
        self.counts.setdefault(model, Counter())[outcome] += number

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def count(self, model: type[models.Model], outcome: str) -> int:
        return self.counts.get(model, Counter())[outcome]

    @property
    def changed_anything(self) -> bool:
        return bool(self.total(CREATED) or self.total(UPDATED) or self.total(DELETED))

    def lines(self) -> list[str]:
        return [
            gettext(
                "%(model)s: создано %(created)s, изменено %(updated)s, "
                "без изменений %(unchanged)s, удалено %(deleted)s"
            )
            % {
                "model": _capitalized(str(model._meta.verbose_name_plural)),
                "created": counter[CREATED],
                "updated": counter[UPDATED],
                "unchanged": counter[UNCHANGED],
                "deleted": counter[DELETED],
            }
            for model, counter in self.counts.items()
        ]


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- public entry points


def load_reference(*, directory: Path = REFERENCE_DIR, report: LoadReport | None = None) -> LoadReport:
    """Upsert regions, classifiers, legal acts and the search dictionary from ``directory``."""
    report = report if report is not None else LoadReport()
    with transaction.atomic():
        _load_regions(directory / "regions.json", report)
        for file_name, model in CLASSIFIER_FILES:
            _load_classifiers(directory / file_name, model, report)
        _load_legal_acts(directory / "legal_acts.json", report)
        _load_synonyms(directory / SYNONYMS_FILE, report)
        _load_calendar(directory / CALENDAR_FILE, report)
    return report


def load_demo(
    *,
    directory: Path = DEMO_DIR,
    reference_directory: Path | None = REFERENCE_DIR,
    report: LoadReport | None = None,
) -> LoadReport:
    """Upsert the reference data (unless ``reference_directory`` is None), the provider bodies
    and every demo service with its editions, in one transaction."""
    report = report if report is not None else LoadReport()
    with transaction.atomic():
        if reference_directory is not None:
            load_reference(directory=reference_directory, report=report)
        loader = _DemoLoader(report)
        loader.load_bodies(directory / BODIES_FILE)
        for path in demo_service_files(directory=directory):
            loader.load_service(path)
        offices = directory / OFFICES_FILE
        if offices.exists():
            loader.load_offices(offices)
    return report


def demo_service_files(*, directory: Path = DEMO_DIR) -> list[Path]:
    return sorted(path for path in directory.glob("*.json") if path.name not in (BODIES_FILE, OFFICES_FILE))


def demo_expected_gaps(*, directory: Path = DEMO_DIR) -> dict[str, list[str]]:
    """Registry number → the statutory requirement codes a draft service leaves unfilled."""
    gaps = {}
    for path in demo_service_files(directory=directory):
        data = _read_json(path)
        if isinstance(data, dict) and "expected_gaps" in data:
            gaps[str(data.get("registry_number"))] = list(data["expected_gaps"])
    return gaps


# ---------------------------------------------------------------- reading and converting


def _read_json(path: Path) -> Any:
    where = _Where(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        where.fail(_("файл не прочитан: %(error)s") % {"error": exc})
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where.fail(
            _("неверный JSON, строка %(line)s, позиция %(column)s: %(error)s")
            % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
        )


def _expect_list(value: Any, where: _Where) -> list:
    if not isinstance(value, list):
        where.fail(_("ожидается список"))
    return value


def _expect_object(value: Any, where: _Where) -> dict:
    if not isinstance(value, dict):
        where.fail(_("ожидается объект JSON"))
    return value


def _settable_fields(model: type[models.Model]) -> dict[str, models.Field]:
    """Plain (non-relation) fields a fixture may set: not the key, not automatic."""
    fields = {}
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.is_relation or not model_field.editable:
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            continue
        fields[model_field.name] = model_field
    return fields


def _to_python(model_field: models.Field, raw: Any, where: _Where) -> Any:
    if raw is None:
        if not model_field.null:
            where.fail(_("значение не может быть пустым (null)"))
        return None
    if isinstance(model_field, models.CharField | models.TextField) and not isinstance(raw, str):
        where.fail(_("ожидается строка"))
    if isinstance(model_field, models.BooleanField) and not isinstance(raw, bool):
        where.fail(_("ожидается true или false"))
    if isinstance(model_field, models.IntegerField) and (isinstance(raw, bool) or not isinstance(raw, int)):
        where.fail(_("ожидается целое число"))
    if isinstance(model_field, models.DecimalField) and not isinstance(raw, str | int):
        where.fail(_('ожидается сумма строкой, например "300.00"'))
    try:
        value = model_field.to_python(raw)
    except ValidationError as exc:
        where.fail("; ".join(exc.messages))
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        where.fail(_("укажите дату и время с часовым поясом, например 2021-02-24T12:00:00+03:00"))
    return value


def _scalar_values(
    model: type[models.Model],
    data: dict,
    where: _Where,
    *,
    relations: Iterable[str],
    keys: Iterable[str] = (),
) -> dict[str, Any]:
    """Every settable field of ``model``: from ``data`` when given, otherwise its default,
    so that the fixture is the whole truth about the object."""
    fields = _settable_fields(model)
    skipped = set(relations) | set(keys)
    for key in data:
        if key not in fields and key not in skipped:
            where.child(key).fail(
                _("неизвестное поле модели «%(model)s»") % {"model": model._meta.verbose_name}
            )
    values = {}
    for name, model_field in fields.items():
        if name in skipped:
            continue
        if name in data:
            values[model_field.attname] = _to_python(model_field, data[name], where.child(name))
        else:
            values[model_field.attname] = model_field.get_default()
    return values


def _model_field_name(model: type[models.Model], name: str) -> str:
    """The fixture key for an error reported on a model field (``act_id`` → ``act``)."""
    try:
        return model._meta.get_field(name).name
    except FieldDoesNotExist:
        return name


def _clean(obj: models.Model, where: _Where) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        _fail_validation(exc, type(obj), where)


def _fail_validation(exc: ValidationError, model: type[models.Model], where: _Where) -> NoReturn:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    name, messages = next(iter(errors.items()))
    target = where if name == NON_FIELD_ERRORS else where.child(_model_field_name(model, name))
    target.fail("; ".join(messages))


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], where: _Where
) -> tuple[models.Model, str]:
    """Create or update one object by its natural key; save only when something differs."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        _clean(obj, where)
        obj.save()
        return obj, CREATED
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, UNCHANGED
    for name in changed:
        setattr(obj, name, values[name])
    _clean(obj, where)
    update_fields = {model._meta.get_field(name).name for name in changed}
    obj.save(update_fields=[*update_fields, *_auto_now_fields(model)])
    return obj, UPDATED


def _set_m2m(obj: models.Model, name: str, targets: Sequence[models.Model]) -> bool:
    manager = getattr(obj, name)
    wanted = {target.pk for target in targets}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    manager.set(list(targets))
    return True


# ---------------------------------------------------------------- reference data


def _load_regions(path: Path, report: LoadReport) -> None:
    where = _Where(path)
    for index, row in enumerate(_expect_list(_read_json(path), where)):
        row_where = where.child(index)
        row = _expect_object(row, row_where)
        if "code" not in row:
            row_where.child("code").fail(_("не указан код субъекта"))
        values = _scalar_values(Region, row, row_where, relations=(), keys=("code",))
        _obj, outcome = _upsert(Region, {"code": row["code"]}, values, row_where)
        report.record(Region, outcome)


def _load_classifiers(path: Path, model: type[models.Model], report: LoadReport) -> None:
    where = _Where(path)
    for index, row in enumerate(_expect_list(_read_json(path), where)):
        row_where = where.child(index)
        row = _expect_object(row, row_where)
        if "order" in row:
            row_where.child("order").fail(_("порядок задаётся местом в списке, поле не указывается"))
        if not isinstance(row.get("code"), str):
            row_where.child("code").fail(_("не указан код"))
        values = _scalar_values(model, row, row_where, relations=(), keys=("code", "order"))
        values["order"] = index + 1
        _obj, outcome = _upsert(model, {"code": row["code"]}, values, row_where)
        report.record(model, outcome)


def _load_synonyms(path: Path, report: LoadReport) -> None:
    """The search dictionary, by term. Entries added in the admin and absent from the file stay:
    the file is where the dictionary starts, the admin is where it grows."""
    where = _Where(path)
    for index, row in enumerate(_expect_list(_read_json(path), where)):
        row_where = where.child(index)
        row = _expect_object(row, row_where)
        if not isinstance(row.get("term"), str):
            row_where.child("term").fail(_("не указано слово или выражение заявителя"))
        values = _scalar_values(SearchSynonym, row, row_where, relations=(), keys=("term",))
        _obj, outcome = _upsert(SearchSynonym, {"term": row["term"]}, values, row_where)
        report.record(SearchSynonym, outcome)


def _load_calendar(path: Path, report: LoadReport) -> None:
    """The working-day calendar's exceptions, by date. Days added in the admin stay; a day in the
    file takes the file's kind and note."""
    where = _Where(path)
    for index, row in enumerate(_expect_list(_read_json(path), where)):
        row_where = where.child(index)
        row = _expect_object(row, row_where)
        if not isinstance(row.get("date"), str):
            row_where.child("date").fail(_("не указана дата"))
        values = _scalar_values(CalendarDay, row, row_where, relations=(), keys=("date",))
        day = _to_python(CalendarDay._meta.get_field("date"), row["date"], row_where.child("date"))
        _obj, outcome = _upsert(CalendarDay, {"date": day}, values, row_where)
        report.record(CalendarDay, outcome)


ACT_KEY_FIELDS = ("kind", "number", "date")


def _load_legal_acts(path: Path, report: LoadReport) -> None:
    where = _Where(path)
    fields = _settable_fields(LegalAct)
    for index, row in enumerate(_expect_list(_read_json(path), where)):
        row_where = where.child(index)
        row = _expect_object(row, row_where)
        lookup = {}
        for key in ACT_KEY_FIELDS:
            if key not in row:
                row_where.child(key).fail(_("не указано поле естественного ключа акта"))
            lookup[key] = _to_python(fields[key], row[key], row_where.child(key))
        values = _scalar_values(LegalAct, row, row_where, relations=(), keys=ACT_KEY_FIELDS)
        _obj, outcome = _upsert(LegalAct, lookup, values, row_where)
        report.record(LegalAct, outcome)


# ---------------------------------------------------------------- demo registry


class _EditionSync:
    """The state of one edition while its fixture is applied: content may be written only
    while the edition is a draft; a published or superseded edition is compared, never edited."""

    def __init__(self, edition: Edition, where: _Where, *, created: bool) -> None:
        self.edition = edition
        self.where = where
        self.created = created
        self.changes: dict[str, list[Any]] = {}

    @property
    def writable(self) -> bool:
        return self.edition.status == EditionStatus.DRAFT

    def change(self, name: str, before: Any, after: Any, where: _Where) -> None:
        """Note a difference; refuse it when the edition is no longer a draft."""
        if not self.writable:
            where.fail(
                _(
                    "редакция № %(number)s уже в статусе «%(status)s» и не изменяется; "
                    "изменения вносятся новой редакцией с новым номером"
                )
                % {"number": self.edition.number, "status": self.edition.get_status_display()}
            )
        self.changes[name] = [audit_value(before), audit_value(after)]


class _DemoLoader:
    """Loads bodies and services; caches the reference objects it resolves."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report
        self.acts: dict[tuple, LegalAct] = {}
        self.requirement_codes = set(StatutoryRequirement.objects.values_list("code", flat=True))

    # -- references

    def act(self, raw: Any, where: _Where) -> LegalAct:
        if not (isinstance(raw, list) and len(raw) == 3 and all(isinstance(part, str) for part in raw)):
            where.fail(
                _('ссылка на акт — список [вид, номер, дата], например ["code", "117-ФЗ", "2000-08-05"]')
            )
        key = tuple(raw)
        if key not in self.acts:
            date = _to_python(LegalAct._meta.get_field("date"), raw[2], where)
            act = LegalAct.objects.filter(kind=raw[0], number=raw[1], date=date).first()
            if act is None:
                where.fail(
                    _("акт %(kind)s № %(number)s от %(date)s не найден в справочнике legal_acts.json")
                    % {"kind": raw[0], "number": raw[1], "date": raw[2]}
                )
            self.acts[key] = act
        return self.acts[key]

    def classifiers(self, model: type[models.Model], raw: Any, where: _Where) -> list[models.Model]:
        codes = _expect_list(raw, where)
        found = {obj.code: obj for obj in model._default_manager.filter(code__in=codes)}
        for index, code in enumerate(codes):
            if code not in found:
                where.child(index).fail(
                    _("код «%(code)s» не найден в классификаторе «%(model)s»")
                    % {"code": code, "model": model._meta.verbose_name_plural}
                )
        return [found[code] for code in codes]

    def classifier(self, model: type[models.Model], raw: Any, where: _Where) -> models.Model:
        return self.classifiers(model, [raw], where)[0]

    def body(self, raw: Any, where: _Where) -> ProviderBody:
        if not isinstance(raw, str) or not raw:
            where.fail(_("укажите ОГРН органа или его полное наименование"))
        lookup = {"ogrn": raw} if raw.isdigit() else {"full_name": raw}
        body = ProviderBody.objects.filter(**lookup).first()
        if body is None:
            where.fail(_("орган «%(body)s» не найден среди органов bodies.json") % {"body": raw})
        return body

    # -- bodies

    def load_bodies(self, path: Path) -> None:
        where = _Where(path)
        for index, row in enumerate(_expect_list(_read_json(path), where)):
            row_where = where.child(index)
            row = _expect_object(row, row_where)
            values = _scalar_values(ProviderBody, row, row_where, relations=BODY_RELATIONS)
            region = row.get("region")
            values["region_id"] = self._region(region, row_where.child("region")).pk if region else None
            parent = row.get("parent")
            values["parent_id"] = self.body(parent, row_where.child("parent")).pk if parent else None
            if values["ogrn"]:
                lookup = {"ogrn": values.pop("ogrn")}
            else:
                lookup = {"full_name": values.pop("full_name"), "ogrn": values.pop("ogrn")}
            _obj, outcome = _upsert(ProviderBody, lookup, values, row_where)
            self.report.record(ProviderBody, outcome)

    def _region(self, code: Any, where: _Where) -> Region:
        region = Region.objects.filter(code=code).first() if isinstance(code, str) else None
        if region is None:
            where.fail(_("субъект РФ с кодом «%(code)s» не найден в regions.json") % {"code": code})
        return region

    # -- offices

    def load_offices(self, path: Path) -> None:
        """Offices by (body, code), with the services they deliver: only the body's own."""
        where = _Where(path)
        for index, row in enumerate(_expect_list(_read_json(path), where)):
            row_where = where.child(index)
            row = _expect_object(row, row_where)
            body = self.body(row.get("body"), row_where.child("body"))
            if not isinstance(row.get("code"), str) or not row["code"]:
                row_where.child("code").fail(_("не указан код офиса"))
            values = _scalar_values(Office, row, row_where, relations=OFFICE_RELATIONS, keys=("code",))
            office, outcome = _upsert(Office, {"body": body, "code": row["code"]}, values, row_where)
            numbers = _expect_list(row.get("services", []), row_where.child("services"))
            found = {s.registry_number: s for s in Service.objects.filter(registry_number__in=numbers)}
            for number_index, number in enumerate(numbers):
                service = found.get(number)
                if service is None:
                    row_where.child("services").child(number_index).fail(
                        _("услуга с реестровым номером «%(number)s» не найдена") % {"number": number}
                    )
                if service.provider_id != body.pk:
                    row_where.child("services").child(number_index).fail(
                        _("услугу «%(number)s» предоставляет другой орган") % {"number": number}
                    )
            if _set_m2m(office, "services", [found[number] for number in numbers]) and outcome == UNCHANGED:
                outcome = UPDATED
            self.report.record(Office, outcome)

    # -- services

    def load_service(self, path: Path) -> None:
        where = _Where(path)
        data = _expect_object(_read_json(path), where)
        number = data.get("registry_number")
        if not isinstance(number, str) or not number:
            where.child("registry_number").fail(_("укажите реестровый номер услуги"))
        for key in WITHDRAWAL_FIELDS:
            if key in data:
                where.child(key).fail(_("исключение услуги из реестра не загружается из файла"))
        values = _scalar_values(
            Service, data, where, relations=SERVICE_RELATIONS, keys=("registry_number", *WITHDRAWAL_FIELDS)
        )
        provider = self.body(data.get("provider"), where.child("provider"))
        categories = self.classifiers(Category, data.get("categories", []), where.child("categories"))
        service = self.upsert_service(number, provider, values, categories, where)

        editions_where = where.child("editions")
        editions = _expect_list(data.get("editions"), editions_where)
        if not editions:
            editions_where.fail(_("у услуги должна быть хотя бы одна редакция"))
        for index, edition_data in enumerate(editions):
            edition_where = editions_where.child(index)
            edition_data = _expect_object(edition_data, edition_where)
            if edition_data.get("number") != index + 1:
                edition_where.child("number").fail(
                    _("редакции нумеруются подряд с 1 в порядке их следования")
                )
        stale = service.editions.filter(number__gt=len(editions))
        if stale.exists():
            editions_where.fail(
                _("в базе есть редакции № %(numbers)s, которых нет в файле")
                % {"numbers": ", ".join(str(n) for n in stale.values_list("number", flat=True))}
            )
        for index, edition_data in enumerate(editions):
            self.load_edition(service, edition_data, editions_where.child(index))
        for index, edition_data in enumerate(editions):
            stored = service.editions.get(number=index + 1)
            if stored.status != edition_data.get("status", EditionStatus.DRAFT):
                editions_where.child(index).child("status").fail(
                    _(
                        "после загрузки редакция в статусе «%(status)s», а в файле указан другой; "
                        "утратившей силу редакция становится, когда опубликована следующая"
                    )
                    % {"status": stored.get_status_display()}
                )
        self._check_expected_gaps(data, editions, where)

    def upsert_service(
        self,
        number: str,
        provider: ProviderBody,
        values: dict[str, Any],
        categories: list[Category],
        where: _Where,
    ) -> Service:
        service = Service.objects.filter(registry_number=number).first()
        if service is None:
            try:
                service = service_create(
                    actor=None,
                    provider=provider,
                    level=values["level"],
                    registry_number=number,
                    under_single_standard=values["under_single_standard"],
                    categories=categories,
                )
            except ValidationError as exc:
                _fail_validation(exc, Service, where)
            self.report.record(Service, CREATED)
            return service
        before = {name: getattr(service, name) for name in values} | {"provider_id": service.provider_id}
        after = {**values, "provider_id": provider.pk}
        changed = [name for name in after if before[name] != after[name]]
        for name in changed:
            setattr(service, name, after[name])
        if changed:
            _clean(service, where)
            service.save(update_fields=[Service._meta.get_field(name).name for name in changed])
        categories_before = list(service.categories.all())
        categories_changed = _set_m2m(service, "categories", categories)
        if not (changed or categories_changed):
            self.report.record(Service, UNCHANGED)
            return service
        changes = field_changes(
            {name: before[name] for name in changed}, {name: after[name] for name in changed}
        )
        if categories_changed:
            changes["categories"] = [audit_value(categories_before), audit_value(categories)]
        audit_record(kind=AuditEventKind.EDITED, service=service, actor=None, changes=changes)
        self.report.record(Service, UPDATED)
        return service

    def _check_expected_gaps(self, data: dict, editions: list[dict], where: _Where) -> None:
        is_draft = editions[-1].get("status", EditionStatus.DRAFT) == EditionStatus.DRAFT
        gaps_where = where.child("expected_gaps")
        if "expected_gaps" not in data:
            if is_draft:
                gaps_where.fail(_("черновик должен перечислить незаполненные требования (expected_gaps)"))
            return
        if not is_draft:
            gaps_where.fail(
                _("expected_gaps указываются только для услуги, последняя редакция которой — черновик")
            )
        for index, code in enumerate(_expect_list(data["expected_gaps"], gaps_where)):
            if code not in self.requirement_codes:
                gaps_where.child(index).fail(_("нет требования закона с кодом «%(code)s»") % {"code": code})

    # -- editions

    def load_edition(self, service: Service, data: dict, where: _Where) -> None:
        target = data.get("status", EditionStatus.DRAFT)
        if target not in STATUS_ORDER:
            where.child("status").fail(
                _("статус редакции — один из: %(statuses)s") % {"statuses": ", ".join(STATUS_ORDER)}
            )
        for key in EDITION_WORKFLOW_KEYS:
            if key in data:
                where.child(key).fail(_("заполняется порядком согласования и публикации, не файлом"))
        values = _scalar_values(
            Edition,
            data,
            where,
            relations=EDITION_RELATIONS,
            keys=("number", "status", *EDITION_WORKFLOW_KEYS),
        )
        amending = data.get("amending_act")
        values["amending_act_id"] = self.act(amending, where.child("amending_act")).pk if amending else None
        m2m = {
            name: self.classifiers(model, data.get(name, []), where.child(name))
            for name, model in EDITION_M2M.items()
        }

        edition = service.editions.filter(number=data["number"]).first()
        created = edition is None
        if created:
            edition = self.create_draft(service, data["number"], where)
        if STATUS_ORDER.index(edition.status) > STATUS_ORDER.index(target):
            where.child("status").fail(
                _("редакция № %(number)s уже в статусе «%(status)s»: вернуть её назад загрузкой нельзя")
                % {"number": edition.number, "status": edition.get_status_display()}
            )
        sync = _EditionSync(edition, where, created=created)
        self.sync_scalars(sync, values)
        for name, targets in m2m.items():
            before = list(getattr(edition, name).all())
            if {obj.pk for obj in before} != {obj.pk for obj in targets}:
                sync.change(name, before, targets, where.child(name))
                getattr(edition, name).set(targets)
        variants = self.load_questionnaire(sync, data)
        for key, model in EDITION_ROWS:
            rows = self.row_values(model, edition, data.get(key, []), variants, where.child(key))
            self.replace_rows(sync, key, model, rows)
        self.load_forms(sync, data.get("forms", []), variants)
        self.delete_stale_questionnaire(sync, data)
        if sync.changes:
            edition.lock_version += 1
            edition.save(update_fields=["lock_version", "updated_at"])
            audit_record(
                kind=AuditEventKind.EDITED,
                service=service,
                edition=edition,
                actor=None,
                changes=sync.changes,
                comment=str(_("Загружено из демонстрационного набора данных.")),
            )
        advanced = self.advance(edition, target, where)
        if created:
            self.report.record(Edition, CREATED)
        elif sync.changes or advanced:
            self.report.record(Edition, UPDATED)
        else:
            self.report.record(Edition, UNCHANGED)

    def create_draft(self, service: Service, number: int, where: _Where) -> Edition:
        try:
            edition = edition_create_draft(service=service, actor=None)
        except WorkflowError as exc:
            where.fail(exc)
        if edition.number != number:
            where.child("number").fail(
                _("новая редакция получила № %(assigned)s, а в файле — № %(number)s")
                % {"assigned": edition.number, "number": number}
            )
        return edition

    def sync_scalars(self, sync: _EditionSync, values: dict[str, Any]) -> None:
        edition = sync.edition
        changed = [name for name, value in values.items() if getattr(edition, name) != value]
        if not changed:
            return
        for name in changed:
            field_name = Edition._meta.get_field(name).name
            sync.change(field_name, getattr(edition, name), values[name], sync.where.child(field_name))
            setattr(edition, name, values[name])
        _clean(edition, sync.where)
        edition.save(update_fields=[Edition._meta.get_field(name).name for name in changed] + ["updated_at"])

    def advance(self, edition: Edition, target: str, where: _Where) -> bool:
        """Move the edition along the workflow to the fixture's status, as the system actor.

        Publication runs the publication validator: an incomplete standard is refused here."""
        steps = 0
        target_index = min(STATUS_ORDER.index(target), STATUS_ORDER.index(EditionStatus.PUBLISHED))
        try:
            while STATUS_ORDER.index(edition.status) < target_index:
                if edition.status == EditionStatus.DRAFT:
                    edition = edition_submit(edition=edition, actor=None)
                elif edition.status == EditionStatus.SUBMITTED:
                    edition = edition_approve(edition=edition, actor=None)
                else:
                    status = edition.status
                    edition = edition_publish(
                        edition=edition, actor=None, effective_date=edition.effective_date
                    )
                    if edition.status == status:
                        where.child("effective_date").fail(
                            _(
                                "дата вступления в силу ещё не наступила: "
                                "редакция поставлена в график публикации"
                            )
                        )
                steps += 1
        except PublicationRefused as exc:
            where.fail(
                _("%(error)s Ошибки проверки: %(findings)s")
                % {"error": exc, "findings": "; ".join(f"[{f.code}] {f.message}" for f in exc.findings)}
            )
        except WorkflowError as exc:
            where.fail(exc)
        return steps > 0

    def row_values(
        self,
        model: type[models.Model],
        edition: Edition,
        raw_rows: Any,
        variants: dict[str, Variant],
        where: _Where,
    ) -> list[dict[str, Any]]:
        rows = []
        for index, raw in enumerate(_expect_list(raw_rows, where)):
            row_where = where.child(index)
            raw = _expect_object(raw, row_where)
            if "order" in raw:
                row_where.child("order").fail(_("порядок задаётся местом в списке, поле не указывается"))
            values = _scalar_values(model, raw, row_where, relations=ROW_RELATIONS, keys=("order",))
            values["order"] = index + 1
            values["edition_id"] = edition.pk
            values["variant_id"] = self.variant(raw.get("variant"), variants, row_where.child("variant"))
            if "act_id" in {f.attname for f in model._meta.concrete_fields}:
                act = raw.get("act")
                values["act_id"] = self.act(act, row_where.child("act")).pk if act else None
            elif "act" in raw:
                row_where.child("act").fail(_("у этого раздела нет ссылки на акт"))
            if model is Fee:
                category = raw.get("applicant_category")
                values["applicant_category_id"] = (
                    self.classifier(ApplicantCategory, category, row_where.child("applicant_category")).pk
                    if category
                    else None
                )
            elif "applicant_category" in raw:
                row_where.child("applicant_category").fail(
                    _("категория заявителей указывается только у платы")
                )
            rows.append(values)
        return rows

    @staticmethod
    def variant(code: Any, variants: dict[str, Variant], where: _Where) -> int | None:
        if code is None:
            return None
        if code not in variants:
            where.fail(_("вариант «%(code)s» не описан в разделе variants") % {"code": code})
        return variants[code].pk

    def replace_rows(
        self, sync: _EditionSync, key: str, model: type[models.Model], rows: list[dict[str, Any]]
    ) -> None:
        """Keep the rows when they equal the fixture; otherwise replace all of them."""
        existing = list(model._default_manager.filter(edition=sync.edition).order_by("order", "pk"))
        names = list(rows[0]) if rows else []
        if len(existing) == len(rows) and all(
            all(getattr(obj, name) == row[name] for name in names)
            for obj, row in zip(existing, rows, strict=True)
        ):
            self.report.record(model, UNCHANGED, len(rows))
            return
        sync.change(key, len(existing), len(rows), sync.where.child(key))
        model._default_manager.filter(edition=sync.edition).delete()
        self.report.record(model, DELETED, len(existing))
        for index, row in enumerate(rows):
            obj = model(**row)
            _clean(obj, sync.where.child(key).child(index))
            obj.save()
        self.report.record(model, CREATED, len(rows))

    # -- variants and the applicant questionnaire

    def load_questionnaire(self, sync: _EditionSync, data: dict) -> dict[str, Variant]:
        edition, where = sync.edition, sync.where
        attributes_where = where.child("applicant_attributes")
        values_by_attribute: dict[str, dict[str, AttributeValue]] = {}
        for index, raw in enumerate(_expect_list(data.get("applicant_attributes", []), attributes_where)):
            attribute_where = attributes_where.child(index)
            raw = _expect_object(raw, attribute_where)
            fields = _scalar_values(
                ApplicantAttribute, raw, attribute_where, relations=("values",), keys=("code", "order")
            )
            fields["order"] = index + 1
            attribute = self.upsert_part(
                sync,
                ApplicantAttribute,
                {"edition": edition, "code": raw.get("code")},
                fields,
                attribute_where,
            )
            answers = values_by_attribute.setdefault(attribute.code, {})
            values_where = attribute_where.child("values")
            raw_values = _expect_list(raw.get("values"), values_where)
            if len(raw_values) < 2:
                values_where.fail(_("у признака должно быть не меньше двух значений"))
            for value_index, raw_value in enumerate(raw_values):
                value_where = values_where.child(value_index)
                raw_value = _expect_object(raw_value, value_where)
                value_fields = _scalar_values(
                    AttributeValue, raw_value, value_where, relations=(), keys=("code", "order")
                )
                value_fields["order"] = value_index + 1
                answer = self.upsert_part(
                    sync,
                    AttributeValue,
                    {"attribute": attribute, "code": raw_value.get("code")},
                    value_fields,
                    value_where,
                )
                answers[answer.code] = answer

        variants: dict[str, Variant] = {}
        selections: dict[str, set[tuple[str, str]]] = {}
        variants_where = where.child("variants")
        for index, raw in enumerate(_expect_list(data.get("variants", []), variants_where)):
            variant_where = variants_where.child(index)
            raw = _expect_object(raw, variant_where)
            fields = _scalar_values(
                Variant, raw, variant_where, relations=("attribute_values",), keys=("code", "order")
            )
            fields["order"] = index + 1
            answers = []
            selection = set()
            pairs_where = variant_where.child("attribute_values")
            for pair_index, pair in enumerate(_expect_list(raw.get("attribute_values", []), pairs_where)):
                pair_where = pairs_where.child(pair_index)
                if not (isinstance(pair, list) and len(pair) == 2):
                    pair_where.fail(_("значение признака — пара [код признака, код значения]"))
                answer = values_by_attribute.get(pair[0], {}).get(pair[1])
                if answer is None:
                    pair_where.fail(
                        _("нет признака «%(attribute)s» со значением «%(value)s»")
                        % {"attribute": pair[0], "value": pair[1]}
                    )
                answers.append(answer)
                selection.add((pair[0], pair[1]))
            variant = self.upsert_part(
                sync, Variant, {"edition": edition, "code": raw.get("code")}, fields, variant_where
            )
            before = list(variant.attribute_values.all())
            if {obj.pk for obj in before} != {obj.pk for obj in answers}:
                sync.change(f"variants.{variant.code}.attribute_values", before, answers, pairs_where)
                variant.attribute_values.set(answers)
            variants[variant.code] = variant
            selections[variant.code] = selection
        if variants:
            _check_selection(values_by_attribute, selections, variants_where)
        return variants

    def upsert_part(
        self,
        sync: _EditionSync,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        where: _Where,
    ) -> models.Model:
        """A variant, attribute or answer by its code; changes only while the edition is a draft."""
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            sync.change(f"{model._meta.model_name}.{lookup['code']}", None, lookup["code"], where)
            obj = model(**lookup, **values)
            _clean(obj, where)
            obj.save()
            self.report.record(model, CREATED)
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not changed:
            self.report.record(model, UNCHANGED)
            return obj
        for name in changed:
            sync.change(
                f"{model._meta.model_name}.{obj.code}.{name}", getattr(obj, name), values[name], where
            )
            setattr(obj, name, values[name])
        _clean(obj, where)
        obj.save(update_fields=[model._meta.get_field(name).name for name in changed])
        self.report.record(model, UPDATED)
        return obj

    def delete_stale_questionnaire(self, sync: _EditionSync, data: dict) -> None:
        edition = sync.edition
        variant_codes = [raw.get("code") for raw in data.get("variants", [])]
        stale_variants = Variant.objects.filter(edition=edition).exclude(code__in=variant_codes)
        if stale_variants.exists():
            sync.change("variants", None, variant_codes, sync.where.child("variants"))
            _total, deleted = stale_variants.delete()
            self.report.record(Variant, DELETED, deleted.get(Variant._meta.label, 0))
        attributes = {raw.get("code"): raw for raw in data.get("applicant_attributes", [])}
        for attribute in ApplicantAttribute.objects.filter(edition=edition):
            if attribute.code not in attributes:
                sync.change(
                    "applicant_attributes", attribute.code, None, sync.where.child("applicant_attributes")
                )
                count = attribute.values.count()
                attribute.delete()
                self.report.record(ApplicantAttribute, DELETED)
                self.report.record(AttributeValue, DELETED, count)
                continue
            codes = [raw.get("code") for raw in attributes[attribute.code].get("values", [])]
            stale_values = attribute.values.exclude(code__in=codes)
            if stale_values.exists():
                sync.change("applicant_attributes", None, codes, sync.where.child("applicant_attributes"))
                _total, deleted = stale_values.delete()
                self.report.record(AttributeValue, DELETED, deleted.get(AttributeValue._meta.label, 0))

    # -- forms

    def load_forms(self, sync: _EditionSync, raw_forms: Any, variants: dict[str, Variant]) -> None:
        where = sync.where.child("forms")
        wanted = []
        for index, raw in enumerate(_expect_list(raw_forms, where)):
            form_where = where.child(index)
            raw = _expect_object(raw, form_where)
            for key in raw:
                if key not in FORM_KEYS:
                    form_where.child(key).fail(_("неизвестное поле формы"))
            lines = _expect_list(raw.get("lines"), form_where.child("lines"))
            if not lines or not all(isinstance(line, str) for line in lines):
                form_where.child("lines").fail(_("строки формы — непустой список строк"))
            title = raw.get("title")
            if not isinstance(title, str):
                form_where.child("title").fail(_("ожидается строка"))
            wanted.append(
                {
                    "kind": raw.get("kind"),
                    "title": title,
                    "order": index + 1,
                    "variant_id": self.variant(raw.get("variant"), variants, form_where.child("variant")),
                    "content": render_form_odt(title=title, lines=lines),
                }
            )
        existing = list(StandardForm.objects.filter(edition=sync.edition).order_by("order", "pk"))
        if len(existing) == len(wanted) and all(
            obj.kind == row["kind"]
            and obj.title == row["title"]
            and obj.order == row["order"]
            and obj.variant_id == row["variant_id"]
            and _stored_bytes(obj) == row["content"]
            for obj, row in zip(existing, wanted, strict=True)
        ):
            self.report.record(StandardForm, UNCHANGED, len(existing))
            return
        sync.change("forms", len(existing), len(wanted), where)
        for obj in existing:
            # Its file goes on commit unless a copied edition shares it (services/form_files.py).
            obj.delete()
        self.report.record(StandardForm, DELETED, len(existing))
        for index, row in enumerate(wanted):
            content = row.pop("content")
            form = StandardForm(edition=sync.edition, **row)
            form.file = ContentFile(content, name=f"{row['order']:02d}-{row['kind']}.odt")
            _clean(form, where.child(index))
            form.save()
        self.report.record(StandardForm, CREATED, len(wanted))


def _check_selection(
    values_by_attribute: dict[str, dict[str, AttributeValue]],
    selections: dict[str, set[tuple[str, str]]],
    where: _Where,
) -> None:
    """Every combination of answers must select exactly one variant (Правила 1228)."""
    attributes = sorted(values_by_attribute)
    for combination in itertools.product(*(sorted(values_by_attribute[a]) for a in attributes)):
        answers = dict(zip(attributes, combination, strict=True))
        matching = []
        for code, selection in selections.items():
            restricted = {attribute for attribute, _value in selection}
            if all((attribute, answers[attribute]) in selection for attribute in restricted):
                matching.append(code)
        if len(matching) != 1:
            where.fail(
                _(
                    "ответы %(answers)s выбирают вариантов: %(count)s (%(variants)s), "
                    "а должны выбирать ровно один"
                )
                % {
                    "answers": ", ".join(f"{a}={v}" for a, v in answers.items()) or "—",
                    "count": len(matching),
                    "variants": ", ".join(matching) or "—",
                }
            )


def _stored_bytes(form: StandardForm) -> bytes | None:
    if not form.file.name or not form.file.storage.exists(form.file.name):
        return None
    with form.file.storage.open(form.file.name, "rb") as handle:
        return handle.read()


# ---------------------------------------------------------------- forms as OpenDocument text

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">\n'
    ' <manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    f'manifest:media-type="{ODT_MIMETYPE}"/>\n'
    ' <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>\n'
    "</manifest:manifest>\n"
)
ODT_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2">\n'
    "<office:automatic-styles>\n"
    '<style:style style:name="Title" style:family="paragraph">'
    '<style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.5cm"/>'
    '<style:text-properties fo:font-size="14pt" fo:font-weight="bold"/></style:style>\n'
    '<style:style style:name="Line" style:family="paragraph">'
    '<style:paragraph-properties fo:margin-bottom="0.3cm"/></style:style>\n'
    "</office:automatic-styles>\n"
    "<office:body><office:text>\n"
    "{paragraphs}"
    "</office:text></office:body>\n"
    "</office:document-content>\n"
)


def render_form_odt(*, title: str, lines: Sequence[str]) -> bytes:
    """A small OpenDocument text with the form's title and lines; byte-identical for the
    same input (fixed timestamps), so a reload can tell that nothing changed."""
    paragraphs = f'<text:p text:style-name="Title">{escape(title)}</text:p>\n' + "".join(
        f'<text:p text:style-name="Line">{escape(line)}</text:p>\n' for line in lines
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype entry comes first and uncompressed, as ODF requires.
        for name, content, compression in (
            ("mimetype", ODT_MIMETYPE, zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", ODT_MANIFEST, zipfile.ZIP_DEFLATED),
            ("content.xml", ODT_CONTENT.replace("{paragraphs}", paragraphs), zipfile.ZIP_DEFLATED),
        ):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, content.encode("utf-8"))
    return buffer.getvalue()
