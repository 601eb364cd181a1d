"""The workspace's dashboard, queue, service pages, workflow actions and history. Included by
``registry.urls.workspace`` in the "workspace" namespace (no app_name here)."""

from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from registry.workspace import views_actions, views_dashboard, views_deliveries, views_service


class RegistryNumberConverter:
    """Digits only, so that the editor's ``services/new/`` is not taken for a service."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegistryNumberConverter, "registry_number")

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="workspace:login"), name="logout"),
    path("", views_dashboard.dashboard, name="dashboard"),
    path("queue/", views_dashboard.queue, name="queue"),
    path("deliveries/upload/", views_deliveries.deliveries_upload, name="deliveries_upload"),
    path("services/<registry_number:registry_number>/", views_service.service_detail, name="service"),
    path("services/<registry_number:registry_number>/compare/", views_service.compare, name="compare"),
    path(
        "services/<registry_number:registry_number>/editions/new/",
        views_actions.service_new_edition,
        name="service_new_edition",
    ),
    path(
        "services/<registry_number:registry_number>/withdraw/",
        views_actions.service_action,
        {"action": "withdraw"},
        name="service_withdraw",
    ),
    path(
        "services/<registry_number:registry_number>/restore/",
        views_actions.service_action,
        {"action": "restore"},
        name="service_restore",
    ),
    path("editions/<int:pk>/", views_service.edition_detail, name="edition"),
    path(
        "editions/<int:pk>/submit/", views_actions.edition_action, {"action": "submit"}, name="edition_submit"
    ),
    path(
        "editions/<int:pk>/approve/",
        views_actions.edition_action,
        {"action": "approve"},
        name="edition_approve",
    ),
    path(
        "editions/<int:pk>/reject/", views_actions.edition_action, {"action": "reject"}, name="edition_reject"
    ),
    path(
        "editions/<int:pk>/publish/",
        views_actions.edition_action,
        {"action": "publish"},
        name="edition_publish",
    ),
]
