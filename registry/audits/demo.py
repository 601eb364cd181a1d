"""Demo mystery-shopper audits (``manage.py load_demo --admin``): about twenty submitted audits
of the demo offices over the last twelve months, by the demo inspector, through the same
services an inspector's form calls.

The offices differ as the issue's demo asks: the МВД office in Засвияжский district is poor
(documents beyond the list, long waits, low criteria), the МФЦ offices on ул. Спасской keep
their premises but not the queue; the others do well with an occasional slip. Findings older
than three months are answered and done, those of the last three months answered with an action
still open, and those of the last month wait for the body's answer. Deterministic: the same
seed and day give the same audits. Idempotent: nothing is added once the inspector has audits."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.audits.services import (
    ItemInput,
    audit_record,
    audit_start,
    audit_submit,
    finding_answer,
    finding_mark_done,
)
from registry.models import (
    Answer,
    Audit,
    AuditKind,
    CheckKind,
    DocumentSource,
    Finding,
    Membership,
    Office,
    Role,
)


@dataclass(frozen=True)
class Profile:
    """How an office does: the chance a requirement answered by the inspector is met, the
    queue wait in minutes (low, high), the chance of documents asked beyond the list, and the
    range of the criteria scores."""

    met: float
    queue: tuple[int, int]
    beyond_list: float
    ratings: tuple[int, int]
    queue_rating: tuple[int, int] | None = None


GOOD = Profile(met=0.93, queue=(3, 14), beyond_list=0.05, ratings=(4, 5))
POOR = Profile(met=0.5, queue=(18, 55), beyond_list=0.7, ratings=(1, 3))
LONG_QUEUES = Profile(met=0.88, queue=(25, 70), beyond_list=0.1, ratings=(3, 5), queue_rating=(1, 2))

# (office code, months ago, kind, profile): twenty audits over the last twelve months.
PLAN = (
    ("UL-OVM-ZASV", 11, AuditKind.VISIT, POOR),
    ("UL-OVM-ZASV", 8, AuditKind.VISIT, POOR),
    ("UL-OVM-ZASV", 5, AuditKind.CALL, POOR),
    ("UL-OVM-ZASV", 2, AuditKind.VISIT, POOR),
    ("UL-OVM-ZASV", 0, AuditKind.VISIT, POOR),
    ("UL-MFC-CENTR", 10, AuditKind.VISIT, LONG_QUEUES),
    ("UL-MFC-CENTR", 6, AuditKind.VISIT, LONG_QUEUES),
    ("UL-MFC-CENTR", 1, AuditKind.VISIT, LONG_QUEUES),
    ("MFC-CENTR", 9, AuditKind.VISIT, LONG_QUEUES),
    ("MFC-CENTR", 4, AuditKind.VISIT, LONG_QUEUES),
    ("MFC-CENTR", 0, AuditKind.VISIT, LONG_QUEUES),
    ("UL-OVM-LEN", 7, AuditKind.VISIT, GOOD),
    ("UL-OVM-LEN", 1, AuditKind.VISIT, GOOD),
    ("MFC-NOVY-GOROD", 8, AuditKind.VISIT, GOOD),
    ("MFC-NOVY-GOROD", 3, AuditKind.VISIT, GOOD),
    ("ADM-PRIEM", 5, AuditKind.CALL, GOOD),
    ("ADM-PRIEM", 2, AuditKind.VISIT, GOOD),
    ("ZAGS-TVER", 6, AuditKind.VISIT, GOOD),
    ("MI-FNS-7325", 3, AuditKind.VISIT, GOOD),
    ("SFR-UL-KS", 9, AuditKind.VISIT, GOOD),
)
EXTRA_DOCUMENTS = (
    "Копия трудовой книжки",
    "Справка с места жительства",
    "Квитанция об оплате коммунальных услуг",
)
NOTES = {
    "premises": _("Стульев в зале ожидания не хватает, посетители стоят."),
    "accessibility": _("Пандус есть, но вход загорожен."),
    "information": _("Информационный стенд закрыт шкафом, перечень документов устарел."),
}
ACTIONS = (
    _("Проведён инструктаж сотрудников о исчерпывающем перечне документов."),
    _("Изменён график: в часы пик работают два дополнительных окна."),
    _("Стенд обновлён по действующей редакции стандарта."),
    _("Вход освобождён, назначен ответственный за доступность помещения."),
)


def store_demo_audits(*, inspector, seed: int = 15, now: datetime.datetime | None = None) -> int:
    """Create the demo audits; the number created (0 when the inspector already has audits)."""
    if Audit.objects.filter(inspector=inspector).exists():
        return 0
    rng = random.Random(seed)
    now = now or timezone.now()
    offices = {
        office.code: office for office in Office.objects.select_related("body").prefetch_related("services")
    }
    created = 0
    with transaction.atomic():
        for number, (code, months_ago, kind, profile) in enumerate(PLAN):
            office = offices.get(code)
            if office is None:
                continue
            visited_at = _visit_time(now, months_ago, number, rng)
            service = _service_for(office, visited_at, rng)
            if service is None:
                continue
            audit = audit_start(
                office=office, service=service, inspector=inspector, kind=kind, visited_at=visited_at
            )
            inputs = {item.pk: _entry(item, profile, rng) for item in audit.items.all()}
            audit_record(audit=audit, actor=inspector, inputs=inputs)
            audit = audit_submit(audit=audit, actor=inspector)
            submitted_at = visited_at + datetime.timedelta(hours=3)
            Audit.objects.filter(pk=audit.pk).update(submitted_at=submitted_at)
            _answer_findings(audit, months_ago, submitted_at, rng)
            created += 1
        created += _draft(offices, inspector, now)
    return created


def _visit_time(
    now: datetime.datetime, months_ago: int, number: int, rng: random.Random
) -> datetime.datetime:
    local = timezone.localtime(now)
    if months_ago == 0:
        day = local - datetime.timedelta(days=rng.randint(1, 4) if local.day > 5 else 0, hours=1)
        return min(day, now - datetime.timedelta(hours=1))
    index = local.year * 12 + local.month - 1 - months_ago
    day = datetime.date(index // 12, index % 12 + 1, 3 + (number * 7) % 24)
    while day.weekday() >= 5:  # offices are visited on working days
        day += datetime.timedelta(days=1)
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(10 + rng.randint(0, 6), rng.choice((5, 20, 40))))
    )


def _service_for(office: Office, visited_at: datetime.datetime, rng: random.Random):
    from registry.audits.services import edition_in_force_on

    day = timezone.localdate(visited_at)
    candidates = [
        service for service in office.services.all() if edition_in_force_on(service, day) is not None
    ]
    return rng.choice(sorted(candidates, key=lambda service: service.registry_number)) if candidates else None


def _entry(item, profile: Profile, rng: random.Random) -> ItemInput:
    if item.check_kind == CheckKind.MINUTES:
        if item.statutory_item == 10:
            if item.code == "queue.receipt" and rng.random() < 0.6:
                return ItemInput()  # the result is rarely collected during a mystery visit
            return ItemInput(measured_minutes=rng.randint(*profile.queue))
        minutes = rng.randint(5, 25) if rng.random() < profile.met else None
        return ItemInput(measured_minutes=minutes, answer=Answer.NOT_CHECKED if minutes is None else None)
    if item.check_kind == CheckKind.DOCUMENTS:
        own = [d["name"] for d in item.allowed_documents if d["source"] == DocumentSource.APPLICANT]
        interagency = [d["name"] for d in item.allowed_documents if d["source"] == DocumentSource.INTERAGENCY]
        asked = own[: max(1, len(own) - rng.randint(0, 1))] if own else []
        other = ""
        if rng.random() < profile.beyond_list:
            if interagency and rng.random() < 0.5:
                asked.append(rng.choice(interagency))
            else:
                other = rng.choice(EXTRA_DOCUMENTS)
        if not asked and not other and item.allowed_documents:
            asked = [item.allowed_documents[0]["name"]]
        return ItemInput(documents_asked=asked, other_documents=other)
    if item.check_kind == CheckKind.RATING:
        low, high = (
            profile.queue_rating
            if item.code == "criteria.queue" and profile.queue_rating
            else profile.ratings
        )
        return ItemInput(rating=rng.randint(low, high))
    if rng.random() < 0.08:
        return ItemInput(answer=Answer.NOT_CHECKED)
    if rng.random() < profile.met:
        return ItemInput(answer=Answer.MET)
    return ItemInput(answer=Answer.NOT_MET, note=str(NOTES.get(item.group, "")))


def _answerer(audit: Audit):
    """The body's demo official when there is one (``load_demo --admin``), else the system."""
    membership = (
        Membership.objects.filter(body_id=audit.office.body_id, role=Role.OFFICIAL)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


def _answer_findings(
    audit: Audit, months_ago: int, submitted_at: datetime.datetime, rng: random.Random
) -> None:
    if months_ago < 1:
        return  # the last month's findings wait for the body's answer
    actor = _answerer(audit)
    for finding in audit.findings.select_related("audit__office").order_by("item__order"):
        if months_ago < 3 and rng.random() < 0.3:
            continue  # some recent findings are still unanswered
        due = timezone.localdate(submitted_at) + datetime.timedelta(days=rng.choice((14, 30, 45)))
        finding = finding_answer(
            finding=finding, actor=actor, corrective_action=str(rng.choice(ACTIONS)), due_date=due
        )
        answered_at = submitted_at + datetime.timedelta(days=rng.randint(2, 7))
        Finding.objects.filter(pk=finding.pk).update(answered_at=answered_at)
        if months_ago >= 3:
            finding_mark_done(finding=finding, actor=actor)
            done_at = timezone.make_aware(
                datetime.datetime.combine(due, datetime.time(17))
            ) - datetime.timedelta(days=rng.randint(0, 10))
            Finding.objects.filter(pk=finding.pk).update(done_at=max(done_at, answered_at))


def _draft(offices: dict[str, Office], inspector, now: datetime.datetime) -> int:
    """One audit left as a draft, for the demo inspector to complete and submit."""
    office = offices.get("UL-OVM-LEN")
    if office is None:
        return 0
    visited_at = now - datetime.timedelta(hours=2)
    service = _service_for(office, visited_at, random.Random(1))
    if service is None:
        return 0
    audit_start(
        office=office, service=service, inspector=inspector, kind=AuditKind.VISIT, visited_at=visited_at
    )
    return 1
