"""The draft editor, in the "workspace" namespace (see registry/urls/workspace.py)."""

from django.urls import path

from registry.workspace import editor_views

urlpatterns = [
    path("services/new/", editor_views.service_create_view, name="service_create"),
    path("editions/<int:pk>/edit/", editor_views.edition_edit_view, name="edition_edit"),
    path("editions/<int:pk>/edit/<slug:section>/", editor_views.edition_edit_view, name="edition_edit"),
]
