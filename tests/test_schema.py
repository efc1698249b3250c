"""The indexes of the high-volume tables, exactly: each one is upkeep on every row an intake or the daily run
writes, so none is added by accident (a plain index on a foreign key Django adds by default, say), and none made
outside Django's state (debtor_search_name_c, see parties.models.Debtor.search_name) is lost by a later
migration."""

from __future__ import annotations

import pytest
from django.db import connection

BULK_TABLES = {
    # identity_key: how a debtor without an Italian code is found again at intake (issue 10)
    "parties_debtor": [
        ("tenant_id", "identity_key"),
        ("tenant_id", "search_name"),
        ("tenant_id", "tax_code"),
        ("tenant_id", "vat_number"),
    ],
    "parties_contactpoint": [],  # the unique (debtor, kind, value) serves every read
    "cases_case": [
        ("assignment_id",),
        ("creditor_id",),
        ("debtor_id",),
        ("tenant_id", "assignment_id", "id"),
        # no ("tenant_id", "balance"): the balance in no index, its update HOT (decision 0008)
        ("tenant_id", "creditor_id", "status", "id"),
        ("tenant_id", "first_due_on"),
        ("tenant_id", "province", "id"),
        ("tenant_id", "status", "id"),
    ],
    # the whole number; its first and last digit groups (the search by a piece of the number)
    "cases_claim": [
        ("tenant_id", "invoice_number"),
        ("tenant_id", "number_head"),
        ("tenant_id", "number_tail"),
    ],
    "ledger_ledgerentry": [("case_id", "posted_on"), ("case_id", "posted_on")],  # all entries; payments only
    "cases_timelineevent": [("case_id",), ("case_id", "at")],  # prescription events only; all events
    # a bank statement's postings (issue 13): payments read by case or id, lines by statement, state, account
    "payments_payment": [("case_id", "value_date"), ("entry_id",)],
    "payments_statemententry": [
        ("statement_id",),
        ("tenant_id", "account_iban", "id"),
        ("tenant_id", "status"),
    ],
    # the daily run's writes (half a million steps a day)
    "strategies_stepexecution": [("case_id",), ("run_id",), ("tenant_id", "case_id")],
    "channels_communication": [
        ("case_id",),
        ("contact_id",),
        ("print_batch_id",),
        ("provider_message_id",),
        ("tenant_id", "case_id"),
        ("tenant_id", "status", "kind"),
        ("tracking_number",),
    ],
    "worklists_workitem": [
        ("assigned_to_id",),
        ("case_id",),
        ("done_by_id",),
        ("tenant_id", "case_id"),
        ("tenant_id", "kind", "status", "due_on"),
        # the collector's desk: one collector's, one team's queue in order (issue 12)
        ("assigned_to_id", "kind", "status", "priority"),
        ("team_id", "kind", "status", "priority"),
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(BULK_TABLES))
def test_plain_indexes_of_the_bulk_tables(table):
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    plain = sorted(
        tuple(c["columns"]) for c in found.values() if c["index"] and not c["unique"] and not c["primary_key"]
    )
    assert plain == sorted(BULK_TABLES[table])


@pytest.mark.django_db
def test_the_ledger_key_has_one_index_for_equality_and_prefix():
    """ledger.0007: one unique index on the idempotency key (no pattern twin), used by `=` and by LIKE."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "ledger_ledgerentry")
        on_key = [c for c in found.values() if c["columns"] == ["idempotency_key"]]
        assert [c["unique"] for c in on_key] == [True]
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            for where in ("= 'payment:1#0'", "LIKE 'payment:1#%'"):
                cursor.execute(f"EXPLAIN SELECT id FROM ledger_ledgerentry WHERE idempotency_key {where}")
                assert "ledger_idempotency_key" in " ".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_the_case_table_keeps_room_for_hot_updates():
    """cases.0012: a tenth of each page free, so a balance update finds room in the row's page (decision 0008)."""
    if connection.vendor != "postgresql":
        pytest.skip("fill factor: PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'cases_case'")
        assert cursor.fetchone()[0] == ["fillfactor=90"]


@pytest.mark.django_db
def test_the_name_search_index_is_in_byte_order():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'debtor_search_name_c'")
            assert cursor.fetchone()[0].endswith('(tenant_id, search_name COLLATE "C")')
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'debtor_search_name_c'")
            assert cursor.fetchone()[0].endswith("(tenant_id, search_name)")
