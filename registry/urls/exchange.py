from django.urls import path

from registry.views import exchange as views

app_name = "exchange"

urlpatterns = [
    path("schema/registry-1.0.xsd", views.schema, name="schema"),
    path("schema/deliveries-1.0.xsd", views.deliveries_schema, name="deliveries_schema"),
    path("export/", views.export, name="export"),
    path("template.xlsx", views.template, name="template"),
    path("upload/", views.upload, name="upload"),
]
