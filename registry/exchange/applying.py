"""Applying exchange records to the registry, all or nothing.

Every record goes through the workflow services (service_create, edition_create_draft,
edition_update, edition_rows_update and, when publishing, submit / approve / publish), in
one transaction for the whole file and a savepoint per service, so that every error of the
file is reported and none of it is written. A dry run does the same work and rolls back:
what it reports is exactly what applying would do.

The file's services are taken a chunk at a time: the chunk's services and their stored records
(what "unchanged" is decided against) are read with one query per table
(``records.chunk_records``), not a prefetch per service. A service written earlier in the same
chunk (a withdrawal of a service the file also lists) is read again on its own. A file lists
each service once: a registry number met again is an error of that service."""

import datetime
import hashlib
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, InterfaceError, OperationalError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.exchange.records import (
    EDITION_CHOICES,
    EDITION_SCALARS,
    OFFICE_FIELDS,
    ROW_SECTIONS,
    VARIANT_FIELDS,
    ActKey,
    Lookups,
    body_key,
    chunk_records,
    comparable,
    office_record,
    published_edition,
)
from registry.exchange.report import (
    CREATED,
    ERROR,
    UNCHANGED,
    UPDATED,
    WITHDRAWAL_NOT_APPLIED,
    WITHDRAWN,
    ImportProblem,
    ImportReport,
    Location,
    ServiceOutcome,
)
from registry.models import (
    ApplicantAttribute,
    ApplicantCategory,
    AttributeValue,
    Category,
    Channel,
    Edition,
    EditionStatus,
    Office,
    PaymentMethod,
    ProviderBody,
    Region,
    Role,
    Service,
    StandardForm,
    Variant,
    normalize_name,
)
from registry.permissions import User, body_ids_with_role, is_administrator
from registry.services import (
    PublicationRefused,
    WorkflowError,
    edition_approve,
    edition_create_draft,
    edition_publish,
    edition_rows_update,
    edition_submit,
    edition_update,
    office_save,
    service_categories_set,
    service_create,
    service_withdraw,
)
from registry.validators import FormFileContentValidator
from regulations.models import LegalAct

CHUNK_SIZE = getattr(settings, "REGISTRY_EXCHANGE_CHUNK_SIZE", 500)
# The database, not the file, failed: the connection went away (the server restarted, the
# backend was terminated), a lock or the disk gave out. The import stops; its transaction is
# gone with the connection, so nothing of the file was written and it can simply be repeated.
CONNECTION_LOST = (OperationalError, InterfaceError)
logger = logging.getLogger(__name__)
# Locates a field of a row in the file: (section, row index or None, field name or None).
Locator = Callable[[str, int | None, str | None], Location]
CLASSIFIERS: dict[str, type[models.Model]] = {
    "payment_methods": PaymentMethod,
    "applicant_categories": ApplicantCategory,
    "submission_channels": Channel,
    "result_delivery_channels": Channel,
    "categories": Category,
    "applicant_category": ApplicantCategory,
}


class ImportFailure(Exception):
    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


class _Rollback(Exception):
    pass


@dataclass
class ParsedService:
    """One service read from a file: its record, or the errors that kept it from being read."""

    registry_number: str
    name: str
    location: Location
    record: dict[str, Any] | None
    locate: Locator
    errors: list[ImportProblem] = field(default_factory=list)
    has_forms: bool = True


@dataclass(frozen=True)
class ParsedWithdrawal:
    """A service the file lists as withdrawn from the registry (an incremental export's
    ``withdrawn`` list): its number, the date and the public reason."""

    registry_number: str
    withdrawn_on: datetime.date
    reason: str
    location: Location


@dataclass
class ParsedOffice:
    """An office of one of the file's bodies: ``body`` the body's values with its superiors (as
    a service's), ``values`` the office's fields (``records.OFFICE_FIELDS``) and ``services``,
    the registry numbers listed, in the file's order. ``locate(field, index)`` is where a field
    stands (``services`` with the index of a number)."""

    body: dict[str, Any]
    values: dict[str, Any]
    location: Location
    locate: Callable[[str | None, int | None], Location]


@dataclass
class ImportSource:
    """What a reader gives the importer: the legal acts the file cites, by their key, the
    services, read lazily (file errors found while reading go straight to the report), and the
    withdrawals, filled in as the file is read (they follow the services)."""

    acts: dict[ActKey, dict[str, Any]]
    services: Iterable[ParsedService]
    withdrawals: list[ParsedWithdrawal] = field(default_factory=list)
    # The bodies' offices, filled in as the bodies are read (before the services); applied
    # after the services, whose numbers they may list.
    offices: list[ParsedOffice] = field(default_factory=list)


class FileStash:
    """Form files written during an import; removed again unless the import is committed."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def save(self, path: str, content: bytes) -> str:
        name = default_storage.save(path, ContentFile(content))
        self.names.append(name)
        return name

    def discard(self) -> None:
        for name in self.names:
            default_storage.delete(name)
        self.names = []


def run_import(
    source_factory: Callable[[ImportReport], ImportSource],
    *,
    actor: User,
    dry_run: bool,
    publish: bool,
    report: ImportReport,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Apply the file's services chunk by chunk in one transaction: all or nothing. ``progress``
    is told the number of services judged so far after each chunk (a background job's bar)."""
    report.dry_run, report.publish = dry_run, publish
    if publish and not is_administrator(actor):
        report.add_file_error(_("Публиковать при загрузке может только администратор реестра."))
        return report
    stash = FileStash()
    try:
        with transaction.atomic():
            source = source_factory(report)
            importer = _Importer(actor=actor, publish=publish, acts=source.acts, stash=stash)
            services = iter(source.services)
            while chunk := list(islice(services, chunk_size)):
                importer.read_stored(chunk)
                for parsed in chunk:
                    report.add(importer.apply(parsed))
                if progress is not None:
                    progress(len(report.services))
            importer.apply_offices(source.offices, report)
            for withdrawal in source.withdrawals:
                report.add(importer.withdraw(withdrawal))
            if dry_run or not report.ok:
                raise _Rollback
    except _Rollback:
        stash.discard()
    except CONNECTION_LOST as error:
        stash.discard()
        # The operator gets the details in the log; the official gets what to do.
        logger.warning("Import of %s stopped: the database failed (%r)", report.file_name, error)
        report.interrupted = _(
            "Загрузка прервана: база данных реестра стала недоступна во время загрузки. Ничего из "
            "файла не записано; загрузку можно повторить."
        )
    except BaseException:
        stash.discard()
        raise
    else:
        report.applied = True
    return report


def _messages(error: ValidationError, model: type[models.Model] | None) -> list[tuple[str | None, str]]:
    if not hasattr(error, "error_dict"):
        return [(None, message) for message in error.messages]
    pairs = []
    for name, errors in error.error_dict.items():
        label, choices = name, ()
        if model is not None and name != "__all__":
            try:
                model_field = model._meta.get_field(name)
                label = str(model_field.verbose_name)
                choices = model_field.flatchoices
            except Exception:  # noqa: BLE001 — a non-field key keeps its own name
                label = name
        for item in errors:
            for message in item.messages:
                if getattr(item, "code", None) == "invalid_choice" and choices:
                    # The file holds codes: every allowed one, with what it means.
                    allowed = ", ".join(
                        f"{value} ({text})" for value, text in choices if value not in ("", None)
                    )
                    message = _("%(message)s Допустимые значения: %(allowed)s.") % {
                        "message": message,
                        "allowed": allowed,
                    }
                pairs.append(
                    (
                        None if name == "__all__" else name,
                        f"{label}: {message}" if label != "__all__" else message,
                    )
                )
    return pairs


class _Importer:
    def __init__(self, *, actor: User, publish: bool, acts: dict[ActKey, dict[str, Any]], stash: FileStash):
        self.actor = actor
        self.publish = publish
        self.file_acts = acts
        self.stash = stash
        self.administrator = is_administrator(actor)
        self.official_bodies = set() if self.administrator else body_ids_with_role(actor, Role.OFFICIAL)
        self.acts: dict[ActKey, LegalAct] = {}
        self.bodies: dict[tuple[str, str], ProviderBody] = {}
        self.classifiers: dict[type[models.Model], dict[str, models.Model]] = {}
        self.regions = {region.code: region for region in Region.objects.all()}
        # The current chunk's services by registry number (None: not in the registry) and their
        # stored records, as read before the chunk was applied; a number written to since then
        # (it occurs twice in the chunk) is read again.
        self.chunk_services: dict[str, Service | None] = {}
        self.chunk_stored: dict[str, dict[str, Any]] = {}
        self.written: set[str] = set()
        # Every registry number of the file so far: a file lists each service once (the XSD's
        # unique constraint serviceNumber, which a streaming validation of one service at a time
        # cannot check).
        self.numbers_seen: set[str] = set()
        # The file's services refused (their errors are reported): an office that lists one is
        # not wrong for that.
        self.refused_numbers: set[str] = set()
        # Act keys and category codes of the stored records, read once for the whole file.
        self.lookups = Lookups()

    # ---- entry point ----
    def read_stored(self, chunk: Sequence[ParsedService]) -> None:
        """Read the chunk's services and their stored records, one query per table."""
        numbers = {parsed.registry_number for parsed in chunk if parsed.record is not None}
        services = list(
            Service.objects.filter(registry_number__in=numbers).select_related("provider__region")
        )
        self.chunk_services = dict.fromkeys(numbers)
        self.chunk_services.update((service.registry_number, service) for service in services)
        self.chunk_stored = {
            service.registry_number: record
            for service, record in chunk_records(services, self._stored_editions(), lookups=self.lookups)
        }
        self.written = set()

    def apply(self, parsed: ParsedService) -> ServiceOutcome:
        outcome = ServiceOutcome(parsed.registry_number, parsed.name, ERROR, parsed.location)
        if parsed.registry_number:
            if parsed.registry_number in self.numbers_seen:
                outcome.errors.append(
                    ImportProblem(
                        _(
                            "Услуга с реестровым номером %(number)s уже указана в файле выше: "
                            "каждая услуга указывается в файле один раз."
                        )
                        % {"number": parsed.registry_number},
                        parsed.location,
                    )
                )
                return outcome
            self.numbers_seen.add(parsed.registry_number)
        if parsed.errors or parsed.record is None:
            outcome.errors = list(parsed.errors)
            self.refused_numbers.add(parsed.registry_number)
            return outcome
        try:
            outcome.outcome = self._apply_in_savepoint(parsed)
        except ImportFailure as failure:
            outcome.errors.append(ImportProblem(failure.message, failure.location or parsed.location))
        except PublicationRefused as refused:
            outcome.errors.append(ImportProblem(str(refused), parsed.location))
            for finding in refused.findings:
                outcome.errors.append(
                    ImportProblem(f"{finding.citation}: {finding.message}", parsed.location)
                )
        except WorkflowError as error:
            outcome.errors.append(ImportProblem(str(error), parsed.location))
        except ValidationError as error:
            for _name, message in _messages(error, None):
                outcome.errors.append(ImportProblem(message, parsed.location))
        except CONNECTION_LOST:
            # Not this service's fault: the whole import stops (run_import says so).
            raise
        except DatabaseError as error:
            outcome.errors.append(
                ImportProblem(
                    _("Запись отклонена базой данных: %(error)s") % {"error": error}, parsed.location
                )
            )
        if outcome.errors:
            outcome.outcome = ERROR
            self.refused_numbers.add(parsed.registry_number)
        return outcome

    def _apply_in_savepoint(self, parsed: ParsedService) -> str:
        known_acts, known_bodies = dict(self.acts), dict(self.bodies)
        try:
            with transaction.atomic():
                return self._apply(parsed)
        except Exception:
            # The savepoint took the acts and bodies this service created with it.
            self.acts, self.bodies = known_acts, known_bodies
            raise

    def _apply(self, parsed: ParsedService) -> str:
        record, locate = parsed.record, parsed.locate
        body = self._body(record["body"], locate("service", None, "body"))
        if not self.administrator and body.pk not in self.official_bodies:
            raise ImportFailure(
                _(
                    "Услуга относится к органу «%(body)s»: загружать услуги этого органа может его "
                    "должностное лицо или администратор реестра."
                )
                % {"body": body},
                locate("service", None, "body"),
            )
        service = self._service(record["registry_number"])
        created = service is None
        if service is None:
            self.written.add(record["registry_number"])
            service = service_create(
                actor=self.actor,
                provider=body,
                level=record["level"],
                registry_number=record["registry_number"],
                under_single_standard=record["under_single_standard"],
                categories=self._codes(Category, record["categories"], locate("service", None, "categories")),
            )
        else:
            self._check_service(service, body, record, locate)
            stored = self._stored_record(service)
            recategorised = self._categories(service, stored, record, locate)
            if stored is not None and comparable(stored, include_forms=parsed.has_forms) == comparable(
                record, include_forms=parsed.has_forms
            ):
                return UPDATED if recategorised else UNCHANGED
            self.written.add(service.registry_number)
        draft = self._draft(service, locate)
        draft = self._update_edition(draft, record, locate)
        self._replace_rows(draft, record, locate, has_forms=parsed.has_forms)
        if self.publish:
            self._publish(draft, record)
        return CREATED if created else UPDATED

    def withdraw(self, withdrawal: ParsedWithdrawal) -> ServiceOutcome:
        """Withdraw a service the file lists as withdrawn: only when publishing (an administrator;
        a withdrawal is a reviewer's decision, not a draft), through ``service_withdraw``. A
        service already withdrawn, or not in the registry, is left as it is."""
        service = Service.objects.filter(registry_number=withdrawal.registry_number).first()
        current = service and service.editions.filter(status=EditionStatus.PUBLISHED).first()
        name = (current.short_name or current.full_name) if current else ""
        outcome = ServiceOutcome(withdrawal.registry_number, name, UNCHANGED, withdrawal.location)
        if service is None or service.is_withdrawn:
            return outcome
        if not self.publish:
            outcome.outcome = WITHDRAWAL_NOT_APPLIED
            return outcome
        try:
            with transaction.atomic():
                service_withdraw(
                    service=service, actor=self.actor, reason=withdrawal.reason, date=withdrawal.withdrawn_on
                )
        except WorkflowError as error:
            outcome.outcome = ERROR
            outcome.errors.append(ImportProblem(str(error), withdrawal.location))
            return outcome
        outcome.outcome = WITHDRAWN
        return outcome

    # ---- the service ----
    def _categories(self, service: Service, stored: dict | None, record: dict, locate: Locator) -> bool:
        """Put an existing service under the file's categories; True when they changed."""
        wanted = sorted(record["categories"])
        held = (
            stored["categories"] if stored is not None else service.categories.values_list("code", flat=True)
        )
        if sorted(held) == wanted:
            return False
        categories = self._codes(Category, wanted, locate("service", None, "categories"))
        self.written.add(service.registry_number)
        service_categories_set(service=service, actor=self.actor, categories=categories)
        return True

    def _check_service(self, service: Service, body: ProviderBody, record: dict, locate: Locator) -> None:
        if service.provider_id != body.pk:
            raise ImportFailure(
                _(
                    "Услуга %(number)s в реестре предоставляет орган «%(stored)s», а в файле — «%(body)s». "
                    "Передача услуги другому органу загрузкой не выполняется."
                )
                % {"number": service.registry_number, "stored": service.provider, "body": body},
                locate("service", None, "body"),
            )
        if (
            service.under_single_standard != record["under_single_standard"]
            or service.level != record["level"]
        ):
            raise ImportFailure(
                _(
                    "Уровень услуги и признак единого стандарта меняются в карточке услуги, а в файле "
                    "они отличаются от записанных в реестре."
                ),
                locate("service", None, "under_single_standard"),
            )

    def _stored_editions(self) -> models.QuerySet[Edition]:
        """The editions a record is compared with (each service's newest one among them): the
        current edition when publishing, else the newest that is not history (the open draft
        when there is one)."""
        if self.publish:
            return Edition.objects.filter(status=EditionStatus.PUBLISHED)
        return Edition.objects.exclude(status=EditionStatus.SUPERSEDED)

    def _read_for_chunk(self, registry_number: str) -> bool:
        return registry_number in self.chunk_services and registry_number not in self.written

    def _service(self, registry_number: str) -> Service | None:
        if self._read_for_chunk(registry_number):
            return self.chunk_services[registry_number]
        services = Service.objects.select_related("provider__region")
        return services.filter(registry_number=registry_number).first()

    def _stored_record(self, service: Service) -> dict[str, Any] | None:
        if self._read_for_chunk(service.registry_number):
            return self.chunk_stored.get(service.registry_number)
        records = chunk_records([service], self._stored_editions(), lookups=self.lookups)
        return next((record for _service, record in records), None)

    def _draft(self, service: Service, locate: Locator) -> Edition:
        open_edition = service.editions.open().first()
        if open_edition is None:
            return edition_create_draft(service=service, actor=self.actor)
        if open_edition.status != EditionStatus.DRAFT:
            raise ImportFailure(
                _(
                    "Редакция № %(number)s услуги в статусе «%(status)s»: загрузить изменения можно, когда "
                    "её вернут на доработку или опубликуют."
                )
                % {"number": open_edition.number, "status": open_edition.get_status_display()},
                locate("edition", None, None),
            )
        return open_edition

    # ---- offices ----
    def apply_offices(self, offices: Sequence[ParsedOffice], report: ImportReport) -> None:
        """Upsert the file's offices by (body, code), after its services: an office's services
        become exactly those listed, each a service of the office's own body (in the registry,
        the file's included). Unchanged offices are not written, whoever imports them; an
        official changes only offices of their bodies. Errors are the file's, at the office.

        Three queries for any number of offices (the stored offices, their services, the
        bodies' services), plus the writes. A file with errors of its own (not well-formed, cut
        short, a body or act refused) is not taken further: its services may be missing for that
        reason alone, and nothing of it is written anyway."""
        if not offices or report.file_errors:
            return
        resolved: list[tuple[ParsedOffice, ProviderBody]] = []
        for parsed in offices:
            try:
                resolved.append((parsed, self._body(parsed.body, parsed.location)))
            except ImportFailure as failure:
                report.add_file_error(failure.message, failure.location or parsed.location)
        body_ids = {body.pk for _parsed, body in resolved}
        stored = {
            (office.body_id, office.code): office for office in Office.objects.filter(body_id__in=body_ids)
        }
        stored_numbers: dict[int, list[str]] = {office.pk: [] for office in stored.values()}
        links = Office.services.through.objects.filter(office__body_id__in=body_ids).values_list(
            "office_id", "service__registry_number"
        )
        for office_id, number in links:
            stored_numbers.setdefault(office_id, []).append(number)
        services: dict[str, Service] = {
            service.registry_number: service
            for service in Service.objects.filter(provider_id__in=body_ids)
            .annotate(published=published_edition())
            .only("pk", "registry_number", "provider_id")
        }
        seen: set[tuple[int, str]] = set()
        for parsed, body in resolved:
            key = (body.pk, parsed.values["code"])
            if key in seen:
                report.add_file_error(
                    _(
                        "Офис с кодом «%(code)s» органа «%(body)s» уже указан в файле выше: каждый офис "
                        "указывается один раз."
                    )
                    % {"code": parsed.values["code"], "body": body},
                    parsed.locate("code", None),
                )
                continue
            seen.add(key)
            outcome = self._apply_office(parsed, body, stored.get(key), stored_numbers, services, report)
            if outcome is not None:
                report.offices[outcome] += 1

    def _apply_office(
        self,
        parsed: ParsedOffice,
        body: ProviderBody,
        office: Office | None,
        stored_numbers: dict[int, list[str]],
        services: dict[str, Service],
        report: ImportReport,
    ) -> str | None:
        values = parsed.values
        chosen: list[Service] = []
        problems = 0
        for index, number in enumerate(values["services"]):
            service = services.get(number)
            if number in values["services"][:index]:
                report.add_file_error(
                    _("Услуга %(number)s указана у офиса «%(code)s» дважды, а каждая указывается один раз.")
                    % {"number": number, "code": values["code"]},
                    parsed.locate("services", index),
                )
                problems += 1
                continue
            if service is None and number in self.refused_numbers:
                problems += 1  # a service of the file, refused: its own error fails the file
                continue
            if service is None or service.provider_id != body.pk:
                report.add_file_error(
                    self._foreign_service(number, body, values["code"]), parsed.locate("services", index)
                )
                problems += 1
                continue
            chosen.append(service)
        if problems:
            return None
        if office is not None:
            # A published export leaves out the services never published: their links stay.
            listed = set(values["services"])
            before = stored_numbers.get(office.pk, [])
            for number in before:
                service = services.get(number)
                if number not in listed and service is not None and not service.published:
                    chosen.append(service)
            wanted = {name: values[name] for name in OFFICE_FIELDS}
            wanted["services"] = sorted(service.registry_number for service in chosen)
            if office_record(office, before) == wanted:
                return UNCHANGED
        if not self.administrator and body.pk not in self.official_bodies:
            report.add_file_error(
                _(
                    "Офис «%(code)s» относится к органу «%(body)s»: создавать и менять офисы этого органа "
                    "может его должностное лицо или администратор реестра."
                )
                % {"code": values["code"], "body": body},
                parsed.location,
            )
            return None
        try:
            office_save(actor=self.actor, body=body, values=values, services=chosen, office=office)
        except ValidationError as error:
            for name, message in _messages(error, Office):
                report.add_file_error(message, parsed.locate(name, None))
            return None
        except WorkflowError as error:
            report.add_file_error(str(error), parsed.location)
            return None
        return CREATED if office is None else UPDATED

    def _foreign_service(self, number: str, body: ProviderBody, code: str) -> str:
        """Why a number listed in an office is not one of its body's services."""
        provider = ProviderBody.objects.filter(services__registry_number=number).first()
        if provider is None:
            return _(
                "В офисе «%(code)s» указана услуга %(number)s, которой нет ни в файле, ни в реестре."
            ) % {"code": code, "number": number}
        return _(
            "В офисе «%(code)s» органа «%(body)s» указана услуга %(number)s, которую предоставляет другой "
            "орган («%(provider)s»): в офисе указываются только услуги его органа."
        ) % {"code": code, "body": body, "number": number, "provider": provider}

    # ---- references ----
    def _body(self, values: dict[str, Any], location: Location) -> ProviderBody:
        key = body_key(values)
        if key in self.bodies:
            return self.bodies[key]
        bodies = ProviderBody.objects.select_related("region")
        body = (
            bodies.filter(ogrn=values["ogrn"])
            if values["ogrn"]
            else bodies.filter(full_name=values["full_name"])
        ).first()
        if body is None:
            if not self.administrator:
                raise ImportFailure(
                    _("Органа «%(name)s» нет в реестре; добавить орган может администратор реестра.")
                    % {"name": values["full_name"]},
                    location,
                )
            region = None
            if values["region"]:
                region = self.regions.get(values["region"])
                if region is None:
                    raise ImportFailure(
                        _("Субъекта РФ с кодом %(code)s нет в справочнике.") % {"code": values["region"]},
                        location,
                    )
            superior = self._body(values["parent"], location) if values.get("parent") else None
            body = ProviderBody(
                **{name: value for name, value in values.items() if name not in ("region", "parent")},
                region=region,
                parent=superior,
            )
            try:
                body.full_clean()
            except ValidationError as error:
                raise ImportFailure(
                    "; ".join(m for _n, m in _messages(error, ProviderBody)), location
                ) from error
            body.save()
        self.bodies[key] = body
        return body

    def _act(self, key: ActKey | None, location: Location) -> LegalAct | None:
        if key is None:
            return None
        if key in self.acts:
            return self.acts[key]
        kind, number, date = key
        act = LegalAct.objects.filter(kind=kind, number=number, date=date).first()
        if act is None:
            values = self.file_acts.get(key)
            if values is None or not self.administrator:
                raise ImportFailure(
                    _(
                        "Нормативного правового акта «%(act)s» нет в реестре; добавить акт может "
                        "администратор реестра."
                    )
                    % {"act": (values or {}).get("title") or f"{number} от {date}"},
                    location,
                )
            act = LegalAct(**values)
            try:
                act.full_clean()
            except ValidationError as error:
                raise ImportFailure("; ".join(m for _n, m in _messages(error, LegalAct)), location) from error
            act.save()
        self.acts[key] = act
        return act

    def _classifier(self, model: type[models.Model], code: str, location: Location) -> models.Model:
        if model not in self.classifiers:
            self.classifiers[model] = {item.code: item for item in model.objects.all()}
        item = self.classifiers[model].get(code)
        if item is None:
            raise ImportFailure(
                _("Код «%(code)s» не найден в справочнике «%(classifier)s».")
                % {"code": code, "classifier": model._meta.verbose_name_plural},
                location,
            )
        return item

    def _codes(self, model: type[models.Model], codes: list[str], location: Location) -> list[models.Model]:
        return [self._classifier(model, code, location) for code in codes]

    # ---- the edition ----
    def _update_edition(self, draft: Edition, record: dict, locate: Locator) -> Edition:
        values = record["edition"]
        changes: dict[str, Any] = {name: values[name] for name in EDITION_SCALARS}
        changes["change_note"] = values["change_note"]
        changes["effective_date"] = values["effective_date"]
        changes["amending_act"] = self._act(values["amending_act"], locate("edition", None, "amending_act"))
        for name in EDITION_CHOICES:
            changes[name] = self._codes(CLASSIFIERS[name], values[name], locate("edition", None, name))
        try:
            return edition_update(
                edition=draft, actor=self.actor, changes=changes, expected_version=draft.lock_version
            )
        except ValidationError as error:
            pairs = _messages(error, Edition)
            first_field, message = pairs[0]
            raise ImportFailure(
                "; ".join(m for _n, m in pairs), locate("edition", None, first_field)
            ) from error

    def _row_values(
        self, section: str, index: int, row: dict, variants: dict[str, Variant], locate: Locator
    ) -> dict:
        model, fields = ROW_SECTIONS[section]
        values: dict[str, Any] = {"order": index}
        for name in fields:
            value = row[name]
            if name == "variant":
                if value and value not in variants:
                    raise ImportFailure(
                        _("Вариант с кодом «%(code)s» не описан в разделе вариантов.") % {"code": value},
                        locate(section, index, name),
                    )
                values[name] = variants[value] if value else None
            elif name == "act":
                values[name] = self._act(value, locate(section, index, name))
            elif name == "applicant_category":
                values[name] = (
                    self._classifier(ApplicantCategory, value, locate(section, index, name))
                    if value
                    else None
                )
            elif name in ("file_name", "sha256"):
                continue
            else:
                values[name] = value
        return values

    def _replace_rows(self, draft: Edition, record: dict, locate: Locator, *, has_forms: bool) -> None:
        sections = [name for name in ROW_SECTIONS if has_forms or name != "forms"]
        old_rows: list[models.Model] = []
        for section in sections:
            old_rows.extend(getattr(draft, section).all())
        stored_forms = {}
        if has_forms:
            for form in draft.forms.all():
                try:
                    with form.file.open("rb") as handle:
                        stored_forms[hashlib.sha256(handle.read()).hexdigest()] = form.file.name
                except (FileNotFoundError, ValueError):
                    continue
        self._check_duplicate_documents(record, locate)
        # 1. Clear the sections, write variants and applicant attributes.
        step = edition_rows_update(
            edition=draft,
            actor=self.actor,
            expected_version=draft.lock_version,
            remove=[*old_rows, *draft.variants.all(), *draft.applicant_attributes.all()],
            add=[
                *[
                    (Variant, {**{name: row[name] for name in VARIANT_FIELDS}, "order": index})
                    for index, row in enumerate(record["variants"])
                ],
                *[
                    (ApplicantAttribute, {"code": row["code"], "question": row["question"], "order": index})
                    for index, row in enumerate(record["attributes"])
                ],
            ],
        )
        draft = step.edition
        variants = {row.code: row for row in step.created if isinstance(row, Variant)}
        attributes = {row.code: row for row in step.created if isinstance(row, ApplicantAttribute)}
        # 2. Attribute values and the rows of every section.
        add: list[tuple[type, dict]] = []
        for attribute in record["attributes"]:
            for index, value in enumerate(attribute["values"]):
                add.append(
                    (
                        AttributeValue,
                        {
                            "attribute": attributes[attribute["code"]],
                            "code": value["code"],
                            "label": value["label"],
                            "order": index,
                        },
                    )
                )
        located: list[tuple[str, int]] = []
        for section in sections:
            model = ROW_SECTIONS[section][0]
            for index, row in enumerate(record[section]):
                values = self._row_values(section, index, row, variants, locate)
                if section == "forms":
                    values["file"] = self._form_file(
                        draft, row, stored_forms, locate(section, index, "file_name")
                    )
                add.append((model, values))
                located.append((section, index))
        try:
            step = edition_rows_update(
                edition=draft, actor=self.actor, expected_version=draft.lock_version, add=add
            )
        except ValidationError as error:
            raise self._locate_row_error(error, draft, add, located, locate) from error
        draft = step.edition
        values_by_code = {
            (row.attribute.code, row.code): row for row in step.created if isinstance(row, AttributeValue)
        }
        # 3. Which attribute values select each variant.
        change = []
        for row in record["variants"]:
            if not row["selected_by"]:
                continue
            chosen = []
            for pair in row["selected_by"]:
                if pair not in values_by_code:
                    raise ImportFailure(
                        _(
                            "Вариант «%(variant)s» ссылается на неизвестное значение признака "
                            "«%(attribute)s: %(value)s»."
                        )
                        % {"variant": row["code"], "attribute": pair[0], "value": pair[1]},
                        locate("variants", record["variants"].index(row), "selected_by"),
                    )
                chosen.append(values_by_code[pair])
            change.append((variants[row["code"]], {"attribute_values": chosen}))
        if change:
            edition_rows_update(
                edition=draft, actor=self.actor, expected_version=draft.lock_version, change=change
            )

    def _check_duplicate_documents(self, record: dict, locate: Locator) -> None:
        seen: dict[tuple[str, str], int] = {}
        common = {normalize_name(row["name"]) for row in record["documents"] if not row["variant"]}
        for index, row in enumerate(record["documents"]):
            key = (row["variant"], normalize_name(row["name"]))
            if key in seen or (row["variant"] and key[1] in common):
                raise ImportFailure(
                    _("Документ «%(name)s» указан в перечне документов дважды.") % {"name": row["name"]},
                    locate("documents", index, "name"),
                )
            seen[key] = index

    def _form_file(self, draft: Edition, row: dict, stored: dict[str, str], location: Location) -> str:
        content = row.get("content")
        if content is None:
            if row["sha256"] in stored:
                return stored[row["sha256"]]
            raise ImportFailure(
                _("Форма «%(title)s» передана без содержимого файла.") % {"title": row["title"]}, location
            )
        digest = hashlib.sha256(content).hexdigest()
        if digest != row["sha256"]:
            raise ImportFailure(
                _("Содержимое файла формы «%(title)s» не совпадает с контрольной суммой sha256.")
                % {"title": row["title"]},
                location,
            )
        if digest in stored:
            return stored[digest]
        try:
            FormFileContentValidator(_("Файл")).check(row["file_name"], io.BytesIO(content))
        except ValidationError as error:
            raise ImportFailure(
                _("Форма «%(title)s»: %(problem)s")
                % {"title": row["title"], "problem": " ".join(error.messages)},
                location,
            ) from error
        probe = StandardForm(edition=draft)
        name = self.stash.save(
            StandardForm._meta.get_field("file").generate_filename(probe, row["file_name"]), content
        )
        stored[digest] = name
        return name

    def _locate_row_error(
        self,
        error: ValidationError,
        draft: Edition,
        add: list,
        located: list[tuple[str, int]],
        locate: Locator,
    ) -> ImportFailure:
        """The first row that fails its own validation, with the field, for the report."""
        rows = add[len(add) - len(located) :]
        for (model, values), (section, index) in zip(rows, located, strict=True):
            scalar = {name: value for name, value in values.items() if name != "attribute_values"}
            instance = model(edition=draft, **scalar)
            try:
                instance.full_clean(exclude=["edition"])
            except ValidationError as row_error:
                pairs = _messages(row_error, model)
                return ImportFailure("; ".join(m for _n, m in pairs), locate(section, index, pairs[0][0]))
        return ImportFailure("; ".join(m for _n, m in _messages(error, None)), locate("edition", None, None))

    def _publish(self, draft: Edition, record: dict) -> None:
        # Approval and publication check the cited acts on the same date: the file's.
        effective_date = record["edition"]["effective_date"] or timezone.localdate()
        try:
            draft = edition_submit(edition=draft, actor=self.actor, comment=_("Загружено из файла обмена."))
            draft = edition_approve(edition=draft, actor=self.actor, effective_date=effective_date)
        except PublicationRefused as refused:
            # The file asked for publication: its report says the record was not published.
            raise PublicationRefused(findings=refused.findings, params={"number": draft.number}) from refused
        edition_publish(edition=draft, actor=self.actor, effective_date=effective_date)


__all__ = ["FileStash", "ImportFailure", "ImportSource", "ParsedService", "run_import"]
