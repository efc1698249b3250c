"""The intake of a fixed pair of files writes exactly the rows it wrote before the bulk writes moved to their apps
(issue 11 item 1): counts per table, the debtors, contacts, cases and claims, every timeline text and every ledger
line. `data/same_rows.json` was written by this test on the commit before the move (b36bf17):
`RECUPERO_WRITE_SAME_ROWS=1 pytest recupero/imports/tests/test_same_rows.py` writes it again."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from recupero.imports.tests.conftest import CF, VAT, csv_bytes, row

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "data" / "same_rows.json"

FIRST = (
    row(ref="C1", number="F-1", outstanding="1.000,00"),
    row(ref="C1", number="F-2", issued="01/03/2025", due="31/03/2025", amount="200,00", outstanding="200,00"),
    row(ref="C2", cf=CF[1], surname="Bianchi", name="Laura", number="B-7", amount="99,90", outstanding="99,90",
        mobile="", email="laura.b@example.it", phone=""),
    row(ref="C3", cf="", vat=VAT[0], surname="", name="", company="Alfa Forniture S.r.l.", number="A/12",
        issued="15/02/2025", due="15/04/2025", amount="5.000,00", outstanding="4.321,09", mobile="",
        email="amministrazione@alfa.it", kind="gas"),
    row(ref="C4", cf=CF[2], surname="Verdi", name="Giuseppe", number="V-1", amount="50,00", outstanding="0,00"),
)  # fmt: skip
SECOND = (
    row(ref="C1", number="F-1", outstanding="800,00"),
    row(ref="C1", number="F-3", issued="01/05/2025", due="31/05/2025", amount="300,00", outstanding="300,00"),
    row(ref="C2", cf=CF[1], surname="Bianchi", name="Laura", number="B-8", amount="1.500,00",
        outstanding="1.234,50", mobile="347 765 4321", email="laura.b@example.it", phone=""),
    row(ref="C5", cf=CF[3], surname="Ferrari", name="Luca", number="L-9", amount="77,00", outstanding="77,00"),
)  # fmt: skip


def _upload(name: str, rows: tuple) -> tuple[str, bytes]:
    return name, csv_bytes(*rows)


def _rows(sql: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted([[_text(v) for v in r] for r in cursor.fetchall()])


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def snapshot() -> dict:
    tables = [
        "parties_debtor",
        "parties_contactpoint",
        "cases_case",
        "cases_claim",
        "cases_claiminstalment",
        "ledger_ledgerentry",
        "cases_timelineevent",
    ]
    counts = {t: _rows(f'SELECT COUNT(*) FROM "{t}"')[0][0] for t in tables}
    ref = "(SELECT creditor_reference FROM cases_case c WHERE c.id = x.case_id)"
    return {
        "counts": counts,
        "debtors": _rows(
            "SELECT kind, size, first_name, last_name, company_name, tax_code, vat_number, search_name, "
            "identity_status FROM parties_debtor"
        ),
        "contacts": _rows(
            "SELECT d.tax_code, d.vat_number, x.kind, x.value, x.cap, x.municipality, x.province, x.source, "
            "x.status FROM parties_contactpoint x JOIN parties_debtor d ON d.id = x.debtor_id"
        ),
        "cases": _rows(
            "SELECT creditor_reference, seq, code, claim_type, commercial, status, opened_on, first_due_on, "
            "province, CAST(original_amount AS TEXT), CAST(balance AS TEXT), supply_active, first_invoice_default "
            "FROM cases_case"
        ),
        "claims": _rows(
            f"SELECT {ref}, invoice_number, issued_on, due_on, CAST(amount AS TEXT), "
            "CAST(reported_outstanding AS TEXT), description, supply_reference, number_head, number_tail "
            "FROM cases_claim x"
        ),
        "timeline": _rows(f"SELECT {ref}, kind, summary FROM cases_timelineevent x"),
        "ledger": _rows(
            f"SELECT {ref}, kind, posted_on, debit_account, credit_account, CAST(amount AS TEXT), description, "
            "idempotency_key FROM ledger_ledgerentry x"
        ),  # ids in the keys are those of this database: numbers become N below
    }


def _decimal_text(value: str) -> str:
    """PostgreSQL prints numeric(…, 2) as '1000.00', SQLite's text affinity may keep '1000' or '1000.0'."""
    return f"{Decimal(value):.2f}" if re.fullmatch(r"-?\d+(\.\d+)?", value) else value


def _normal(snap: dict) -> dict:
    out = {k: sorted([_decimal_text(v) for v in r] for r in snap[k]) for k in snap if k != "counts"}
    out["ledger"] = sorted([*r[:-1], re.sub(r"\d+(?=[#:])", "N", r[-1])] for r in out["ledger"])
    return {"counts": snap["counts"], **out}


def test_the_intake_writes_the_same_rows_as_before(run):
    first = run(_upload("primo.csv", FIRST), code="AFF-2026-01", received=dt.date(2026, 1, 10))
    assert first.status == "committed", first.status
    second = run(_upload("secondo.csv", SECOND), code="AFF-2026-02", received=dt.date(2026, 2, 10))
    assert second.status == "committed", second.status
    found = _normal(snapshot())
    if os.environ.get("RECUPERO_WRITE_SAME_ROWS") and connection.vendor == "sqlite":
        GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(GOLDEN.read_text())
    for key in expected:
        assert found[key] == expected[key], key
