"""The other sources of the performance pages: applicants' ratings and mystery-shopper audits
(issue 15, points 1–2), built apart. The pages call the functions below; each returns nothing
until its source is wired with ``wire(name, function)`` (from the providing app's
``AppConfig.ready``), and the page's section for it then renders nothing.

The contracts (what a wired function must return):

- ``satisfaction(service=None, body=None, office=None, months=12)``: the 5-level distribution per
  criterion of Постановление № 1284, as a mapping {criterion label: counts of scores 1…5} or
  an iterable of (label, counts) pairs;
- ``published_comments(service, limit)``: published comments, each with ``text`` and
  ``created_at`` (or a plain string), newest first;
- ``audit_scores(service=None, body=None, office=None, months=12)``: per month (month, score in
  percent 0–100, number of audits), as tuples or objects with ``month``, ``score``, ``count``;
- ``open_corrective_actions(body)``: the body's findings awaiting a corrective action, each with
  a readable ``str()`` and optionally ``due_date`` and ``get_absolute_url()``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

NAMES = ("satisfaction", "published_comments", "audit_scores", "open_corrective_actions")
SCORES = (1, 2, 3, 4, 5)
# Постановление Правительства РФ № 1284: the five criteria, in its order.
CRITERIA = (
    _("Время предоставления услуги"),
    _("Время ожидания в очереди"),
    _("Вежливость и компетентность сотрудника"),
    _("Комфортность условий в помещении"),
    _("Доступность информации о порядке предоставления услуги"),
)

_wired: dict[str, Callable] = {}


def wire(name: str, function: Callable | None) -> None:
    """Give a source its function (None: unwire it)."""
    if name not in NAMES:
        raise ValueError(f"unknown performance source {name!r}; known: {', '.join(NAMES)}")
    if function is None:
        _wired.pop(name, None)
    else:
        _wired[name] = function


def wired(name: str) -> bool:
    return name in _wired


@dataclass(frozen=True)
class Distribution:
    """One criterion's ratings: the counts of scores 1…5."""

    label: str
    counts: tuple[int, int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def satisfied(self) -> int:
        return self.counts[3] + self.counts[4]


@dataclass(frozen=True)
class AuditMonth:
    month: date
    score: float | None
    count: int


def satisfaction(**scope) -> list[Distribution] | None:
    if "satisfaction" not in _wired:
        return None
    result = _wired["satisfaction"](**scope)
    pairs = result.items() if hasattr(result, "items") else result
    return [Distribution(str(label), tuple(int(n) for n in counts)) for label, counts in pairs]


def published_comments(service, limit: int = 5) -> list | None:
    if "published_comments" not in _wired:
        return None
    return list(_wired["published_comments"](service, limit))


def audit_scores(**scope) -> list[AuditMonth] | None:
    if "audit_scores" not in _wired:
        return None
    months = []
    for item in _wired["audit_scores"](**scope):
        if isinstance(item, tuple):
            month, score, count = item
        else:
            month, score, count = item.month, item.score, item.count
        months.append(AuditMonth(month, None if score is None else float(score), int(count)))
    return months


def open_corrective_actions(body) -> list | None:
    if "open_corrective_actions" not in _wired:
        return None
    return list(_wired["open_corrective_actions"](body))


def indicator_shares(service, months: int = 12) -> dict:
    """What the wired sources give the indicators (``registry.performance.indicators``): per
    measure source, shares per month or, under None, for the whole period."""
    from registry.performance.figures import Score, Share

    shares: dict[str, dict] = {}
    distribution = satisfaction(service=service, months=months)
    if distribution:
        satisfied = sum(row.satisfied for row in distribution)
        total = sum(row.total for row in distribution)
        shares["satisfaction"] = {None: Share(satisfied, total)}
    audits = audit_scores(service=service, months=months)
    if audits:
        by_month: dict = {}
        for audit in audits:
            if audit.score is not None and audit.count:
                by_month[audit.month] = Score(audit.score, audit.count)
        shares["audit_scores"] = by_month
    return shares
