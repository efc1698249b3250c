"""PostgreSQL: a varchar_pattern_ops index so that LIKE 'rossi%' is an index range scan whatever the locale."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS debtor_search_name_pattern "
            "ON parties_debtor (tenant_id, search_name varchar_pattern_ops);"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS debtor_search_name_pattern;")


class Migration(migrations.Migration):
    dependencies = [("parties", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
