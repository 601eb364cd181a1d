"""A running job's bar and heartbeat.

The runner tells ``update`` how far it has gone as often as it likes (memory only). The values
reach the job's row in two ways:

- on PostgreSQL a thread writes the latest values and the heartbeat every
  ``JOBS_HEARTBEAT_SECONDS`` through a connection of its own: the page sees the bar move while
  the import's transaction is still open, and the heartbeat goes on during a long step, so a
  live job is never taken for an abandoned one;
- ``flush`` writes them from the runner's own thread, between steps (outside any transaction).
  SQLite allows one writer at a time, so there the bar moves only between steps — SQLite
  serves development with one worker (docs/deployment.md).

A write changes the row only while the job is running in this attempt: a job taken back by
``services.take_back`` (its worker seemed gone) is not overwritten by a late heartbeat.
"""

import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from registry.models import BackgroundJob, JobState

logger = logging.getLogger(__name__)


class JobProgress:
    def __init__(self, job_id, attempt: int) -> None:
        self.job_id = job_id
        self.attempt = attempt
        self._values: dict[str, object] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "JobProgress":
        if connection.vendor == "postgresql":
            self._thread = threading.Thread(target=self._beat, name=f"job-{self.job_id}", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def update(self, *, done: int | None = None, total: int | None = None, stage: str | None = None) -> None:
        with self._lock:
            if done is not None:
                self._values["done"] = done
            if total is not None:
                self._values["total"] = total
            if stage is not None:
                self._values["stage"] = str(stage)

    def flush(self) -> None:
        self._write()

    def counts(self) -> dict[str, object]:
        """The last bar values (the job's end records them with its outcome)."""
        with self._lock:
            return {name: self._values[name] for name in ("done", "total") if name in self._values}

    def _write(self) -> None:
        with self._lock:
            values = dict(self._values)
        try:
            mine = BackgroundJob.objects.filter(pk=self.job_id, state=JobState.RUNNING, attempts=self.attempt)
            mine.update(heartbeat_at=timezone.now(), **values)
        except DatabaseError:
            # The bar is not worth failing the job for; the next beat tries again.
            logger.warning("Progress of job %s not written", self.job_id, exc_info=True)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                self._write()
        finally:
            connections.close_all()  # this thread's own connections
