"""A realistic synthetic registry for benchmarks: N published services with full sections.

    python bench/generate_registry.py --services 10000 --seed 1

runs on the current DATABASE_URL (migrated; reference data is loaded if missing) and adds N
services: provider bodies of all three levels, services with categories, and for each a
published edition with every section of part 1 of art. 14 (result, deadline, legal bases,
both document lists, grounds, fee or «бесплатно», queue, registration, premises and
accessibility, quality indicators, МФЦ/ЕПГУ answers) and submission channels. One service in
ten also has an earlier, superseded edition; the catalogue's search table is filled for the new
services. Deterministic for a seed. Also importable:
``generate(n, seed)``.

Honest about the workflow: editions are written as drafts with their rows (bulk inserts),
then put in force inside ``status_transition()`` with bulk status updates, the way
``registry.services`` does it; the previous edition is superseded with the one change a
published edition admits. A sample of the result is run through the publication validator,
and generation fails if any sampled edition has an error.
"""

import argparse
import datetime
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BATCH = 2000
INDICATOR = "Число обращений заявителя к должностным лицам"
AMOUNTS = [300, 350, 1500, 2000, 4000]
SAMPLE_SIZE = 25

ACTIONS = [
    ("Выдача", "выдача"),
    ("Предоставление", "предоставление"),
    ("Регистрация", "регистрация"),
    ("Согласование", "согласование"),
    ("Продление", "продление"),
    ("Переоформление", "переоформление"),
]
OBJECTS = [
    ("разрешения на строительство", "Разрешение на строительство", "grk"),
    ("разрешения на ввод объекта в эксплуатацию", "Разрешение на ввод объекта в эксплуатацию", "grk"),
    ("градостроительного плана земельного участка", "Градостроительный план земельного участка", "grk"),
    ("справки о составе семьи", "Справка о составе семьи", "law210"),
    ("архивной справки", "Архивная справка", "law210"),
    ("выписки из реестра муниципального имущества", "Выписка из реестра муниципального имущества", "law210"),
    ("земельного участка в аренду", "Договор аренды земельного участка", "zk"),
    ("земельного участка в собственность бесплатно", "Решение о предоставлении земельного участка", "zk"),
    ("лицензии на розничную продажу алкогольной продукции", "Лицензия", "nk"),
    ("ежемесячной выплаты на ребёнка", "Решение о назначении выплаты", "law210"),
    ("компенсации расходов на оплату жилого помещения", "Решение о назначении компенсации", "law210"),
    ("разрешения на использование земель", "Разрешение на использование земель", "zk"),
    ("охотничьего билета", "Охотничий билет", "nk"),
    ("паспорта гражданина Российской Федерации", "Паспорт гражданина Российской Федерации", "nk"),
    ("заграничного паспорта", "Заграничный паспорт", "nk"),
    ("свидетельства о государственной регистрации", "Свидетельство о государственной регистрации", "nk"),
    ("путёвки в организацию отдыха детей", "Путёвка", "law210"),
    ("разрешения на вступление в брак", "Разрешение на вступление в брак", "sk"),
    (
        "сведений из информационной системы обеспечения градостроительной деятельности",
        "Сведения ИСОГД",
        "grk",
    ),
    ("адреса объекту адресации", "Решение о присвоении адреса", "law210"),
]
DOCUMENTS = [
    "Заявление по установленной форме",
    "Документ, удостоверяющий личность заявителя",
    "Документ, подтверждающий полномочия представителя",
    "Правоустанавливающие документы на земельный участок",
    "Схема планировочной организации земельного участка",
    "Фотография 35×45 мм",
    "Свидетельство о рождении ребёнка",
    "Справка о доходах членов семьи",
]
INTERAGENCY = [
    ("Выписка из ЕГРН об объекте недвижимости", "Росреестр"),
    ("Выписка из ЕГРЮЛ", "ФНС России"),
    ("Сведения о регистрации по месту жительства", "МВД России"),
    ("Сведения о государственной регистрации актов гражданского состояния", "ЕГР ЗАГС"),
    ("Сведения об уплате государственной пошлины", "Федеральное казначейство"),
]
ACT_KEYS = {
    "law210": ("federal_law", "210-ФЗ", "7"),
    "grk": ("code", "190-ФЗ", "51"),
    "zk": ("code", "136-ФЗ", "39.14"),
    "nk": ("code", "117-ФЗ", "333.33"),
    "sk": ("code", "223-ФЗ", "13"),
}


@dataclass
class GenerationReport:
    services: int
    editions: int
    superseded: int
    seconds: float
    sample_checked: int


def _setup_django() -> None:
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _next_sequences(prefixes: set[str]) -> dict[str, int]:
    from django.db.models.functions import Length

    from registry.models import Service

    start = {}
    for prefix in prefixes:
        length = 11 if prefix == "1" else 19
        highest = (
            Service.objects.annotate(n=Length("registry_number"))
            .filter(registry_number__startswith=prefix, n=length)
            .order_by("-registry_number")
            .values_list("registry_number", flat=True)
            .first()
        )
        start[prefix] = int(highest[len(prefix) :]) + 1 if highest else 1
    return start


def _bodies(rng: random.Random, n_services: int, tag: str):
    from registry.models import Level, ProviderBody, Region

    regions = list(Region.objects.order_by("code"))
    count = max(12, n_services // 40)
    bodies = []
    for i in range(count):
        level = [Level.FEDERAL, Level.REGIONAL, Level.MUNICIPAL][i % 3]
        region = None if level == Level.FEDERAL else regions[rng.randrange(len(regions))]
        if level == Level.FEDERAL:
            full = f"Федеральная служба по направлению {i + 1} ({tag})"
        elif level == Level.REGIONAL:
            full = f"Министерство социального развития {region.name} ({tag}-{i + 1})"
        else:
            full = f"Администрация муниципального образования № {i + 1} ({region.name}, {tag})"
        bodies.append(
            ProviderBody(
                full_name=full,
                short_name=full[:290],
                level=level,
                region=region,
                oktmo=f"{region.code}{rng.randrange(10**6):06d}" if level == Level.MUNICIPAL else "",
                address=f"г. Город, ул. Центральная, д. {i + 1}",
                phone=f"8 800 {rng.randrange(100, 999)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}",
                email=f"body{i + 1}@example.org",
                working_hours="пн–пт 9:00–18:00",
            )
        )
    return ProviderBody.objects.bulk_create(bodies, batch_size=BATCH)


def _edition_values(rng: random.Random, i: int, region_name: str) -> tuple[dict, tuple]:
    from registry.models import DayType, DeadlineUnit, RegistrationTerm

    action, _lower = ACTIONS[rng.randrange(len(ACTIONS))]
    obj = OBJECTS[rng.randrange(len(OBJECTS))]
    place = f" на территории: {region_name}" if region_name else ""
    is_free = rng.random() < 0.7
    values = {
        "full_name": f"{action} {obj[0]}{place} (услуга {i + 1})",
        "short_name": f"{action} {obj[0]}"[:300],
        "deadline_value": rng.choice([1, 3, 5, 5, 7, 10, 15, 30]),
        "deadline_unit": DeadlineUnit.DAYS,
        "deadline_day_type": rng.choice([DayType.WORKING, DayType.WORKING, DayType.CALENDAR]),
        "deadline_start_event": "со дня регистрации заявления",
        "no_suspension_grounds": True,
        "is_free": is_free,
        "queue_wait_minutes_submission": 15,
        "queue_wait_minutes_receipt": 15,
        "registration_term": RegistrationTerm.NEXT_WORKING_DAY,
        "premises_requirements": "Зал ожидания, места для заполнения запросов, информационные стенды.",
        "accessibility_requirements": "Помощь сотрудников в преодолении барьеров; вход оборудован пандусом.",
        "access_ramp": True,
        "access_parking": rng.random() < 0.6,
        "access_braille": rng.random() < 0.3,
        "access_assistance": True,
        "available_in_mfc": rng.random() < 0.8,
        "available_electronically": rng.random() < 0.6,
        "extraterritorial": rng.random() < 0.2,
    }
    return values, obj


def generate(n: int, seed: int = 1, *, log=print) -> GenerationReport:
    """Add ``n`` published services (see the module docstring); returns what was made."""
    from django.db import transaction
    from django.utils import timezone

    from registry.catalogue.search import catalogue_entries_refresh
    from registry.demo import load_reference
    from registry.models import (
        Category,
        Channel,
        Edition,
        EditionStatus,
        Level,
        PaymentMethod,
        Region,
        Service,
        status_transition,
    )
    from registry.validation import validate_edition
    from regulations.models import LegalAct

    started = time.perf_counter()
    rng = random.Random(seed)
    if not Region.objects.exists() or not LegalAct.objects.exists():
        load_reference()
    acts = {
        key: LegalAct.objects.get(kind=kind, number=number) for key, (kind, number, _a) in ACT_KEYS.items()
    }
    channels = list(Channel.objects.filter(code__in=["in_person", "mfc", "epgu", "post"]).order_by("code"))
    methods = list(PaymentMethod.objects.order_by("code")[:3])
    categories = list(Category.objects.order_by("code"))
    tag = f"s{seed}"

    with transaction.atomic():
        bodies = _bodies(rng, n, tag)
        prefixes = {"1" if body.level == Level.FEDERAL else body.region.code for body in bodies}
        sequences = _next_sequences(prefixes)
        services = []
        for _i in range(n):
            body = bodies[rng.randrange(len(bodies))]
            prefix = "1" if body.level == Level.FEDERAL else body.region.code
            width = (11 if prefix == "1" else 19) - len(prefix)
            services.append(
                Service(
                    registry_number=f"{prefix}{sequences[prefix]:0{width}d}", level=body.level, provider=body
                )
            )
            sequences[prefix] += 1
        services = Service.objects.bulk_create(services, batch_size=BATCH)
        links = [
            Service.categories.through(service_id=service.pk, category_id=category.pk)
            for service in services
            for category in rng.sample(categories, k=min(2, len(categories)))
        ]
        Service.categories.through.objects.bulk_create(links, batch_size=BATCH)
        log(f"{len(services)} services, {len(bodies)} bodies")

        first = _editions(rng, services, number=1, acts=acts, channels=channels, methods=methods)
        log(f"{len(first)} editions № 1 with their sections")
        base = datetime.date(2023, 1, 9)
        published_at = timezone.now()
        with status_transition():
            for start in range(0, len(first), BATCH):
                Edition.objects.filter(pk__in=[e.pk for e in first[start : start + BATCH]]).update(
                    status=EditionStatus.PUBLISHED,
                    effective_date=base,
                    published_at=published_at - datetime.timedelta(days=400),
                )
        amended_services = [service for service in services if rng.random() < 0.1]
        second = _editions(rng, amended_services, number=2, acts=acts, channels=channels, methods=methods)
        superseded_at = published_at - datetime.timedelta(days=rng.randrange(1, 300))
        with status_transition():
            for edition in Edition.objects.filter(service__in=amended_services, number=1).only(
                "pk", "status"
            ):
                edition.status = EditionStatus.SUPERSEDED
                edition.superseded_at = superseded_at
                edition.save(update_fields=["status", "superseded_at"])
            for start in range(0, len(second), BATCH):
                Edition.objects.filter(pk__in=[e.pk for e in second[start : start + BATCH]]).update(
                    status=EditionStatus.PUBLISHED,
                    effective_date=base + datetime.timedelta(days=200),
                    published_at=superseded_at,
                )
        log(f"{len(second)} services amended (edition № 2 in force, № 1 superseded)")

        for start in range(0, len(services), BATCH):
            catalogue_entries_refresh(service_ids=[service.pk for service in services[start : start + BATCH]])
        log(f"{len(services)} catalogue search rows")

        sample = rng.sample(first + second, k=min(SAMPLE_SIZE, len(first) + len(second)))
        for edition in sample:
            report = validate_edition(Edition.objects.get(pk=edition.pk))
            if report.errors:
                messages = "; ".join(f"{f.code}: {f.message}" for f in report.errors)
                raise RuntimeError(f"generated edition {edition.pk} fails validation: {messages}")
    return GenerationReport(
        services=len(services),
        editions=len(first) + len(second),
        superseded=len(second),
        seconds=time.perf_counter() - started,
        sample_checked=len(sample),
    )


def _editions(rng, services, *, number: int, acts: dict, channels: list, methods: list):
    """Draft editions of ``services`` with every part-1 section, bulk inserted."""
    from registry.models import (
        Document,
        DocumentSource,
        Edition,
        Fee,
        Ground,
        GroundKind,
        IndicatorComparison,
        IndicatorKind,
        LegalBasis,
        QualityIndicator,
        Result,
        ResultKind,
        normalize_name,
    )

    editions, subjects = [], []
    for i, service in enumerate(services):
        region = service.provider.region.name if service.provider.region_id else ""
        values, obj = _edition_values(rng, i, region)
        if number > 1:
            values["change_note"] = "Уточнены перечень документов и срок предоставления услуги."
            values["deadline_value"] = max(1, values["deadline_value"] - 2)
        editions.append(Edition(service=service, number=number, **values))
        subjects.append(obj)
    editions = Edition.objects.bulk_create(editions, batch_size=BATCH)

    rows: dict[type, list] = {
        model: [] for model in (Result, LegalBasis, Document, Ground, Fee, QualityIndicator)
    }
    channel_links, method_links = [], []
    for edition, (_genitive, result_name, act_key) in zip(editions, subjects, strict=True):
        act = acts[act_key]
        article = ACT_KEYS[act_key][2]
        rows[Result].append(
            Result(
                edition=edition,
                kind=ResultKind.DOCUMENT,
                name=result_name,
                document_form="электронный документ",
            )
        )
        rows[LegalBasis].append(LegalBasis(edition=edition, act=act, article=article))
        rows[LegalBasis].append(LegalBasis(edition=edition, act=acts["law210"], article="7"))
        for order, name in enumerate(rng.sample(DOCUMENTS, k=3)):
            rows[Document].append(
                Document(
                    edition=edition,
                    source=DocumentSource.APPLICANT,
                    name=name,
                    name_key=normalize_name(name),
                    order=order,
                )
            )
        name, holder = INTERAGENCY[rng.randrange(len(INTERAGENCY))]
        rows[Document].append(
            Document(
                edition=edition, source=DocumentSource.INTERAGENCY, name=name, name_key=normalize_name(name),
                holder_body=holder, order=9,
            )
        )  # fmt: skip
        rows[Ground].append(
            Ground(
                edition=edition,
                kind=GroundKind.ACCEPT_REFUSAL,
                text="Заявление подано лицом, не имеющим полномочий.",
            )
        )
        rows[Ground].append(
            Ground(
                edition=edition,
                kind=GroundKind.REFUSAL,
                text="Представленные документы содержат недостоверные сведения.",
            )
        )
        rows[QualityIndicator].append(
            QualityIndicator(
                edition=edition, kind=IndicatorKind.QUALITY, name=INDICATOR,
                comparison=IndicatorComparison.AT_MOST, target_value=2, unit="раз",
            )
        )  # fmt: skip
        if not edition.is_free:
            rows[Fee].append(
                Fee(
                    edition=edition, name="Государственная пошлина", amount=rng.choice(AMOUNTS),
                    act=acts["nk"], article="333.33", point="1", subpoint=str(rng.randrange(1, 30)),
                )
            )  # fmt: skip
            method_links += [
                Edition.payment_methods.through(edition_id=edition.pk, paymentmethod_id=m.pk) for m in methods
            ]
        chosen = [
            c for c in channels if c.code == "in_person" or (c.code == "mfc" and edition.available_in_mfc)
        ]
        chosen += [c for c in channels if c.code == "epgu" and edition.available_electronically]
        channel_links += [
            Edition.submission_channels.through(edition_id=edition.pk, channel_id=c.pk) for c in chosen
        ]
    for model, objs in rows.items():
        model.objects.bulk_create(objs, batch_size=BATCH)
    Edition.payment_methods.through.objects.bulk_create(method_links, batch_size=BATCH)
    Edition.submission_channels.through.objects.bulk_create(channel_links, batch_size=BATCH)
    return editions


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, required=True, help="how many services to add")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same registry)")
    args = parser.parse_args(argv)
    _setup_django()
    report = generate(args.services, args.seed)
    print(
        f"done: {report.services} services, {report.editions} editions "
        f"({report.superseded} amended), {report.sample_checked} sampled editions valid, "
        f"{report.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
