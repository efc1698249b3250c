"""Zero and negative documents of an affido (issue 10): never a claim, never a refused row.

A document for zero is skipped with a notice. A credit note (FatturaPA TD04/TD08, or a negative row of a CSV)
reduces the invoice it names — `linked_invoice` (DatiFattureCollegate, "fattura collegata"), else its own
number — when that invoice is in the same file or already on file for the same case or debtor of the creditor:
a ledger CREDIT entry through `ledger.services.entry_post` (principal → credit notes), idempotent per credit note,
and the invoice's `reported_outstanding` lowered by as much, so the creditor's next file, which states the invoice
net of the credit, is not read as a second reduction. A credit note whose invoice is nowhere is a notice.

Credit notes are few (a handful per affido): they are posted one by one through the ledger's service.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl

from recupero.cases.models import Case, Claim
from recupero.cases.services import claim_outstanding_lower
from recupero.core.models import Tenant, User
from recupero.imports import frames
from recupero.imports.domain.errors import Notice
from recupero.imports.domain.validate import CREDIT_NOTES
from recupero.law.money import format_eur
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.models import LedgerEntry
from recupero.ledger.selectors import case_balances
from recupero.ledger.services import Line, entry_post

CREDIT_COLUMNS = ("row", "dkey", "case_reference", "invoice_number", "invoice_date", "target", "credit")


def split_documents(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """(invoices, credit notes, number of zero documents). Credit notes: CREDIT_COLUMNS, `credit` positive."""
    note = pl.col("document_type").is_in(list(CREDIT_NOTES)).fill_null(False)
    document = (pl.col("amount") <= 0) | note
    if not rows.select(document.any()).item():
        return rows, pl.DataFrame(schema=_schema()), 0
    documents = rows.filter(document)
    if "linked_invoice" not in documents.columns:  # staged by a version without the column
        documents = documents.with_columns(pl.lit(None, pl.String).alias("linked_invoice"))
    zero = documents.filter(pl.col("amount") == 0).height
    credits = documents.filter(pl.col("amount") != 0).select(
        "row",
        "dkey",
        "case_reference",
        "invoice_number",
        "invoice_date",
        pl.coalesce("linked_invoice", "invoice_number").alias("target"),
        pl.col("amount").abs().alias("credit"),
    )
    return rows.filter(~document), credits, zero


def _schema() -> dict[str, Any]:
    return {
        "row": pl.Int64,
        "dkey": pl.String,
        "case_reference": pl.String,
        "invoice_number": pl.String,
        "invoice_date": pl.Date,
        "target": pl.String,
        "credit": pl.Decimal(20, 2),
    }


def _on_file(tenant_id: int, creditor_id: int, targets: pl.Series) -> pl.DataFrame:
    """The creditor's claims numbered as a credit note's target: claim, case, its reference and debtor."""
    schema = {
        "claim_id": pl.Int64,
        "case_id": pl.Int64,
        "claim_ref": pl.String,
        "debtor_id": pl.Int64,
        "target": pl.String,
    }
    if targets.len() == 0:
        return pl.DataFrame(schema=schema)
    with frames.TempKeys("credit_targets", targets.unique()) as tmp:
        return frames.query(
            "SELECT cl.id, c.id, c.creditor_reference, c.debtor_id, cl.invoice_number FROM cases_claim cl"
            f' JOIN "{tmp}" t ON t.k = cl.invoice_number JOIN cases_case c ON c.id = cl.case_id'
            " WHERE cl.tenant_id = %s AND c.creditor_id = %s ORDER BY cl.id",
            [tenant_id, creditor_id],
            schema,
        )


def match(tenant_id: int, creditor_id: int, credits: pl.DataFrame, debtor_map: pl.DataFrame) -> pl.DataFrame:
    """Each credit note with the claim on file it reduces (claim_id null: not on file). The same case reference
    first, else a claim of the same debtor (a credit note in a later affido names an invoice of an earlier one)."""
    found = _on_file(tenant_id, creditor_id, credits["target"])
    by_case = found.group_by("claim_ref", "target").agg(pl.col("claim_id").first().alias("by_case"))
    by_debtor = found.group_by("debtor_id", "target").agg(pl.col("claim_id").first().alias("by_debtor"))
    with_debtor = credits.join(debtor_map, on="dkey", how="left", maintain_order="left")
    joined = with_debtor.join(
        by_case, left_on=["case_reference", "target"], right_on=["claim_ref", "target"], how="left"
    ).join(by_debtor, on=["debtor_id", "target"], how="left", maintain_order="left")
    return joined.with_columns(pl.coalesce("by_case", "by_debtor").alias("claim_id")).drop(
        "by_case", "by_debtor"
    )


def preview(
    matched: pl.DataFrame, claims_new: pl.DataFrame, zero: int
) -> tuple[list[Notice], dict[str, Any]]:
    """Notices and counts before anything is written: a credit note applies when its invoice is on file or
    among the file's new claims (same case reference)."""
    notices: list[Notice] = []
    if zero:
        notices.append(Notice.of("import.document_zero", count=zero))
    if matched.height == 0:
        return notices, {"credit_notes": 0, "credit_total": "0.00", "credit_unmatched": 0}
    in_file = claims_new.select(
        "case_reference", pl.col("invoice_number").alias("target"), pl.lit(True).alias("in_file")
    ).unique(subset=["case_reference", "target"])
    seen = matched.join(in_file, on=["case_reference", "target"], how="left", maintain_order="left")
    applies = pl.col("claim_id").is_not_null() | pl.col("in_file").fill_null(False)
    applied = seen.filter(applies)
    total = Decimal(str(applied["credit"].sum())) if applied.height else Decimal("0.00")
    unmatched = seen.height - applied.height
    if applied.height:
        notices.append(
            Notice.of(
                "import.credit_note_applied", count=applied.height, total=format_eur(Decimal(str(total)))
            )
        )
    if unmatched:
        notices.append(Notice.of("import.credit_note_unmatched", count=unmatched))
    counts = {"credit_notes": applied.height, "credit_total": str(total), "credit_unmatched": unmatched}
    return notices, counts


def post(
    *, tenant: Tenant, actor: User, creditor_id: int, credits: pl.DataFrame, debtor_map: pl.DataFrame
) -> int:
    """After the affido's claims are written: post each credit note whose invoice is now on file. Returns how
    many were posted (a credit note posted by an earlier commit is not posted again: its key exists)."""
    if credits.height == 0:
        return 0
    posted = 0
    matched = match(tenant.pk, creditor_id, credits, debtor_map).filter(pl.col("claim_id").is_not_null())
    for credit in matched.iter_rows(named=True):
        claim = Claim.objects.select_related("case").get(pk=credit["claim_id"])
        posted += _post_one(tenant, actor, claim, credit)
    return posted


def _post_one(tenant: Tenant, actor: User, claim: Claim, credit: dict[str, Any]) -> int:
    case: Case = claim.case
    # never below zero: a credit note larger than what is left of the principal reduces it to nothing
    left = case_balances(case=case)[Account.PRINCIPAL]
    amount = min(Decimal(credit["credit"]), left)
    if amount <= 0:
        return 0
    issued: dt.date = credit["invoice_date"]
    key = f"import:credit:{claim.pk}:{credit['invoice_number']}:{issued.isoformat()}"
    summary = (
        f"Nota di credito {credit['invoice_number']} del {issued:%d/%m/%Y}: "
        f"-{format_eur(amount)} € sulla fattura {claim.invoice_number}"
    )
    before = len(_existing(key))
    entry_post(
        tenant=tenant,
        actor=actor,
        case=case,
        kind=EntryKind.CREDIT,
        posted_on=issued,
        lines=[
            Line(Account.CREDITS, Account.PRINCIPAL, amount, f"Nota di credito {credit['invoice_number']}")
        ],
        idempotency_key=key,
        summary="" if before else summary,
    )
    if before:
        return 0
    claim_outstanding_lower(tenant=tenant, actor=actor, claim=claim, amount=amount)
    return 1


def _existing(key: str) -> list[int]:
    return list(LedgerEntry.objects.filter(idempotency_key=f"{key}#0").values_list("pk", flat=True))
