"""``manage.py import_deliveries FILE [--body OGRN] [--dry-run]``: delivery records from a body's
case-management system (issue 14). Every row is checked first; one error and nothing is written."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registry.deliveries.intake import intake_file
from registry.models import ProviderBody
from registry.wording import plural_form

BAR_WIDTH = 30


class ProgressBar:
    """Plain text on stderr (the command's OutputWrapper), redrawn in place: a bar by the share
    of the file read (CSV), or the count of rows alone (Excel and XML are read ahead by blocks)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.drawn = False

    def __call__(self, done: int, fraction: float | None) -> None:
        rows = f"{done:,}".replace(",", " ") + " " + plural_form(done, _("строка"), _("строки"), _("строк"))
        if fraction is None:
            line = _("Обработано: %(rows)s") % {"rows": rows}
        else:
            filled = int(BAR_WIDTH * fraction)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            line = f"[{bar}] {int(100 * fraction):3d}% " + _("обработано: %(rows)s") % {"rows": rows}
        self.stream.write("\r" + line, ending="")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("", ending="\n")
            self.stream.flush()


class Command(BaseCommand):
    help = _(
        "Загружает сведения о предоставлении услуг (CSV, Excel .xlsx или XML по схеме deliveries-1.0.xsd). "
        "Сначала проверяется каждая строка; при хотя бы одной ошибке не записывается ничего. Повторная "
        "загрузка того же файла ничего не меняет, исправленная строка обновляет свою запись."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("Файл .csv, .xlsx или .xml."))
        parser.add_argument(
            "--body",
            metavar="ОГРН",
            help=_("ОГРН органа: строки по услугам других органов отклоняются."),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("Только проверить и показать итог."))

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Файл %(path)s не найден.") % {"path": path})
        scope = None
        if options["body"]:
            body_id = ProviderBody.objects.filter(ogrn=options["body"]).values_list("id", flat=True).first()
            if body_id is None:
                raise CommandError(
                    _("Орган с ОГРН «%(ogrn)s» в реестре не найден.") % {"ogrn": options["body"]}
                )
            scope = {body_id}
        progress = ProgressBar(self.stderr)
        try:
            report = intake_file(path, scope_body_ids=scope, dry_run=options["dry_run"], progress=progress)
        finally:
            progress.close()
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(_("Загрузка не выполнена: %(file)s.") % {"file": path.name})
