"""Set-based writes of cases, claims, instalments and the case timeline: the intake (polars frames through a
`core.bulk.FrameWriter`) and the demo (row tuples through `core.bulk.Bulk`) write cases' tables only through here
(issue 11 item 1); the balance cached on a case is set here from what `ledger.bulk` computes from the books.

The invariants of the single-row services: case numbers from `next_case_seqs` (the tenant row locked) and codes
from `case_code` (`case_codes`, the same in polars); invoice number keys as `invoice_number_keys`
(`number_key_columns`); the "case opened" text of `case_open` (`cases.domain.timeline`). Column lists come from
the models (`core.bulk.columns_of`). Building blocks inside the callers' transaction: not services of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl
from django.db import connection
from django.db.models import Max

from recupero.cases.domain.codes import case_code
from recupero.cases.domain.timeline import OPENED, OPENED_VIA_ASSIGNMENT
from recupero.cases.models import Case, Claim, ClaimInstalment, TimelineEvent
from recupero.core.bulk import Bulk, FrameWriter, columns_of, pg_array, polars_template
from recupero.core.models import Tenant, User

CASES = Case._meta.db_table
CLAIMS = Claim._meta.db_table
INSTALMENTS = ClaimInstalment._meta.db_table
TIMELINE = TimelineEvent._meta.db_table
CASE_COLUMNS = columns_of(Case)
CLAIM_COLUMNS = columns_of(Claim)
INSTALMENT_COLUMNS = columns_of(ClaimInstalment)
TIMELINE_COLUMNS = columns_of(TimelineEvent)
# the demo's claims were not reported by a creditor's file: no reported outstanding
DEMO_CLAIM_COLUMNS = columns_of(Claim, omit=("reported_outstanding",))


def _lit(value: object, dtype: pl.DataType | type[pl.DataType] = pl.String) -> pl.Expr:
    return pl.lit(value, dtype=dtype)


def next_case_seqs(tenant: Tenant, count: int = 1) -> range:
    """Reserve `count` consecutive case numbers (called inside the caller's transaction)."""
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
    top = Case.objects.filter(tenant=tenant).aggregate(top=Max("seq"))["top"] or 0
    return range(top + 1, top + 1 + count)


def case_codes(seqs: range) -> pl.Series:
    """`case_code` of each number, in polars while numbers have 7 digits (the Luhn digit of 'P' + 7 digits)."""
    if not seqs or seqs[-1] >= 10**7 or seqs[0] < 0:
        return pl.Series("code", [case_code(s) for s in seqs], dtype=pl.String)
    body = pl.int_range(seqs[0], seqs[-1] + 1, dtype=pl.Int64, eager=True).cast(pl.String).str.zfill(7)
    frame = pl.DataFrame({"body": body})
    digit = [pl.col("body").str.slice(j, 1).cast(pl.Int32) for j in range(7)]
    doubled = [pl.when(d * 2 > 9).then(d * 2 - 9).otherwise(d * 2) for d in digit[0::2]]
    total = pl.sum_horizontal(*doubled, *digit[1::2])
    check = ((10 - total % 10) % 10).cast(pl.String)
    return frame.select(pl.concat_str(pl.lit("P"), pl.col("body"), check).alias("code")).to_series()


def number_key_columns(number: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """`cases.domain.search.invoice_number_keys` for a whole column: the first and last digit groups without
    leading zeros ("47985/2025" → 47985, 2025); no tail when there is one group (a test compares the two)."""
    groups = number.str.extract_all(r"\d+").list.eval(
        pl.element().str.replace(r"^0+(\d)", "$1").str.slice(0, 40)
    )
    head = groups.list.first().fill_null("").alias("number_head")
    tail = pl.when(groups.list.len() > 1).then(groups.list.last()).otherwise(pl.lit("")).alias("number_tail")
    return head, tail


def cases_write(
    *,
    tenant: Tenant,
    actor: User,
    writer: FrameWriter,
    cases: pl.DataFrame,
    creditor_id: int,
    assignment_id: int,
    opened_on: str,
) -> pl.DataFrame:
    """New cases, status "new", numbered and coded in the frame's order, from `cases` (debtor_id,
    creditor_reference, claim_type, commercial, first_due_on, province, original_amount, supply_active,
    first_invoice_default); the balance starts at the original amount, which the opening posting books. Returns
    the rows written (with `id`)."""
    ids = writer.reserve_ids(CASES, cases.height)
    seqs = next_case_seqs(tenant, cases.height) if cases.height else range(0)
    rows = cases.with_columns(
        ids.alias("id"),
        pl.Series("seq", seqs, dtype=pl.Int64),
        case_codes(seqs),
        _lit(tenant.pk, pl.Int64).alias("tenant_id"),
        _lit(creditor_id, pl.Int64).alias("creditor_id"),
        _lit(assignment_id, pl.Int64).alias("assignment_id"),
        _lit(None, pl.Date).alias("contract_date"),
        _lit("new").alias("status"),
        _lit(opened_on).alias("opened_on"),
        _lit(None, pl.Date).alias("closed_on"),
        pl.col("province").fill_null(""),
        pl.col("original_amount").alias("balance"),
        _lit(None, pl.Int64).alias("consultant_id"),
        _lit(None, pl.Date).alias("filing_date"),
        _lit(False, pl.Boolean).alias("title_grants_commercial_rate"),
    ).select(CASE_COLUMNS)
    writer.write(CASES, rows)
    return rows


def claims_write(*, tenant: Tenant, actor: User, writer: FrameWriter, claims: pl.DataFrame) -> pl.Series:
    """New claims from `claims` (case_id, invoice_number, issued_on, due_on, amount, description,
    supply_reference, reported_outstanding): texts cut to their columns, number keys computed. Returns the ids."""
    ids = writer.reserve_ids(CLAIMS, claims.height)
    rows = claims.with_columns(
        ids.alias("id"),
        _lit(tenant.pk, pl.Int64).alias("tenant_id"),
        pl.col("description").fill_null("").str.slice(0, 300),
        pl.col("supply_reference").fill_null("").str.slice(0, 60),
        _lit(None, pl.Date).alias("sdi_delivered_on"),
        *number_key_columns(pl.col("invoice_number")),
    ).select(CLAIM_COLUMNS)
    writer.write(CLAIMS, rows)
    return ids


def instalments_write(*, tenant: Tenant, actor: User, writer: FrameWriter, instalments: pl.DataFrame) -> int:
    """Instalments of claims paid in several (claim_id, number, due_on, amount)."""
    rows = instalments.with_columns(
        writer.reserve_ids(INSTALMENTS, instalments.height).alias("id"),
        _lit(tenant.pk, pl.Int64).alias("tenant_id"),
    ).select(INSTALMENT_COLUMNS)
    return writer.write(INSTALMENTS, rows)


def claims_outstanding_set(*, tenant: Tenant, actor: User, writer: FrameWriter, rows: pl.DataFrame) -> None:
    """Claims already known: the outstanding the creditor now reports (claim_id, outstanding)."""
    updates = rows.select(pl.col("outstanding").cast(pl.String), "claim_id").rows()
    writer.update(
        f"UPDATE {CLAIMS} SET reported_outstanding = %s WHERE id = %s AND tenant_id = {tenant.pk}", updates
    )


def cases_first_due_set(*, tenant: Tenant, actor: User, writer: FrameWriter, rows: pl.DataFrame) -> None:
    """Existing cases: the earliest due date after claims were added (case_id, first_due_on)."""
    updates = rows.select(pl.col("first_due_on").cast(pl.String), "case_id").rows()
    writer.update(f"UPDATE {CASES} SET first_due_on = %s WHERE id = %s AND tenant_id = {tenant.pk}", updates)


def cases_facts_set(*, tenant: Tenant, actor: User, writer: FrameWriter, rows: pl.DataFrame) -> None:
    """Existing cases: the yes/no facts a file states (case_id, supply_active, first_invoice_default)."""
    updates = rows.select("supply_active", "first_invoice_default", "case_id").rows()
    sql = f"UPDATE {CASES} SET supply_active = %s, first_invoice_default = %s WHERE id = %s AND tenant_id = {tenant.pk}"
    writer.update(sql, updates)


def balances_set(
    *, tenant: Tenant, actor: User, writer: FrameWriter, balances: Sequence[tuple[str, int]]
) -> None:
    """The total due cached on each case, as `ledger.bulk.balances_refresh` computed it from the books
    ((balance text, case id)); the single-row path is `case_set_balance`. On PostgreSQL one statement over two
    arrays (thousands of single-row UPDATEs cost a round trip each)."""
    if not balances:
        return
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {CASES} c SET balance = v.balance FROM unnest(%s::numeric[], %s::bigint[]) AS v(balance, id) "
            f"WHERE c.id = v.id AND c.tenant_id = {tenant.pk}"
        )
        writer.update(sql, [(pg_array(b for b, _ in balances), pg_array(pk for _, pk in balances))])
        return
    writer.update(f"UPDATE {CASES} SET balance = %s WHERE id = %s AND tenant_id = {tenant.pk}", balances)


def opened_summaries(assignment: pl.Expr, claims: pl.Expr, amount: pl.Expr) -> pl.Expr:
    """`case_open`'s "case opened" text for a whole column, with the assignment it came from."""
    via = pl.format(polars_template(OPENED_VIA_ASSIGNMENT), assignment)
    return pl.format(polars_template(OPENED), via, claims, amount)


def timeline_write(
    *, tenant: Tenant, actor: User, writer: FrameWriter, events: pl.DataFrame, at: str, data: str
) -> int:
    """Timeline events (case_id, kind, summary) at one moment, by `actor`, with one JSON `data` text."""
    rows = events.with_columns(
        writer.reserve_ids(TIMELINE, events.height).alias("id"),
        _lit(tenant.pk, pl.Int64).alias("tenant_id"),
        _lit(at).alias("at"),
        _lit(actor.pk if actor.pk else None, pl.Int64).alias("actor_id"),
        pl.col("summary").str.slice(0, 300),
        _lit(data).alias("data"),
    ).select(TIMELINE_COLUMNS)
    return writer.write(TIMELINE, rows)


# ---- row tuples (the demo) ---------------------------------------------------------------------------------
def case_rows_write(*, tenant: Tenant, actor: User, bulk: Bulk, rows: Iterable[Sequence[object]]) -> int:
    """Case rows in `CASE_COLUMNS` order, numbers and ids assigned by the caller."""
    return bulk.write(CASES, CASE_COLUMNS, rows)


def claim_rows_write(*, tenant: Tenant, actor: User, bulk: Bulk, rows: Iterable[Sequence[object]]) -> int:
    """Claim rows in `DEMO_CLAIM_COLUMNS` order."""
    return bulk.write(CLAIMS, DEMO_CLAIM_COLUMNS, rows)


def timeline_rows_write(*, tenant: Tenant, actor: User, bulk: Bulk, rows: Iterable[Sequence[object]]) -> int:
    """Timeline rows in `TIMELINE_COLUMNS` order."""
    return bulk.write(TIMELINE, TIMELINE_COLUMNS, rows)
