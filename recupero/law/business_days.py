"""Italian calendar of the whole platform: national holidays, festive days, business days.

Two notions, two names, because the law uses both:

- **festive day** (*giorno festivo*): Sunday or a national holiday. Civil-law deadlines and due dates
  that fall on one move to the next non-festive day (artt. 1187 and 2963 c.c.). Saturday is an ordinary
  day there (⚠️).
- **working day** (*giorno lavorativo*): Monday to Friday and not a national holiday. Used for operations
  (sending, banking, call windows), never for civil-law deadlines.

Holidays are data (`data/holidays_it.csv`: fixed dates and Easter Monday, with the year they start); each
year's set is computed once and cached, so a lookup is one dict access and one set membership test.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "holidays_it.csv"
_ONE_DAY = timedelta(days=1)
_SUNDAY = 6


@dataclass(frozen=True, slots=True)
class HolidayRule:
    rule: str  # "MM-DD" or "easter+1"
    from_year: int | None
    to_year: int | None
    name: str
    source: str

    def date_in(self, year: int) -> date | None:
        if (self.from_year and year < self.from_year) or (self.to_year and year > self.to_year):
            return None
        if self.rule == "easter+1":
            return easter_sunday(year) + _ONE_DAY
        month, day = self.rule.split("-")
        return date(year, int(month), int(day))


@cache
def holiday_rules() -> tuple[HolidayRule, ...]:
    with _DATA.open(encoding="utf-8") as handle:
        return tuple(
            HolidayRule(
                row["rule"],
                int(row["from_year"]) if row["from_year"] else None,
                int(row["to_year"]) if row["to_year"] else None,
                row["name"],
                row["source"],
            )
            for row in csv.DictReader(handle)
        )


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


_YEARS: dict[int, frozenset[date]] = {}


def holidays_in(year: int) -> frozenset[date]:
    """The national holidays of a year (cached frozenset)."""
    found = _YEARS.get(year)
    if found is None:
        found = frozenset(d for rule in holiday_rules() if (d := rule.date_in(year)) is not None)
        _YEARS[year] = found
    return found


def holiday_name(d: date) -> str | None:
    for rule in holiday_rules():
        if rule.date_in(d.year) == d:
            return rule.name
    return None


def is_holiday(d: date) -> bool:
    """National holiday (festività nazionale), whatever the weekday."""
    return d in holidays_in(d.year)


def is_festive(d: date) -> bool:
    """Giorno festivo for artt. 1187/2963 c.c.: Sunday or national holiday. Saturday is not festive."""
    return d.weekday() == _SUNDAY or d in holidays_in(d.year)


@functools.lru_cache(maxsize=65536)
def roll_to_non_festive(d: date) -> date:
    """The day itself if not festive, else the next non-festive day (proroga, artt. 1187 and 2963 c.c.).
    Cached: every debt's due date is rolled each time the engine opens it (a statement's thousands)."""
    while is_festive(d):
        d += _ONE_DAY
    return d


def is_working_day(d: date) -> bool:
    """Giorno lavorativo: Monday to Friday and not a national holiday."""
    return d.weekday() < 5 and d not in holidays_in(d.year)


def next_working_day(d: date) -> date:
    """The first working day strictly after `d`."""
    d += _ONE_DAY
    while not is_working_day(d):
        d += _ONE_DAY
    return d


def roll_to_working_day(d: date) -> date:
    """The day itself if working, else the next working day."""
    return d if is_working_day(d) else next_working_day(d)


def add_working_days(d: date, n: int) -> date:
    """Move `n` working days forward (or back when negative); `n == 0` returns `d` unchanged."""
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    for _ in range(abs(n)):
        d += step
        while not is_working_day(d):
            d += step
    return d
