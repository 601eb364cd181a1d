"""``manage.py check_exchange_text``: every text the exchange cannot carry, with its place.

The validators refuse such text at entry; this finds what was stored before them, in every
edition an export may carry (the current ones and the open ones), the legal acts, the bodies
and the reasons of withdrawn services. Exits with status 1 when it finds any."""

from collections.abc import Iterator
from itertools import islice

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from registry.exchange.records import EXPORT_CHUNK_SIZE, chunk_records
from registry.exchange.text import text_problem_places
from registry.models import OPEN_STATUSES, Edition, EditionStatus, ProviderBody, Service
from regulations.models import LegalAct


def exchange_text_problems(chunk_size: int = EXPORT_CHUNK_SIZE) -> Iterator[tuple[str, str]]:
    """(where, why) for every text of the registry that an export could not carry."""
    for act in LegalAct.objects.order_by("pk").iterator(chunk_size=chunk_size):
        yield from text_problem_places(act)
    for body in ProviderBody.objects.order_by("pk").iterator(chunk_size=chunk_size):
        yield from text_problem_places(body)
    editions = (
        Edition.objects.filter(status=EditionStatus.PUBLISHED),
        Edition.objects.filter(status__in=OPEN_STATUSES),
    )
    services = Service.objects.select_related("provider__region").order_by("registry_number")
    stream = services.iterator(chunk_size=chunk_size)
    while chunk := list(islice(stream, chunk_size)):
        for service in chunk:
            if service.withdrawal_reason:
                yield from text_problem_places(service)
        for chosen in editions:
            for _service, record in chunk_records(chunk, chosen):
                yield from text_problem_places(record)


class Command(BaseCommand):
    help = _(
        "Находит текст, который нельзя передать в XML или в ячейку Excel (управляющие символы, "
        "текст длиннее 32 767 знаков), и называет, где он."
    )

    def handle(self, *args, **options) -> None:
        found = 0
        for place, problem in exchange_text_problems():
            found += 1
            self.stdout.write(f"{place}: {problem}")
        if found:
            raise CommandError(
                _("Найдено мест с текстом, который нельзя выгрузить: %(count)s.") % {"count": found},
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(_("Весь текст реестра можно выгрузить в XML и Excel.")))
