"""The one row of the catalogue's reference data revision (bumped, never inserted, at run time)."""

from django.db import migrations


def create_row(apps, schema_editor):
    revision = apps.get_model("registry", "CatalogueRevision")
    revision.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_catalogue_revision")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
