"""``manage.py load_reference``: regions, classifiers and legal acts, idempotently."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from registry.demo import FixtureError, load_reference


class Command(BaseCommand):
    help = _(
        "Загружает справочники из fixtures/reference: субъекты РФ, классификаторы и нормативные "
        "правовые акты. Повторный запуск ничего не меняет."
    )

    def handle(self, *args, **options) -> None:
        try:
            report = load_reference()
        except FixtureError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(_("Справочники загружены.")))
