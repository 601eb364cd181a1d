"""The catalogue's search table: one row per service with a published edition.

A denormalised copy of what the public search, its filters and its sort read, so that a search
touches one narrow table with its own indexes instead of joining editions, services, results,
providers and categories and recomputing text-search documents on every request. Derived data
only: written by ``registry.catalogue.search.catalogue_entries_refresh`` in the transaction of
each publication, withdrawal and restoration, and rebuilt by ``manage.py rebuild_search_index``.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueEntry(models.Model):
    service = models.OneToOneField(
        "registry.Service",
        verbose_name=_("услуга"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="catalogue_entry",
    )
    edition = models.OneToOneField(
        "registry.Edition", verbose_name=_("действующая редакция"), on_delete=models.CASCADE, related_name="+"
    )
    registry_number = models.CharField(_("реестровый номер"), max_length=19)
    provider = models.ForeignKey(
        "registry.ProviderBody", verbose_name=_("орган"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("субъект Российской Федерации"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.CharField(_("уровень"), max_length=16)
    # Lower-cased display name (short name, else full name): the «по названию» order.
    sort_name = models.CharField(_("название для сортировки"), max_length=1000)
    # Case-folded («ё» read as «е») texts: the full and short names, and everything searched
    # (names, results, provider, categories and life situations).
    name_text = models.TextField(_("название (для поиска)"))
    search_text = models.TextField(_("текст для поиска"))
    # PostgreSQL only (NULL on SQLite): the weighted ``russian`` document of ``search_text``.
    document = SearchVectorField(_("поисковый документ"), null=True, blank=True)
    # The deadline in days (minutes and hours count as 0, a month as 31 days); NULL if not stated.
    deadline_days = models.PositiveIntegerField(_("срок, дней"), null=True, blank=True)
    is_free = models.BooleanField(_("бесплатно"), null=True, blank=True)
    available_in_mfc = models.BooleanField(_("в МФЦ"), default=False)
    available_electronically = models.BooleanField(_("в электронной форме"), default=False)
    is_withdrawn = models.BooleanField(_("исключена из реестра"), default=False)
    withdrawn_on = models.DateField(_("дата исключения"), null=True, blank=True)

    class Meta:
        verbose_name = _("запись поискового индекса каталога")
        verbose_name_plural = _("поисковый индекс каталога")
        indexes = [models.Index(fields=["sort_name", "registry_number"], name="catalogue_entry_sort")]

    def __str__(self) -> str:
        return self.registry_number


class CatalogueRevision(models.Model):
    """One row: a counter bumped whenever data that public pages show changes outside the
    workflow (a provider's address, a legal act's title, a classifier's name, a service's
    categories). With the registry's change sequence it makes the catalogue's version, the key of
    its cached pages (``registry.catalogue.caching``): any change to either retires every
    cached page at once, in every process."""

    SINGLETON = 1

    revision = models.PositiveBigIntegerField(_("номер изменения"), default=0)
    changed_at = models.DateTimeField(_("время изменения"), null=True, blank=True)

    class Meta:
        verbose_name = _("версия справочных данных каталога")
        verbose_name_plural = _("версии справочных данных каталога")

    def __str__(self) -> str:
        return str(self.revision)
