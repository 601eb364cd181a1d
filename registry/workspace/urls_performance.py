"""The body's performance dashboard (issue 15), in the "workspace" namespace."""

from django.urls import path

from registry.performance import views

urlpatterns = [
    path("performance/", views.dashboard, name="performance"),
]
