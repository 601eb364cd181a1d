"""The job's bar on PostgreSQL: the heartbeat thread writes it through its own connection, so a
page sees it while the runner's transaction is still open (a module of its own: its test
commits, and the other jobs tests hold the demo registry in an open transaction)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from registry.jobs.progress import JobProgress
from registry.models import BackgroundJob, JobKind, JobState


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_bar_moves_while_the_import_transaction_is_open(settings, django_user_model):
    """On PostgreSQL the heartbeat thread writes the bar through its own connection: the page
    sees it although the runner's transaction has not ended."""
    if connection.vendor != "postgresql":
        pytest.skip("the heartbeat thread runs on PostgreSQL")
    settings.JOBS_HEARTBEAT_SECONDS = 0.05
    user = django_user_model.objects.create_user("official")
    job = BackgroundJob.objects.create(
        kind=JobKind.EXPORT, requested_by=user, title="t", state=JobState.RUNNING, attempts=1
    )
    seen = {}
    with transaction.atomic(), JobProgress(job.pk, 1) as progress:
        progress.update(done=5, total=10, stage="Выгрузка услуг")

        def look():
            try:
                for _attempt in range(100):
                    row = BackgroundJob.objects.get(pk=job.pk)
                    if row.done == 5:
                        seen.update(done=row.done, total=row.total, stage=row.stage, beat=row.heartbeat_at)
                        return
                    time.sleep(0.02)
            finally:
                connections.close_all()

        reader = threading.Thread(target=look)
        reader.start()
        reader.join()
    assert seen["done"] == 5 and seen["total"] == 10 and seen["stage"] == "Выгрузка услуг"
    assert seen["beat"] is not None
