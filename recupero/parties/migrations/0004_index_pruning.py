"""Redundant single-column indexes dropped (every query is served by a composite index that leads with the
same column or the tenant); see recupero.core.schema for why the database side is a DROP INDEX."""

import django.db.models.deletion
from django.db import migrations, models

from recupero.core.schema import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("parties", "0003_search_name_c_collation_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="contactpoint",
                    name="debtor",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contacts",
                        to="parties.debtor",
                    ),
                ),
                migrations.AlterField(
                    model_name="contactpoint",
                    name="tenant",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.tenant",
                    ),
                ),
                migrations.AlterField(
                    model_name="debtor",
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
                drop_column_indexes("parties_contactpoint", ["tenant_id", "debtor_id"]),
                drop_column_indexes("parties_debtor", ["tenant_id"]),
            ],
        ),
    ]
