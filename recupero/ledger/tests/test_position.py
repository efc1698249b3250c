"""The case position (dovuto a oggi) through the real models, checked against hand-derived worked examples."""

import datetime as dt
from decimal import Decimal

import pytest

from recupero.cases.domain.claims import ClaimType
from recupero.cases.services import ClaimInput, case_open, prescription_event_record
from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.position import case_position
from recupero.ledger.services import Line, entry_post, opening_post
from tests.factories import make_assignment, make_company_case, make_debtor

pytestmark = pytest.mark.django_db
D = Decimal


def _b2b_case(tenant, creditor):
    return make_company_case(tenant, creditor)


def test_commercial_interest_and_flat_compensation(tenant, creditor):
    # 107 d at 10.50% + 184 d at 12.00% + 41 d at 12.50% on 10,000.00 / 365 = 1053.15; + €40.
    pos = case_position(case=_b2b_case(tenant, creditor), today=dt.date(2024, 2, 10))
    assert (pos.principal, pos.interest, pos.flat_compensation, pos.total_due) == (
        D("10000.00"),
        D("1053.15"),
        D("40.00"),
        D("11093.15"),
    )
    assert [r["giorni"] for r in pos.claims[0].rows] == ["107", "184", "41"]
    assert pos.warnings == []


def test_partial_payment_is_imputed_to_compensation_then_interest_then_principal(tenant, creditor):
    case = _b2b_case(tenant, creditor)
    entry_post(
        tenant=tenant,
        actor=system_actor(tenant),
        case=case,
        kind=EntryKind.PAYMENT,
        posted_on=dt.date(2023, 7, 1),
        lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, D("2000.00"))],
    )
    pos = case_position(case=case, today=dt.date(2024, 2, 10))
    # On 1/7/2023: €40, then 311.10 interest (108 days: 107 at 10.50% + 1 at 12.00%), then 1648.90 principal.
    assert pos.principal == D("8351.10")
    assert pos.flat_compensation == D("0.00")
    assert pos.payments == D("2000.00")
    assert pos.total_due == D("8970.79")


def test_missing_rate_stops_at_the_last_covered_day_and_says_so(tenant, creditor):
    pos = case_position(case=_b2b_case(tenant, creditor), today=dt.date(2026, 11, 22))
    assert pos.until == dt.date(2026, 6, 30)
    assert "2º semestre 2026" in pos.warnings[0] and "30/06/2026" in pos.warnings[0]


def test_consumer_gets_legal_interest_and_no_compensation(tenant, creditor):
    debtor = make_debtor(tenant)
    case = case_open(
        tenant=tenant,
        actor=system_actor(tenant),
        creditor=creditor,
        assignment=make_assignment(tenant, creditor),
        debtor=debtor,
        creditor_reference="C-1",
        claim_type=ClaimType.ELECTRICITY,
        commercial=False,
        claims=[ClaimInput("B-1", dt.date(2023, 6, 1), "5000.00", dt.date(2023, 6, 30))],
        opened_on=dt.date(2023, 8, 1),
    )
    opening_post(tenant=tenant, actor=system_actor(tenant), case=case, posted_on=dt.date(2023, 8, 1))
    pos = case_position(case=case, today=dt.date(2024, 6, 30))
    # 184 d of 2023 at 5.0% + 182 d of 2024 at 2.5%, on 5000 / 365 = 188.36.
    assert (pos.interest, pos.flat_compensation, pos.total_due) == (D("188.36"), D("0.00"), D("5188.36"))
    # Electricity billed to a consumer, due after 2018-03-01: 2 years from the due date.
    presc = pos.earliest_prescription
    assert (presc.deadline, presc.status, presc.days_left) == (dt.date(2025, 6, 30), "running", 365)
    # A PEC delivered 00:05 Italian time on 1 July 2025 (22:05 UTC on 30 June): one day late, no interruption.
    prescription_event_record(
        tenant=tenant,
        actor=system_actor(tenant),
        case=case,
        kind="pec_delivered",
        when=dt.datetime(2025, 6, 30, 22, 5, tzinfo=dt.UTC),
    )
    presc = case_position(case=case, today=dt.date(2025, 7, 2)).earliest_prescription
    assert (presc.deadline, presc.status) == (dt.date(2025, 6, 30), "expired")
    assert [e.interrupted for e in presc.events] == [False]


def test_pec_delivered_just_after_midnight_italian_time_interrupts(tenant, creditor):
    debtor = make_debtor(tenant)
    case = case_open(
        tenant=tenant,
        actor=system_actor(tenant),
        creditor=creditor,
        assignment=make_assignment(tenant, creditor),
        debtor=debtor,
        creditor_reference="C-2",
        claim_type=ClaimType.GAS,
        commercial=False,
        claims=[ClaimInput("G-1", dt.date(2023, 6, 1), "80.00", dt.date(2023, 6, 30))],
        opened_on=dt.date(2023, 8, 1),
    )
    opening_post(tenant=tenant, actor=system_actor(tenant), case=case, posted_on=dt.date(2023, 8, 1))
    # 22:05 UTC on 29 June 2025 is 00:05 on 30 June in Rome (summer time): the last day of the term.
    prescription_event_record(
        tenant=tenant,
        actor=system_actor(tenant),
        case=case,
        kind="pec_delivered",
        when=dt.datetime(2025, 6, 29, 22, 5, tzinfo=dt.UTC),
    )
    presc = case_position(case=case, today=dt.date(2025, 7, 2)).earliest_prescription
    assert [(e.date, e.interrupted) for e in presc.events] == [(dt.date(2025, 6, 30), True)]
    assert (presc.deadline, presc.status) == (dt.date(2027, 6, 30), "running")


@pytest.mark.parametrize(
    ("status", "due"),
    [("working", D("11093.15")), ("paid", D("0.00")), ("closed", D("0.00")), ("prescribed", D("11093.15"))],
)
def test_a_paid_or_closed_case_owes_nothing_whatever_the_engine_computes(tenant, creditor, status, due):
    """A case closed with interest still computable (an import, a settlement's write-off the engine cannot see)
    is never asked for it: nothing due, each claim to zero, and the note that says why."""
    case = _b2b_case(tenant, creditor)
    type(case).objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    pos = case_position(case=case, today=dt.date(2024, 2, 10))
    assert pos.total_due == due
    if due == 0:
        assert (pos.principal, pos.interest, pos.flat_compensation, pos.costs) == (D("0.00"),) * 4
        assert [c.principal_outstanding for c in pos.claims] == [D("0.00")]
        assert pos.warnings[-1].startswith("Pratica pagata o chiusa: non è dovuto nulla")
    else:
        assert pos.warnings == []
