"""The demo audits that ``make run`` loads: differing results, findings in every state."""

import pytest
from django.urls import reverse

from registry.audits.selectors import audit_scores, open_corrective_actions
from registry.management.commands.load_demo import ensure_demo_audits
from registry.models import Audit, AuditStatus, Finding, FindingStatus, Membership, ProviderBody, Role

pytestmark = pytest.mark.django_db

MVD = "1037700029620"


def average(audits) -> float:
    scores = [float(audit.score) for audit in audits]
    return sum(scores) / len(scores)


def test_the_demo_inspector_audits_every_body_and_the_offices_differ(demo_registry):
    inspector = demo_registry["inspector"]
    assert Membership.objects.get(user=inspector).role == Role.INSPECTOR
    assert Membership.objects.get(user=inspector).body is None
    submitted = Audit.objects.filter(status=AuditStatus.SUBMITTED).select_related("office")
    assert 18 <= submitted.count() <= 22
    assert Audit.objects.filter(status=AuditStatus.DRAFT, inspector=inspector).count() == 1
    zasviyazhsky = [a for a in submitted if a.office.code == "UL-OVM-ZASV"]
    spasskaya = [a for a in submitted if a.office.code in ("UL-MFC-CENTR", "MFC-CENTR")]
    others = [a for a in submitted if a not in zasviyazhsky and a not in spasskaya]
    assert average(zasviyazhsky) < 55 < average(spasskaya) < average(others)
    queue_rows = [item for audit in spasskaya for item in audit.items.filter(code="queue.submission")]
    assert sum(item.measured_minutes > item.limit_minutes for item in queue_rows) >= len(queue_rows) - 1
    statuses = set(Finding.objects.values_list("status", flat=True))
    assert statuses == {FindingStatus.OPEN, FindingStatus.PLANNED, FindingStatus.DONE}
    months_with_audits = [score for score in audit_scores(months=12) if score.count]
    assert len(months_with_audits) >= 10


def test_the_demo_officials_see_their_bodys_audits_and_open_actions(client, demo_registry):
    mvd = ProviderBody.objects.get(ogrn=MVD)
    assert open_corrective_actions(mvd).exists()
    client.force_login(demo_registry["mvd_official"])
    audits = client.get(reverse("workspace:audits")).context["audits"]
    assert audits and {audit.office.body_id for audit in audits} == {mvd.pk}
    page = client.get(reverse("workspace:audit_actions"))
    assert page.status_code == 200 and page.context["findings"]


def test_loading_the_demo_audits_again_changes_nothing(demo_registry):
    before = Audit.objects.count()
    assert ensure_demo_audits() == 0
    assert Audit.objects.count() == before
