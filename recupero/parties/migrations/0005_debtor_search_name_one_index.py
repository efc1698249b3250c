"""One index for the debtor name search on each database, (tenant_id, search_name) in byte order, named
debtor_search_name_c on both: PostgreSQL already has it in "C" collation (0003), so the plain and the
varchar_pattern_ops indexes Django made for `db_index=True` are upkeep on every inserted debtor and go; SQLite
gets the tenant-led index the search selector is written for in place of its plain one."""

from django.db import migrations, models

TABLE = "parties_debtor"


def _plain(schema_editor, suffix=""):
    return schema_editor._create_index_name(TABLE, ["search_name"], suffix=suffix)


def forwards(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{_plain(schema_editor)}"')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_plain(schema_editor, "_like")}"')
    else:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS debtor_search_name_c ON "{TABLE}" (tenant_id, search_name)'
        )


def backwards(apps, schema_editor):
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{_plain(schema_editor)}" ON "{TABLE}" (search_name)')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_plain(schema_editor, "_like")}" '
            f'ON "{TABLE}" (search_name varchar_pattern_ops)'
        )
    else:
        schema_editor.execute("DROP INDEX IF EXISTS debtor_search_name_c")


class Migration(migrations.Migration):
    dependencies = [("parties", "0004_index_pruning")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="debtor", name="search_name", field=models.CharField(max_length=220)
                )
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
