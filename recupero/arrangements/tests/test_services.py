"""Arrangements on the database: limits and approval, expiry, kept and broken by the books, idempotence,
the write-off of a settlement, replacement, the written summary and its acceptance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine

from recupero.arrangements.domain.schedule import Frequency
from recupero.arrangements.domain.states import Kind
from recupero.arrangements.models import Arrangement
from recupero.arrangements.selectors import Terms, arrangements_pending, instalment_notices, rules_for
from recupero.arrangements.services import (
    arrangement_approve,
    arrangement_cancel,
    arrangement_propose,
    arrangement_reject,
    arrangements_check,
    policy_set,
    summary_accept,
    summary_prepare,
)
from recupero.arrangements.tests.helpers import pay, reverse, world
from recupero.cases.models import Case, TimelineEvent
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import EntryKind
from recupero.ledger.models import LedgerEntry
from tests import portfolio
from tests.factories import make_user

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)


def plan(count: int, first: dt.date = dt.date(2026, 3, 31), down: str = "0") -> Terms:
    return Terms(
        Kind.PLAN, instalments=count, frequency=Frequency.MONTHLY, first_due=first, down_payment=D(down)
    )


def propose(t, case, terms, **kw) -> Arrangement:  # type: ignore[no-untyped-def]
    actor = kw.pop("actor", None) or system_actor(t)
    return arrangement_propose(tenant=t, actor=actor, case=case, terms=terms, **kw)


def status(case: Case) -> str:
    case.refresh_from_db()
    return case.status


def check(t, day: dt.date) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return arrangements_check(tenant=t, actor=system_actor(t), day=day)


@time_machine.travel(NOW, tick=False)
def test_plan_within_limits_is_active_at_once_with_its_schedule():
    t, _, case = world()
    a = propose(t, case, plan(4))
    assert (a.status, a.total, a.amount_due > D("1000.00"), a.breaches) == ("active", D("1000.00"), True, [])
    assert [(i.number, i.due_on, i.amount) for i in a.instalments.order_by("number")] == [
        (1, dt.date(2026, 3, 31), D("250.00")),
        (2, dt.date(2026, 4, 30), D("250.00")),
        (3, dt.date(2026, 5, 31), D("250.00")),
        (4, dt.date(2026, 6, 30), D("250.00")),
    ]
    assert status(case) == "plan"
    assert TimelineEvent.objects.filter(case=case, kind="arrangement.proposed").count() == 1


@time_machine.travel(NOW, tick=False)
def test_plan_beyond_limits_waits_for_the_creditor_and_is_approved_with_a_reason():
    t, cr, case = world()
    a = propose(t, case, plan(8))
    assert a.status == "pending_approval"
    assert [b["code"] for b in a.breaches] == [
        "arrangement.limit.max_instalments",
        "arrangement.limit.max_months",
    ]
    assert a.expires_on == dt.date(2026, 3, 12)
    assert status(case) == "new"  # the ladder's status is untouched until someone decides
    approver = make_user(t, Role.CREDITOR_USER, creditor=cr)
    assert [p.pk for p in arrangements_pending(tenant=t, actor=approver)] == [a.pk]
    with pytest.raises(DomainError) as exc:
        arrangement_approve(tenant=t, actor=approver, arrangement=a, reason=" ")
    assert exc.value.code == "arrangement.reason_required"
    a = arrangement_approve(tenant=t, actor=approver, arrangement=a, reason="cliente storico")
    assert (a.status, a.decided_by_id, a.decision_reason) == ("active", approver.pk, "cliente storico")
    assert status(case) == "plan"


@time_machine.travel(NOW, tick=False)
def test_approval_scope_collector_cannot_and_other_creditor_user_gets_not_found():
    t, _, case = world()
    a = propose(t, case, plan(8))
    collector = make_user(t, Role.COLLECTOR)
    with pytest.raises(DomainError) as exc:
        arrangement_approve(tenant=t, actor=collector, arrangement=a, reason="ok")
    assert exc.value.code == "auth.forbidden"
    other = make_user(t, Role.CREDITOR_USER, creditor=portfolio.creditor(t))
    with pytest.raises(DomainError) as exc:
        arrangement_approve(tenant=t, actor=other, arrangement=a, reason="ok")
    assert exc.value.code == "auth.not_found"
    a.refresh_from_db()
    assert a.status == "pending_approval"


@time_machine.travel(NOW, tick=False)
def test_reject_then_expiry_of_an_undecided_proposal():
    t, _, case = world()
    a = propose(t, case, plan(8))
    a = arrangement_reject(tenant=t, actor=system_actor(t), arrangement=a, reason="troppe rate")
    assert (a.status, a.ended_on) == ("rejected", DAY)
    b = propose(t, case, plan(10))
    assert check(t, dt.date(2026, 3, 12))["expired"] == 0
    assert check(t, dt.date(2026, 3, 13))["expired"] == 1
    b.refresh_from_db()
    assert (b.status, b.ended_on) == ("expired", dt.date(2026, 3, 13))
    assert check(t, dt.date(2026, 3, 13)) == {"expired": 0, "candidates": 0}


@time_machine.travel(NOW, tick=False)
def test_one_open_arrangement_per_case_unless_replaced():
    t, _, case = world()
    old = propose(t, case, plan(4))
    with pytest.raises(DomainError) as exc:
        propose(t, case, plan(5))
    assert exc.value.code == "arrangement.already_active"
    new = propose(t, case, Terms(Kind.SETTLEMENT, discount_percent=D("20")), replace=True)
    old.refresh_from_db()
    assert (old.status, old.end_reason, new.replaces_id) == (
        "replaced",
        "sostituito da un nuovo accordo",
        old.pk,
    )
    assert set(old.instalments.values_list("status", flat=True)) == {"cancelled"}
    # the discount applies to the whole amount due today, interest included (1000.00 + 20.43 at the legal rate)
    assert (new.status, new.amount_due, new.total) == ("active", D("1020.43"), D("816.34"))
    assert status(case) == "settlement"


@time_machine.travel(NOW, tick=False)
def test_promise_refusals_and_kept_promise():
    t, _, case = world()
    with pytest.raises(DomainError) as exc:
        propose(t, case, Terms(Kind.PROMISE, amount=D("100.00"), due=dt.date(2026, 3, 1)))
    assert exc.value.code == "arrangement.date_in_past"
    with pytest.raises(DomainError) as exc:
        propose(t, case, Terms(Kind.PROMISE, amount=D("100.00"), due=dt.date(2026, 4, 2)))
    assert (exc.value.code, exc.value.params["limit"]) == ("arrangement.promise_beyond_horizon", "01/04/2026")
    with pytest.raises(DomainError) as exc:
        propose(t, case, Terms(Kind.PROMISE, amount=D("5000.00"), due=dt.date(2026, 3, 10)))
    assert exc.value.code == "arrangement.promise_above_due"
    assert Arrangement.objects.count() == 0
    a = propose(t, case, Terms(Kind.PROMISE, amount=D("300.00"), due=dt.date(2026, 3, 10)))
    assert (a.status, a.total, status(case)) == ("active", D("300.00"), "promise")
    pay(t, case, "300.00", dt.date(2026, 3, 9))
    assert check(t, dt.date(2026, 3, 9))["kept"] == 1
    a.refresh_from_db()
    assert (a.status, a.paid_seen, status(case)) == ("kept", D("300.00"), "working")


@time_machine.travel(NOW, tick=False)
def test_broken_plan_resumes_the_ladder_and_a_second_run_changes_nothing():
    t, _, case = world()
    a = propose(t, case, plan(4))
    pay(t, case, "250.00", dt.date(2026, 3, 30))
    assert check(t, dt.date(2026, 4, 5)) == {"expired": 0, "candidates": 1, "instalments_paid": 1}
    assert check(t, dt.date(2026, 4, 5)) == {"expired": 0, "candidates": 0}
    assert check(t, dt.date(2026, 5, 5)) == {"expired": 0, "candidates": 1}  # 2nd due 30/4, grace to 5/5
    assert check(t, dt.date(2026, 5, 6)) == {
        "expired": 0,
        "candidates": 1,
        "instalments_missed": 1,
        "broken": 1,
    }
    a.refresh_from_db()
    assert (a.status, a.ended_on, status(case)) == ("broken", dt.date(2026, 5, 6), "working")
    assert [i.status for i in a.instalments.order_by("number")] == [
        "paid",
        "missed",
        "cancelled",
        "cancelled",
    ]
    events = TimelineEvent.objects.filter(case=case, kind="arrangement.broken")
    assert events.count() == 1
    assert check(t, dt.date(2026, 5, 6)) == {"expired": 0, "candidates": 0}
    assert events.count() == 1


@time_machine.travel(NOW, tick=False)
def test_reversed_payment_does_not_count():
    t, _, case = world()
    a = propose(t, case, Terms(Kind.PROMISE, amount=D("200.00"), due=dt.date(2026, 3, 5)))
    entries = pay(t, case, "200.00", dt.date(2026, 3, 4))
    reverse(t, entries[0])
    assert check(t, dt.date(2026, 3, 11))["broken"] == 1
    a.refresh_from_db()
    assert (a.status, a.paid_seen) == ("broken", D("0.00"))


@time_machine.travel(NOW, tick=False)
def test_plan_kept_closes_the_case_as_paid():
    t, _, case = world()
    a = propose(t, case, plan(2))
    pay(t, case, "500.00", dt.date(2026, 3, 31))
    pay(t, case, "500.00", dt.date(2026, 4, 30))
    assert check(t, dt.date(2026, 4, 30))["kept"] == 1
    a.refresh_from_db()
    assert (a.status, status(case), case.closed_on) == ("kept", "paid", dt.date(2026, 4, 30))


@time_machine.travel(NOW, tick=False)
def test_settlement_paid_writes_off_the_rest_and_closes_the_case():
    t, _, case = world()
    a = propose(t, case, Terms(Kind.SETTLEMENT, discount_percent=D("10"), first_due=dt.date(2026, 3, 20)))
    assert (a.status, a.total) == ("active", a.amount_due - (a.amount_due * D("0.10")).quantize(D("0.01")))
    pay(t, case, str(a.total), dt.date(2026, 3, 19))
    assert check(t, dt.date(2026, 3, 19))["kept"] == 1
    write_offs = LedgerEntry.objects.filter(case=case, kind=EntryKind.WRITE_OFF)
    assert [(e.debit_account, e.credit_account, e.amount) for e in write_offs] == [
        ("write_offs", "principal", D("1000.00") - a.total)
    ]
    assert (status(case), case.balance) == ("closed", D("0.00"))
    assert check(t, dt.date(2026, 3, 20)) == {"expired": 0, "candidates": 0}
    assert write_offs.count() == 1


@time_machine.travel(NOW, tick=False)
def test_settlement_beyond_the_discount_limit_and_broken_settlement():
    t, _, case = world()
    a = propose(t, case, Terms(Kind.SETTLEMENT, discount_percent=D("25"), first_due=dt.date(2026, 3, 20)))
    assert [b["code"] for b in a.breaches] == ["arrangement.limit.max_discount"]
    arrangement_approve(tenant=t, actor=system_actor(t), arrangement=a, reason="ultima offerta")
    assert check(t, dt.date(2026, 3, 26))["broken"] == 1
    event = TimelineEvent.objects.get(case=case, kind="arrangement.broken")
    assert "Lo sconto decade" in event.summary
    assert LedgerEntry.objects.filter(case=case, kind=EntryKind.WRITE_OFF).count() == 0


@time_machine.travel(NOW, tick=False)
def test_cancel_and_notices_for_the_strategies():
    t, _, case = world()
    a = propose(t, case, plan(2, first=dt.date(2026, 3, 4)))
    notices = instalment_notices(tenant=t, day=DAY, reminder_days=3)
    assert [(n.kind, n.number, n.due_on, n.amount) for n in notices] == [
        ("reminder", 1, dt.date(2026, 3, 4), D("500.00"))
    ]
    a = arrangement_cancel(tenant=t, actor=system_actor(t), arrangement=a, reason="inserito per errore")
    assert (a.status, status(case)) == ("cancelled", "working")
    assert instalment_notices(tenant=t, day=DAY) == []


def test_missed_instalment_notice_with_tolerance():
    rules = {"missed_to_break": 2, "interest": "waived"}
    with time_machine.travel(NOW, tick=False):
        t, _, case = world(rules=rules)
        propose(t, case, plan(2, first=dt.date(2026, 3, 4)))
    assert check(t, dt.date(2026, 3, 10))["instalments_missed"] == 1
    notices = instalment_notices(tenant=t, day=dt.date(2026, 3, 10))
    assert [(n.kind, n.number) for n in notices] == [("missed", 1)]


@time_machine.travel(NOW, tick=False)
def test_summary_accepted_by_link_interrupts_prescription():
    t, _, case = world()
    a = propose(t, case, plan(4))
    offer, token = summary_prepare(tenant=t, actor=system_actor(t), arrangement=a)
    assert offer.deadline == NOW + dt.timedelta(days=15)
    assert "Rata 4: 250,00 € entro il 30/06/2026" in offer.text
    assert len(offer.text_sha256) == 64 and token not in offer.token_hash
    done = summary_accept(tenant=t, actor=system_actor(t), acceptance=offer, ip="203.0.113.7")
    assert (done.accepted_at, done.accepted_ip, done.accepted_channel) == (NOW, "203.0.113.7", "web")
    ack = TimelineEvent.objects.get(case=case, kind="prescription.event")
    assert (ack.data["event"], ack.data["when"]) == ("acknowledgment", "2026-03-02")
    with pytest.raises(DomainError) as exc:
        summary_accept(tenant=t, actor=system_actor(t), acceptance=offer, ip="203.0.113.7")
    assert exc.value.code == "arrangement.offer_used"


def test_summary_after_the_deadline_is_refused():
    with time_machine.travel(NOW, tick=False):
        t, _, case = world()
        a = propose(t, case, plan(4))
        offer, _ = summary_prepare(tenant=t, actor=system_actor(t), arrangement=a)
    with (
        time_machine.travel(NOW + dt.timedelta(days=15, seconds=1), tick=False),
        pytest.raises(DomainError) as exc,
    ):
        summary_accept(tenant=t, actor=system_actor(t), acceptance=offer, ip=None)
    assert (exc.value.code, exc.value.params["deadline"]) == ("arrangement.offer_expired", "17/03/2026")
    offer.refresh_from_db()
    assert offer.accepted_at is None
    assert not TimelineEvent.objects.filter(case=case, kind="prescription.event").exists()


def test_policy_set_by_an_administrator_only_and_read_back():
    t, _, case = world()
    mandate = case.creditor.mandates.get()
    with pytest.raises(DomainError) as exc:
        policy_set(tenant=t, actor=make_user(t, Role.COLLECTOR), mandate=mandate, rules={})
    assert exc.value.code == "auth.forbidden"
    with pytest.raises(DomainError) as exc:
        policy_set(
            tenant=t, actor=system_actor(t), mandate=mandate, rules={"plan_bands": [{"max_amount": "x"}]}
        )
    assert exc.value.code == "request.invalid"
    policy = policy_set(tenant=t, actor=system_actor(t), mandate=mandate, rules={"grace_days": 9})
    assert (policy.rules, rules_for(mandate).grace_days) == ({"grace_days": 9}, 9)
