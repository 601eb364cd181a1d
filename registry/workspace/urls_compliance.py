"""The compliance page of the workspace (issue 14), in the "workspace" namespace."""

from django.urls import path

from registry.workspace import views_compliance

urlpatterns = [
    path("compliance/", views_compliance.compliance, name="compliance"),
]
