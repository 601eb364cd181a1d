"""Small factories for tests: build valid objects with overridable fields."""

import datetime
import itertools

from registry.models import Edition, Level, ProviderBody, Region, Service
from regulations.models import LegalAct, LegalActKind

_counter = itertools.count(1)


def region(code: str = "73", name: str | None = None) -> Region:
    obj, _created = Region.objects.get_or_create(code=code, defaults={"name": name or f"Субъект {code}"})
    return obj


def legal_act(**fields) -> LegalAct:
    n = next(_counter)
    values = {
        "kind": LegalActKind.CODE,
        "number": f"{n}-ФЗ",
        "date": datetime.date(2000, 8, 5),
        "title": f"Тестовый акт {n}",
        "short_title": f"Акт {n}",
        "in_force_from": datetime.date(2001, 1, 1),
    }
    values.update(fields)
    return LegalAct.objects.create(**values)


def body(level: str = Level.FEDERAL, **fields) -> ProviderBody:
    n = next(_counter)
    values = {"full_name": f"Тестовый орган {n}", "short_name": f"Орган {n}", "level": level}
    if level != Level.FEDERAL:
        values.setdefault("region", fields.pop("region", None) or region())
    if level == Level.MUNICIPAL:
        values.setdefault("oktmo", "73701000")
    values.update(fields)
    return ProviderBody.objects.create(**values)


def service(level: str = Level.FEDERAL, provider: ProviderBody | None = None, **fields) -> Service:
    provider = provider or body(level)
    return Service.objects.create(level=level, provider=provider, **fields)


def edition(service_obj: Service | None = None, **fields) -> Edition:
    service_obj = service_obj or service()
    number = fields.pop("number", None) or (service_obj.editions.count() + 1)
    values = {"full_name": "Выдача тестового документа", "short_name": "Тестовый документ"}
    values.update(fields)
    return Edition.objects.create(service=service_obj, number=number, **values)


def variant(edition_obj: Edition | None = None, **fields):
    edition_obj = edition_obj or edition()
    n = next(_counter)
    values = {"code": f"variant-{n}", "name": f"Вариант {n}"}
    values.update(fields)
    return edition_obj.variants.create(**values)


def document(edition_obj: Edition | None = None, **fields):
    """A document of the applicant's list unless `source` says otherwise."""
    edition_obj = edition_obj or edition()
    n = next(_counter)
    values = {"name": f"Тестовый документ {n}", "source": "applicant"}
    values.update(fields)
    return edition_obj.documents.create(**values)


def fee(edition_obj: Edition | None = None, **fields):
    """An amount with its legal basis (a test act unless `act` is given)."""
    edition_obj = edition_obj or edition()
    values = {"name": "Государственная пошлина", "amount": "300.00"}
    values.update(fields)
    if "act" not in values:
        values["act"] = legal_act()
    return edition_obj.fees.create(**values)


def complete_edition(service_obj: Service | None = None, **overrides) -> Edition:
    """A draft edition that the publication validator passes with no errors and no warnings.

    Free of charge; one result, legal basis, document in each list, grounds given as rows or
    as «не предусмотрены»; part 2 of art. 14 is filled when the service is under the single
    standard. ``overrides`` are Edition fields.
    """
    from django.core.files.base import ContentFile

    from registry.models import (
        ApplicantCategory,
        Channel,
        DayType,
        DeadlineUnit,
        Document,
        DocumentSource,
        FormKind,
        Ground,
        GroundKind,
        IndicatorComparison,
        IndicatorKind,
        LegalBasis,
        QualityIndicator,
        RegistrationTerm,
        Result,
        ResultKind,
        StandardForm,
    )

    service_obj = service_obj or service()
    single = service_obj.under_single_standard
    act = legal_act(
        kind=LegalActKind.CODE, title="Градостроительный кодекс Российской Федерации", short_title="ГрК РФ"
    )
    values = {
        "full_name": "Выдача разрешения на строительство объекта капитального строительства",
        "short_name": "Разрешение на строительство",
        "deadline_value": 5,
        "deadline_unit": DeadlineUnit.DAYS,
        "deadline_day_type": DayType.WORKING,
        "deadline_start_event": "со дня регистрации заявления",
        "no_suspension_grounds": True,
        "is_free": True,
        "queue_wait_minutes_submission": 15,
        "queue_wait_minutes_receipt": 15,
        "registration_term": RegistrationTerm.NEXT_WORKING_DAY,
        "premises_requirements": "Зал ожидания, места для заполнения запросов, информационные стенды.",
        "accessibility_requirements": "Помощь сотрудников в преодолении барьеров.",
        "access_ramp": True,
        "access_parking": True,
        "available_in_mfc": True,
        "available_electronically": True,
        "extraterritorial": False,
    }
    number = overrides.get("number") or service_obj.editions.count() + 1
    values["number"] = number
    if number > 1:
        values["change_note"] = "Уточнён перечень документов."
    if single:
        values.update(
            {
                "applicants_description": "Застройщики — физические и юридические лица.",
                "progress_tracking": "В личном кабинете на ЕПГУ и по телефону органа.",
                "correction_procedure": "Исправление в течение 5 рабочих дней со дня обращения.",
                "no_correction_refusal_grounds": True,
                "duplicate_procedure": "Дубликат выдаётся в течение 5 рабочих дней со дня обращения.",
                "without_consideration_procedure": "По заявлению заявителя до принятия решения.",
                "no_without_consideration_grounds": True,
            }
        )
    values.update(overrides)
    obj = edition(service_obj, **values)
    Result.objects.create(
        edition=obj, kind=ResultKind.DOCUMENT, name="Разрешение на строительство", document_form="электронный"
    )
    LegalBasis.objects.create(edition=obj, act=act, article="51")
    Document.objects.create(
        edition=obj, source=DocumentSource.APPLICANT, name="Заявление о выдаче разрешения на строительство"
    )
    Document.objects.create(
        edition=obj,
        source=DocumentSource.INTERAGENCY,
        name="Выписка из ЕГРН о земельном участке",
        holder_body="Росреестр",
    )
    Ground.objects.create(
        edition=obj,
        kind=GroundKind.ACCEPT_REFUSAL,
        text="Заявление подано лицом, не являющимся застройщиком.",
    )
    Ground.objects.create(
        edition=obj,
        kind=GroundKind.REFUSAL,
        text="Несоответствие объекта градостроительному плану земельного участка.",
        act=act,
        article="51",
        part="13",
    )
    QualityIndicator.objects.create(
        edition=obj,
        kind=IndicatorKind.QUALITY,
        name="Число обращений заявителя к должностным лицам",
        comparison=IndicatorComparison.AT_MOST,
        target_value=2,
        unit="раз",
    )
    if single:
        category, _created = ApplicantCategory.objects.get_or_create(
            code="individuals", defaults={"name": "Физические лица"}
        )
        in_person, _created = Channel.objects.get_or_create(code="in_person", defaults={"name": "Лично"})
        epgu, _created = Channel.objects.get_or_create(code="epgu", defaults={"name": "ЕПГУ"})
        obj.applicant_categories.add(category)
        obj.submission_channels.add(in_person, epgu)
        obj.result_delivery_channels.add(in_person, epgu)
        Ground.objects.create(
            edition=obj, kind=GroundKind.DUPLICATE_REFUSAL, text="Заявление подано не заявителем."
        )
        StandardForm.objects.create(
            edition=obj,
            kind=FormKind.REQUEST,
            title="Заявление о выдаче разрешения на строительство",
            file=ContentFile(b"%PDF-1.4\n", name="zayavlenie.pdf"),
        )
    return obj
