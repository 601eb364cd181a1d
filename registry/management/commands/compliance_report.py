"""``manage.py compliance_report --service <реестровый номер> [--body ОГРН] [--months 12]``: how far
a service's delivery is from its standard, per body, office and month, from the monthly rollup."""

from itertools import groupby

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from registry.deliveries.lookup import body_by_reference, service_by_number
from registry.deliveries.report import text_table
from registry.deliveries.selectors import compliance_table
from registry.wording import counted


class Command(BaseCommand):
    help = _("Печатает соблюдение стандарта услуги по офисам и месяцам.")

    def add_arguments(self, parser):
        parser.add_argument("--service", required=True, help=_("Реестровый номер услуги."))
        parser.add_argument("--body", help=_("Только этот орган (ОГРН, ИНН или номер в реестре)."))
        parser.add_argument("--months", type=int, default=12, help=_("За сколько последних месяцев."))

    def handle(self, *args, service, body=None, months=12, **options):
        if months < 1:
            raise CommandError(_("Число месяцев должно быть положительным."))
        service_obj = service_by_number(service)
        body_obj = body_by_reference(body) if body else None
        rows = list(compliance_table(service=service_obj, body=body_obj, months=months))
        self.stdout.write(
            _("Услуга %(service)s: соблюдение стандарта за %(months)s")
            % {
                "service": service_obj,
                "months": _("последний месяц")
                if months == 1
                else _("последние %(months)s") % {"months": counted(months, "месяц", "месяца", "месяцев")},
            }
        )
        if not rows:
            self.stdout.write(_("Сведений о предоставлении услуги за этот период нет."))
            return
        for body_row, body_rows in groupby(rows, key=lambda row: row.body):
            self.stdout.write("")
            self.stdout.write(_("Орган: %(body)s") % {"body": body_row})
            self.stdout.write(text_table(list(body_rows)))
