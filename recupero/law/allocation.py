"""Imputation of payments (artt. 1193-1194 c.c.).

Within one debt a payment goes to costs, then interest, then principal (art. 1194) unless the creditor agrees
another order: the order is an explicit tuple of buckets, the €40 flat compensation being a bucket of its own.
Across several debts of one case the debtor may designate the debt (art. 1193 c.1); else the oldest is paid
first (art. 1193 c.2, simplified: every claim here is already due). Every cent is conserved: what exceeds the
debt is returned as `unallocated` (a credit of the debtor), never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from recupero.law.errors import LawError
from recupero.law.money import ZERO, check_amount, from_cents, to_cents

COSTS, FLAT, INTEREST, PRINCIPAL = "costs", "flat_compensation", "interest", "principal"
BUCKETS = (COSTS, FLAT, INTEREST, PRINCIPAL)
DEFAULT_ORDER = (COSTS, FLAT, INTEREST, PRINCIPAL)
BUCKET_LABELS = {
    COSTS: "spese",
    FLAT: "indennizzo forfettario 40 €",
    INTEREST: "interessi",
    PRINCIPAL: "capitale",
}


def check_order(order: Sequence[str]) -> tuple[str, ...]:
    """An order must name each bucket exactly once."""
    if sorted(order) != sorted(BUCKETS):
        raise LawError(
            "law.bad_allocation_order",
            f"Ordine di imputazione non valido: {', '.join(order)} (servono una volta ciascuno: "
            f"{', '.join(BUCKETS)}).",
        )
    return tuple(order)


def split_cents(amount: int, owed: Mapping[str, int], order: Sequence[str]) -> tuple[dict[str, int], int]:
    """Integer core: fill the buckets in order; returns (cents per bucket, cents left over)."""
    applied: dict[str, int] = {}
    left = amount
    for bucket in order:
        take = min(left, owed.get(bucket, 0))
        if take > 0:
            applied[bucket] = take
            left -= take
    return applied, left


@dataclass(frozen=True, slots=True)
class ClaimBalance:
    """What one debt (credito) owes at the payment date, per bucket."""

    claim_id: str
    due_date: date
    principal: Decimal
    interest: Decimal = ZERO
    flat_compensation: Decimal = ZERO
    costs: Decimal = ZERO

    def owed_cents(self) -> dict[str, int]:
        return {
            COSTS: to_cents(check_amount(self.costs, field="spese")),
            FLAT: to_cents(check_amount(self.flat_compensation, field="indennizzo")),
            INTEREST: to_cents(check_amount(self.interest, field="interessi")),
            PRINCIPAL: to_cents(check_amount(self.principal, field="capitale")),
        }


@dataclass(frozen=True, slots=True)
class AllocationLine:
    claim_id: str
    bucket: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    """The imputation of one payment: lines per debt and bucket, plus what is left over."""

    amount: Decimal
    lines: tuple[AllocationLine, ...]
    unallocated: Decimal
    order: tuple[str, ...]
    claim_sequence: tuple[str, ...]

    def total(self, *, claim_id: str | None = None, bucket: str | None = None) -> Decimal:
        return sum(
            (
                line.amount
                for line in self.lines
                if (claim_id is None or line.claim_id == claim_id)
                and (bucket is None or line.bucket == bucket)
            ),
            ZERO,
        )


def claim_sequence(claims: Sequence[ClaimBalance], designated: Sequence[str] = ()) -> list[ClaimBalance]:
    """Designated debts first, in the debtor's order (art. 1193 c.1); then oldest due date first (c.2)."""
    by_id = {c.claim_id: c for c in claims}
    for claim_id in designated:
        if claim_id not in by_id:
            raise LawError("law.unknown_claim", f"Credito indicato dal debitore inesistente: «{claim_id}».")
    chosen = [by_id[c] for c in dict.fromkeys(designated)]
    rest = sorted((c for c in claims if c.claim_id not in designated), key=lambda c: (c.due_date, c.claim_id))
    return chosen + rest


def allocate_payment(
    amount: Decimal,
    claims: ClaimBalance | Sequence[ClaimBalance],
    *,
    order: Sequence[str] = DEFAULT_ORDER,
    designated: Sequence[str] = (),
) -> Allocation:
    """Impute one payment to one or more debts (artt. 1193-1194 c.c.); conserves every cent."""
    order = check_order(order)
    left = to_cents(check_amount(amount, field="pagamento"))
    sequence = claim_sequence([claims] if isinstance(claims, ClaimBalance) else list(claims), designated)
    lines: list[AllocationLine] = []
    for claim in sequence:
        applied, left = split_cents(left, claim.owed_cents(), order)
        lines += [AllocationLine(claim.claim_id, b, from_cents(applied[b])) for b in order if b in applied]
    return Allocation(
        check_amount(amount), tuple(lines), from_cents(left), order, tuple(c.claim_id for c in sequence)
    )
