"""Background jobs in the workspace (issue 16, point 4), in the "workspace" namespace."""

from django.urls import path

from registry.workspace import views_jobs

urlpatterns = [
    path("jobs/", views_jobs.jobs, name="jobs"),
    path("jobs/<uuid:job_id>/", views_jobs.job, name="job"),
    path("jobs/<uuid:job_id>/status/", views_jobs.status, name="job_status"),
    path("jobs/<uuid:job_id>/confirm/", views_jobs.confirm, name="job_confirm"),
    path("jobs/<uuid:job_id>/download/", views_jobs.download, name="job_download"),
]
