"""One applicant's request as it reaches the registry from a body's case-management system.

No personal data ever: a case is named by its opaque ``case_id``, never by a name, СНИЛС,
passport number or address. Readers (``registry.deliveries.intake``) produce these rows already
checked and resolved to the registry's ids; the storage (``registry.deliveries.storage``) writes
them, idempotently on (body, case id)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """How the request ended (or where it stands). The codes are those of the intake files."""

    ISSUED = "issued", _("результат предоставлен")
    REFUSED = "refused", _("отказано в предоставлении")
    SUSPENDED = "suspended", _("предоставление приостановлено")
    NOT_CONSIDERED = "not_considered", _("оставлено без рассмотрения")
    WITHDRAWN = "withdrawn", _("отозвано заявителем")


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """A checked line of an intake file.

    ``line`` is where it came from (row of a CSV or sheet, line of an XML file) for messages.
    Times are aware datetimes. ``refusal_ground`` is what the file says about the ground of a
    refusal (its number in the edition's list, or its text); empty unless the outcome is a refusal."""

    line: int
    case_id: str
    service_id: int
    body_id: int
    office_id: int | None
    channel_id: int | None
    variant_code: str
    submitted_at: datetime
    registered_at: datetime | None
    result_at: datetime | None
    outcome: str
    refusal_ground: str
    queue_wait_submission: int | None
    queue_wait_receipt: int | None
