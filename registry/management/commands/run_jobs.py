"""The background jobs' worker (issue 16, point 4): `make serve` starts one beside gunicorn.

At start, and then every ``--check-every`` seconds, it takes back the jobs of a worker that
stopped mid-way (no heartbeat for ``JOBS_STALE_SECONDS``): queued again while attempts remain,
else failed with a message. On SQLite, which serves development with one worker, every job
still marked running at start is such a job. Then it runs the queue of Django's tasks API
(django-tasks-db's worker loop) until stopped; SIGTERM lets the current job finish first.
"""

import datetime
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks_db.management.commands.db_worker import Worker

from registry.jobs.services import prune, take_back
from registry.wording import counted


def stale_before(*, at_start: bool) -> datetime.datetime:
    now = timezone.now()
    if at_start and connection.vendor == "sqlite":
        return now
    return now - datetime.timedelta(seconds=settings.JOBS_STALE_SECONDS)


class Command(BaseCommand):
    help = _("Обработчик фоновых заданий: загрузки и выгрузки, поставленные на рабочем месте.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help=_("выполнить очередь и завершиться"))
        parser.add_argument("--interval", type=float, default=1.0, help=_("пауза между проверками, с"))
        parser.add_argument(
            "--check-every", type=float, default=30.0, help=_("как часто искать остановившиеся задания, с")
        )

    def handle(self, *args, batch=False, interval=1.0, check_every=30.0, **options):
        if interval < 0 or check_every <= 0:
            raise CommandError(_("Интервалы должны быть положительными."))
        self._report(take_back(stale_before=stale_before(at_start=True)))
        removed = prune(now=timezone.now())
        if removed:
            self.stdout.write(_("Удалено старых файлов заданий: %(count)s.") % {"count": removed})
        stop = threading.Event()
        watcher = None
        if not batch and connection.vendor != "sqlite":
            watcher = threading.Thread(target=self._watch, args=(stop, check_every), daemon=True)
            watcher.start()
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if not batch:
            self.stdout.write(_("Обработчик фоновых заданий запущен."))
            worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            if watcher is not None:
                watcher.join(timeout=5)

    def _watch(self, stop: threading.Event, every: float) -> None:
        try:
            while not stop.wait(every):
                self._report(take_back(stale_before=stale_before(at_start=False)))
        finally:
            connections.close_all()

    def _report(self, taken) -> None:
        if taken:
            self.stdout.write(
                _(
                    "Задания, чей обработчик остановился: %(jobs)s — поставлены в очередь снова "
                    "или отмечены как невыполненные."
                )
                % {"jobs": counted(len(taken), _("задание"), _("задания"), _("заданий"))}
            )
