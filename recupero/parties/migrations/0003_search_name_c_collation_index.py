"""PostgreSQL: index the debtor's name in "C" collation.

A name prefix is then one contiguous range of the index, and ORDER BY search_name COLLATE "C" reads in index
order (the locale collation of the database does neither). Replaces the varchar_pattern_ops index of 0002, which
served LIKE but not the ordering. SQLite's BINARY collation already behaves this way with the plain index.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS debtor_search_name_pattern;")
        schema_editor.execute(
            'CREATE INDEX IF NOT EXISTS debtor_search_name_c ON parties_debtor (tenant_id, search_name COLLATE "C");'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS debtor_search_name_c;")


class Migration(migrations.Migration):
    dependencies = [("parties", "0002_search_name_pattern_index")]
    operations = [migrations.RunPython(forwards, backwards)]
