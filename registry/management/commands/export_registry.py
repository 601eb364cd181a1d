"""``manage.py export_registry --format xml|xlsx --output PATH [--since N] [filters]``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from registry.exchange.selectors import (
    CONTENT_DRAFTS,
    CONTENT_PUBLISHED,
    ExportRequest,
    ExportRequestError,
    export_selection,
    export_snapshot,
)
from registry.exchange.xlsx_export import write_registry_xlsx
from registry.exchange.xlsx_rows import UnwritableText
from registry.exchange.xml_export import write_registry_xml
from registry.models import Level


class Command(BaseCommand):
    help = _("Выгружает реестр в XML (по схеме registry-1.0.xsd) или в книгу Excel.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["xml", "xlsx"], default="xml", help=_("Формат файла."))
        parser.add_argument("--output", required=True, help=_("Куда записать файл."))
        parser.add_argument(
            "--since", type=int, help=_("Только изменения после порядкового номера N и исключённые услуги.")
        )
        parser.add_argument("--service", default="", help=_("Одна услуга: реестровый номер."))
        parser.add_argument(
            "--drafts",
            action="store_true",
            help=_("Выгрузить черновики и редакции на согласовании (для администратора реестра)."),
        )
        parser.add_argument("--provider", help=_("Орган: идентификатор."))
        parser.add_argument("--body", help=_("Орган: часть названия, как в каталоге."))
        parser.add_argument("--level", choices=Level.values, help=_("Уровень услуг."))
        parser.add_argument("--region", help=_("Субъект РФ: двузначный код."))
        parser.add_argument("--category", help=_("Категория или жизненная ситуация: код."))
        parser.add_argument("--q", help=_("Поиск по тексту, как в каталоге."))

    def handle(self, *args, **options) -> None:
        filters = {
            name: str(options[name])
            for name in ("provider", "body", "level", "region", "category", "q")
            if options.get(name)
        }
        request = ExportRequest(
            content=CONTENT_DRAFTS if options["drafts"] else CONTENT_PUBLISHED,
            filters=filters,
            registry_number=options["service"],
            since=options["since"],
        )
        output = Path(options["output"])
        # One snapshot for the selection and the file: its sequence matches its content.
        with export_snapshot():
            try:
                selection = export_selection(request)
            except ExportRequestError as error:
                raise CommandError(str(error)) from error
            try:
                if options["format"] == "xlsx":
                    write_registry_xlsx(selection, str(output))
                else:
                    with output.open("wb") as stream:
                        write_registry_xml(selection, stream)
            except (ExportRequestError, UnwritableText) as error:
                # Text the file cannot carry: what was written so far is no file to hand on.
                output.unlink(missing_ok=True)
                raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Выгрузка записана в %(path)s; последний порядковый номер изменения: %(sequence)s.")
                % {"path": options["output"], "sequence": selection.sequence}
            )
        )
