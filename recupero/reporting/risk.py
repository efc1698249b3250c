"""The prescription-at-risk list of the nightly snapshot: open cases whose earliest claim prescribes within
`RISK_HORIZON_DAYS`. The deadlines are the strategies' daily run's own (`strategies.selectors.deadlines`):
the same claims and acts read per chunk of case ids (`_claims`, `_prescription_events`: acknowledgments,
diffide received, partial payments) and the same law-engine batch (`law.batch.prescription_batch`, per claim,
interruptions included), memoised across the portfolio — so the list and the ladder never disagree on a date.
Only what a deadline needs is read (no contacts, no history): one lean case query, two range reads per chunk.
A deadline already past is not "at risk": it is lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from recupero.cases.domain.claims import ClaimType
from recupero.cases.domain.states import OPEN_STATUSES
from recupero.core.models import Tenant
from recupero.law.errors import LawError
from recupero.law.prescription import DEBTOR_KINDS, PrescriptionSettings, add_years, term_for
from recupero.strategies.selectors.deadlines import _deadlines, _Memo
from recupero.strategies.selectors.sql import USABLE_CONTACT, _claims, _creditors, _prescription_events

RISK_HORIZON_DAYS = 365  # the snapshot keeps a year ahead; the page shows the first N days of it
CHUNK = 5000
_OPEN = tuple(sorted(s.value for s in OPEN_STATUSES))
# The columns `_deadlines` reads (case id, status, creditor, claim type, debtor, debtor size), then the balance.
_CASES = (
    "SELECT c.id, c.status, c.creditor_id, c.claim_type, c.debtor_id, d.size, c.balance, c.first_due_on"
    " FROM cases_case c JOIN parties_debtor d ON d.id = c.debtor_id"
    " WHERE c.tenant_id = %s AND c.id > %s AND c.id <= %s AND c.status IN ({marks}) ORDER BY c.id LIMIT %s"
)


@dataclass(frozen=True)
class Risk:
    case_id: int
    creditor_id: int
    deadline: dt.date
    amount: Decimal
    has_pec: bool


def prescription_risks(*, tenant: Tenant, day: dt.date, case_upto: int) -> Iterator[Risk]:
    """As of the day after `day` (the day the dashboards read the snapshot): deadlines from then to the horizon,
    for the open cases up to the snapshot's mark."""
    start = day + dt.timedelta(days=1)
    until = start + dt.timedelta(days=RISK_HORIZON_DAYS)
    telecom_years = {cid: c[4] for cid, c in _creditors(tenant).items()}
    latest = _latest_due(until, min(telecom_years.values(), default=5))
    memo, last = _Memo(start), 0
    while True:
        rows = _case_rows(tenant.pk, last, case_upto)
        if not rows:
            return
        lo, hi = rows[0][0], rows[-1][0]
        # A claim prescribes at the earliest `term` years after its due date (acts only push it later): a
        # case whose earliest due date is after the horizon less its type's shortest term cannot be at risk.
        near = [r for r in rows if r[7] is None or r[3] not in latest or memo.date(r[7]) <= latest[r[3]]]
        claims = _claims(tenant, lo, hi, memo.date)
        events = _prescription_events(tenant, lo, hi)
        deadlines = _deadlines(near, claims, events, telecom_years, start, memo)
        found = []
        for row in near:
            deadline = deadlines.get(row[0], (None,))[0]
            if deadline is not None and start <= deadline <= until:
                found.append((row, deadline))
        with_pec = _with_pec(tenant.pk, {row[4] for row, _d in found})
        for row, deadline in found:
            yield Risk(row[0], row[2], deadline, Decimal(row[6]), row[4] in with_pec)
        last = hi


def _latest_due(until: dt.date, telecom_years: int) -> dict[str, dt.date]:
    """Per claim type, the latest earliest-due-date that may prescribe by `until`: `until` less the type's
    shortest term over every kind of debtor (utilities' 2 years for consumers included), a week of margin for
    the deadline's move off holidays."""
    settings = PrescriptionSettings(telecom_years=min(telecom_years, 5))
    out = {}
    for claim_type in ClaimType:
        try:
            years = min(term_for(claim_type.value, debtor, until, settings)[0] for debtor in DEBTOR_KINDS)
        except LawError:
            continue  # a type the law engine does not know: never skipped
        out[claim_type.value] = add_years(until, -years) + dt.timedelta(days=7)
    return out


def _case_rows(tenant_id: int, after: int, upto: int) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(
            _CASES.format(marks=", ".join(["%s"] * len(_OPEN))), [tenant_id, after, upto, *_OPEN, CHUNK]
        )
        return cur.fetchall()


def _with_pec(tenant_id: int, debtors: set[int]) -> set[int]:
    """The debtors with a usable PEC address (the diffida then goes by PEC, else by raccomandata A/R)."""
    if not debtors:
        return set()
    ordered = sorted(debtors)
    # PostgreSQL: the ids as one array parameter (thousands of placeholders cost more to convert than to run).
    listed, ids = ("= ANY(%s)", [ordered]) if connection.vendor == "postgresql" else (
        f"IN ({', '.join(['%s'] * len(ordered))})", ordered)  # fmt: skip
    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT debtor_id FROM parties_contactpoint WHERE tenant_id = %s AND kind = 'pec'"
            f" AND status IN (%s, %s) AND debtor_id {listed}",
            [tenant_id, *USABLE_CONTACT, *ids],
        )
        return {row[0] for row in cur.fetchall()}
