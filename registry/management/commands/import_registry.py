"""``manage.py import_registry PATH [--dry-run] [--publish]``: all or nothing, with a report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registry.exchange.service import import_file


class Command(BaseCommand):
    help = _(
        "Загружает файл обмена (XML по схеме registry-1.0.xsd или книгу Excel). Одна ошибка — и из "
        "файла не записывается ничего. Загруженное становится черновиками, если не указан --publish."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("Файл .xml или .xlsx."))
        parser.add_argument("--dry-run", action="store_true", help=_("Только проверить и показать отчёт."))
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_("Опубликовать загруженные редакции (проверка публикации применяется к каждой)."),
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(_("Файл %(path)s не найден.") % {"path": path})
        # The command runs as the system: the operator of the server acts as administrator.
        report = import_file(path, actor=None, dry_run=options["dry_run"], publish=options["publish"])
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            # The report's last line already says why; the exit status says it to a script.
            raise CommandError(_("Загрузка не выполнена. %(summary)s") % {"summary": report.summary})
