"""The public catalogue: home, search, service pages, editions and their form files, sitemap."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from registry.catalogue import caching, views
from registry.catalogue.sitemaps import SITEMAPS
from registry.performance import views as performance
from registry.views.form_files import form_file

app_name = "catalogue"

REGISTRY_NUMBER = "<str:registry_number>"

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("services/", views.service_list, name="service_list"),
    path(f"services/{REGISTRY_NUMBER}/", views.service_detail, name="service_detail"),
    path(f"services/{REGISTRY_NUMBER}/editions/", views.edition_list, name="edition_list"),
    path(f"services/{REGISTRY_NUMBER}/editions/compare/", views.edition_compare, name="edition_compare"),
    path(f"services/{REGISTRY_NUMBER}/editions/<int:number>/", views.edition_detail, name="edition_detail"),
    # Not cached pages: aggregates of the delivery rollup, read in a few queries.
    path(
        f"services/{REGISTRY_NUMBER}/performance/",
        performance.service_performance,
        name="service_performance",
    ),
    path("bodies/<str:body>/performance/", performance.body_performance, name="body_performance"),
    # Not a cached page: a form's file answers per user (a draft's only to its body's staff).
    path(
        f"services/{REGISTRY_NUMBER}/editions/<int:number>/forms/<int:form_id>/",
        form_file,
        name="form_file",
    ),
    # An index of the sections, each paged by its ``limit``: one file can list 50 000 addresses,
    # and crawlers find pages after the first one only through the index.
    path(
        "sitemap.xml",
        caching.cached_public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "catalogue:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        caching.cached_public_page(sitemap_views.sitemap, params=lambda name: name == "p"),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
