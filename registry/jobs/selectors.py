"""The background jobs a user may see: only their own (a job's report and result file are the
person's who asked for them)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from registry.models import BackgroundJob

LIST_LIMIT = 50


def jobs_of(user) -> QuerySet[BackgroundJob]:
    return BackgroundJob.objects.filter(requested_by=user).order_by("-created_at")[:LIST_LIMIT]


def job_of(user, job_id) -> BackgroundJob:
    """The user's own job, else 404 (another person's job is not even said to exist)."""
    return get_object_or_404(BackgroundJob, pk=job_id, requested_by=user)
