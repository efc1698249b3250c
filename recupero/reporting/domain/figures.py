"""Pure arithmetic of the dashboards: rates, the liquidation curve, ageing buckets (no Django)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
# Ageing of an open case by the due date of its first unpaid invoice: (label, first day, last day or None).
# Days past due are counted from the due date (excluded): due yesterday is 1 day past due; not yet due is 0.
AGEING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–30 giorni", 0, 30),
    ("31–90 giorni", 31, 90),
    ("91–180 giorni", 91, 180),
    ("181–365 giorni", 181, 365),
    ("oltre 365 giorni", 366, None),
)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole as a percentage with one decimal, 0.0 when there is nothing to divide by."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def month_index(start: dt.date, month: str) -> int:
    """Months from the affido's month to `month` ('YYYY-MM'): the affido's own month is 0."""
    year, mon = int(month[:4]), int(month[5:7])
    return (year - start.year) * 12 + mon - start.month


def liquidation_curve(
    start: dt.date, assigned: Decimal, monthly: dict[str, Decimal], months: int
) -> list[Decimal]:
    """Cumulative % of `assigned` collected by the end of each month since the affido (months 0..months-1).
    Money collected before the affido's month (a direct payment reported late, dated earlier) counts in month 0."""
    per_index: dict[int, Decimal] = {}
    for month, amount in monthly.items():
        i = max(0, month_index(start, month))
        per_index[i] = per_index.get(i, ZERO) + amount
    out, running = [], ZERO
    for i in range(months):
        running += per_index.get(i, ZERO)
        out.append(percent(running, assigned))
    return out


def average_curve(curves: Iterable[list[Decimal]], months: int) -> list[Decimal | None]:
    """Month by month, the mean of the curves that reach that month (None where none does)."""
    out: list[Decimal | None] = []
    listed = list(curves)
    for i in range(months):
        values = [c[i] for c in listed if len(c) > i]
        out.append((sum(values, Decimal("0")) / len(values)).quantize(Decimal("0.1")) if values else None)
    return out


def months_elapsed(start: dt.date, today: dt.date) -> int:
    """How many months of a curve exist today: the affido's month counts as the first."""
    return max(1, (today.year - start.year) * 12 + today.month - start.month + 1)


def worked_seconds(moments: Iterable[dt.datetime], gap_minutes: int = 15) -> int:
    """A person's worked time from the moments of their activity: the time from the first to the last moment of
    each block whose consecutive moments are less than `gap_minutes` apart (a lone moment is 0 seconds).
    The same sum as the SQL of `reporting.agency`: every gap shorter than the limit counts."""
    total, previous, limit = 0.0, None, dt.timedelta(minutes=gap_minutes)
    for moment in sorted(moments):
        if previous is not None and moment - previous < limit:
            total += (moment - previous).total_seconds()
        previous = moment
    return int(total)


def per_hour(amount: Decimal, seconds: int) -> Decimal | None:
    """`amount` per worked hour, to the cent; None with no worked time."""
    if seconds <= 0:
        return None
    return (Decimal(amount) * 3600 / seconds).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cost_per_euro(cost: Decimal, collected: Decimal) -> Decimal | None:
    """What one euro collected cost, to four decimals (0.0125 = 1.25 cents); None when nothing was collected."""
    if collected <= 0:
        return None
    return (Decimal(cost) / Decimal(collected)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def ageing_bucket(days: int) -> int:
    for i, (_label, low, high) in enumerate(AGEING_BUCKETS):
        if days >= low and (high is None or days <= high):
            return i
    return 0  # not yet due: the first bucket
