"""The public catalogue: home, search, service pages, editions, sitemap."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from registry.catalogue import views
from registry.catalogue.sitemaps import SITEMAPS

app_name = "catalogue"

REGISTRY_NUMBER = "<str:registry_number>"

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.service_list, name="service_list"),
    path(f"services/{REGISTRY_NUMBER}/", views.service_detail, name="service_detail"),
    path(f"services/{REGISTRY_NUMBER}/editions/", views.edition_list, name="edition_list"),
    path(f"services/{REGISTRY_NUMBER}/editions/compare/", views.edition_compare, name="edition_compare"),
    path(f"services/{REGISTRY_NUMBER}/editions/<int:number>/", views.edition_detail, name="edition_detail"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
