"""The mystery-shopper audit pages of the workspace (issue 15), in the "workspace" namespace."""

from django.urls import path

from registry.workspace import views_audits

urlpatterns = [
    path("audits/", views_audits.audit_list, name="audits"),
    path("audits/new/", views_audits.audit_new, name="audit_new"),
    path("audits/actions/", views_audits.corrective_actions, name="audit_actions"),
    path("audits/<int:pk>/", views_audits.audit_detail, name="audit"),
    path("audits/<int:pk>/items/<int:item_id>/photo/", views_audits.audit_photo, name="audit_photo"),
    path(
        "audits/<int:pk>/findings/<int:finding_id>/answer/",
        views_audits.finding_answer_view,
        name="finding_answer",
    ),
    path(
        "audits/<int:pk>/findings/<int:finding_id>/done/",
        views_audits.finding_done_view,
        name="finding_done",
    ),
]
