"""A new draft as a full copy of an edition: every section field, every choice and every row.

The copy is generic over the models' fields, so a column added to a section later is copied
without touching this module; the tests compare every field of every row."""

from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from registry.models import ApplicantAttribute, AttributeValue, Edition, EditionContent, Variant

# The columns that describe an edition's place in the workflow, not the standard itself:
# a new draft starts them afresh (its amending act, change note and date are its own).
WORKFLOW_FIELDS = frozenset(
    {
        "id",
        "service",
        "number",
        "status",
        "amending_act",
        "effective_date",
        "change_note",
        "lock_version",
        "published_at",
        "scheduled_at",
        "superseded_at",
        "created_at",
        "updated_at",
        "created_by",
    }
)


def content_fields(model: type[models.Model], *, exclude: frozenset[str] = frozenset()) -> list[models.Field]:
    return [
        field for field in model._meta.concrete_fields if not field.primary_key and field.name not in exclude
    ]


def _values(obj: models.Model, fields: list[models.Field], **overrides: Any) -> dict[str, Any]:
    values = {}
    for field in fields:
        value = getattr(obj, field.attname)
        # The copy refers to the same stored file: forms are not uploaded twice.
        if isinstance(value, FieldFile):
            value = value.name
        values[field.attname] = value
    values.update(overrides)
    return values


def edition_row_models() -> list[type[EditionContent]]:
    """The models whose rows hang directly off an edition (variants first: rows point at them)."""
    models_ = [
        relation.related_model
        for relation in Edition._meta.related_objects
        if relation.field.name == "edition" and issubclass(relation.related_model, EditionContent)
    ]
    return sorted(models_, key=lambda model: (model is not Variant, model is not ApplicantAttribute))


def edition_copy(*, source: Edition, number: int, created_by: Any) -> Edition:
    """A draft numbered ``number`` with the content of ``source``; variant links remapped."""
    draft = Edition.objects.create(
        **_values(source, content_fields(Edition, exclude=WORKFLOW_FIELDS)),
        service_id=source.service_id,
        number=number,
        created_by=created_by,
    )
    for field in Edition._meta.local_many_to_many:
        getattr(draft, field.name).set(getattr(source, field.name).all())

    variant_map: dict[int, int] = {}
    value_map: dict[int, int] = {}
    for model in edition_row_models():
        rows = list(model.objects.filter(edition=source).order_by("pk"))
        fields = content_fields(model)
        copies = [
            model(
                **_values(
                    row,
                    fields,
                    edition_id=draft.pk,
                    **(
                        {"variant_id": variant_map[row.variant_id] if row.variant_id else None}
                        if any(field.name == "variant" for field in fields)
                        else {}
                    ),
                )
            )
            for row in rows
        ]
        created = model.objects.bulk_create(copies)
        if model is Variant:
            variant_map = {row.pk: copy.pk for row, copy in zip(rows, created, strict=True)}
        if model is ApplicantAttribute:
            value_map = _copy_attribute_values(
                {row.pk: copy.pk for row, copy in zip(rows, created, strict=True)}
            )
    _copy_variant_choices(variant_map, value_map)
    return draft


def _copy_attribute_values(attribute_map: dict[int, int]) -> dict[int, int]:
    rows = list(AttributeValue.objects.filter(attribute_id__in=attribute_map).order_by("pk"))
    fields = content_fields(AttributeValue)
    created = AttributeValue.objects.bulk_create(
        [AttributeValue(**_values(row, fields, attribute_id=attribute_map[row.attribute_id])) for row in rows]
    )
    return {row.pk: copy.pk for row, copy in zip(rows, created, strict=True)}


def _copy_variant_choices(variant_map: dict[int, int], value_map: dict[int, int]) -> None:
    """The attribute values that select each variant, pointing at the copied values."""
    for field in Variant._meta.local_many_to_many:
        through = field.remote_field.through
        source_column = f"{field.m2m_field_name()}_id"
        target_column = f"{field.m2m_reverse_field_name()}_id"
        target_map = value_map if field.related_model is AttributeValue else None
        links = through.objects.filter(**{f"{source_column}__in": variant_map})
        through.objects.bulk_create(
            [
                through(
                    **{
                        source_column: variant_map[getattr(link, source_column)],
                        target_column: (
                            target_map[getattr(link, target_column)]
                            if target_map is not None
                            else getattr(link, target_column)
                        ),
                    }
                )
                for link in links
            ]
        )
