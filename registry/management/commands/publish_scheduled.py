"""Make current every approved edition whose effective date has come. Meant for cron:

    5 0 * * *  cd /srv/registry && .venv/bin/python manage.py publish_scheduled

Exits with an error when an edition could not take effect, so that cron mails the reason.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.services import editions_publish_due


def parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("--date: ожидается дата в виде ГГГГ-ММ-ДД, получено «%(value)s».") % {"value": value}
        ) from error


class Command(BaseCommand):
    help = "Публикует утверждённые редакции, дата вступления в силу которых наступила."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=parse_date,
            default=None,
            help="Дата, на которую публиковать (ГГГГ-ММ-ДД); по умолчанию — сегодня.",
        )

    def handle(self, *args, date: datetime.date | None = None, **options) -> None:
        today = date or timezone.localdate()
        run = editions_publish_due(today=today)
        for edition in run.published:
            self.stdout.write(
                _("%(number)s: редакция № %(edition)s вступила в силу %(date)s.")
                % {
                    "number": edition.service.registry_number,
                    "edition": edition.number,
                    "date": edition.effective_date.strftime("%d.%m.%Y"),
                }
            )
        for edition, error in run.failed:
            self.stderr.write(
                _("%(number)s: редакция № %(edition)s не опубликована — %(error)s")
                % {"number": edition.service.registry_number, "edition": edition.number, "error": error}
            )
            for finding in getattr(error, "findings", []):
                self.stderr.write(f"    {finding.citation}: {finding.message}")
        if run.failed:
            raise CommandError(_("Не опубликовано редакций: %(count)s.") % {"count": len(run.failed)})
        if not run.published:
            self.stdout.write(
                _("На %(date)s нет редакций к публикации.") % {"date": today.strftime("%d.%m.%Y")}
            )
