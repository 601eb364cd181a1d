"""The hook for ratings and audits: nothing until a source is wired, then its sections and the
indicators it measures."""

import pytest

from registry.performance import sources
from registry.performance.figures import load_period
from registry.performance.indicators import indicator_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def wired():
    yield sources.wire
    for name in sources.NAMES:
        sources.wire(name, None)


def test_an_unknown_source_is_refused():
    with pytest.raises(ValueError, match="unknown performance source"):
        sources.wire("complaints", lambda **scope: [])


def test_unwired_sources_give_nothing():
    assert sources.satisfaction(service=None) is None
    assert sources.published_comments(None, 3) is None
    assert sources.audit_scores(body=None) is None
    assert sources.open_corrective_actions(None) is None


def test_wired_ratings_show_the_distribution_and_comments_on_the_service_page(
    client, service, figures, wired
):
    distribution = {label: (1, 1, 2, 6, 10) for label in sources.CRITERIA}
    wired("satisfaction", lambda **scope: distribution)
    wired("published_comments", lambda service, limit: ["Всё быстро, спасибо."][:limit])
    text = client.get(f"/services/{service.registry_number}/?a-x=1").content.decode()
    assert "Оценки заявителей по критериям (1–5)" in text
    assert "Время ожидания в очереди (оценок: 20)" in text
    assert "Всё быстро, спасибо." in text
    performance = client.get(
        f"/services/{service.registry_number}/performance/", {"table": "satisfaction", "format": "csv"}
    )
    assert "Время ожидания в очереди;1;1;2;6;10;20" in performance.content.decode("utf-8-sig")


def test_a_satisfaction_indicator_is_measured_once_ratings_are_wired(service, figures, wired):
    lines = indicator_lines(service, load_period(service=service))
    assert not lines[-1].measured
    wired("satisfaction", lambda **scope: {"Время": (0, 0, 1, 4, 5)})
    lines = indicator_lines(service, load_period(service=service))
    assert lines[-1].period_value.percent == 90
    assert lines[-1].period_value.met is True
