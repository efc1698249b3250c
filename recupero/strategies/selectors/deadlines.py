"""Prescription deadlines of a chunk's claims through the law engine's batch path, memoised for the run: the
same request gives the same answer, so a million cases share a few thousand computations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from recupero.law.batch import prescription_batch
from recupero.law.errors import LawError
from recupero.law.prescription import INTERRUPTING, PrescriptionSettings
from recupero.parties.domain.debtors import law_debtor_type
from recupero.strategies.selectors.sql import _date


class _Memo:
    """Caches of one run (one `today`): parsed dates, law debtor types, the prescription deadline of a claim
    per (telecom years, claim type, debtor type, due date, acts) — with no act, one table per (telecom years,
    claim type, debtor type): due date → deadline. A million cases share a few thousand of them."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.dates: dict[Any, dt.date] = {}
        self.debtor_types: dict[str, str] = {}
        self.deadlines: dict[tuple[Any, ...], dt.date | None] = {}
        self.tables: dict[tuple[int, str, str], dict[dt.date, dt.date | None]] = {}

    def date(self, value: Any) -> dt.date:
        if type(value) is dt.date:  # PostgreSQL: already a date; SQLite: ISO text, parsed once per value
            return value
        found = self.dates.get(value)
        if found is None:
            found = self.dates[value] = _date(value)  # type: ignore[assignment]
            assert found is not None
        return found

    def debtor_type(self, size: str) -> str:
        found = self.debtor_types.get(size)
        if found is None:
            found = self.debtor_types[size] = law_debtor_type(size)
        return found


def _deadlines(
    rows: list[tuple[Any, ...]],
    claims: dict[int, list[dt.date]],
    events: dict[int, list[tuple[str, dt.date]]],
    telecom_years: dict[int, int],
    today: dt.date,
    memo: _Memo | None = None,
) -> dict[int, tuple[dt.date | None, dt.date | None, dt.date | None]]:
    """case id → (earliest prescription deadline of its claims, last interruption, earliest due date).

    Each claim's deadline is `law.batch.prescription_batch` of (claim type, debtor type, due date, the acts
    on or after it), under the creditor's telecom term; the same request gives the same answer, so it is
    computed once per run (`memo`) and the chunk sends only the requests it has not seen to the law engine."""
    memo = memo or _Memo(today)
    known, tables = memo.deadlines, memo.tables
    out: dict[int, tuple[dt.date | None, dt.date | None, dt.date | None]] = {}
    plain: list[tuple[int, dt.date | None, list[dt.date], dict[dt.date, dt.date | None]]] = []
    acting: list[tuple[int, dt.date | None, list[tuple[Any, ...]]]] = []
    missing: dict[int, dict[tuple[Any, ...], tuple[str, str, dt.date, list[tuple[str, dt.date]]]]] = {}
    debtor_type = memo.debtor_type
    for case_id, _s, creditor_id, claim_type, _d, size, *_rest in rows:
        dues = claims.get(case_id)
        if not dues:
            continue  # no claim: no deadline, no due date from the claims (the case row's dates are used)
        years = telecom_years.get(creditor_id, 5)
        acts_all = events.get(case_id)
        last: dt.date | None = None
        acts: list[tuple[str, dt.date]] = []
        if acts_all:
            acts = [e for e in acts_all if e[1] <= today]
            interrupting = [day for kind, day in acts if kind in INTERRUPTING]
            last = max(interrupting) if interrupting else None
        debtor = debtor_type(size)
        # With no act, the deadline depends on the due date only: one table per telecom term, claim type and
        # debtor type.
        table = tables.get((years, claim_type, debtor))
        if table is None:
            table = tables[(years, claim_type, debtor)] = {}
        if not acts:
            for due in dues:
                if due not in table:
                    missing.setdefault(years, {})[(years, claim_type, debtor, due, ())] = (
                        claim_type,
                        debtor,
                        due,
                        [],
                    )
            plain.append((case_id, last, dues, table))
            continue
        keys = []
        for due in dues:
            own = [e for e in acts if e[1] >= due]  # an act before the due date interrupts nothing
            key = (years, claim_type, debtor, due, tuple(own))
            keys.append(key)
            if (key not in known) if own else (due not in table):
                missing.setdefault(years, {})[key] = (claim_type, debtor, due, own)
        acting.append((case_id, last, keys))
    for years, requests in missing.items():
        results = _batch(list(requests.values()), today, years)
        for key, result in zip(requests, results, strict=True):
            deadline = result[0] if result else None
            if key[4]:
                known[key] = deadline
            else:
                tables[key[:3]][key[3]] = deadline
    for case_id, last, dues, table in plain:
        deadline = None
        for due in dues:
            day = table[due]
            if day is not None and (deadline is None or day < deadline):
                deadline = day
        out[case_id] = (deadline, last, min(dues))
    for case_id, last, keys in acting:
        deadline = None
        for key in keys:
            day = known[key] if key[4] else tables[key[:3]][key[3]]
            if day is not None and (deadline is None or day < deadline):
                deadline = day
        out[case_id] = (deadline, last, min(key[3] for key in keys))
    return out


def _batch(
    requests: list[tuple[str, str, dt.date, list[tuple[str, dt.date]]]], today: dt.date, years: int
) -> list[tuple[dt.date, str] | None]:
    settings = PrescriptionSettings(telecom_years=years)
    try:
        return list(prescription_batch(requests, today=today, settings=settings))
    except LawError:
        # One odd claim (an unknown type) must not stop the run: retry one by one, None for the odd ones.
        out: list[tuple[dt.date, str] | None] = []
        for request in requests:
            try:
                out.append(prescription_batch([request], today=today, settings=settings)[0])
            except LawError:
                out.append(None)
        return out
