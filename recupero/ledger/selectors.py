"""Reads of the books: balances per account, derived by query from the entries."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

from django.db.models import Count, Max, Sum

from recupero.cases.models import Case
from recupero.law.rates import ECB, LEGAL_KIND, MissingRate, RateRow, RateTable, default_rates, missing_rates
from recupero.ledger.domain.accounts import Account
from recupero.ledger.models import InterestRate, LedgerEntry


def case_balances(*, case: Case) -> dict[Account, Decimal]:
    """Debits minus credits on every account of the case, in two grouped queries."""
    out = {a: Decimal("0.00") for a in Account}
    entries = LedgerEntry.objects.filter(tenant_id=case.tenant_id, case=case)
    for row in entries.values("debit_account").annotate(total=Sum("amount")):
        out[Account(row["debit_account"])] += row["total"]
    for row in entries.values("credit_account").annotate(total=Sum("amount")):
        out[Account(row["credit_account"])] -= row["total"]
    return out


def case_entries(*, case: Case) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(tenant_id=case.tenant_id, case=case).order_by("posted_on", "id"))


def unbalanced_cases(*, tenant_id: int | None = None, limit: int = 100) -> list[int]:
    """Cases whose cached total due differs from the books (should always be empty)."""
    from django.db.models import DecimalField, F, OuterRef, Subquery, Value
    from django.db.models.functions import Abs, Coalesce

    from recupero.ledger.domain.accounts import RECEIVABLES

    def _sum(field: str) -> Subquery:
        return Subquery(
            LedgerEntry.objects.filter(
                case=OuterRef("pk"), **{f"{field}__in": [a.value for a in RECEIVABLES]}
            )
            .values("case")
            .annotate(t=Sum("amount"))
            .values("t")[:1]
        )

    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
    qs = Case.objects.all() if tenant_id is None else Case.objects.filter(tenant_id=tenant_id)
    qs = qs.annotate(d=Coalesce(_sum("debit_account"), zero), c=Coalesce(_sum("credit_account"), zero))
    # Compared in the database: one pass, no million model instances in Python for a nightly check. SQLite sums
    # decimals as binary floats, so "differs" means by half a cent or more (amounts are whole cents).
    drifted = qs.annotate(drift=Abs(F("balance") - (F("d") - F("c")))).filter(drift__gte=Decimal("0.005"))
    return list(drifted.order_by("pk").values_list("pk", flat=True)[:limit])


# ---------------------------------------------------------------- rate tables (law, global: no tenant)

_rates_lock = threading.Lock()
_rates_cached: tuple[tuple[object, ...], RateTable] | None = None


def rate_table() -> RateTable:
    """The published rates the engine computes with, read from the database.

    Cached per process and checked on every call against a version (row count, highest id and latest creation
    time: rows are only appended, and an id reused after a rollback still differs in time), one aggregate on a
    table of a few dozen rows: a rate added by another process (the web
    page, the command line) is used by the next request or task here. An empty table (a database flushed by a
    test) falls back to the bundled files the table was seeded from."""
    global _rates_cached
    version = InterestRate.objects.aggregate(n=Count("id"), last=Max("id"), at=Max("created_at"))
    key = (version["n"], version["last"] or 0, version["at"])
    cached = _rates_cached
    if cached is not None and cached[0] == key:
        return cached[1]
    if key[0] == 0:
        return default_rates()
    rows: dict[str, list[RateRow]] = {ECB: [], LEGAL_KIND: []}
    for r in InterestRate.objects.order_by("kind", "valid_from"):
        rows[r.kind].append(RateRow(r.valid_from, r.valid_to, r.published_rate, r.source))
    table = RateTable(tuple(rows[ECB]), tuple(rows[LEGAL_KIND]), "database", f"{key[0]}.{key[1]}")
    with _rates_lock:
        _rates_cached = (key, table)
    return table


def rate_rows(*, kind: str | None = None) -> list[InterestRate]:
    """Every published rate, newest first (the back-office list and `recupero law rates list`)."""
    rows = InterestRate.objects.select_related("created_by").order_by("kind", "-valid_from")
    return list(rows.filter(kind=kind) if kind else rows)


def rates_missing(*, today: dt.date) -> list[MissingRate]:
    """Periods begun at least 14 days ago without their published rate (the administrators' dashboard)."""
    return missing_rates(rate_table(), today)
