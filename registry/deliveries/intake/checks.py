"""Checks of one raw row, and its resolution to the registry's ids: a ``DeliveryRow`` or the
row's errors, each naming the column (by its Russian header) and what is wrong."""

import datetime
import re
import sqlite3
import tempfile
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from registry.deliveries.intake.columns import BY_CODE
from registry.deliveries.intake.errors import IntakeError
from registry.deliveries.intake.personal import personal_value
from registry.deliveries.intake.readers import EXTRA_CELLS, SCHEMA_ERRORS, RawRow, Value
from registry.deliveries.rows import DeliveryRow, Outcome
from registry.models import Channel, Office, ProviderBody, Service, Variant

TEXT_LIMITS = {
    "case_id": 64,
    "service": 19,
    "body": 15,
    "office": 50,
    "channel": 64,
    "variant": 64,
    "outcome": 32,
    "refusal_ground": 1000,
}
RUSSIAN_DATETIME = re.compile(
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})"
    r"(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)
OUTCOMES_NEEDING_RESULT = (Outcome.ISSUED, Outcome.REFUSED)
OUTCOME_CODES = frozenset(Outcome.values)


def header(code: str) -> str:
    return str(BY_CODE[code].header)


class CaseLedger:
    """Case ids seen so far in the file, with their row, kept on disk (a temporary SQLite
    database) rather than in a set: memory stays flat at millions of rows."""

    def __init__(self) -> None:
        self._file = tempfile.NamedTemporaryFile(suffix=".sqlite3")  # noqa: SIM115 — closed in close()
        self._db = sqlite3.connect(self._file.name)
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-8000;"
            "CREATE TABLE seen (body TEXT, case_id TEXT, line INTEGER, "
            "PRIMARY KEY (body, case_id)) WITHOUT ROWID;"
        )

    def first_line(self, body: str, case_id: str, line: int) -> int | None:
        """None the first time a case is seen, else the row where it was first seen."""
        try:
            self._db.execute("INSERT INTO seen VALUES (?, ?, ?)", (body, case_id, line))
        except sqlite3.IntegrityError:
            found = self._db.execute(
                "SELECT line FROM seen WHERE body = ? AND case_id = ?", (body, case_id)
            ).fetchone()
            return found[0]
        return None

    def close(self) -> None:
        self._db.close()
        self._file.close()


class RowChecker:
    """Checks rows one by one. Lookups are cached per file (a file names few services, bodies
    and offices, many times over). ``scope_body_ids``: the bodies whose rows the uploader may
    send (None: any body — the command, an administrator)."""

    def __init__(self, *, scope_body_ids: Iterable[int] | None = None, now: datetime.datetime | None = None):
        self.scope_body_ids = None if scope_body_ids is None else set(scope_body_ids)
        self.now = now or timezone.now()
        self.ledger = CaseLedger()
        self._services: dict[str, tuple[int, int] | None] = {}
        self._bodies: dict[str, int | None] = {}
        self._offices: dict[tuple[int, str], int | None] = {}
        self._variants: dict[int, set[str]] = {}
        self._channels: dict[str, int] | None = None  # read at the first row: a refused header reads nothing
        self._body_ogrn: dict[int, str] = {}

    def close(self) -> None:
        self.ledger.close()

    # -- lookups

    def service(self, number: str) -> tuple[int, int] | None:
        if number not in self._services:
            found = Service.objects.filter(registry_number=number).values_list("id", "provider_id").first()
            self._services[number] = found
        return self._services[number]

    def body(self, ogrn: str) -> int | None:
        if ogrn not in self._bodies:
            self._bodies[ogrn] = ProviderBody.objects.filter(ogrn=ogrn).values_list("id", flat=True).first()
        return self._bodies[ogrn]

    def body_ogrn(self, body_id: int) -> str:
        if body_id not in self._body_ogrn:
            body = ProviderBody.objects.filter(pk=body_id).values_list("ogrn", "short_name").first()
            self._body_ogrn[body_id] = (body[0] or body[1]) if body else str(body_id)
        return self._body_ogrn[body_id]

    def office(self, body_id: int, code: str) -> int | None:
        key = (body_id, code)
        if key not in self._offices:
            self._offices[key] = (
                Office.objects.filter(body_id=body_id, code=code).values_list("id", flat=True).first()
            )
        return self._offices[key]

    def variants(self, service_id: int) -> set[str]:
        if service_id not in self._variants:
            self._variants[service_id] = set(
                Variant.objects.filter(edition__service_id=service_id).values_list("code", flat=True)
            )
        return self._variants[service_id]

    # -- the row

    def check(self, raw: RawRow) -> tuple[DeliveryRow | None, list[IntakeError]]:  # noqa: C901, PLR0912, PLR0915 — one branch per rule, in the file's column order
        line = raw.line
        errors: list[IntakeError] = []

        def error(code: str, message: str) -> None:
            errors.append(IntakeError(line, header(code) if code else "", message))

        values = raw.values
        if EXTRA_CELLS in values:
            error(
                "",
                _("в строке больше значений (%(count)s), чем столбцов в заголовке.")
                % {"count": values[EXTRA_CELLS]},
            )
            return None, errors
        if SCHEMA_ERRORS in values:
            errors.extend(values[SCHEMA_ERRORS])
            return None, errors

        text: dict[str, str] = {}
        for code, limit in TEXT_LIMITS.items():
            value = _text(values.get(code))
            if value is None:
                if BY_CODE[code].required:
                    error(code, _("не заполнено обязательное значение."))
                text[code] = ""
                continue
            looks_like = personal_value(value)
            if looks_like:
                error(code, _("%(what)s — персональные данные в файл не включаются.") % {"what": looks_like})
                text[code] = ""
                continue
            if len(value) > limit:
                error(code, _("значение длиннее %(limit)s символов.") % {"limit": limit})
                text[code] = ""
                continue
            text[code] = value

        service_id = body_id = None
        if text["body"]:
            body_id = self.body(text["body"])
            if body_id is None:
                error("body", _("орган с ОГРН «%(ogrn)s» в реестре не найден.") % {"ogrn": text["body"]})
            elif self.scope_body_ids is not None and body_id not in self.scope_body_ids:
                error(
                    "body",
                    _(
                        "орган с ОГРН «%(ogrn)s» — не ваш: "
                        "вы загружаете сведения только по услугам своего органа."
                    )
                    % {"ogrn": text["body"]},
                )
                body_id = None
        if text["service"]:
            found = self.service(text["service"])
            if found is None:
                error(
                    "service",
                    _("услуга с реестровым номером «%(number)s» в реестре не найдена.")
                    % {"number": text["service"]},
                )
            else:
                service_id, provider_id = found
                if body_id is not None and provider_id != body_id:
                    error(
                        "service",
                        _(
                            "услугу «%(number)s» предоставляет другой орган (ОГРН %(provider)s), а не орган "
                            "с ОГРН «%(ogrn)s»."
                        )
                        % {
                            "number": text["service"],
                            "provider": self.body_ogrn(provider_id),
                            "ogrn": text["body"],
                        },
                    )
                    service_id = None

        office_id = None
        if text["office"] and body_id is not None:
            office_id = self.office(body_id, text["office"])
            if office_id is None:
                error("office", _("у органа нет офиса с кодом «%(code)s».") % {"code": text["office"]})
        channel_id = None
        if text["channel"]:
            if self._channels is None:
                self._channels = dict(Channel.objects.values_list("code", "id"))
            channel_id = self._channels.get(text["channel"])
            if channel_id is None:
                error(
                    "channel",
                    _("неизвестный код способа подачи «%(code)s». Допустимые коды: %(allowed)s.")
                    % {"code": text["channel"], "allowed": ", ".join(sorted(self._channels)) or "—"},
                )
        if text["variant"] and service_id is not None and text["variant"] not in self.variants(service_id):
            error("variant", _("у услуги нет варианта с кодом «%(code)s».") % {"code": text["variant"]})

        outcome = text["outcome"].lower()
        if text["outcome"] and outcome not in OUTCOME_CODES:
            allowed = ", ".join(f"{choice.value} ({choice.label})" for choice in Outcome)
            error(
                "outcome",
                _("код исхода «%(code)s» не из списка. Допустимые коды: %(allowed)s.")
                % {"code": text["outcome"], "allowed": allowed},
            )
            outcome = ""
        if (
            outcome == Outcome.REFUSED
            and not text["refusal_ground"]
            and not personal_value(_text(values.get("refusal_ground")) or "")
        ):
            error("refusal_ground", _("при отказе укажите основание отказа: его номер в перечне или текст."))
        if text["refusal_ground"] and outcome and outcome != Outcome.REFUSED:
            error("refusal_ground", _("основание отказа указывается только при исходе «refused» (отказ)."))

        times: dict[str, datetime.datetime | None] = {}
        for code in ("submitted_at", "registered_at", "result_at"):
            raw_value = values.get(code)
            if raw_value is None:
                if BY_CODE[code].required:
                    error(code, _("не заполнено обязательное значение."))
                times[code] = None
                continue
            moment = parse_moment(raw_value)
            if moment is None:
                error(
                    code,
                    _(
                        "дата «%(value)s» не разбирается: ожидается ГГГГ-ММ-ДДTЧЧ:ММ (ISO 8601) или "
                        "ДД.ММ.ГГГГ ЧЧ:ММ."
                    )
                    % {"value": raw_value},
                )
            elif moment > self.now:
                error(code, _("дата %(value)s ещё не наступила.") % {"value": _shown(moment)})
                moment = None
            times[code] = moment
        submitted = times["submitted_at"]
        if submitted is not None:
            if times["registered_at"] is not None and times["registered_at"] < submitted:
                error(
                    "registered_at",
                    _("регистрация (%(registered)s) раньше подачи (%(submitted)s).")
                    % {"registered": _shown(times["registered_at"]), "submitted": _shown(submitted)},
                )
            if times["result_at"] is not None and times["result_at"] < submitted:
                error(
                    "result_at",
                    _("результат (%(result)s) раньше подачи (%(submitted)s).")
                    % {"result": _shown(times["result_at"]), "submitted": _shown(submitted)},
                )
        if outcome in OUTCOMES_NEEDING_RESULT and values.get("result_at") is None:
            error("result_at", _("при исходе «%(outcome)s» укажите дату результата.") % {"outcome": outcome})

        waits: dict[str, int | None] = {}
        for code in ("queue_wait_submission", "queue_wait_receipt"):
            wait, problem = parse_minutes(values.get(code))
            if problem:
                error(code, problem)
            waits[code] = wait

        if text["case_id"] and text["body"]:
            first = self.ledger.first_line(text["body"], text["case_id"], line)
            if first is not None:
                error(
                    "case_id",
                    _("номер дела «%(case)s» уже встречался в строке %(first)s.")
                    % {"case": text["case_id"], "first": first},
                )

        if errors:
            return None, errors
        return (
            DeliveryRow(
                line=line,
                case_id=text["case_id"],
                service_id=service_id,
                body_id=body_id,
                office_id=office_id,
                channel_id=channel_id,
                variant_code=text["variant"],
                submitted_at=submitted,
                registered_at=times["registered_at"],
                result_at=times["result_at"],
                outcome=outcome,
                refusal_ground=text["refusal_ground"],
                queue_wait_submission=waits["queue_wait_submission"],
                queue_wait_receipt=waits["queue_wait_receipt"],
            ),
            [],
        )


def _text(value: Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _shown(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def parse_moment(value: Value) -> datetime.datetime | None:
    """ISO 8601 or ДД.ММ.ГГГГ ЧЧ:ММ[:СС]; Excel's own dates; naive times are in TIME_ZONE."""
    moment: datetime.datetime | None = None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    elif isinstance(value, str):
        text = value.strip()
        match = RUSSIAN_DATETIME.fullmatch(text)
        try:
            if match:
                moment = datetime.datetime(
                    int(match["year"]),
                    int(match["month"]),
                    int(match["day"]),
                    int(match["hour"] or 0),
                    int(match["minute"] or 0),
                    int(match["second"] or 0),
                    tzinfo=timezone.get_default_timezone(),
                )
            elif re.match(r"\d{4}-\d{2}-\d{2}", text):
                moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def parse_minutes(value: Value) -> tuple[int | None, str]:
    if value is None:
        return None, ""
    if isinstance(value, bool):
        return None, _("ожидание указывается целым числом минут.")
    if isinstance(value, float):
        if not value.is_integer():
            return None, _("ожидание указывается целым числом минут, а не «%(value)s».") % {"value": value}
        value = int(value)
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?\d{1,9}", value.strip()):
            return None, _("ожидание указывается целым числом минут, а не «%(value)s».") % {"value": value}
        value = int(value)
    if not isinstance(value, int):
        return None, _("ожидание указывается целым числом минут.")
    if value < 0:
        return None, _("ожидание не может быть отрицательным (%(value)s мин).") % {"value": value}
    return value, ""
