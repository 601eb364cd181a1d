"""``manage.py backup_registry [--output FILE]``: a pg_dump (custom format) of the configured
PostgreSQL database, and next to it FILE.json with its checksum and the registry's figures at
that moment, which ``restore_drill`` compares a restored copy with."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registry.backups.checks import seconds_display
from registry.backups.drill import size_display
from registry.backups.dump import backup_registry, created_at_display, default_output, sidecar_path
from registry.backups.postgres import BackupError


class Command(BaseCommand):
    help = _(
        "Снимает резервную копию базы PostgreSQL реестра (pg_dump, формат custom) и записывает "
        "рядом файл .json с контрольной суммой и показателями реестра для учебного восстановления."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=str,  # not Path, which drops the trailing «/» that names a directory
            default=None,
            help=_(
                "Файл копии, или каталог (со «/» в конце) для registry-ГГГГММДД-ЧЧММСС.dump; по "
                "умолчанию var/backups/."
            ),
        )

    def handle(self, *args, output: str | None = None, **options) -> None:
        if output is None:
            output = default_output(Path(settings.BASE_DIR) / "var" / "backups")
        elif output.endswith("/") or Path(output).is_dir():
            output = default_output(Path(output))
        else:
            output = Path(output)
        try:
            record = backup_registry(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        figures = record.figures
        self.stdout.write(
            _("Резервная копия базы %(database)s снята %(when)s за %(seconds)s с: %(path)s (%(size)s).")
            % {
                "database": record.database,
                "when": created_at_display(record),
                "seconds": seconds_display(record.seconds),
                "path": output.resolve(),
                "size": size_display(record.bytes),
            }
        )
        self.stdout.write(
            _(
                "Услуг: %(services)s, действующих редакций: %(editions)s, последний номер "
                "последовательности изменений: %(sequence)s."
            )
            % {
                "services": figures.services,
                "editions": figures.published_editions,
                "sequence": figures.last_sequence,
            }
        )
        self.stdout.write(
            _("Показатели и контрольная сумма записаны в %(path)s.")
            % {"path": sidecar_path(output.resolve())}
        )
