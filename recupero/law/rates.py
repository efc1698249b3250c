"""Rate tables as data and the exact day-count arithmetic built on them.

Each table is a CSV in `data/` with one row per period (`from,to,rate,source`); a day outside every row has no
rate and the engine refuses it (`law.rate_missing`) instead of guessing.

Exactness: a rate is held as an integer in units of 1/10,000 of a percent and a day's weight is
`rate_units × (LCM(365, 366) / divisor)`; a principal in cents times the sum of the daily weights, over `DEN`,
is the interest in cents as an exact fraction. So the total is rounded once, and summing per-segment weights
or subtracting two cumulative sums (the batch path) gives the very same integer.
"""

from __future__ import annotations

import csv
import itertools
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from recupero.law.errors import LawError

_DATA = Path(__file__).parent / "data"
LCD = 365 * 366
RATE_UNITS = 10_000  # a rate of 10.50% is 105_000 units
DEN = 100 * RATE_UNITS * LCD  # interest in cents = principal_cents × Σ weights / DEN
COMMERCIAL_MARGIN_FROM_2013 = 8  # D.Lgs. 231/2002 art. 5 as amended by D.Lgs. 192/2012
COMMERCIAL_MARGIN_BEFORE_2013 = 7
NEW_REGIME_FROM = date(2013, 1, 1)


def day_factor(year: int, actual_divisor: bool) -> int:
    """LCD / divisor: 366 for a 365-day year (the default "anno civile" count), 365 for 366 in leap years."""
    if actual_divisor and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return LCD // 366
    return LCD // 365


@dataclass(frozen=True, slots=True)
class RateRow:
    """One row of a rate table as read from its data file."""

    start: date
    end: date
    rate: Decimal
    source: str


def _load(name: str) -> tuple[RateRow, ...]:
    with (_DATA / name).open(encoding="utf-8") as handle:
        rows = tuple(
            RateRow(
                date.fromisoformat(r["from"]), date.fromisoformat(r["to"]), Decimal(r["rate"]), r["source"]
            )
            for r in csv.DictReader(handle)
        )
    for prev, row in itertools.pairwise(rows):
        # a gap or an overlap would silently shift money: the file must be contiguous
        assert row.start == prev.end + timedelta(days=1), f"{name}: rows not contiguous at {row.start}"
    return rows


@cache
def ecb_reference_rates() -> tuple[RateRow, ...]:
    """ECB main refinancing rate per half-year (tasso di riferimento BCE), as published by the MEF."""
    return _load("ecb_reference_rates.csv")


@cache
def legal_rates() -> tuple[RateRow, ...]:
    """Legal interest rate per calendar year (saggio degli interessi legali, art. 1284 c.c.)."""
    return _load("legal_rates.csv")


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of days with one rate and one divisor."""

    start: date
    end: date
    days: int
    rate: Decimal
    source: str
    weight: int  # Σ daily weights over the piece


@dataclass(frozen=True)
class Schedule:
    """A rate for each day of a covered range, plus the divisor convention."""

    kind: str  # "commercial" | "legal" | "contractual"
    rows: tuple[RateRow, ...]
    actual_divisor: bool
    _starts: list[int] = field(init=False, repr=False, compare=False)
    _units: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [r.start.toordinal() for r in self.rows])
        object.__setattr__(self, "_units", [_rate_units(r.rate) for r in self.rows])

    @property
    def first(self) -> date:
        return self.rows[0].start

    @property
    def last(self) -> date:
        return self.rows[-1].end

    def check_covered(self, start: date, end: date) -> None:
        """Refuse any day in [start, end] that has no row (the rate is never guessed)."""
        if start < self.first:
            self._missing(start)
        if end > self.last:
            self._missing(max(start, self.last + timedelta(days=1)))

    def _missing(self, day: date) -> None:
        if self.kind == "legal":
            period = f"anno {day.year}"
            what = "Saggio degli interessi legali"
        else:
            period = f"{1 if day.month <= 6 else 2}º semestre {day.year}"
            what = "Tasso di riferimento BCE"
        raise LawError(
            "law.rate_missing",
            f"{what} non disponibile per il periodo {period}: calcolo rifiutato, nessun tasso presunto.",
            period=period,
            day=day,
        )

    def pieces(self, after: date, until: date) -> list[Piece]:
        """Days after `after` up to and including `until`, split at rate rows and at years."""
        if until <= after:
            return []
        start = after + timedelta(days=1)
        self.check_covered(start, until)
        out: list[Piece] = []
        i = bisect_right(self._starts, start.toordinal()) - 1
        while start <= until:
            row, units = self.rows[i], self._units[i]
            end = min(row.end, until, date(start.year, 12, 31))
            days = (end - start).days + 1
            weight = units * days * day_factor(start.year, self.actual_divisor)
            out.append(Piece(start, end, days, row.rate, row.source, weight))
            start = end + timedelta(days=1)
            if start > row.end:
                i += 1
        return out

    def weight(self, after: date, until: date) -> int:
        return sum(p.weight for p in self.pieces(after, until))

    @property
    def prefix(self) -> tuple[int, list[int]]:
        """(base ordinal, cumulative weights): Σ weights of days (a, b] = C[b-base+1] − C[a-base+1]."""
        return _prefix(self)


def _rate_units(rate: Decimal) -> int:
    units = rate * RATE_UNITS
    if units != units.to_integral_value() or rate < 0:
        raise LawError("law.bad_rate", f"Tasso non valido (al massimo 4 decimali, non negativo): «{rate}».")
    return int(units)


@cache
def _prefix(schedule: Schedule) -> tuple[int, list[int]]:
    base = schedule.first.toordinal()
    cumulative = [0]
    total = 0
    for row, units in zip(schedule.rows, schedule._units, strict=True):
        for ordinal in range(row.start.toordinal(), row.end.toordinal() + 1):
            total += units * day_factor(date.fromordinal(ordinal).year, schedule.actual_divisor)
            cumulative.append(total)
    return base, cumulative


def commercial_margin(contract_date: date | None) -> int:
    """+8 points for contracts concluded from 2013-01-01 (or unknown date), +7 before (D.Lgs. 192/2012)."""
    if contract_date is not None and contract_date < NEW_REGIME_FROM:
        return COMMERCIAL_MARGIN_BEFORE_2013
    return COMMERCIAL_MARGIN_FROM_2013


@cache
def commercial_schedule(margin: int, actual_divisor: bool) -> Schedule:
    """Late-payment rate (D.Lgs. 231/2002 art. 5): ECB reference rate of the half-year + margin."""
    rows = tuple(
        RateRow(
            r.start,
            r.end,
            r.rate + margin,
            f"BCE {r.rate}% + {margin} punti (D.Lgs. 231/2002) — {r.source}",
        )
        for r in ecb_reference_rates()
    )
    return Schedule("commercial", rows, actual_divisor)


@cache
def legal_schedule(actual_divisor: bool) -> Schedule:
    rows = tuple(RateRow(r.start, r.end, r.rate, f"Art. 1284 c.c. — {r.source}") for r in legal_rates())
    return Schedule("legal", rows, actual_divisor)


@cache
def contractual_schedule(rate: Decimal, actual_divisor: bool) -> Schedule:
    """A rate agreed in writing (tasso convenzionale, art. 1284 c.3 c.c.), the same on every day."""
    row = RateRow(date(1990, 1, 1), date(2099, 12, 31), rate, "Tasso convenzionale pattuito per iscritto")
    return Schedule("contractual", (row,), actual_divisor)
