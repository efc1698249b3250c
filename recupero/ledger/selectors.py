"""Reads of the books: balances per account, derived by query from the entries."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from recupero.cases.models import Case
from recupero.ledger.domain.accounts import Account
from recupero.ledger.models import LedgerEntry


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
