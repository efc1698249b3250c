"""The run's reads: shared per-run caches and SQL-computed due dates give the same snapshots as plain
per-claim law calls, whatever the chunk size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from recupero.cases.models import Case, Claim, TimelineEvent
from recupero.core.clock import now
from recupero.core.permissions import system_actor
from recupero.law.interest import due_date_from_receipt
from recupero.parties.domain.debtors import law_debtor_type
from recupero.strategies import selectors
from recupero.strategies.services import strategy_run
from tests import portfolio as b

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def cases():
    t = b.tenant()
    cr = b.creditor(t)
    out = []
    for i in range(6):
        c = b.case(t, cr, b.debtor(t, email=True), due=dt.date(2024, 1, 10) + dt.timedelta(days=40 * i))
        # A second invoice with no agreed term (due 30 days after SdI delivery or issue), one with the same due.
        Claim.objects.create(
            tenant=t,
            case=c,
            invoice_number=f"X{i}",
            issued_on=dt.date(2023, 6, 1) + dt.timedelta(days=i),
            sdi_delivered_on=dt.date(2023, 6, 5) if i % 2 else None,
            amount=Decimal("10.00"),
        )
        Claim.objects.create(
            tenant=t,
            case=c,
            invoice_number=f"Y{i}",
            issued_on=c.first_due_on,
            due_on=c.first_due_on,
            amount=Decimal("5.00"),
        )
        if i % 3 == 0:  # an interrupting act after the due dates
            TimelineEvent.objects.create(
                tenant=t,
                case=c,
                at=now(),
                kind="prescription.event",
                summary="diffida",
                data={"event": "demand_received", "when": "2025-09-01"},
            )
        out.append(c)
    return t, out


def _reference(t, case) -> tuple[dt.date | None, dt.date]:
    """The old path: one law call per claim, the earliest deadline."""
    events = [
        (e.data["event"], dt.date.fromisoformat(e.data["when"]))
        for e in TimelineEvent.objects.filter(case=case, kind="prescription.event")
    ]
    deadlines, dues = [], []
    for claim in Claim.objects.filter(case=case):
        due = claim.due_on or due_date_from_receipt(claim.sdi_delivered_on or claim.issued_on)
        dues.append(due)
        own = [e for e in events if due <= e[1] <= DAY]
        found = selectors.deadlines._batch(
            [(case.claim_type, law_debtor_type(case.debtor.size), due, own)], DAY, 5
        )[0]
        if found:
            deadlines.append(found[0])
    return (min(deadlines) if deadlines else None), min(dues)


def test_snapshots_do_not_depend_on_chunk_size_and_match_the_law(cases):
    t, opened = cases
    one = [s for chunk in selectors.iter_chunks(tenant=t, today=DAY, size=1) for s in chunk.snapshots]
    many = [s for chunk in selectors.iter_chunks(tenant=t, today=DAY, size=100) for s in chunk.snapshots]
    assert one == many and len(one) == len(opened)
    by_id = {s.case_id: s for s in many}
    for case in opened:
        deadline, _earliest = _reference(t, case)
        assert by_id[case.pk].prescription_deadline == deadline
    assert any(s.last_interruption == dt.date(2025, 9, 1) for s in many)


def test_report_does_not_depend_on_chunk_size(cases):
    t, _opened = cases
    small = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY, dry_run=True, chunk_size=1)
    large = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY, dry_run=True, chunk_size=5000)
    assert small.as_dict() == large.as_dict()


@pytest.mark.django_db(transaction=True)
def test_prefetch_reads_the_same_snapshots():
    t = b.tenant()
    cr = b.creditor(t)
    for i in range(7):
        b.case(t, cr, b.debtor(t, email=i % 2 == 0), due=dt.date(2025, 1, 10) + dt.timedelta(days=9 * i))
    plain = [
        (s, c.histories) for c in selectors.iter_chunks(tenant=t, today=DAY, size=3) for s in c.snapshots
    ]
    ahead = [
        (s, c.histories)
        for c in selectors.iter_chunks(tenant=t, today=DAY, size=3, prefetch=True)
        for s in c.snapshots
    ]
    assert len(plain) == 7
    assert ahead == plain


def test_the_creditors_stated_facts_reach_the_snapshot(cases):
    """Fornitura attiva / prima fattura insoluta, stated at intake, are what the utility ladder's conditions read
    (the ARERA suspension notice only on an active supply); not stated: unknown supply, not a first invoice."""
    t, opened = cases
    Case.objects.filter(pk=opened[0].pk).update(supply_active=True, first_invoice_default=True)
    Case.objects.filter(pk=opened[1].pk).update(supply_active=False, first_invoice_default=False)
    by_id = {s.case_id: s for c in selectors.iter_chunks(tenant=t, today=DAY, size=100) for s in c.snapshots}
    assert (by_id[opened[0].pk].supply_active, by_id[opened[0].pk].first_invoice_default) == (True, True)
    assert (by_id[opened[1].pk].supply_active, by_id[opened[1].pk].first_invoice_default) == (False, False)
    assert (by_id[opened[2].pk].supply_active, by_id[opened[2].pk].first_invoice_default) == (None, False)
