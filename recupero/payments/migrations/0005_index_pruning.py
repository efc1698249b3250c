"""A payment is read by case (payment_case_date) or by id, a line by account and state: the single-column
indexes Django made for the payment's tenant, case, designated claim and author and for the line's resolver were
upkeep on every posting of a statement, never read (recupero.core.schema: the database side is a DROP INDEX).
The lines still to reconcile get their own partial index, in the order the chunks take them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from recupero.core.schema import drop_column_indexes


def _fk(to: str, related_name: str = "+", **extra: object) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name=related_name, to=to, **extra
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_balance_updated_in_place"),
        ("core", "0001_initial"),
        ("payments", "0004_confidence_as_decimal"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("payment", "case", _fk("cases.case", "payments")),
                migrations.AlterField("payment", "created_by", _fk(settings.AUTH_USER_MODEL, null=True)),
                migrations.AlterField(
                    "payment", "designated_claim", _fk("cases.claim", blank=True, null=True)
                ),
                migrations.AlterField("payment", "tenant", _fk("core.tenant")),
                migrations.AlterField(
                    "statemententry", "resolved_by", _fk(settings.AUTH_USER_MODEL, null=True)
                ),
            ],
            database_operations=[
                drop_column_indexes(
                    "payments_payment", ["case_id", "created_by_id", "designated_claim_id", "tenant_id"]
                ),  # fmt: skip
                drop_column_indexes("payments_statemententry", ["resolved_by_id"]),
            ],
        ),
        migrations.AddIndex(
            model_name="statemententry",
            index=models.Index(
                condition=models.Q(("status", "new")),
                fields=["tenant", "account_iban", "id"],
                name="statement_entry_to_reconcile",
            ),
        ),
    ]
