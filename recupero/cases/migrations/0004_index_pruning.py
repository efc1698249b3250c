"""Redundant single-column indexes dropped (every query is served by a composite index that leads with the
same column or the tenant); see recupero.core.schema for why the database side is a DROP INDEX."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from recupero.core.schema import drop_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_prescription_indexes"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="reported_outstanding",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=14, null=True, verbose_name="residuo comunicato"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="consultant",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="tenant",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.tenant",
                    ),
                ),
                migrations.AlterField(
                    model_name="claim",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="claim",
                    name="tenant",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.tenant",
                    ),
                ),
                migrations.AlterField(
                    model_name="timelineevent",
                    name="actor",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="timelineevent",
                    name="at",
                    field=models.DateTimeField(),
                ),
                migrations.AlterField(
                    model_name="timelineevent",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="timeline",
                        to="cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="timelineevent",
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
                drop_column_indexes("cases_case", ["tenant_id", "consultant_id"]),
                drop_column_indexes("cases_claim", ["tenant_id", "case_id"]),
                drop_column_indexes("cases_timelineevent", ["tenant_id", "case_id", "at", "actor_id"]),
            ],
        ),
    ]
