"""``manage.py delivery_partitions [--months-ahead N] [--from YYYY-MM]``: the monthly partitions of
the delivery records created ahead on PostgreSQL (the storage also creates those of the months a
file brings). On other databases the records are a plain table and there is nothing to create."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.deliveries.partitions import ensure_partitions, partition_name
from registry.deliveries.partitions import months_ahead as months_from


class Command(BaseCommand):
    help = _("Создаёт помесячные секции таблицы сведений о предоставлении услуг (PostgreSQL).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--months-ahead", type=int, default=3, help=_("На сколько месяцев вперёд (по умолчанию 3).")
        )
        parser.add_argument(
            "--from", dest="start", help=_("С какого месяца (ГГГГ-ММ; по умолчанию текущий).")
        )

    def handle(self, *args, months_ahead: int = 3, start: str | None = None, **options):
        if months_ahead < 0:
            raise CommandError(_("Число месяцев не может быть отрицательным."))
        first = timezone.localdate()
        if start:
            try:
                first = date.fromisoformat(f"{start}-01")
            except ValueError:
                raise CommandError(
                    _("Месяц «%(value)s» не распознан: укажите его как ГГГГ-ММ.") % {"value": start}
                ) from None
        if connection.vendor != "postgresql":
            self.stdout.write(_("Секции создаются только в PostgreSQL; здесь таблица не секционирована."))
            return
        created = ensure_partitions(months_from(first, months_ahead))
        for month in created:
            self.stdout.write(_("Создана секция %(name)s.") % {"name": partition_name(month)})
        self.stdout.write(_("Новых секций: %(count)s.") % {"count": len(created)})
