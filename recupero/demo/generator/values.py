"""Small values of the generator: dates and euros as the bulk writer takes them, the references it is given, the
fast random picks, the stated facts and payment plans."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from functools import cache

from recupero.demo.domain.plan import STATUS_MIX, TODAY, AssignmentPlan
from recupero.parties.domain.geo import Municipality, municipalities

_STATUS_NAMES = tuple(s for s, _ in STATUS_MIX)
_STATUS_CUM = tuple(itertools.accumulate(w for _, w in STATUS_MIX))
_TODAY = TODAY.toordinal()


@cache
def iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


@cache
def it_date(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).strftime("%d/%m/%Y")


def euro(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


@dataclass
class CreditorRef:
    """What the generator needs of a creditor already written to the database."""

    id: int
    code: str
    sector: str
    consultant_id: int | None
    assignments: list[tuple[int, AssignmentPlan]]  # (assignment id, plan)


@dataclass
class Counters:
    """Next primary key per table and next case number: the generator reserves ids itself."""

    ids: dict[str, int]
    seq: int
    debtors_made: int = 0


@dataclass
class _Debtor:
    id: int
    province: str
    group: str  # "person" or "business": which creditors may share the debtor
    size: str
    creditor: int


@dataclass
class _Places:
    items: tuple[Municipality, ...]
    cum: list[int]

    def pick(self, rng: random.Random) -> Municipality:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


@cache
def _places() -> _Places:
    # Provincial capitals weigh like forty small towns: most debtors live in or near a city.
    items = tuple(m for m in municipalities() if m.caps and m.belfiore)
    cum, total = [], 0
    for m in items:
        total += 40 if m.is_capital else 1
        cum.append(total)
    return _Places(items, cum)


def _randint(rng: random.Random, low: int, high: int) -> int:
    """random.randint without its argument checks: this runs a few million times per million cases."""
    return low + int(rng.random() * (high - low + 1))


def _choice(rng: random.Random, seq: tuple[str, ...] | tuple[int, ...]):  # type: ignore[no-untyped-def]
    return seq[int(rng.random() * len(seq))]


def _head(rng: random.Random, seq: tuple[str, ...]) -> str:
    """Pick from a list ordered by frequency: the head is picked more often than the tail."""
    return seq[int(len(seq) * rng.random() ** 1.6)]


def _stated_facts(sector: str, seq: int) -> tuple[int | None, int | None]:
    """(supply_active, first_invoice_default) as the creditor states them: utilities say whether the supply is
    still active (1 in 7 ceased) and flag the customers whose first invoice is unpaid (1 in 11), telcos only the
    latter, suppliers neither. From the case number, not the random stream, so the rest of the demo is unchanged."""
    first = int(seq % 11 == 0)
    if sector == "utility":
        return int(seq % 7 != 0), first
    if sector == "telco":
        return None, first
    return None, None


def _reference(sector: str, seq: int) -> str:
    """The creditor's own reference for the position, in each creditor's style."""
    if sector == "utility":
        return f"CC{seq * 37 % 10**10:010d}"
    if sector == "telco":
        return f"9{seq:09d}"
    return f"CLI-{seq:07d}"


def _payment_plan(rng: random.Random, status: str, original: int) -> list[int]:
    """Amounts (cents) already paid, by status: paid in full, instalments of a plan, a first tranche..."""
    if status in ("paid", "closed"):
        parts = 1 if rng.random() < 0.6 else _randint(rng, 2, 4)
        if parts == 1 or original < parts * 100:
            return [original]
        each = original // parts
        return [each] * (parts - 1) + [original - each * (parts - 1)]
    share = 0.0
    if status == "plan":
        instalments = _randint(rng, 6, 24)
        done = _randint(rng, 0, min(6, instalments - 1))
        each = original // instalments
        return [each] * done if each > 0 else []
    if status == "promise" and rng.random() < 0.35:
        share = rng.uniform(0.1, 0.4)
    elif status == "settlement" and rng.random() < 0.5:
        share = rng.uniform(0.2, 0.5)
    elif status in ("working", "legal") and rng.random() < 0.08:
        share = rng.uniform(0.05, 0.3)
    cents = int(original * share)
    return [cents] if cents > 0 else []
