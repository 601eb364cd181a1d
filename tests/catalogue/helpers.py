"""Building published (and unpublished) services for the catalogue tests, through the workflow."""

import datetime
import html
import re

from django.utils import timezone

from registry.models import Edition
from registry.services import (
    edition_approve,
    edition_create_draft,
    edition_publish,
    edition_reject,
    edition_submit,
    edition_update,
)
from tests import factories

TODAY = timezone.localdate()
LAST_MONTH = TODAY - datetime.timedelta(days=30)


def publish(edition: Edition, effective_date: datetime.date | None = LAST_MONTH) -> Edition:
    edition = edition_submit(edition=edition, actor=None)
    edition = edition_approve(edition=edition, actor=None)
    return edition_publish(edition=edition, actor=None, effective_date=effective_date)


def published(service=None, result: str | None = None, **overrides) -> Edition:
    """A complete edition of a (fresh) service, in force since last month. Its one result is
    named ``result``, else after the service's short name (so searches do not all match the
    factory's «Разрешение на строительство»)."""
    edition = factories.complete_edition(service or factories.service(), **overrides)
    edition.results.update(name=result or edition.short_name)
    return publish(edition)


def next_edition(service, **changes) -> Edition:
    draft = edition_create_draft(service=service, actor=None)
    changes.setdefault("change_note", "Уточнён срок предоставления услуги.")
    return edition_update(edition=draft, actor=None, changes=changes, expected_version=draft.lock_version)


def unpublished(status: str, **overrides) -> Edition:
    """An edition of a fresh service in a status the public never sees."""
    edition = factories.complete_edition(factories.service(), **overrides)
    if status == "draft":
        return edition
    edition = edition_submit(edition=edition, actor=None)
    if status == "submitted":
        return edition
    if status == "rejected":
        return edition_reject(edition=edition, actor=None, comment="Уточните перечень документов.")
    edition = edition_approve(edition=edition, actor=None)
    if status == "approved":
        return edition
    if status == "scheduled":
        return edition_publish(
            edition=edition, actor=None, effective_date=TODAY + datetime.timedelta(days=10)
        )
    raise ValueError(status)


CARD_TITLE = re.compile(r'<h3 class="service-card__title"><a [^>]*>(.*?)</a></h3>', re.S)
RESULTS_HEADING = re.compile(r'<h2 id="results-heading"[^>]*>(.*?)</h2>', re.S)


def card_names(response) -> list[str]:
    """The service names of the result cards, in the order the page shows them."""
    return [html.unescape(name) for name in CARD_TITLE.findall(response.content.decode())]


def found_count(response) -> int:
    """The number of services the results heading reports («Найдено услуг: 3», «Найдена 1 услуга»)."""
    heading = RESULTS_HEADING.search(response.content.decode()).group(1)
    return int(re.search(r"\d+", heading).group())
