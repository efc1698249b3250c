"""The instalments of a plan (piano di rientro): amounts to the cent, dates that survive short months.

Pure: the total, the down payment (acconto), the number of instalments, the frequency and the first due date
in; the list of instalments out. Every amount is rounded by `law.money.round_cents`; the rounding remainder goes
on the last instalment, so the instalments always add up to the total exactly. Monthly dates are anchored to the
first due date's day: 31 Jan → 28 (29) Feb → 31 Mar, never drifting to the 28th.

Interest treatment (what the mandate allows): waived (the interest accrued is dropped from the total), frozen at
signature (the amount due on the day is split, no further interest), running at the legal rate (each instalment
carries the legal-rate interest on the balance still open since the previous due date, art. 1284 c.c.).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from recupero.core.domain.i18n import gettext_lazy
from recupero.core.errors import RecuperoError
from recupero.law.money import ZERO, round_cents


class Frequency(StrEnum):
    MONTHLY = "monthly"
    WEEKLY = "weekly"


class InterestTreatment(StrEnum):
    WAIVED = "waived"
    FROZEN = "frozen"
    RUNNING = "running"


INTEREST_LABELS = {
    InterestTreatment.WAIVED: gettext_lazy("Interessi rinunciati"),
    InterestTreatment.FROZEN: gettext_lazy("Interessi congelati alla firma"),
    InterestTreatment.RUNNING: gettext_lazy("Interessi al tasso legale sul residuo"),
}


class ScheduleError(RecuperoError, ValueError):
    """A plan that cannot be built; `code` is a stable error code of the catalogue."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, None, **params)


@dataclass(frozen=True, slots=True)
class Instalment:
    number: int  # 0 = the down payment (acconto)
    due: dt.date
    amount: Decimal  # principal + interest
    interest: Decimal = ZERO


def add_months(anchor: dt.date, months: int) -> dt.date:
    """`anchor` moved by whole months, its day clipped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def due_dates(first_due: dt.date, count: int, frequency: Frequency) -> list[dt.date]:
    if frequency is Frequency.WEEKLY:
        return [first_due + dt.timedelta(weeks=i) for i in range(count)]
    return [add_months(first_due, i) for i in range(count)]


def months_spanned(start: dt.date, last_due: dt.date) -> int:
    """The fewest whole months from `start` that reach `last_due` (a plan's length for the mandate's limit)."""
    months = 0
    while add_months(start, months) < last_due:
        months += 1
    return months


def split(amount: Decimal, count: int) -> list[Decimal]:
    """`amount` in `count` parts to the cent; the remainder of the rounding on the last part."""
    if count < 1:
        raise ScheduleError("arrangement.bad_instalments", value=count)
    part = round_cents(amount / count)
    return [part] * (count - 1) + [amount - part * (count - 1)]


def _interest(balance: Decimal, rate: Decimal, start: dt.date, end: dt.date) -> Decimal:
    days = max((end - start).days, 0)
    return round_cents(balance * rate * days / Decimal(36500))


def plan_schedule(
    *,
    total: Decimal,
    count: int,
    frequency: Frequency,
    first_due: dt.date,
    start: dt.date,
    down_payment: Decimal = ZERO,
    legal_rate: Decimal | None = None,
) -> list[Instalment]:
    """The instalments of a plan signed on `start`. The down payment, if any, falls due on `start`.

    `legal_rate` (percent a year) only for interest running at the legal rate: each instalment then adds the
    simple interest on the principal still open from the previous due date (or `start`) to its own."""
    if total <= 0:
        raise ScheduleError("arrangement.bad_total", value=total)
    if down_payment < 0 or down_payment >= total:
        raise ScheduleError("arrangement.bad_down_payment", value=down_payment, total=total)
    if first_due < start:
        raise ScheduleError("arrangement.first_due_in_past", value=first_due)
    parts = split(total - down_payment, count)
    dates = due_dates(first_due, count, frequency)
    out = [Instalment(0, start, down_payment)] if down_payment > 0 else []
    balance, previous = total - down_payment, start
    for i, (due, principal) in enumerate(zip(dates, parts, strict=True), start=1):
        interest = _interest(balance, legal_rate, previous, due) if legal_rate else ZERO
        out.append(Instalment(i, due, principal + interest, interest))
        balance, previous = balance - principal, due
    return out


def schedule_total(instalments: list[Instalment]) -> Decimal:
    return sum((i.amount for i in instalments), ZERO)


def settlement_amount(due: Decimal, discount_percent: Decimal) -> Decimal:
    """What the debtor pays under a saldo e stralcio: the amount due less the discount, to the cent."""
    if discount_percent < 0 or discount_percent >= 100:
        raise ScheduleError("arrangement.bad_discount", value=discount_percent)
    return round_cents(due * (Decimal(100) - discount_percent) / Decimal(100))


def base_total(treatment: InterestTreatment, due_today: Decimal, interest_today: Decimal) -> Decimal:
    """The amount a plan splits: without the interest accrued when the mandate waives it, else all of it."""
    if treatment is InterestTreatment.WAIVED:
        return due_today - interest_today
    return due_today
