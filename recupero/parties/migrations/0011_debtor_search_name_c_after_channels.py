"""SQLite remakes parties_debtor for 0010's channels_refused (a column with a database default), and a remade
table keeps only the indexes in Django's state: debtor_search_name_c (made outside it by 0005) was lost. Made again here; on
PostgreSQL ADD COLUMN keeps it and IF NOT EXISTS makes this a no-op. Any later migration that remakes this table
on SQLite needs the same line (tests/test_schema.py fails otherwise)."""

from django.db import migrations

TABLE = "parties_debtor"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS debtor_search_name_c ON "{TABLE}" (tenant_id, search_name)'
        )


class Migration(migrations.Migration):
    dependencies = [("parties", "0010_debtor_channels_refused")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
