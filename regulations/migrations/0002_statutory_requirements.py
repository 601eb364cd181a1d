"""The statutory requirements of 210-FZ art. 14 as data: part 1 (the standard, 14 items)
and part 2 (the single standard, 9 items, added by 472-FZ of 27.12.2019).

A later amendment of the law is a later data migration, so the history stays readable."""

import datetime

from django.db import migrations

LAW_210 = {
    "kind": "federal_law",
    "number": "210-ФЗ",
    "date": datetime.date(2010, 7, 27),
    "title": "Об организации предоставления государственных и муниципальных услуг",
    "short_title": "Федерального закона № 210-ФЗ",
    "issuing_body": "Государственная Дума Федерального Собрания Российской Федерации",
    "in_force_from": datetime.date(2010, 7, 30),
    "status": "in_force",
}

PROFILES = [
    ("standard", "Стандарт (ч. 1 ст. 14)", "Обязательные требования к стандарту каждой услуги.", 1),
    (
        "single_standard",
        "Единый стандарт (ч. 2 ст. 14)",
        "Требования единого стандарта (в ред. Федерального закона от 27.12.2019 № 472-ФЗ).",
        2,
    ),
]

# (profile, part, number, code, section, title, filled_when)
REQUIREMENTS = [
    ("standard", "1", 1, "service_name", "name", "Наименование услуги",
     "Указано полное наименование услуги."),
    ("standard", "1", 2, "provider_body", "provider", "Наименование органа, предоставляющего услугу",
     "Указан орган, предоставляющий услугу."),
    ("standard", "1", 3, "result", "results", "Результат предоставления услуги",
     "Указан хотя бы один результат (документ или действие) с его формой."),
    ("standard", "1", 4, "deadline", "deadline", "Срок предоставления услуги",
     "Срок — положительное число с единицей измерения и видом дней (рабочие или календарные)."),
    ("standard", "1", 5, "legal_bases", "legal_bases", "Правовые основания для предоставления услуги",
     "Указано хотя бы одно правовое основание; акт действует на дату вступления редакции в силу."),
    ("standard", "1", 6, "documents", "documents",
     "Исчерпывающий перечень документов, необходимых для предоставления услуги",
     "Указан хотя бы один документ; у каждого документа, запрашиваемого по межведомственному "
     "запросу, указан орган, в распоряжении которого он находится; ни один документ не входит "
     "в оба перечня."),
    ("standard", "1", 7, "accept_refusal_grounds", "grounds",
     "Исчерпывающий перечень оснований для отказа в приеме документов",
     "Перечень не пуст либо явно указано, что основания не предусмотрены."),
    ("standard", "1", 8, "suspension_and_refusal_grounds", "grounds",
     "Исчерпывающий перечень оснований для приостановления или отказа в предоставлении услуги",
     "Каждый из двух перечней не пуст либо явно указано, что основания не предусмотрены."),
    ("standard", "1", 9, "fee", "fees", "Размер платы и способы ее взимания",
     "Явно указано, что услуга бесплатна, или указан хотя бы один размер платы с правовым "
     "основанием и способом оплаты."),
    ("standard", "1", 10, "queue_wait", "queue", "Максимальный срок ожидания в очереди",
     "Указаны сроки ожидания в очереди при подаче запроса и при получении результата."),
    ("standard", "1", 11, "registration_term", "registration", "Срок регистрации запроса заявителя",
     "Указан срок регистрации запроса."),
    ("standard", "1", 12, "premises", "premises",
     "Требования к помещениям, в том числе к обеспечению доступности для инвалидов",
     "Описаны требования к помещениям и указаны условия доступности для инвалидов."),
    ("standard", "1", 13, "quality_indicators", "indicators", "Показатели доступности и качества",
     "Указан хотя бы один показатель с целевым значением."),
    ("standard", "1", 14, "other_requirements", "availability",
     "Иные требования, в том числе предоставление в МФЦ и в электронной форме",
     "На каждый вопрос (МФЦ, электронная форма через ЕПГУ, экстерриториальный принцип) дан ответ «да» или «нет»."),
    ("single_standard", "2", 1, "applicants", "applicants", "Круг заявителей",
     "Указана хотя бы одна категория заявителей."),
    ("single_standard", "2", 2, "submission_channels", "submission", "Способы направления запроса",
     "Указан хотя бы один способ подачи запроса."),
    ("single_standard", "2", 3, "single_fee", "fees", "Размер платы и способы ее взимания",
     "Как п. 9 ч. 1: бесплатно, или размер платы с основанием и способом оплаты."),
    ("single_standard", "2", 4, "progress_tracking", "progress",
     "Порядок информирования заявителя о ходе рассмотрения запроса",
     "Описан порядок информирования."),
    ("single_standard", "2", 5, "correction", "correction",
     "Порядок исправления опечаток и ошибок, основания для отказа в исправлении",
     "Описан порядок; перечень оснований для отказа не пуст либо явно указано, что их нет."),
    ("single_standard", "2", 6, "duplicate", "duplicate",
     "Порядок выдачи дубликата, основания для отказа в выдаче",
     "Описан порядок; перечень оснований для отказа не пуст либо явно указано, что их нет."),
    ("single_standard", "2", 7, "without_consideration", "without_consideration",
     "Порядок оставления запроса без рассмотрения",
     "Описан порядок и указаны основания либо явно указано, что их нет."),
    ("single_standard", "2", 8, "forms", "forms",
     "Формы запроса, документа — результата, заявлений об исправлении, о дубликате, "
     "об оставлении без рассмотрения",
     "Загружена хотя бы форма запроса."),
    ("single_standard", "2", 9, "result_delivery", "delivery", "Способы получения результата",
     "Указан хотя бы один способ получения результата."),
]


def load(apps, schema_editor):
    LegalAct = apps.get_model("regulations", "LegalAct")
    RequirementProfile = apps.get_model("regulations", "RequirementProfile")
    StatutoryRequirement = apps.get_model("regulations", "StatutoryRequirement")
    law, _created = LegalAct.objects.get_or_create(
        kind=LAW_210["kind"], number=LAW_210["number"], date=LAW_210["date"], defaults=LAW_210
    )
    profiles = {}
    for code, title, description, order in PROFILES:
        profiles[code], _created = RequirementProfile.objects.update_or_create(
            code=code, defaults={"title": title, "description": description, "order": order}
        )
    for profile, part, number, code, section, title, filled_when in REQUIREMENTS:
        StatutoryRequirement.objects.update_or_create(
            code=code,
            defaults={
                "profile": profiles[profile],
                "act": law,
                "article": "14",
                "part": part,
                "point": str(number),
                "number": number,
                "title": title,
                "section": section,
                "filled_when": filled_when,
                "is_mandatory": True,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("regulations", "StatutoryRequirement").objects.filter(
        code__in=[row[3] for row in REQUIREMENTS]
    ).delete()
    apps.get_model("regulations", "RequirementProfile").objects.filter(
        code__in=[row[0] for row in PROFILES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("regulations", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
