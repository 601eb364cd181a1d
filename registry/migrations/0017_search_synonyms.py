"""The synonym dictionary of the catalogue search and the vocabulary of the catalogue's words
(typo matching), filled from the search table. On PostgreSQL a trigram GiST index on the
vocabulary: the closest words to a mistyped one are read from it in distance order (``<->``,
a nearest-neighbour scan), never by comparing the word with the whole vocabulary or catalogue."""

from django.db import migrations, models

VOCABULARY_INDEX = "registry_searchword_trgm"


def create_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {VOCABULARY_INDEX} ON registry_searchword "
            "USING gist (word gist_trgm_ops)"
        )


def drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {VOCABULARY_INDEX}")


def fill_vocabulary(apps, schema_editor) -> None:
    from registry.catalogue.search import vocabulary_add

    using = schema_editor.connection.alias
    entries = apps.get_model("registry", "CatalogueEntry").objects.using(using)
    vocabulary_add(
        entries.values_list("name_text", "search_text").iterator(chunk_size=2000),
        using=using,
        model=apps.get_model("registry", "SearchWord"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0016_draft_rows_incomplete"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "term",
                    models.CharField(
                        help_text=(
                            "Как пишут заявители: «загранпаспорт», «ИП», «права». "
                            "Регистр и «ё» не учитываются."
                        ),
                        max_length=100,
                        unique=True,
                        verbose_name="слово или выражение заявителя",
                    ),
                ),
                (
                    "meaning",
                    models.CharField(
                        help_text=(
                            "Слова из названий услуг, которые означают то же: «заграничный паспорт». "
                            "Несколько вариантов — через точку с запятой."
                        ),
                        max_length=300,
                        verbose_name="что искать в реестре",
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        db_index=True, editable=False, max_length=200, verbose_name="ключ поиска"
                    ),
                ),
            ],
            options={
                "verbose_name": "синоним для поиска",
                "verbose_name_plural": "синонимы для поиска",
                "ordering": ["term"],
            },
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=100, unique=True, verbose_name="слово")),
            ],
            options={
                "verbose_name": "слово каталога",
                "verbose_name_plural": "словарь каталога",
            },
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
        migrations.RunPython(fill_vocabulary, migrations.RunPython.noop, elidable=False),
    ]
