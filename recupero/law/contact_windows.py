"""When a debtor may be called: the contact-window presets a mandate chooses (LEGAL.md §4, UNIREC), as data.

The presets live in `data/contact_windows.toml` with their source. The daily run keeps calls inside them (the
strategies' window guard) and so does a collector's call-back (worklists): one definition for both.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from recupero.law.business_days import is_holiday
from recupero.law.errors import LawError

DATA = Path(__file__).parent / "data" / "contact_windows.toml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WINDOW = "unirec"
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ContactWindow:
    """Hours in which a collector may call, per weekday (Monday first); None = no calls that day."""

    code: str
    days: tuple[tuple[time, time] | None, ...]  # 7 entries
    on_holidays: bool = False  # UNIREC: none on national holidays
    name: str = ""
    source: str = ""

    def on(self, d: date) -> tuple[time, time] | None:
        if not self.on_holidays and is_holiday(d):
            return None
        return self.days[d.weekday()]

    def next_open(self, d: date) -> date:
        """The first day from `d` (included) with a window. A week holds at most three holidays in a row."""
        for _ in range(14):
            if self.on(d) is not None:
                return d
            d += _ONE_DAY
        raise ValueError(f"contact window {self.code!r} never opens")

    def admits(self, moment: datetime) -> bool:
        """Whether a call at this (Italian, naive or aware-in-Rome) moment is inside the window."""
        hours = self.on(moment.date())
        return hours is not None and hours[0] <= moment.time().replace(tzinfo=None) <= hours[1]


def _hours(value: str, where: str) -> tuple[time, time] | None:
    if not value:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise LawError("window.bad_hours", f"Fascia oraria non valida in {where}: «{value}».") from None
    if start >= end:
        raise LawError("window.bad_hours", f"Fascia oraria non valida in {where}: «{value}».")
    return start, end


def parse_contact_windows(raw: Mapping[str, Any]) -> dict[str, ContactWindow]:
    return {
        code: ContactWindow(
            code,
            tuple(_hours(preset.get(day, ""), f"{code}.{day}") for day in WEEKDAYS),
            on_holidays=bool(preset.get("on_holidays", False)),
            name=str(preset.get("name", code)),
            source=str(preset.get("source", "")),
        )
        for code, preset in raw.items()
    }


@cache
def load_contact_windows(path: Path = DATA) -> Mapping[str, ContactWindow]:
    with path.open("rb") as fh:
        return parse_contact_windows(tomllib.load(fh))


def window_for(code: str, windows: Mapping[str, ContactWindow] | None = None) -> ContactWindow:
    """A mandate's window; an unknown code falls back to the default (never to "no limits")."""
    windows = windows if windows is not None else load_contact_windows()
    found = windows.get(code)
    return found if found is not None else windows[DEFAULT_WINDOW]
