"""``manage.py check_registry [--expect FILE.json] [--json]``: the checks a restored registry must
pass, run against the configured database — its figures (against those recorded with a backup,
with --expect), the change counter ahead of the newest change, and the publication validator on
every edition in force. ``restore_drill`` runs it against the restored copy with --json."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registry.backups.checks import check_registry, report
from registry.backups.dump import BackupRecord
from registry.backups.postgres import BackupError


class Command(BaseCommand):
    help = _(
        "Проверяет реестр в настроенной базе: число услуг и редакций, последний номер "
        "последовательности изменений, счётчик номеров и валидатор публикации на каждой "
        "действующей редакции; с --expect сравнивает с показателями резервной копии."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect",
            type=Path,
            default=None,
            help=_("Файл .json, записанный backup_registry рядом с копией: сравнить показатели с ним."),
        )
        parser.add_argument(
            "--json", action="store_true", help=_("Вывести результат в JSON (для restore_drill).")
        )

    def handle(self, *args, expect: Path | None = None, json: bool = False, **options) -> None:
        try:
            expected = BackupRecord.read(expect).figures if expect is not None else None
        except BackupError as error:
            raise CommandError(str(error)) from error
        check = check_registry()
        if json:
            self.stdout.write(dumps(check.as_dict()))
            return
        lines, problems = report(check, expected)
        for line in lines:
            self.stdout.write(line)
        if problems:
            raise CommandError(
                _("Проверка реестра не пройдена: %(problems)s.") % {"problems": "; ".join(problems)}
            )
        self.stdout.write(_("Итог: проверка реестра пройдена."))


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
