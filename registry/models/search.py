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
    # The ids of the service's categories when the row was written: what the row counted towards
    # in ``CatalogueChoiceCount``, so that a refresh can take it back after the categories changed.
    category_ids = models.JSONField(_("категории услуги"), default=list, blank=True)

    class Meta:
        verbose_name = _("запись поискового индекса каталога")
        verbose_name_plural = _("поисковый индекс каталога")
        indexes = [
            models.Index(fields=["sort_name", "registry_number"], name="catalogue_entry_sort"),
            # Services withdrawn from a later date are still listed: the filter choices add them
            # to the counts (which hold services not withdrawn) by this index, never by a scan.
            models.Index(
                fields=["withdrawn_on"],
                condition=models.Q(is_withdrawn=True),
                name="catalogue_entry_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return self.registry_number


class ChoiceKind(models.TextChoices):
    CATEGORY = "category", _("категория или жизненная ситуация")
    PROVIDER = "provider", _("орган")
    REGION = "region", _("субъект Российской Федерации")
    APPLICANT = "applicant", _("категория заявителей")


class CatalogueChoiceCount(models.Model):
    """How many services not withdrawn from the catalogue each filter choice has: a category (or
    life situation), a body, a region, an applicant category (of the current edition). Derived
    from the search table: adjusted by ``catalogue_entries_refresh`` in the same transaction as
    the rows it rewrites (by the difference between what the old and the new rows count
    towards), recounted on a full rebuild. The catalogue's filter choices read these few rows
    instead of counting services per classifier after every publication, in every process."""

    kind = models.CharField(_("вид"), max_length=16, choices=ChoiceKind.choices)
    object_id = models.PositiveBigIntegerField(_("идентификатор"))
    services = models.BigIntegerField(_("число услуг"), default=0)

    class Meta:
        verbose_name = _("число услуг каталога по значению фильтра")
        verbose_name_plural = _("числа услуг каталога по значениям фильтров")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="catalogue_choice_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.services}"


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


class SearchSynonym(models.Model):
    """A citizen's word for what the registry names otherwise: a colloquial word («права»), an
    abbreviation («ИП»), a compound the catalogue spells in two words («загранпаспорт»). A
    search for ``term`` also looks for ``meaning`` — as an alternative: the words typed still
    count. Edited in the admin and loaded from ``fixtures/reference/search_synonyms.json``;
    read by every search, so a change applies at once (and retires cached search pages)."""

    term = models.CharField(
        _("слово или выражение заявителя"),
        max_length=100,
        unique=True,
        help_text=_("Как пишут заявители: «загранпаспорт», «ИП», «права». Регистр и «ё» не учитываются."),
    )
    meaning = models.CharField(
        _("что искать в реестре"),
        max_length=300,
        help_text=_(
            "Слова из названий услуг, которые означают то же: «заграничный паспорт». "
            "Несколько вариантов — через точку с запятой."
        ),
    )
    # The term's words cut to their stems (``registry.catalogue.search.phrase_key``), so that
    # «прописку» finds the entry «прописка»; written on save.
    key = models.CharField(_("ключ поиска"), max_length=200, db_index=True, editable=False)

    class Meta:
        verbose_name = _("синоним для поиска")
        verbose_name_plural = _("синонимы для поиска")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs) -> None:
        from registry.catalogue.search import phrase_key

        self.key = phrase_key(self.term)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "term" in update_fields:
            kwargs["update_fields"] = {*update_fields, "key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from registry.catalogue.search import phrase_key, query_words

        errors = {}
        if self.term and not phrase_key(self.term):
            errors["term"] = ValidationError(
                _("В выражении «%(term)s» нет ни одного слова: укажите слово, которое ищут заявители."),
                code="no_words",
                params={"term": self.term},
            )
        if self.meaning and not query_words(self.meaning):
            errors["meaning"] = ValidationError(
                _("В поле «что искать в реестре» нет ни одного слова: укажите слова из названий услуг."),
                code="no_words",
            )
        if errors:
            raise ValidationError(errors)


class SearchWord(models.Model):
    """A word of the catalogue's search texts: the vocabulary a mistyped query word is matched
    against («пасспорт» → «паспорт»). Words are added as services are listed and never removed
    on their own: a word no service holds any more costs a row and finds nothing."""

    word = models.CharField(_("слово"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("слово каталога")
        verbose_name_plural = _("словарь каталога")

    def __str__(self) -> str:
        return self.word
