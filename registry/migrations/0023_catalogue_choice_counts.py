"""The filter choices' counts (``CatalogueChoiceCount``), kept by the search table's refresh, and
what each search row counts towards (its service's categories); both filled here from the
current rows, in a few statements."""

from django.db import migrations, models


def fill(apps, schema_editor) -> None:
    entry_model = apps.get_model("registry", "CatalogueEntry")
    entries = entry_model._meta.db_table
    counts = apps.get_model("registry", "CatalogueChoiceCount")._meta.db_table
    links = (
        apps.get_model("registry", "Service")
        ._meta.get_field("categories")
        .remote_field.through._meta.db_table
    )
    applicants = (
        apps.get_model("registry", "Edition")._meta.get_field("applicant_categories").remote_field.through
    )._meta.db_table
    aggregate = "jsonb_agg" if schema_editor.connection.vendor == "postgresql" else "json_group_array"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{entries}" SET "category_ids" = (SELECT {aggregate}(l."category_id") FROM "{links}" l '
            f'WHERE l."service_id" = "{entries}"."service_id") '
            f'WHERE EXISTS (SELECT 1 FROM "{links}" l WHERE l."service_id" = "{entries}"."service_id")'
        )
        cursor.execute(
            f'INSERT INTO "{counts}" ("kind", "object_id", "services") '
            f'SELECT %s, "provider_id", COUNT(*) FROM "{entries}" '
            'WHERE "is_withdrawn" = %s GROUP BY "provider_id" '
            f'UNION ALL SELECT %s, "region_id", COUNT(*) FROM "{entries}" '
            'WHERE "is_withdrawn" = %s AND "region_id" IS NOT NULL GROUP BY "region_id" '
            f'UNION ALL SELECT %s, l."category_id", COUNT(*) FROM "{links}" l '
            f'JOIN "{entries}" e ON e."service_id" = l."service_id" WHERE e."is_withdrawn" = %s '
            'GROUP BY l."category_id" '
            f'UNION ALL SELECT %s, a."applicantcategory_id", COUNT(*) FROM "{applicants}" a '
            f'JOIN "{entries}" e ON e."edition_id" = a."edition_id" WHERE e."is_withdrawn" = %s '
            'GROUP BY a."applicantcategory_id"',
            ["provider", False, "region", False, "category", False, "applicant", False],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0022_audits"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueChoiceCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("category", "категория или жизненная ситуация"),
                            ("provider", "орган"),
                            ("region", "субъект Российской Федерации"),
                            ("applicant", "категория заявителей"),
                        ],
                        max_length=16,
                        verbose_name="вид",
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField(verbose_name="идентификатор")),
                ("services", models.BigIntegerField(default=0, verbose_name="число услуг")),
            ],
            options={
                "verbose_name": "число услуг каталога по значению фильтра",
                "verbose_name_plural": "числа услуг каталога по значениям фильтров",
            },
        ),
        migrations.AddField(
            model_name="catalogueentry",
            name="category_ids",
            field=models.JSONField(blank=True, default=list, verbose_name="категории услуги"),
        ),
        migrations.AddIndex(
            model_name="catalogueentry",
            index=models.Index(
                condition=models.Q(("is_withdrawn", True)),
                fields=["withdrawn_on"],
                name="catalogue_entry_withdrawn",
            ),
        ),
        migrations.AddConstraint(
            model_name="cataloguechoicecount",
            constraint=models.UniqueConstraint(
                fields=("kind", "object_id"), name="catalogue_choice_count_unique"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
