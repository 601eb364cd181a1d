"""Rebuild the catalogue's search table from the published editions.

The table is kept up to date by the workflow; rebuild it after loading data around the workflow
(bulk loads, restores from a dump) or to repair it."""

from django.core.management.base import BaseCommand
from django.db import transaction

from registry.catalogue.caching import revision_bump
from registry.catalogue.search import catalogue_entries_refresh


class Command(BaseCommand):
    help = "Перестроить поисковый индекс каталога по опубликованным редакциям."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            written = catalogue_entries_refresh()
            revision_bump()  # data loaded around the workflow: retire every cached public page
        self.stdout.write(self.style.SUCCESS(f"Поисковый индекс каталога перестроен: {written} услуг."))
