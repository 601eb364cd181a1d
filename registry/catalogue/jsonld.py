"""schema.org ``GovernmentService`` markup of a service page, as JSON-LD.

``json_script`` writes ``type="application/json"``; JSON-LD needs ``application/ld+json``, so
we serialise here with the same escaping as ``json_script`` (``<``, ``>`` and ``&`` as
``\\u003C`` …), which keeps a name containing ``</script>`` from ending the element."""

import json

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from registry.catalogue.presentation import ServicePage
from registry.models import Level, Service

JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def government_service(service: Service, page: ServicePage, url: str) -> dict:
    edition = page.edition
    provider = service.provider
    organization = {"@type": "GovernmentOrganization", "name": provider.full_name or provider.short_name}
    for key, value in (
        ("alternateName", provider.short_name),
        ("address", provider.address),
        ("telephone", provider.phone),
        ("email", provider.email),
        ("url", provider.website),
    ):
        if value:
            organization[key] = value
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": edition.full_name or edition.short_name,
        "identifier": service.registry_number,
        "url": url,
        "provider": organization,
        "serviceOperator": organization,
        "areaServed": (
            {"@type": "Country", "name": "Российская Федерация"}
            if service.level == Level.FEDERAL or not provider.region_id
            else {"@type": "AdministrativeArea", "name": provider.region.name}
        ),
    }
    if edition.short_name and edition.short_name != data["name"]:
        data["alternateName"] = edition.short_name
    if page.results:
        data["serviceOutput"] = [{"@type": "Thing", "name": result.name} for result in page.results]
    channels = [
        {"@type": "ServiceChannel", "name": channel.name} for channel in edition.submission_channels.all()
    ]
    if channels:
        data["availableChannel"] = channels
    if edition.is_free:
        data["offers"] = {"@type": "Offer", "price": "0", "priceCurrency": "RUB"}
    elif page.fees:
        data["offers"] = [
            {"@type": "Offer", "name": fee.name, "price": str(fee.amount), "priceCurrency": "RUB"}
            for fee in page.fees
        ]
    return data


def json_ld_script(data: dict) -> SafeString:
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
