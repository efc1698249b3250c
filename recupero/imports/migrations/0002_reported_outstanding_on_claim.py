"""The outstanding amount a creditor reported moves from its own table to `cases_claim.reported_outstanding`:
one row fewer to write per invoice at intake (a million-row file wrote a million of them)."""

from django.db import migrations


def forwards(apps, schema_editor):
    schema_editor.execute(
        "UPDATE cases_claim SET reported_outstanding = (SELECT co.outstanding FROM imports_claimoutstanding co "
        "WHERE co.claim_id = cases_claim.id) "
        "WHERE EXISTS (SELECT 1 FROM imports_claimoutstanding co WHERE co.claim_id = cases_claim.id)"
    )


def backwards(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO imports_claimoutstanding (claim_id, tenant_id, outstanding, batch_id) "
        "SELECT id, tenant_id, reported_outstanding, NULL FROM cases_claim WHERE reported_outstanding IS NOT NULL"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("cases", "0004_index_pruning"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="ClaimOutstanding"),
    ]
