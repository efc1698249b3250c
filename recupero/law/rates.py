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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, lru_cache
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
    check_contiguous(rows, name)
    return rows


def check_contiguous(rows: Sequence[RateRow], name: str) -> None:
    """A gap or an overlap would silently shift money: a table must be one run of consecutive periods."""
    for prev, row in itertools.pairwise(rows):
        if row.start != prev.end + timedelta(days=1):
            raise LawError(
                "law.rates_not_contiguous",
                f"Tabella dei tassi {name} non continua al {row.start:%d/%m/%Y}.",
                day=row.start,
            )


@dataclass(frozen=True, eq=False)
class RateTable:
    """The two published tables the engine reads: the ECB reference rate per half-year (D.Lgs. 231/2002
    art. 5) and the legal rate per calendar year (art. 1284 c.c.).

    Passed to the engine as an argument (`InterestRequest.rates`, `interest_batch(rates=...)`): the product
    reads it from its database, the CLI without a database uses the bundled files (`default_rates()`).
    Compared and hashed by identity, so the schedules built from one table are cached for as long as the
    caller keeps handing the same object (a new table is a new cache key, never a stale hit)."""

    ecb: tuple[RateRow, ...]
    legal: tuple[RateRow, ...]
    origin: str = "bundled"  # "bundled" (data/*.csv) | "database"
    version: str = ""

    def __post_init__(self) -> None:
        check_contiguous(self.ecb, "BCE")
        check_contiguous(self.legal, "legale")

    def rows(self, kind: str) -> tuple[RateRow, ...]:
        return self.ecb if kind == ECB else self.legal

    def last_day(self, kind: str) -> date | None:
        rows = self.rows(kind)
        return rows[-1].end if rows else None


ECB, LEGAL_KIND = "ecb", "legal"
RATE_KINDS = {ECB: "Tasso di riferimento BCE", LEGAL_KIND: "Saggio degli interessi legali"}


def kind_name(kind: str) -> str:
    """The rate's name inside a sentence ("il tasso di riferimento BCE")."""
    name = RATE_KINDS[kind]
    return name[0].lower() + name[1:]


@cache
def default_rates() -> RateTable:
    """The bundled tables (`data/*.csv`): the default for callers without a database."""
    return RateTable(_load("ecb_reference_rates.csv"), _load("legal_rates.csv"), "bundled", "files")


def ecb_reference_rates() -> tuple[RateRow, ...]:
    """ECB main refinancing rate per half-year (tasso di riferimento BCE), as published by the MEF."""
    return default_rates().ecb


def legal_rates() -> tuple[RateRow, ...]:
    """Legal interest rate per calendar year (saggio degli interessi legali, art. 1284 c.c.)."""
    return default_rates().legal


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
    _prefix: tuple[int, list[int]] | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if not self.rows:
            raise LawError(
                "law.rate_missing", "Tabella dei tassi vuota: calcolo rifiutato, nessun tasso presunto."
            )
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
            kind=LEGAL_KIND if self.kind == "legal" else ECB,
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

    def span_weight(self, after: date, until: date) -> int:
        """`weight` from the prefix sums, without building the pieces (the same integer; the same refusal of a
        day without a rate): the totals-only imputation of a statement's thousands of payments."""
        if until <= after:
            return 0
        self.check_covered(after + timedelta(days=1), until)
        base, cumulative = self.prefix
        return cumulative[until.toordinal() - base + 1] - cumulative[after.toordinal() - base + 1]

    @property
    def prefix(self) -> tuple[int, list[int]]:
        """(base ordinal, cumulative weights): Σ weights of days (a, b] = C[b-base+1] − C[a-base+1].

        Built once per schedule and kept on it (the schedules themselves are cached per rate table)."""
        if self._prefix is None:
            object.__setattr__(self, "_prefix", _build_prefix(self))
        assert self._prefix is not None
        return self._prefix


def _rate_units(rate: Decimal) -> int:
    units = rate * RATE_UNITS
    if units != units.to_integral_value() or rate < 0:
        raise LawError("law.bad_rate", f"Tasso non valido (al massimo 4 decimali, non negativo): «{rate}».")
    return int(units)


def _build_prefix(schedule: Schedule) -> tuple[int, list[int]]:
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


def commercial_schedule(margin: int, actual_divisor: bool, rates: RateTable | None = None) -> Schedule:
    """Late-payment rate (D.Lgs. 231/2002 art. 5): ECB reference rate of the half-year + margin."""
    return _commercial(margin, actual_divisor, rates or default_rates())


def legal_schedule(actual_divisor: bool, rates: RateTable | None = None) -> Schedule:
    return _legal(actual_divisor, rates or default_rates())


# Bounded: a process that sees the table change (a rate added) builds new schedules for the new table object.
@lru_cache(maxsize=32)
def _commercial(margin: int, actual_divisor: bool, rates: RateTable) -> Schedule:
    rows = tuple(
        RateRow(
            r.start,
            r.end,
            r.rate + margin,
            f"BCE {r.rate}% + {margin} punti (D.Lgs. 231/2002) — {r.source}",
        )
        for r in rates.ecb
    )
    return Schedule("commercial", rows, actual_divisor)


@lru_cache(maxsize=16)
def _legal(actual_divisor: bool, rates: RateTable) -> Schedule:
    rows = tuple(RateRow(r.start, r.end, r.rate, f"Art. 1284 c.c. — {r.source}") for r in rates.legal)
    return Schedule("legal", rows, actual_divisor)


@cache
def contractual_schedule(rate: Decimal, actual_divisor: bool) -> Schedule:
    """A rate agreed in writing (tasso convenzionale, art. 1284 c.3 c.c.), the same on every day."""
    row = RateRow(date(1990, 1, 1), date(2099, 12, 31), rate, "Tasso convenzionale pattuito per iscritto")
    return Schedule("contractual", (row,), actual_divisor)


# ---------------------------------------------------------------- periods: what a new row may be, what is missing

MISSING_GRACE_DAYS = 14  # the MEF notice comes out in the first days of the period: warn from its 15th day
MAX_RATE_DECIMALS = 3


@dataclass(frozen=True, slots=True)
class MissingRate:
    """A period that has begun without its published rate."""

    kind: str
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{RATE_KINDS[self.kind]} del {period_label(self.kind, self.start)}"


def period_label(kind: str, start: date) -> str:
    """ "2º semestre 2026" (ECB) or "anno 2026" (legal)."""
    if kind == ECB:
        return f"{1 if start.month <= 6 else 2}º semestre {start.year}"
    return f"anno {start.year}"


def period_of(kind: str, valid_from: date) -> tuple[date, date]:
    """The period a rate published from `valid_from` covers: a half-year (ECB, from 1 Jan or 1 Jul, art. 5 c.2
    D.Lgs. 231/2002) or a calendar year (legal rate, from 1 Jan, art. 1284 c.1 c.c.)."""
    if kind == ECB:
        if (valid_from.month, valid_from.day) not in ((1, 1), (7, 1)):
            raise LawError(
                "law.rate_bad_start",
                f"Il tasso BCE vale per semestre: deve decorrere dal 1º gennaio o dal 1º luglio, "
                f"non dal {valid_from:%d/%m/%Y}.",
                day=valid_from,
            )
        end = date(valid_from.year, 6, 30) if valid_from.month == 1 else date(valid_from.year, 12, 31)
        return valid_from, end
    if kind == LEGAL_KIND:
        if (valid_from.month, valid_from.day) != (1, 1):
            raise LawError(
                "law.rate_bad_start",
                f"Il saggio legale vale per anno: deve decorrere dal 1º gennaio, non dal {valid_from:%d/%m/%Y}.",
                day=valid_from,
            )
        return valid_from, date(valid_from.year, 12, 31)
    raise LawError("law.rate_bad_kind", f"Tipo di tasso sconosciuto: «{kind}» (ecb oppure legal).", kind=kind)


def parse_rate(text: str) -> Decimal:
    """A published percentage as typed ("2,15", "2.150"): not negative, below 100, at most 3 decimals."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        rate = Decimal(cleaned)
    except ArithmeticError:
        rate = Decimal("NaN")
    if not rate.is_finite() or rate < 0 or rate >= 100 or _decimals(rate) > MAX_RATE_DECIMALS:
        raise LawError(
            "law.bad_rate",
            f"Tasso non valido: «{text}» (percentuale tra 0 e 100, al massimo {MAX_RATE_DECIMALS} decimali).",
            value=text,
        )
    return rate


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def next_row(table: RateTable, kind: str, valid_from: date, rate: Decimal, source: str) -> RateRow:
    """The row to append to `kind`'s table, or the reason it cannot be: a table stays one run of periods, so a
    new rate is for the period right after the last one (a duplicate or a gap is refused)."""
    start, end = period_of(kind, valid_from)
    if not source.strip():
        raise LawError(
            "law.rate_no_source", "Indicare la fonte del tasso (comunicato in Gazzetta Ufficiale)."
        )
    rows = table.rows(kind)
    if any(r.start == start for r in rows):
        raise LawError(
            "law.rate_duplicate",
            f"Il {kind_name(kind)} del {period_label(kind, start)} è già presente.",
            day=start,
        )
    expected = rows[-1].end + timedelta(days=1) if rows else start
    if start != expected:
        raise LawError(
            "law.rate_not_next",
            f"Il {kind_name(kind)} si aggiunge per il periodo successivo all'ultimo presente: "
            f"{period_label(kind, expected)} (dal {expected:%d/%m/%Y}).",
            day=expected,
        )
    _rate_units(rate)
    return RateRow(start, end, rate, source.strip())


def missing_rates(table: RateTable, today: date, grace_days: int = MISSING_GRACE_DAYS) -> list[MissingRate]:
    """Periods begun at least `grace_days` days ago (from their 15th day) that have no rate in `table`."""
    out: list[MissingRate] = []
    for kind in (ECB, LEGAL_KIND):
        last = table.last_day(kind)
        start = last + timedelta(days=1) if last else None
        while start is not None and start + timedelta(days=grace_days) <= today:
            _, end = period_of(kind, start)
            out.append(MissingRate(kind, start, end))
            start = end + timedelta(days=1)
    return out
