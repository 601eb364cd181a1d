"""Indexes of the catalogue search (registry/catalogue/search.py), PostgreSQL only.

Full-text: GIN indexes on ``to_tsvector('russian', …)`` of current editions' names and of
results' names; the expressions are exactly those the search builds, so the planner uses
them. Typos: the pg_trgm extension and a trigram GIN index on editions' full names. On SQLite
nothing is created: the fallback search folds case in Python and scans."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    (
        "registry_edition_search_ru",
        "CREATE INDEX IF NOT EXISTS registry_edition_search_ru ON registry_edition USING gin "
        "(to_tsvector('russian'::regconfig, full_name || ' ' || short_name)) WHERE status = 'published'",
    ),
    (
        "registry_edition_name_trgm",
        # Not partial: PostgreSQL 15 did not match a partial trigram index to the %> operator.
        "CREATE INDEX IF NOT EXISTS registry_edition_name_trgm ON registry_edition USING gin "
        "(full_name gin_trgm_ops)",
    ),
    (
        "registry_result_search_ru",
        "CREATE INDEX IF NOT EXISTS registry_result_search_ru ON registry_result USING gin "
        "(to_tsvector('russian'::regconfig, name))",
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


class Migration(migrations.Migration):
    # After the exchange helper's migration of the same wave, so the graph has one leaf.
    dependencies = [("registry", "0006_exchange_changes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
