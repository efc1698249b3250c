"""One index for the idempotency key instead of two: Django's `unique=True` on a CharField made the unique
index and a `varchar_pattern_ops` twin for LIKE; a unique index in `varchar_pattern_ops` serves the equality
look-up, the prefix look-up of a group's lines (`payment:7#%`) and ON CONFLICT alike, at half the upkeep of
every ledger line posted (~3M keys at 1M cases).

SQLite: its unique index is the table's own (from the column's UNIQUE) and cannot be dropped without rebuilding
the table, which would lose the append-only triggers (recupero.core.schema): it stays, and serves the same."""

from django.db import migrations, models

NEW = 'CREATE UNIQUE INDEX "ledger_idempotency_key" ON "ledger_ledgerentry" ("idempotency_key" varchar_pattern_ops)'


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(NEW)
    schema_editor.execute(
        'ALTER TABLE "ledger_ledgerentry" DROP CONSTRAINT IF EXISTS "ledger_ledgerentry_idempotency_key_key"'
    )
    schema_editor.execute('DROP INDEX IF EXISTS "ledger_ledgerentry_idempotency_key_87595497_like"')


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE "ledger_ledgerentry" ADD CONSTRAINT "ledger_ledgerentry_idempotency_key_key" '
        'UNIQUE ("idempotency_key")'
    )
    schema_editor.execute(
        'CREATE INDEX "ledger_ledgerentry_idempotency_key_87595497_like" ON "ledger_ledgerentry" '
        '("idempotency_key" varchar_pattern_ops)'
    )
    schema_editor.execute('DROP INDEX IF EXISTS "ledger_idempotency_key"')


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_paid_to_creditor")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="idempotency_key",
                    field=models.CharField(blank=True, max_length=120, null=True),
                ),
                migrations.AddConstraint(
                    model_name="ledgerentry",
                    constraint=models.UniqueConstraint(
                        fields=["idempotency_key"],
                        name="ledger_idempotency_key",
                        opclasses=["varchar_pattern_ops"],
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
