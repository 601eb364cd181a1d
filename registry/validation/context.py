"""The edition as the rules see it: its rows read once, in the shapes the rules ask for."""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from registry.models import Edition, Ground
from regulations.models import LegalAct


class EditionFacts:
    """An edition loaded by ``edition_for_validation`` and the date its acts must be in force on.

    Rules only read prefetched rows, so validating costs the same number of queries however
    many documents, grounds or variants the edition has.
    """

    def __init__(self, edition: Edition, check_date: datetime.date):
        self.edition = edition
        self.service = edition.service
        self.check_date = check_date
        self.results = list(edition.results.all())
        self.legal_bases = list(edition.legal_bases.all())
        self.documents = list(edition.documents.all())
        self.grounds = list(edition.grounds.all())
        self.fees = list(edition.fees.all())
        self.indicators = list(edition.indicators.all())
        self.forms = list(edition.forms.all())
        self.variants = list(edition.variants.all())
        self.attributes = list(edition.applicant_attributes.all())
        self.payment_methods = list(edition.payment_methods.all())
        self.applicant_categories = list(edition.applicant_categories.all())
        self.submission_channels = list(edition.submission_channels.all())
        self.result_delivery_channels = list(edition.result_delivery_channels.all())
        self._memo: dict[str, Any] = {}

    def grounds_of(self, kind: str) -> list[Ground]:
        return [ground for ground in self.grounds if ground.kind == kind]

    def act_in_force(self, act: LegalAct) -> bool:
        return act.is_in_force_on(self.check_date)

    def rows_for_variant(self, rows: Iterable[Any], variant_id: int) -> list[Any]:
        """The rows that apply to a variant: its own and those of the whole edition."""
        return [row for row in rows if row.variant_id is None or row.variant_id == variant_id]

    def variant_name(self, variant_id: int | None) -> str:
        for variant in self.variants:
            if variant.pk == variant_id:
                return variant.name
        return ""

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Work shared by several rules (the profiling combinations) is done once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]
