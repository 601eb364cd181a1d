"""``sitemap.xml``: the home page, the catalogue and every service in it (published only)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from registry.catalogue import selectors


class StaticPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return ["catalogue:home", "catalogue:service_list"]

    def location(self, item: str) -> str:
        return reverse(item)


class ServiceSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 10_000

    def items(self):
        return selectors.sitemap_services().only(
            "id", "published_at", "service__registry_number", "service_id"
        )

    def location(self, edition) -> str:
        return reverse("catalogue:service_detail", args=[edition.service.registry_number])

    def lastmod(self, edition):
        return edition.published_at


SITEMAPS = {"pages": StaticPagesSitemap, "services": ServiceSitemap}
