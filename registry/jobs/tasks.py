"""The queue's only task: run a background job by its id. Django 6 ships the tasks API as
``django.tasks``; on 5.2 the ``django-tasks`` backport provides the same one."""

try:  # pragma: no cover — whichever Django runs
    from django.tasks import task
except ImportError:  # Django 5.2: the backport
    from django_tasks import task


@task()
def run_job(job_id: str) -> None:
    from registry.jobs.runner import run

    run(job_id)
