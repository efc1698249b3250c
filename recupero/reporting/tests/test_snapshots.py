"""The nightly snapshot and the dashboards' totals reconcile to the ledger, cent for cent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.ledger.models import LedgerEntry
from recupero.payments.models import Payment
from recupero.payments.services import payment_record, payment_reverse
from recupero.reporting.models import CollectionMonth, Snapshot
from recupero.reporting.selectors import collected_months, portfolio_groups, portfolio_today, rollup
from recupero.reporting.services import snapshot_build
from tests.factories import (
    TAX_CODES,
    make_assignment,
    make_case,
    make_creditor,
    make_debtor,
    make_tenant,
    make_user,
)

pytestmark = pytest.mark.django_db
MARCH_END = dt.date(2026, 3, 31)


def _pay(tenant, case, amount, on, *, direct=False) -> Payment:
    return payment_record(
        tenant=tenant,
        actor=system_actor(tenant),
        case=case,
        amount=Decimal(amount),
        value_date=on,
        method="bank_transfer",
        direct=direct,
    )


@pytest.fixture
def book():
    tenant = make_tenant()
    acme, beta = make_creditor(tenant, "ACME"), make_creditor(tenant, "BETA", vat="02182030391")
    a1 = make_assignment(tenant, acme, "A1")
    c1 = make_case(tenant, acme, make_debtor(tenant, TAX_CODES[0]), assignment=a1, amounts=("1000.00",))
    c2 = make_case(
        tenant,
        acme,
        make_debtor(tenant, TAX_CODES[1], last_name="Bianchi"),
        assignment=a1,
        amounts=("500.00",),
    )
    c3 = make_case(tenant, beta, make_debtor(tenant, TAX_CODES[2], last_name="Verdi"), amounts=("300.00",))
    _pay(tenant, c1, "200.00", dt.date(2026, 2, 10))
    _pay(tenant, c1, "100.00", dt.date(2026, 3, 5), direct=True)
    wrong = _pay(tenant, c2, "50.00", dt.date(2026, 3, 12))
    payment_reverse(tenant=tenant, actor=system_actor(tenant), payment=wrong, reason="assegno insoluto")
    _pay(tenant, c3, "30.00", dt.date(2026, 3, 20))
    return tenant, acme, beta, a1, (c1, c2, c3)


def _ledger(tenant, creditor=None, *, account):
    qs = LedgerEntry.objects.filter(tenant=tenant)
    if creditor is not None:
        qs = qs.filter(case__creditor=creditor)
    debit = qs.filter(debit_account=account).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    credit = qs.filter(credit_account=account).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return debit - credit


def test_snapshot_rows_hold_the_ledgers_amounts(book):
    tenant, _acme, _beta, a1, _cases = book
    built = snapshot_build(tenant=tenant, actor=system_actor(tenant), day=MARCH_END)
    assert built.snapshot_rows == 2  # one group per assignment (no collector, no step, state "new")
    row = Snapshot.objects.get(tenant=tenant, day=MARCH_END, assignment_id=a1.pk)
    assert (row.cases, row.assigned, row.collected, row.collected_direct) == (
        2,
        Decimal("1500.00"),
        Decimal("200.00"),
        Decimal("100.00"),
    )
    assert row.paid_cases == 1  # c2's only payment was reversed: no first payment
    assert row.first_payment_days == 31  # c1: opened 10/01, first paid 10/02
    months = dict(CollectionMonth.objects.filter(assignment_id=a1.pk).values_list("month", "collected"))
    assert months == {"2026-02": Decimal("200.00"), "2026-03": Decimal("100.00")}


def test_rebuilding_a_day_replaces_it(book):
    tenant = book[0]
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=MARCH_END)
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=MARCH_END)
    assert Snapshot.objects.filter(tenant=tenant, day=MARCH_END).count() == 2
    assert sum(Snapshot.objects.filter(tenant=tenant).values_list("cases", flat=True)) == 3


def test_dashboard_totals_equal_the_ledger_snapshot_plus_today(book):
    tenant, acme, beta, a1, (c1, _c2, c3) = book
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=MARCH_END)
    _pay(tenant, c1, "45.55", dt.date(2026, 4, 15))  # after the snapshot: read from the ledger
    _pay(tenant, c3, "10.00", dt.date(2026, 4, 16), direct=True)
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    groups = portfolio_groups(tenant=tenant, actor=supervisor)
    total = rollup(groups, "assignment_id")
    collected = sum((f.collected for f in total.values()), Decimal("0"))
    direct = sum((f.collected_direct for f in total.values()), Decimal("0"))
    assigned = sum((f.assigned for f in total.values()), Decimal("0"))
    assert collected == _ledger(tenant, account="payments_received") == Decimal("275.55")
    assert sum(f.cases for f in total.values()) == 3
    assert direct == _ledger(tenant, account="paid_to_creditor") == Decimal("110.00")
    assert assigned == -_ledger(tenant, account="assigned") == Decimal("1800.00")
    by_creditor = rollup(groups, "creditor_id")
    for creditor in (acme, beta):
        figures = by_creditor[creditor.pk]
        assert figures.collected == _ledger(tenant, creditor, account="payments_received")
        assert figures.outstanding == sum(
            (
                _ledger(tenant, creditor, account=a)
                for a in ("principal", "late_interest", "flat_compensation", "collection_costs")
            ),
            Decimal("0"),
        )
    months = collected_months(tenant=tenant, actor=supervisor)[a1.pk]
    assert months == {"2026-02": Decimal("200.00"), "2026-03": Decimal("100.00"), "2026-04": Decimal("45.55")}


def test_cases_opened_after_the_snapshot_count_from_the_ledger(book):
    tenant, acme, _beta, a1, _cases = book
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=MARCH_END)
    late = make_case(tenant, acme, make_debtor(tenant, TAX_CODES[3], last_name="Ferri"), assignment=a1,
                     amounts=("99.99",))  # fmt: skip
    _pay(tenant, late, "9.99", dt.date(2026, 4, 1))
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    figures = rollup(portfolio_groups(tenant=tenant, actor=supervisor), "assignment_id")[a1.pk]
    assert (figures.cases, figures.assigned, figures.collected) == (3, Decimal("1599.99"), Decimal("209.99"))


def test_today_is_what_was_posted_today_after_the_snapshot(book):
    tenant, _acme, _beta, _a1, (c1, _c2, c3) = book
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=MARCH_END)
    on = dt.date(2026, 4, 15)
    _pay(tenant, c1, "45.55", on)
    _pay(tenant, c3, "10.00", dt.date(2026, 4, 14))
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    today_by = rollup(portfolio_today(tenant=tenant, actor=supervisor, on=on), "creditor_id")
    assert [(f.collected, f.collected_direct) for f in today_by.values()] == [
        (Decimal("45.55"), Decimal("0.00"))
    ]


def test_a_creditor_user_sees_only_its_creditor(book):
    tenant, _acme, beta, a1, _cases = book
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=MARCH_END)
    user = make_user(tenant, Role.CREDITOR_USER, creditor=beta, username="beta1")
    groups = portfolio_groups(tenant=tenant, actor=user)
    assert {g.creditor_id for g in groups} == {beta.pk}
    assert rollup(groups, "creditor_id")[beta.pk].collected == Decimal("30.00")
    assert a1.pk not in collected_months(tenant=tenant, actor=user)
    lawyer = make_user(tenant, Role.LAWYER, username="avv")
    assert portfolio_groups(tenant=tenant, actor=lawyer) == []
