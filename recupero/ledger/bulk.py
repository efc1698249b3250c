"""Set-based postings and the balance recompute: the intake (polars frames through a `core.bulk.FrameWriter`) and
the demo (row tuples through `core.bulk.Bulk`) write the ledger only through here (issue 11 item 1).

The invariants of `ledger.services`: entries are appended, never changed (corrections are new entries; the
database refuses the rest); the opening posting's lines, descriptions and keys are `ledger.domain.opening`'s, the
same as `opening_post` (so a later `opening_post` on a bulk-opened case is a no-op); the balance cached on a case
is recomputed from its entries (`total_due`), never incremented. Building blocks inside the callers' transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.db.models import Sum
from django.utils.timezone import now

from recupero.cases import bulk as cases_bulk
from recupero.core.bulk import Bulk, FrameWriter, columns_of, polars_template, reserve_id_range
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.services import AuditItem
from recupero.ledger.domain import opening
from recupero.ledger.domain.accounts import RECEIVABLES, Account, EntryKind, total_due
from recupero.ledger.models import LedgerEntry

ENTRIES = LedgerEntry._meta.db_table
ENTRY_COLUMNS = columns_of(LedgerEntry)
_CASES_PER_QUERY = 10_000  # below SQLite's bound parameters per statement


def opening_descriptions(number: pl.Expr, issued: pl.Expr) -> pl.Expr:
    """`opening.description` for whole columns (issued: a date column)."""
    text = pl.format(polars_template(opening.DESCRIPTION), number, issued.dt.strftime("%d/%m/%Y"))
    return text.str.slice(0, opening.DESCRIPTION_MAX)


def opening_keys(case_id: pl.Expr, index: pl.Expr) -> pl.Expr:
    """`opening.line_key` for whole columns: the keys `opening_post` gives the same lines."""
    return pl.format("{}#{}", pl.format(polars_template(opening.KEY), case_id), index)


def opening_accounts() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """kind, debit_account, credit_account of an opening line."""
    return (
        pl.lit(opening.KIND.value).alias("kind"),
        pl.lit(opening.DEBIT.value).alias("debit_account"),
        pl.lit(opening.CREDIT.value).alias("credit_account"),
    )


def entries_write(
    *,
    tenant: Tenant,
    actor: User,
    writer: FrameWriter,
    entries: pl.DataFrame,
    posted_on: str,
    created_at: str,
) -> int:
    """Append entries (case_id, group, kind, debit_account, credit_account, amount, description,
    idempotency_key) posted on one day by `actor`; the database checks each is a balanced, positive pair."""
    rows = entries.with_columns(
        writer.reserve_ids(ENTRIES, entries.height).alias("id"),
        pl.lit(tenant.pk, pl.Int64).alias("tenant_id"),
        pl.lit(posted_on).alias("posted_on"),
        pl.lit(None, pl.Int64).alias("reverses_id"),
        pl.lit(created_at).alias("created_at"),
        pl.lit(actor.pk if actor.pk else None, pl.Int64).alias("actor_id"),
    ).select(ENTRY_COLUMNS)
    return writer.write(ENTRIES, rows)


def balances_refresh(*, tenant: Tenant, actor: User, writer: FrameWriter, case_ids: Sequence[int]) -> None:
    """The cached total due of each case recomputed from its entries (`ledger.services.balance_refresh` for
    many cases: the receivables' debits less their credits), set through `cases.bulk.balances_set`."""
    receivables = [a.value for a in RECEIVABLES]
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), _CASES_PER_QUERY):
        part = ids[start : start + _CASES_PER_QUERY]
        due = dict.fromkeys(part, Decimal("0.00"))
        entries = LedgerEntry.objects.filter(tenant=tenant, case_id__in=part)
        for side, sign in (("debit_account", 1), ("credit_account", -1)):
            totals = (
                entries.filter(**{f"{side}__in": receivables}).values("case_id").annotate(t=Sum("amount"))
            )
            for row in totals.order_by():
                due[row["case_id"]] += sign * row["t"]
        balances = [(str(value.quantize(Decimal("0.01"))), case_id) for case_id, value in due.items()]
        cases_bulk.balances_set(tenant=tenant, actor=actor, writer=writer, balances=balances)


def balances_after(
    *,
    tenant: Tenant,
    actor: User,
    writer: FrameWriter,
    before: dict[int, dict[Account, Decimal]],
    groups: Sequence[Group],
) -> None:
    """`balances_refresh` without reading the books again: each case's balances as read under its lock
    (`facts.case_facts_many(lock=True)`) plus the lines of `groups` just posted on it."""
    after = {case_id: dict(balances) for case_id, balances in before.items()}
    for group in groups:
        balances = after[group.case_id]
        for debit, credit, amount, _description in group.lines:
            balances[debit] += amount
            balances[credit] -= amount
    rows = [(str(total_due(b).quantize(Decimal("0.01"))), case_id) for case_id, b in sorted(after.items())]
    cases_bulk.balances_set(tenant=tenant, actor=actor, writer=writer, balances=rows)


# ---- groups of entries (a bank statement's payments) --------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """One group of entries for `groups_post`: what `ledger.services.entry_post` takes for one case, its lines as
    (debit, credit, amount, description)."""

    case_id: int
    debtor_id: int
    kind: EntryKind
    posted_on: dt.date
    lines: tuple[tuple[Account, Account, Decimal, str], ...]
    key: str


def groups_post(*, tenant: Tenant, actor: User, bulk: Bulk, groups: Sequence[Group]) -> list[uuid.UUID]:
    """`entry_post` for many groups at once: the same lines, keys (`<key>#<i>`, unique: a group already posted
    makes the whole call fail, nothing written) and checks, one COPY; returns each group's id. The caller
    refreshes the balances (`balances_refresh`) and records the audit rows (`audit_items`)."""
    count = sum(len(g.lines) for g in groups)
    for group in groups:
        for _debit, _credit, amount, _text in group.lines:
            if _debit == _credit or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
                raise DomainError("ledger.unbalanced")
    ids = iter(reserve_id_range(ENTRIES, count))
    at, actor_id = bulk.ts_at(now()), actor.pk if actor and actor.pk else None
    uuids, rows = _group_ids(len(groups)), []
    for group, gid in zip(groups, uuids, strict=True):
        for i, (debit, credit, amount, text) in enumerate(group.lines):
            rows.append((next(ids), tenant.pk, group.case_id, gid.hex, group.kind.value,
                         group.posted_on.isoformat(), debit.value, credit.value, str(amount), text, None,
                         f"{group.key}#{i}", at, actor_id))  # fmt: skip
    bulk.write(ENTRIES, ENTRY_COLUMNS, rows)
    return uuids


def _group_ids(count: int) -> list[uuid.UUID]:
    """`count` random (version 4) group ids, as `uuid.uuid4()` makes them, from one read of the system's random
    source instead of one per group."""
    raw = os.urandom(16 * count)
    return [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


def audit_items(groups: Sequence[Group], uuids: Sequence[uuid.UUID]) -> list[AuditItem]:
    """The audit row `entry_post` records for each group (the action, the case and its debtor, group and total)."""
    return [
        AuditItem(f"ledger.{g.kind.value}", "cases.case", str(g.case_id),
                  {"group": str(gid), "total": str(sum(line[2] for line in g.lines))}, (g.debtor_id,), (g.case_id,))
        for g, gid in zip(groups, uuids, strict=True)
    ]  # fmt: skip


# ---- row tuples (the demo) ---------------------------------------------------------------------------------
def entry_rows_write(*, tenant: Tenant, actor: User, bulk: Bulk, rows: Iterable[Sequence[object]]) -> int:
    """Entry rows in `ENTRY_COLUMNS` order, balanced pairs (the database checks)."""
    return bulk.write(ENTRIES, ENTRY_COLUMNS, rows)
