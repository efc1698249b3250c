"""From the law engine's imputation of a payment to the lines the books receive.

The engine (`law.interest.compute_case`, artt. 1193/1194 c.c.) computes what each claim owes at the value date
and imputes the payment: costs, €40, interest, principal, oldest claim first unless the debtor designated one.
`imputation_of` reads the payment's share as the difference between the engine's run without it and with it
(same date, same earlier payments), so every cent is accounted for: parts + overpayment = amount.

Interest and the €40 are derived on demand, not posted daily (docs/decisions/0003): the part of a payment that
pays them first books what it pays as accrued (an INTEREST group), then the payment credits them — no receivable
ever goes negative. Principal and costs are on the books already; a part exceeding their book balance (a credit
note the engine does not see) is an overpayment rather than a negative bucket.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from recupero.law.allocation import BUCKET_LABELS, BUCKETS, COSTS, FLAT, INTEREST, PRINCIPAL
from recupero.law.interest import CaseResult, InterestResult
from recupero.ledger.domain.accounts import Account

ZERO = Decimal("0.00")

BUCKET_ACCOUNT = {
    COSTS: Account.COLLECTION_COSTS,
    FLAT: Account.FLAT_COMPENSATION,
    INTEREST: Account.LATE_INTEREST,
    PRINCIPAL: Account.PRINCIPAL,
}
# Buckets derived by the engine, booked when paid (their accrual counterparts).
ACCRUED = {INTEREST: Account.INTEREST_ACCRUED, FLAT: Account.COMPENSATION_ACCRUED}


@dataclass(frozen=True)
class Part:
    claim_id: str
    bucket: str
    amount: Decimal

    @property
    def label(self) -> str:
        return BUCKET_LABELS[self.bucket]


@dataclass(frozen=True)
class BookPlan:
    """What to post: accruals per account, the payment's parts, and the overpayment (a credit to refund)."""

    accruals: dict[Account, Decimal]
    parts: list[Part]
    overpayment: Decimal

    @property
    def posted(self) -> Decimal:
        return sum((p.amount for p in self.parts), ZERO)


def paid(result: InterestResult) -> dict[str, Decimal]:
    """What the engine says was paid on one claim, per bucket."""
    req = result.request
    return {
        COSTS: req.costs - result.costs_outstanding,
        FLAT: result.flat_compensation - result.flat_outstanding,
        INTEREST: result.interest_paid,
        PRINCIPAL: req.principal - result.principal_outstanding,
    }


def imputation_of(before: CaseResult, after: CaseResult) -> list[Part]:
    """The payment's parts per claim and bucket, in the order of imputation (claim, then art. 1194 bucket)."""
    parts = []
    for claim_id, result in after.claims.items():
        was, now = paid(before.claims[claim_id]), paid(result)
        for bucket in BUCKETS:
            share = now[bucket] - was[bucket]
            if share > 0:
                parts.append(Part(claim_id, bucket, share))
    parts.sort(key=lambda p: (list(after.claims).index(p.claim_id), BUCKETS.index(p.bucket)))
    return parts


def book_plan(amount: Decimal, parts: list[Part], books: Mapping[Account, Decimal]) -> BookPlan:
    """Fit the engine's parts to the books: accrue interest/€40 not yet booked, cap principal and costs at their
    book balance, and leave the rest as an overpayment. Conserves every cent: posted + overpayment = amount."""
    room = {bucket: max(books.get(account, ZERO), ZERO) for bucket, account in BUCKET_ACCOUNT.items()}
    accruals: dict[Account, Decimal] = {}
    fitted: list[Part] = []
    for part in parts:
        take = part.amount
        if part.bucket in ACCRUED and take > room[part.bucket]:
            missing = take - room[part.bucket]
            account = BUCKET_ACCOUNT[part.bucket]
            accruals[account] = accruals.get(account, ZERO) + missing
            room[part.bucket] += missing
        take = min(take, room[part.bucket])
        room[part.bucket] -= take
        if take > 0:
            fitted.append(Part(part.claim_id, part.bucket, take))
    posted = sum((p.amount for p in fitted), ZERO)
    return BookPlan(accruals, fitted, amount - posted)


LineTuple = tuple[Account, Account, Decimal, str]  # debit, credit, amount, description


def claim_of(key: str) -> int:
    """The claim id of an engine key: "<claim>" for an invoice, "<claim>/<n>" for one of its instalments."""
    return int(key.split("/")[0])


def accrual_lines(plan: BookPlan, on: dt.date) -> list[LineTuple]:
    """The interest and €40 the payment pays, booked as accrued first (group `payment:<id>:accrued`)."""
    return [
        (account, ACCRUED[bucket], amount, f"{BUCKET_LABELS[bucket]} maturati al {on:%d/%m/%Y}")
        for bucket, account in BUCKET_ACCOUNT.items()
        if (amount := plan.accruals.get(account))
    ]


def payment_lines(plan: BookPlan, direct: bool, invoices: Mapping[int, str]) -> list[LineTuple]:
    """The payment's group: debit what received it, credit each bucket of each claim it pays."""
    debit = Account.PAID_TO_CREDITOR if direct else Account.PAYMENTS_RECEIVED
    return [
        (
            debit,
            BUCKET_ACCOUNT[p.bucket],
            p.amount,
            f"Fattura {invoices.get(claim_of(p.claim_id), '')}: {p.label}",
        )
        for p in plan.parts
    ]


def imputation_rows(plan: BookPlan, invoices: Mapping[int, str]) -> list[dict[str, object]]:
    """`Payment.imputation`: per claim and bucket, as posted."""
    return [
        {"claim": claim_of(p.claim_id), "invoice": invoices.get(claim_of(p.claim_id), ""), "bucket": p.bucket,
         "label": p.label, "amount": str(p.amount)}
        for p in plan.parts
    ]  # fmt: skip
