"""Each arrangement carries its case's creditor (the portal's per-creditor figures read it by index)."""

import django.db.models.deletion
from django.db import migrations, models

FILL = (
    "UPDATE arrangements_arrangement SET creditor_id = "
    "(SELECT c.creditor_id FROM cases_case c WHERE c.id = arrangements_arrangement.case_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("arrangements", "0003_merge_20261204_1912"),
        ("parties", "0011_debtor_search_name_c_after_channels"),
    ]

    operations = [
        migrations.AddField(
            model_name="arrangement",
            name="creditor",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="parties.creditor",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="arrangement",
            name="creditor",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="parties.creditor",
            ),
        ),
        migrations.AddIndex(
            model_name="arrangement",
            index=models.Index(
                fields=["tenant", "creditor", "status", "kind"],
                name="arrangement_creditor",
                include=["total", "paid_seen", "ended_on"],
            ),
        ),
        migrations.AddIndex(
            model_name="arrangement",
            index=models.Index(
                condition=models.Q(("status", "pending_approval")),
                fields=["tenant", "expires_on", "id"],
                name="arrangement_pending",
            ),
        ),
    ]
