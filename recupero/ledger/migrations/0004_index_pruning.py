"""Redundant single-column indexes dropped (every query is served by a composite index that leads with the
same column or the tenant); see recupero.core.schema for why the database side is a DROP INDEX."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from recupero.core.schema import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_index_pruning"),
        ("core", "0001_initial"),
        ("ledger", "0003_prescription_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="actor",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger_entries",
                        to="cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="group",
                    field=models.UUIDField(),
                ),
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="tenant",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.tenant",
                    ),
                ),
            ],
            database_operations=[
                drop_column_indexes("ledger_ledgerentry", ["tenant_id", "case_id", "group", "actor_id"]),
            ],
        ),
    ]
