"""Kept or broken: an arrangement's instalments read against the payments in the books (pure).

An instalment is on time when the payments posted up to its due date plus the grace days cover every
instalment up to it (payments fill the instalments in order of due date: the oldest first, as a debtor expects).
It is paid when today's payments cover it, missed when its deadline passed uncovered. The arrangement is broken
when `missed_to_break` instalments were not covered by their deadline, kept when every instalment is paid.
The same facts always give the same verdict: the daily check can run twice and change nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from recupero.arrangements.domain.states import ArrangementStatus, InstalmentStatus
from recupero.law.money import ZERO


@dataclass(frozen=True, slots=True)
class DueItem:
    number: int
    due: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Verdict:
    outcome: ArrangementStatus  # ACTIVE (still running), KEPT or BROKEN
    statuses: dict[int, InstalmentStatus]  # by instalment number
    paid: Decimal  # payments counted up to the day


def _paid_by(payments: list[tuple[dt.date, Decimal]], day: dt.date) -> Decimal:
    return sum((amount for on, amount in payments if on <= day), ZERO)


def evaluate(
    instalments: list[DueItem],
    payments: list[tuple[dt.date, Decimal]],
    *,
    day: dt.date,
    grace_days: int,
    missed_to_break: int,
) -> Verdict:
    paid_now = _paid_by(payments, day)
    statuses: dict[int, InstalmentStatus] = {}
    cumulative, late = ZERO, 0
    for item in sorted(instalments, key=lambda i: (i.due, i.number)):
        cumulative += item.amount
        deadline = item.due + dt.timedelta(days=grace_days)
        missed_deadline = day > deadline and _paid_by(payments, deadline) < cumulative
        late += missed_deadline
        if paid_now >= cumulative:
            statuses[item.number] = InstalmentStatus.PAID
        elif missed_deadline:
            statuses[item.number] = InstalmentStatus.MISSED
        else:
            statuses[item.number] = InstalmentStatus.PENDING
    if late >= max(missed_to_break, 1):
        outcome = ArrangementStatus.BROKEN
    elif statuses and all(s is InstalmentStatus.PAID for s in statuses.values()):
        outcome = ArrangementStatus.KEPT
    else:
        outcome = ArrangementStatus.ACTIVE
    return Verdict(outcome, statuses, paid_now)
