"""Background jobs (issue 16, point 4): long imports and exports run by the worker
(`manage.py run_jobs`), with their progress, report and result file kept in ``BackgroundJob``.

- ``services``: put a job in the queue, confirm a checked file, take back jobs whose worker
  stopped, remove old results;
- ``runner``: what the worker does for each kind of job;
- ``progress``: the job's bar and heartbeat, written through a connection of their own;
- ``tasks``: the one task the queue knows, which hands the job to the runner;
- ``selectors``: the jobs a user may see.
"""
