"""The audit log becomes append-only and tamper-evident.

- Each row gets `seq` (its place in its tenant's chain), `prev_hash` and `hash` (domain/chain.py); the rows
  already there are chained in id order, per tenant.
- `AuditSubject` indexes the debtors and cases each row is about (the auditor's search).
- The database refuses UPDATE and DELETE on both tables (and TRUNCATE on PostgreSQL), as the ledger does.
  `audit_unlock` is the maintenance switch outside Django's models (so `flush` never empties it): while it holds
  a row, the triggers let whole-database maintenance through (the test runner's flush). No application code
  writes it; `core/maintenance.py` is for tests and the demo reload only.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from recupero.core.domain.chain import GENESIS, canonical, link

TABLES = ("core_auditlog", "core_auditsubject")

SQLITE = ["CREATE TABLE IF NOT EXISTS audit_unlock (reason TEXT NOT NULL);"] + [
    f"""CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
        WHEN NOT EXISTS (SELECT 1 FROM audit_unlock)
        BEGIN SELECT RAISE(ABORT, 'audit.append_only: audit rows cannot be changed or deleted'); END;"""
    for table in TABLES
    for op in ("UPDATE", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {t}_no_{op};" for t in TABLES for op in ("update", "delete")]
SQLITE_REVERSE = [*SQLITE_DROP, "DROP TABLE IF EXISTS audit_unlock;"]

POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM audit_unlock) THEN
        IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit.append_only: audit rows cannot be changed or deleted';
    END;
    $$ LANGUAGE plpgsql;"""
POSTGRES_TRIGGERS = [
    sql
    for table in TABLES
    for sql in (
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION audit_append_only();""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();""",
    )
]
POSTGRES = [
    "CREATE TABLE IF NOT EXISTS audit_unlock (reason TEXT NOT NULL);",
    POSTGRES_FUNCTION,
    *POSTGRES_TRIGGERS,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_{name} ON {table};"
    for table in TABLES
    for name in ("append_only", "no_truncate")
]
POSTGRES_REVERSE = [
    *POSTGRES_DROP,
    "DROP FUNCTION IF EXISTS audit_append_only();",
    "DROP TABLE IF EXISTS audit_unlock;",
]


def triggers_on(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def triggers_off(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


def chain_existing(apps, schema_editor):
    """Chain the rows written before this migration, per tenant in id order (their content as it is now)."""
    AuditLog = apps.get_model("core", "AuditLog")
    for tenant_id in AuditLog.objects.values_list("tenant_id", flat=True).distinct():
        prev, batch = GENESIS, []
        for seq, row in enumerate(AuditLog.objects.filter(tenant_id=tenant_id).order_by("id").iterator(), 1):
            content = canonical(
                tenant_id=tenant_id,
                seq=seq,
                at=row.at,
                actor_id=row.actor_id,
                ip=row.ip,
                action=row.action,
                object_type=row.object_type,
                object_id=row.object_id,
                details=row.details,
            )
            row.seq, row.prev_hash = seq, prev
            row.hash = prev = link(prev, content)
            batch.append(row)
        AuditLog.objects.bulk_update(batch, ["seq", "prev_hash", "hash"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AddField("auditlog", "seq", models.PositiveBigIntegerField(null=True)),
        migrations.AddField("auditlog", "prev_hash", models.CharField(max_length=64, default="")),
        migrations.AddField("auditlog", "hash", models.CharField(max_length=64, default="")),
        migrations.AlterField("auditlog", "action", models.CharField(max_length=60)),
        migrations.AlterField(
            "auditlog",
            "actor",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField("auditlog", "at", models.DateTimeField()),
        migrations.AlterField(
            "auditlog",
            "tenant",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.tenant",
            ),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField("auditlog", "seq", models.PositiveBigIntegerField()),
        migrations.AlterField("auditlog", "prev_hash", models.CharField(max_length=64)),
        migrations.AlterField("auditlog", "hash", models.CharField(max_length=64)),
        migrations.AddConstraint(
            "auditlog", models.UniqueConstraint(fields=["tenant", "seq"], name="audit_chain_seq")
        ),
        migrations.AddIndex(
            "auditlog", models.Index(fields=["tenant", "actor", "seq"], name="audit_actor_seq")
        ),
        migrations.AddIndex(
            "auditlog", models.Index(fields=["tenant", "action", "seq"], name="audit_action_seq")
        ),
        migrations.AddIndex("auditlog", models.Index(fields=["tenant", "at"], name="audit_at")),
        migrations.CreateModel(
            name="AuditSubject",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField()),
                ("debtor_id", models.BigIntegerField(null=True)),
                ("case_id", models.BigIntegerField(null=True)),
                (
                    "log",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subjects",
                        to="core.auditlog",
                    ),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.tenant",
                    ),
                ),
            ],
            options={
                "verbose_name": "soggetto di audit",
                "verbose_name_plural": "soggetti di audit",
                "indexes": [
                    models.Index(
                        condition=models.Q(debtor_id__isnull=False),
                        fields=["tenant", "debtor_id", "seq"],
                        name="audit_subject_debtor",
                    ),
                    models.Index(
                        condition=models.Q(case_id__isnull=False),
                        fields=["tenant", "case_id", "seq"],
                        name="audit_subject_case",
                    ),
                    models.Index(fields=["log"], name="audit_subject_log"),
                ],
            },
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
