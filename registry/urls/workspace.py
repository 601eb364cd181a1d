from django.urls import include, path

app_name = "workspace"

# Two modules share the "workspace" namespace: the dashboard, workflow actions and history,
# and the section-by-section draft editor.
urlpatterns = [
    path("", include("registry.workspace.urls_dashboard")),
    path("", include("registry.workspace.urls_editor")),
    path("", include("registry.workspace.urls_compliance")),
    path("", include("registry.workspace.urls_jobs")),
    path("", include("registry.workspace.urls_audits")),
    path("", include("registry.workspace.urls_performance")),
]
