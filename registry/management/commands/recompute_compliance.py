"""``manage.py recompute_compliance [--since YYYY-MM-DD] [--body ОГРН]``: the compliance columns of
the delivery records computed again, after the working-day calendar (or an edition's dates)
changed; the monthly rollup of the months whose records changed is refreshed."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from registry.deliveries.compliance import recompute_compliance
from registry.deliveries.lookup import body_by_reference
from registry.deliveries.rollup import refresh_rollup
from registry.models import DeliveryRecord


class Command(BaseCommand):
    help = _("Пересчитывает соблюдение стандарта по сведениям о предоставлении услуг.")

    def add_arguments(self, parser):
        parser.add_argument("--since", help=_("Только запросы, поданные с этой даты (ГГГГ-ММ-ДД)."))
        parser.add_argument("--body", help=_("Только запросы органа (ОГРН, ИНН или номер в реестре)."))

    def handle(self, *args, since=None, body=None, **options):
        records = DeliveryRecord.objects.order_by()
        if since:
            try:
                first_day = date.fromisoformat(since)
            except ValueError:
                raise CommandError(
                    _("Дата «%(value)s» не распознана: укажите её как ГГГГ-ММ-ДД.") % {"value": since}
                ) from None
            records = records.filter(month__gte=first_day.replace(day=1), submitted_at__date__gte=first_day)
        if body:
            records = records.filter(body=body_by_reference(body))
        with transaction.atomic():
            result = recompute_compliance(records)
            refresh_rollup(result.touched)
        self.stdout.write(
            _("Проверено запросов: %(checked)s, изменилось: %(changed)s, пересчитано месяцев: %(months)s.")
            % {"checked": result.checked, "changed": result.changed, "months": len(result.touched)}
        )
