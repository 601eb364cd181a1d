"""PostgreSQL triggers: published and superseded editions, their rows and the audit trail
are refused by the database itself, whatever the client (raw SQL, psql, another program).

The models refuse the same writes on every database (registry/models/editions.py,
registry/models/audit.py); on SQLite the models are the only guard. The one change a
published edition admits is published -> superseded (status and superseded_at only).
TRUNCATE is not guarded, so that test databases can still be flushed."""

from django.db import migrations

FROZEN = "('published', 'superseded')"

# Row tables and the column that leads to the edition: edition_id directly, or through an
# applicant attribute (attribute values) or a variant (a variant's attribute values).
ROW_TABLES = [
    ("registry_result", "edition_id"),
    ("registry_legalbasis", "edition_id"),
    ("registry_document", "edition_id"),
    ("registry_ground", "edition_id"),
    ("registry_fee", "edition_id"),
    ("registry_qualityindicator", "edition_id"),
    ("registry_standardform", "edition_id"),
    ("registry_variant", "edition_id"),
    ("registry_applicantattribute", "edition_id"),
    ("registry_attributevalue", "attribute_id"),
    ("registry_variant_attribute_values", "variant_id"),
    ("registry_edition_payment_methods", "edition_id"),
    ("registry_edition_applicant_categories", "edition_id"),
    ("registry_edition_submission_channels", "edition_id"),
    ("registry_edition_result_delivery_channels", "edition_id"),
]

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION registry_edition_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status IN {FROZEN} THEN
            RAISE EXCEPTION 'Редакция создаётся черновиком; опубликовать её можно только через порядок публикации'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status IN {FROZEN} THEN
        IF TG_OP = 'UPDATE' AND OLD.status = 'published' AND NEW.status = 'superseded'
           AND (to_jsonb(NEW) - 'status' - 'superseded_at') = (to_jsonb(OLD) - 'status' - 'superseded_at') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'Редакция % опубликована или утратила силу: она не изменяется и не удаляется, исправления вносятся новой редакцией', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION registry_row_edition_frozen(row_data jsonb, link text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    ref bigint := (row_data ->> link)::bigint;
BEGIN
    IF ref IS NULL THEN
        RETURN false;
    END IF;
    IF link = 'attribute_id' THEN
        SELECT edition_id INTO ref FROM registry_applicantattribute WHERE id = ref;
    ELSIF link = 'variant_id' THEN
        SELECT edition_id INTO ref FROM registry_variant WHERE id = ref;
    END IF;
    RETURN EXISTS (SELECT 1 FROM registry_edition WHERE id = ref AND status IN {FROZEN});
END;
$$;

CREATE OR REPLACE FUNCTION registry_edition_row_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF registry_row_edition_frozen(to_jsonb(OLD), TG_ARGV[0]) THEN
            RAISE EXCEPTION 'Строка таблицы % принадлежит опубликованной или утратившей силу редакции: она не изменяется и не удаляется', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF registry_row_edition_frozen(to_jsonb(NEW), TG_ARGV[0]) THEN
            RAISE EXCEPTION 'В опубликованную или утратившую силу редакцию нельзя добавить строку таблицы %', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION registry_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Журнал изменений не редактируется и не удаляется: записи только добавляются'
        USING ERRCODE = 'restrict_violation';
END;
$$;
"""

TRIGGERS = "\n".join(
    [
        "CREATE TRIGGER registry_edition_immutable BEFORE INSERT OR UPDATE OR DELETE ON registry_edition "
        "FOR EACH ROW EXECUTE FUNCTION registry_edition_immutable();",
        "CREATE TRIGGER registry_auditevent_append_only BEFORE UPDATE OR DELETE ON registry_auditevent "
        "FOR EACH ROW EXECUTE FUNCTION registry_audit_append_only();",
        *(
            f"CREATE TRIGGER {table}_immutable BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION registry_edition_row_immutable('{link}');"
            for table, link in ROW_TABLES
        ),
    ]
)

DROP = "\n".join(
    [
        "DROP TRIGGER IF EXISTS registry_edition_immutable ON registry_edition;",
        "DROP TRIGGER IF EXISTS registry_auditevent_append_only ON registry_auditevent;",
        *(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};" for table, _link in ROW_TABLES),
        "DROP FUNCTION IF EXISTS registry_edition_immutable();",
        "DROP FUNCTION IF EXISTS registry_edition_row_immutable();",
        "DROP FUNCTION IF EXISTS registry_row_edition_frozen(jsonb, text);",
        "DROP FUNCTION IF EXISTS registry_audit_append_only();",
    ]
)


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite relies on the model guards)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_edition_workflow"),
    ]

    operations = [
        PostgreSQLOnly(sql=FUNCTIONS + TRIGGERS, reverse_sql=DROP),
    ]
