"""The search keys of an invoice number (first and last digit groups), filled for the claims already on file
before their indexes are built (building an index once is cheaper than updating it row by row)."""

from django.db import migrations, models

from recupero.cases.domain.search import invoice_number_keys

CHUNK = 5000


def fill_keys(apps, schema_editor):
    Claim = apps.get_model("cases", "Claim")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            rows = list(
                Claim.objects.filter(id__gt=last).order_by("id").values_list("id", "invoice_number")[:CHUNK]
            )
            if not rows:
                return
            cursor.executemany(
                "UPDATE cases_claim SET number_head = %s, number_tail = %s WHERE id = %s",
                [(*invoice_number_keys(number), pk) for pk, number in rows],
            )
            last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_facts_at_intake"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="number_head",
            field=models.CharField(blank=True, db_default="", default="", max_length=40),
        ),
        migrations.AddField(
            model_name="claim",
            name="number_tail",
            field=models.CharField(blank=True, db_default="", default="", max_length=40),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["tenant", "number_head"], name="claim_number_head"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["tenant", "number_tail"], name="claim_number_tail"),
        ),
    ]
