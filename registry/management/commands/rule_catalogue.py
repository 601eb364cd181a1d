from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.validation.catalogue import CATALOGUE_PATH, render_catalogue


class Command(BaseCommand):
    help = "Записывает каталог правил проверки редакций (Markdown) из записей о требованиях закона."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(CATALOGUE_PATH), help="Куда записать каталог (по умолчанию %(default)s)."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Ничего не записывать, а завершиться с ошибкой, если файл отличается от каталога.",
        )

    def handle(self, *args, **options):
        text = render_catalogue()
        path = Path(options["output"])
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{path} устарел: выполните `python manage.py rule_catalogue --output {path}`."
                )
            self.stdout.write(f"{path}: каталог актуален.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Каталог правил записан в {path}.")
