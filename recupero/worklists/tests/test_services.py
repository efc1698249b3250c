"""Call outcomes through services: a promise moves the case, a wrong number marks the contact point."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from recupero.cases.models import Dispute
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.models import AuditLog
from recupero.core.permissions import system_actor
from recupero.core.states import status_move
from recupero.parties.models import ContactPoint, Mandate
from recupero.parties.services import mandate_create
from recupero.worklists.domain.items import TRANSITIONS, ItemStatus, Outcome
from recupero.worklists.models import WorkItem
from recupero.worklists.selectors import call_queue
from recupero.worklists.services import WorkItemSpec, work_item_assign, work_item_complete, work_items_create
from tests import portfolio as b
from tests.factories import make_user

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def _item(t, c, key, kind="call", window=(dt.time(8, 30), dt.time(21, 0))):
    work_items_create(
        tenant=t,
        actor=system_actor(t),
        specs=[WorkItemSpec(c.pk, kind, "call_1", "call_standard", DAY, window, key)],
    )
    return WorkItem.objects.get(idempotency_key=key)


def test_queue_window_order_and_idempotent_create():
    t = b.tenant()
    cr = b.creditor(t)
    small = b.case(t, cr, b.debtor(t, mobile=True), amount="100.00")
    big = b.case(t, cr, b.debtor(t, mobile=True), amount="900.00")
    _item(t, small, "k1")
    _item(t, big, "k2")
    assert (
        work_items_create(
            tenant=t,
            actor=system_actor(t),
            specs=[WorkItemSpec(big.pk, "call", "call_1", "", DAY, None, "k2")],
        )
        == 0
    )
    queue = call_queue(tenant=t, actor=system_actor(t), today=DAY, at=dt.time(10, 0))
    assert [i.case_id for i in queue] == [big.pk, small.pk]
    assert call_queue(tenant=t, actor=system_actor(t), today=DAY, at=dt.time(22, 0)) == []


NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)  # Monday morning in Italy


@time_machine.travel(NOW, tick=False)
def test_promise_moves_the_case_and_wrong_number_marks_the_contact():
    t = b.tenant()
    cr = b.creditor(t)
    c = b.case(t, cr, b.debtor(t, mobile=True))
    item = _item(t, c, "p1")
    with pytest.raises(DomainError) as err:
        work_item_complete(
            tenant=t, actor=system_actor(t), item=item, outcome=Outcome.PROMISE, data={"amount": "x"}
        )
    assert (err.value.code, err.value.params["field"]) == ("worklist.bad_amount", "amount")
    done = work_item_complete(
        tenant=t,
        actor=system_actor(t),
        item=item,
        outcome=Outcome.PROMISE,
        data={"amount": "60,25", "date": "20/03/2026"},
    )
    c.refresh_from_db()
    assert c.status == "promise" and done.outcome_data == {"amount": "60.25", "date": "2026-03-20"}
    event = c.timeline.filter(kind="worklist.call").get()
    assert event.summary == "Telefonata: Promessa di pagamento di 60,25 € entro il 20/03/2026"
    other = b.case(t, cr, b.debtor(t, mobile=True))
    wrong = _item(t, other, "w1")
    work_item_complete(tenant=t, actor=system_actor(t), item=wrong, outcome=Outcome.WRONG_NUMBER)
    assert ContactPoint.objects.get(debtor_id=other.debtor_id, kind="mobile").status == "wrong"
    with pytest.raises(DomainError):
        work_item_complete(tenant=t, actor=system_actor(t), item=wrong, outcome=Outcome.NO_ANSWER)


# (amount, date) → code: the case's 120,50 € (due 10/02/2025) owes 120,50 + interest + 40 € on 02/03/2026.
@pytest.mark.parametrize(
    ("amount", "date", "code"),
    [
        ("99.999,00", "20/03/2026", "worklist.promise_above_due"),
        ("1.234,56", "20/03/2026", "worklist.promise_above_due"),
        ("100,00", "01/03/2026", "worklist.promise_in_past"),
        ("100,00", "02/04/2026", "worklist.promise_beyond_horizon"),
        ("100,00", "31/02/2026", "worklist.bad_date"),
        ("12,345", "20/03/2026", "worklist.bad_amount"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_a_promise_out_of_bounds_changes_nothing(amount, date, code):
    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t, mobile=True))
    item = _item(t, c, "p2")
    with pytest.raises(DomainError) as err:
        work_item_complete(
            tenant=t,
            actor=system_actor(t),
            item=item,
            outcome=Outcome.PROMISE,
            data={"amount": amount, "date": date},
        )
    assert err.value.code == code
    item.refresh_from_db()
    c.refresh_from_db()
    assert (item.status, c.status, c.timeline.count()) == ("open", "new", 1)


@time_machine.travel(NOW, tick=False)
def test_the_mandates_horizon_bounds_a_promise():
    t = b.tenant()
    cr = b.creditor(t)
    mandate_create(
        tenant=t,
        actor=system_actor(t),
        creditor=cr,
        reference="M-1",
        starts_on=dt.date(2026, 1, 1),
        commission_percent=Decimal("10.00"),
        allowed_channels=["letter"],
        strategy_code="utility-std",
    )
    Mandate.objects.filter(creditor=cr).update(promise_max_days=60)
    c = b.case(t, cr, b.debtor(t, mobile=True))
    done = work_item_complete(
        tenant=t,
        actor=system_actor(t),
        item=_item(t, c, "p3"),
        outcome=Outcome.PROMISE,
        data={"amount": "50", "date": "01/05/2026"},  # 60 days from 02/03
    )
    assert done.outcome_data["date"] == "2026-05-01"


@time_machine.travel(NOW, tick=False)
def test_a_call_back_with_date_and_time_creates_the_call_for_that_moment():
    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t, mobile=True))
    collector = make_user(t, Role.COLLECTOR, username="esattore")
    item = _item(t, c, "cb1")
    work_item_complete(
        tenant=t,
        actor=collector,
        item=item,
        outcome=Outcome.CALL_BACK,
        data={"date": "03/03/2026", "time": "10:30"},
    )
    again = WorkItem.objects.get(idempotency_key=f"callback:{item.pk}")
    assert (again.kind, again.status, again.due_on) == ("call", "open", dt.date(2026, 3, 3))
    assert (again.window_start, again.window_end, again.assigned_to) == (
        dt.time(10, 30),
        dt.time(21),
        collector,
    )
    event = c.timeline.filter(kind="worklist.call").get()
    assert event.summary == "Telefonata: Richiamare il 03/03/2026 alle 10:30"
    day = dt.date(2026, 3, 3)
    assert call_queue(tenant=t, actor=collector, today=day, at=dt.time(10, 0)) == []
    assert [i.pk for i in call_queue(tenant=t, actor=collector, today=day, at=dt.time(10, 31))] == [again.pk]


@pytest.mark.parametrize(
    ("date", "time", "code"),
    [
        ("08/03/2026", "10:00", "worklist.callback_outside_window"),  # Sunday
        ("03/03/2026", "22:00", "worklist.callback_outside_window"),
        ("02/03/2026", "09:00", "worklist.callback_in_past"),
        ("03/03/2026", "25:00", "worklist.bad_time"),
        ("3 marzo", "10:00", "worklist.bad_date"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_a_call_back_outside_the_window_changes_nothing(date, time, code):
    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t, mobile=True))
    item = _item(t, c, "cb2")
    with pytest.raises(DomainError) as err:
        work_item_complete(
            tenant=t,
            actor=system_actor(t),
            item=item,
            outcome=Outcome.CALL_BACK,
            data={"date": date, "time": time},
        )
    assert err.value.code == code
    assert WorkItem.objects.filter(case=c).count() == 1
    item.refresh_from_db()
    assert item.status == "open"


# --- the item's own life: closed once, through its table; assignment ------------------------------------------


def test_a_dispute_moves_the_case_and_records_the_note():
    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t, mobile=True))
    assert c.status == "new"
    item = _item(t, c, "d1")
    done = work_item_complete(
        tenant=t, actor=system_actor(t), item=item, outcome=Outcome.DISPUTE, note="fattura già pagata"
    )
    c.refresh_from_db()
    moves = [(e.data["from"], e.data["to"]) for e in c.timeline.filter(kind="case.status").order_by("id")]
    assert (c.status, moves) == ("disputed", [("new", "disputed")])
    dispute = Dispute.objects.get(case=c)  # the dispute itself (issue 12): reason "other" when none is given
    assert (dispute.reason, dispute.description, dispute.channel) == (
        "other",
        "fattura già pagata",
        "telefono",
    )
    assert (done.status, done.outcome, done.outcome_data) == (
        "done",
        "dispute",
        {"note": "fattura già pagata", "dispute": dispute.pk, "reason": "other"},
    )


def test_a_closed_item_cannot_be_closed_again_and_nothing_changes():
    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t, mobile=True))
    item = _item(t, c, "n1")
    work_item_complete(tenant=t, actor=system_actor(t), item=item, outcome=Outcome.NO_ANSWER)
    stale = WorkItem.objects.get(pk=item.pk)
    with pytest.raises(DomainError) as err:
        work_item_complete(tenant=t, actor=system_actor(t), item=stale, outcome=Outcome.PROMISE)
    assert err.value.code == "worklist.closed"
    stored = WorkItem.objects.get(pk=item.pk)
    assert (stored.status, stored.outcome) == ("done", "no_answer")
    assert c.timeline.filter(kind="worklist.call").count() == 1


def test_an_outcome_of_another_kind_is_refused_and_the_item_stays_open():
    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t, mobile=True))
    item = _item(t, c, "v1")
    with pytest.raises(DomainError) as err:
        work_item_complete(tenant=t, actor=system_actor(t), item=item, outcome=Outcome.NOT_HOME)
    assert (err.value.code, err.value.message) == ("worklist.bad_outcome", "Esito non previsto: «not_home».")
    assert WorkItem.objects.get(pk=item.pk).status == "open"
    assert not c.timeline.filter(kind="worklist.call").exists()


def test_assigning_an_item_names_the_user_and_refuses_another_agencys():
    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t, mobile=True))
    item = _item(t, c, "a1")
    supervisor = make_user(t, Role.SUPERVISOR, username="capoturno")
    collector = make_user(t, Role.COLLECTOR, username="esattore")
    done = work_item_assign(tenant=t, actor=supervisor, item=item, user=collector)
    assert WorkItem.objects.get(pk=item.pk).assigned_to_id == collector.pk == done.assigned_to_id
    row = AuditLog.objects.filter(tenant=t, action="worklist.assign").get()
    assert (row.actor_id, row.object_id) == (supervisor.pk, str(item.pk))
    stranger = make_user(b.tenant("other"), Role.COLLECTOR, username="esterno")
    with pytest.raises(DomainError) as err:
        work_item_assign(tenant=t, actor=supervisor, item=item, user=stranger)
    assert err.value.code == "tenant.mismatch"
    assert WorkItem.objects.get(pk=item.pk).assigned_to_id == collector.pk


@pytest.mark.parametrize(
    ("source", "target", "moved"),
    [
        ("open", "done", True),
        ("open", "cancelled", True),
        ("done", "cancelled", False),
        ("cancelled", "done", False),
    ],
)
def test_an_item_moves_only_through_its_table(source, target, moved):
    t = b.tenant()
    item = _item(t, b.case(t, b.creditor(t), b.debtor(t, mobile=True)), "s1")
    WorkItem.objects.filter(pk=item.pk).update(status=source)
    assert status_move(item, ItemStatus(target), TRANSITIONS) is moved
    assert WorkItem.objects.get(pk=item.pk).status == (target if moved else source)
