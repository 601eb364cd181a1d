"""Finding a body and a service by what a command line names them with."""

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from registry.models import ProviderBody, Service


def body_by_reference(reference: str) -> ProviderBody:
    """A body by its ОГРН, ИНН or number in the registry."""
    reference = reference.strip()
    condition = Q(ogrn=reference) | Q(inn=reference)
    if reference.isdigit() and len(reference) < 10:
        condition |= Q(pk=int(reference))
    bodies = list(ProviderBody.objects.filter(condition)[:2])
    if len(bodies) != 1:
        raise CommandError(
            _("Орган «%(reference)s» не найден: укажите его ОГРН, ИНН или номер в реестре.")
            % {"reference": reference}
        )
    return bodies[0]


def service_by_number(number: str) -> Service:
    try:
        return Service.objects.select_related("provider").get(registry_number=number.strip())
    except Service.DoesNotExist:
        raise CommandError(
            _("Услуга с реестровым номером «%(number)s» не найдена.") % {"number": number}
        ) from None
