"""``manage.py restore_drill FILE [--keep] [--without-figures]``: restore a backup taken by
``backup_registry`` into a fresh database on the same server, check the registry in it against
the figures recorded with the backup, print the report and drop the database (unless --keep).
Ends with a non-zero exit status and a Russian message when anything does not match."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registry.backups.checks import seconds_display
from registry.backups.drill import restore_drill
from registry.backups.postgres import BackupError


class Command(BaseCommand):
    help = _(
        "Учебное восстановление: восстанавливает резервную копию в новую базу на том же сервере, "
        "проверяет в ней реестр (число услуг, последний номер последовательности изменений, "
        "валидатор на каждой действующей редакции), сравнивает с показателями при копировании и "
        "удаляет базу."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("Файл копии, снятой backup_registry."))
        parser.add_argument(
            "--keep", action="store_true", help=_("Не удалять восстановленную базу (для разбора).")
        )
        parser.add_argument(
            "--without-figures",
            action="store_true",
            help=_("Копия снята не backup_registry (нет файла .json): только восстановить и проверить."),
        )

    def handle(self, *args, file: Path, keep: bool = False, without_figures: bool = False, **options) -> None:
        self.stdout.write(_("Учебное восстановление резервной копии реестра."))
        try:
            result = restore_drill(file, say=self.stdout.write, keep=keep, with_figures=not without_figures)
        except BackupError as error:
            raise CommandError(
                _("Учебное восстановление не пройдено: %(error)s") % {"error": error}
            ) from error
        if result.problems:
            raise CommandError(
                _("Учебное восстановление не пройдено: %(problems)s.")
                % {"problems": "; ".join(result.problems)}
            )
        self.stdout.write(
            _(
                "Итог: копия восстанавливается и совпадает с реестром на момент копирования "
                "(всего %(seconds)s с)."
            )
            % {"seconds": seconds_display(result.seconds)}
        )
