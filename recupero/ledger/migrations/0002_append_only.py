"""The database itself refuses to change or delete a ledger entry (rule 4: corrections are reversals).

`ledger_unlock` is a maintenance switch outside Django's models (so `flush` never empties it): while it holds a
row, the triggers let whole-database maintenance through — the test runner's flush between transactional tests
and the demo reset. No application code writes it.
"""

from django.db import migrations

SQLITE = [
    "CREATE TABLE IF NOT EXISTS ledger_unlock (reason TEXT NOT NULL);",
    """CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_ledgerentry
       WHEN NOT EXISTS (SELECT 1 FROM ledger_unlock)
       BEGIN SELECT RAISE(ABORT, 'ledger.append_only: entries cannot be changed'); END;""",
    """CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_ledgerentry
       WHEN NOT EXISTS (SELECT 1 FROM ledger_unlock)
       BEGIN SELECT RAISE(ABORT, 'ledger.append_only: entries cannot be deleted'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS ledger_entry_no_update;",
    "DROP TRIGGER IF EXISTS ledger_entry_no_delete;",
    "DROP TABLE IF EXISTS ledger_unlock;",
]

POSTGRES = [
    "CREATE TABLE IF NOT EXISTS ledger_unlock (reason TEXT NOT NULL);",
    """CREATE OR REPLACE FUNCTION ledger_entry_append_only() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM ledger_unlock) THEN
           RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
         END IF;
         RAISE EXCEPTION 'ledger.append_only: entries cannot be changed or deleted';
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_ledgerentry
       FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_ledgerentry;",
    "DROP FUNCTION IF EXISTS ledger_entry_append_only();",
    "DROP TABLE IF EXISTS ledger_unlock;",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
