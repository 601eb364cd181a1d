"""The catalogue's search table (``registry.models.search.CatalogueEntry``), filled from the
published editions. On PostgreSQL: a GIN index on the stored ``tsvector`` and a trigram GIN
index on the folded names (the typo fallback); the expression indexes of 0007 stay for other
readers of editions and results."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    (
        "catalogue_entry_document",
        "CREATE INDEX IF NOT EXISTS catalogue_entry_document ON registry_catalogueentry USING gin (document)",
    ),
    (
        "catalogue_entry_name_trgm",
        "CREATE INDEX IF NOT EXISTS catalogue_entry_name_trgm ON registry_catalogueentry "
        "USING gin (name_text gin_trgm_ops)",
    ),
]


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def fill(apps, schema_editor) -> None:
    # Reads editions with values() of named columns only, writes through the historical model.
    from registry.catalogue.search import catalogue_entries_refresh

    catalogue_entries_refresh(
        using=schema_editor.connection.alias, entry_model=apps.get_model("registry", "CatalogueEntry")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_catalogue_search"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueEntry",
            fields=[
                (
                    "service",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="catalogue_entry",
                        serialize=False,
                        to="registry.service",
                        verbose_name="услуга",
                    ),
                ),
                ("registry_number", models.CharField(max_length=19, verbose_name="реестровый номер")),
                ("level", models.CharField(max_length=16, verbose_name="уровень")),
                ("sort_name", models.CharField(max_length=1000, verbose_name="название для сортировки")),
                ("name_text", models.TextField(verbose_name="название (для поиска)")),
                ("search_text", models.TextField(verbose_name="текст для поиска")),
                (
                    "document",
                    django.contrib.postgres.search.SearchVectorField(
                        blank=True, null=True, verbose_name="поисковый документ"
                    ),
                ),
                (
                    "deadline_days",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="срок, дней"),
                ),
                ("is_free", models.BooleanField(blank=True, null=True, verbose_name="бесплатно")),
                ("available_in_mfc", models.BooleanField(default=False, verbose_name="в МФЦ")),
                (
                    "available_electronically",
                    models.BooleanField(default=False, verbose_name="в электронной форме"),
                ),
                ("is_withdrawn", models.BooleanField(default=False, verbose_name="исключена из реестра")),
                ("withdrawn_on", models.DateField(blank=True, null=True, verbose_name="дата исключения")),
                (
                    "edition",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="registry.edition",
                        verbose_name="действующая редакция",
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="registry.providerbody",
                        verbose_name="орган",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="registry.region",
                        verbose_name="субъект Российской Федерации",
                    ),
                ),
            ],
            options={
                "verbose_name": "запись поискового индекса каталога",
                "verbose_name_plural": "поисковый индекс каталога",
                "indexes": [
                    models.Index(fields=["sort_name", "registry_number"], name="catalogue_entry_sort")
                ],
            },
        ),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
