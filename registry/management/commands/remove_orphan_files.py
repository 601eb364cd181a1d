"""Remove the form files no edition refers to any more. Meant for cron, e.g. nightly:

    30 0 * * *  cd /srv/registry && .venv/bin/python manage.py remove_orphan_files

A file dropped or replaced by a save already goes when that save commits
(registry/services/form_files.py); this sweeps up what is left (uploads whose transaction never
committed, rows removed outside the registry, files of the time before that rule).
"""

import datetime

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from registry.services.form_files import DEFAULT_MIN_AGE, orphan_form_files_remove


class Command(BaseCommand):
    help = "Удаляет файлы форм, на которые не ссылается ни одна редакция."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Только перечислить такие файлы, ничего не удаляя.",
        )
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=int(DEFAULT_MIN_AGE.total_seconds() // 60),
            help=(
                "Не трогать файлы моложе стольких минут: загрузка записывает файл раньше, чем "
                "сохраняет ссылку на него (по умолчанию %(default)s)."
            ),
        )

    def handle(self, *args, dry_run: bool = False, min_age_minutes: int = 60, **options) -> None:
        sweep = orphan_form_files_remove(
            dry_run=dry_run, min_age=datetime.timedelta(minutes=max(min_age_minutes, 0))
        )
        for name in sweep.removed:
            self.stdout.write(
                _("Будет удалён: %(name)s") % {"name": name}
                if dry_run
                else _("Удалён: %(name)s") % {"name": name}
            )
        if sweep.kept_recent:
            self.stdout.write(
                _("Оставлено недавних файлов без ссылок (моложе %(minutes)s мин.): %(count)s.")
                % {"minutes": min_age_minutes, "count": len(sweep.kept_recent)}
            )
        if dry_run:
            summary = _("Проверка без удаления: файлов без ссылок — %(count)s.")
        else:
            summary = _("Удалено файлов без ссылок: %(count)s.")
        self.stdout.write(summary % {"count": len(sweep.removed)})
