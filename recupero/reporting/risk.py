"""The prescription-at-risk list of the nightly snapshot: open cases whose earliest claim prescribes within
`RISK_HORIZON_DAYS`, read through the strategies' daily-run reader (`iter_chunks`): the same chunked,
set-based queries and the same law-engine deadlines (`law.batch.prescription_batch`, per claim, interruptions
— acknowledgments, diffide received, partial payments — included), memoised across the portfolio, so the
list and the ladder never disagree on a date. A deadline already past is not "at risk": it is lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from recupero.cases.models import Case
from recupero.core.models import Tenant
from recupero.strategies.selectors.chunks import iter_chunks

RISK_HORIZON_DAYS = 365  # the snapshot keeps a year ahead; the page shows the first N days of it


@dataclass(frozen=True)
class Risk:
    case_id: int
    creditor_id: int
    deadline: dt.date
    amount: Decimal
    has_pec: bool


def prescription_risks(*, tenant: Tenant, day: dt.date) -> Iterator[Risk]:
    """As of the day after `day` (the day the dashboards read the snapshot): deadlines from then to the horizon."""
    start = day + dt.timedelta(days=1)
    until = start + dt.timedelta(days=RISK_HORIZON_DAYS)
    for chunk in iter_chunks(tenant=tenant, today=start):
        found = [
            s
            for s in chunk.snapshots
            if s.prescription_deadline is not None and start <= s.prescription_deadline <= until
        ]
        if not found:
            continue
        creditors = dict(
            Case.objects.filter(pk__in=[s.case_id for s in found]).values_list("pk", "creditor_id")
        )
        for s in found:
            assert s.prescription_deadline is not None
            yield Risk(
                int(s.case_id), creditors[s.case_id], s.prescription_deadline, s.balance, s.contacts.pec
            )
