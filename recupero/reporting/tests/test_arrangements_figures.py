"""The shared arrangement figures: open counts and amounts, kept rate = kept / (kept + broken), by kind and by
collector, cut to the actor's creditors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine

from recupero.arrangements.domain.schedule import Frequency
from recupero.arrangements.domain.states import Kind
from recupero.arrangements.selectors import Terms
from recupero.arrangements.services import arrangement_propose, arrangements_check
from recupero.arrangements.tests.helpers import mandate, pay
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.reporting.arrangements_figures import arrangement_figures, arrangement_totals
from tests import portfolio as b
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _promise(t, case, amount: str, due: dt.date, actor=None):  # type: ignore[no-untyped-def]
    terms = Terms(Kind.PROMISE, amount=D(amount), due=due)
    return arrangement_propose(tenant=t, actor=actor or system_actor(t), case=case, terms=terms)


@time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME), tick=False)
def test_kept_rate_counts_and_amounts_by_kind_and_collector_and_scope():
    t = b.tenant()
    mine, other = b.creditor(t), b.creditor(t)
    mandate(t, mine)
    mandate(t, other)
    collector = make_user(t, Role.COLLECTOR)
    cases = [b.case(t, mine, b.debtor(t), amount="1000.00") for _ in range(4)]
    foreign = b.case(t, other, b.debtor(t), amount="1000.00")
    _promise(t, cases[0], "300.00", dt.date(2026, 3, 10), collector)  # kept
    _promise(t, cases[1], "200.00", dt.date(2026, 3, 10), collector)  # broken
    _promise(t, cases[2], "150.00", dt.date(2026, 3, 20))  # still active, 50.00 paid
    _promise(t, foreign, "999.00", dt.date(2026, 3, 10))  # another creditor's
    pay(t, cases[0], "300.00", dt.date(2026, 3, 9))
    pay(t, cases[2], "50.00", dt.date(2026, 3, 9))
    arrangements_check(tenant=t, actor=system_actor(t), day=dt.date(2026, 3, 16))
    plan = Terms(Kind.PLAN, instalments=8, frequency=Frequency.MONTHLY, first_due=dt.date(2026, 3, 31))
    arrangement_propose(tenant=t, actor=system_actor(t), case=cases[3], terms=plan)  # beyond: pending

    user = make_user(t, Role.CREDITOR_USER, creditor=mine)
    by_kind = arrangement_figures(tenant=t, actor=user, by="kind")
    promise, pending_plan = by_kind["promise"], by_kind["plan"]
    assert (promise.active, promise.active_total, promise.active_paid, promise.active_outstanding) == (
        1, D("150.00"), D("50.00"), D("100.00"),
    )  # fmt: skip
    assert (promise.kept, promise.kept_total, promise.broken, promise.broken_total) == (
        1, D("300.00"), 1, D("200.00"),
    )  # fmt: skip
    assert promise.kept_rate == D("50.0")
    assert (pending_plan.pending_approval, pending_plan.pending_total, pending_plan.kept_rate) == (
        1, D("1000.00"), None,
    )  # fmt: skip
    total = arrangement_totals(by_kind)
    assert (total.active, total.pending_approval, total.kept, total.broken, total.kept_rate) == (
        1, 1, 1, 1, D("50.0"),
    )  # fmt: skip

    agency = make_user(t, Role.SUPERVISOR, username="capo")
    by_collector = arrangement_figures(tenant=t, actor=agency, by="taken_by_id")
    assert (by_collector[collector.pk].kept, by_collector[collector.pk].broken) == (1, 1)
    everything = arrangement_totals(arrangement_figures(tenant=t, actor=agency))
    assert (everything.kept, everything.broken, everything.kept_rate) == (1, 2, D("33.3"))
    since = arrangement_totals(arrangement_figures(tenant=t, actor=agency, ended_since=dt.date(2026, 3, 17)))
    assert (since.kept, since.broken, since.active) == (0, 0, 1)
    lawyer = make_user(t, Role.LAWYER, username="avvocato")
    assert arrangement_figures(tenant=t, actor=lawyer) == {}
