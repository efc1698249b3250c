"""The case's balance leaves its index, and the table keeps a tenth of each page free (decision 0008): an update
of the balance alone then rewrites the row within its page and touches none of the table's twelve indexes
(PostgreSQL's heap-only tuple update). The fill factor applies to the pages written from now on; a database
that already holds its cases gets it everywhere with `VACUUM FULL cases_case` (or pg_repack) at a quiet hour."""

from django.db import migrations

FILL = "ALTER TABLE cases_case SET (fillfactor = 90)"
BACK = "ALTER TABLE cases_case RESET (fillfactor)"


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL)


def unfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACK)


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_merge_20261204_1912")]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_balance"),
        migrations.RunPython(fill, unfill),
    ]
