"""Call outcomes through services: a promise moves the case, a wrong number marks the contact point."""

from __future__ import annotations

import datetime as dt

import pytest

from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.parties.models import ContactPoint
from recupero.worklists.domain.items import Outcome
from recupero.worklists.models import WorkItem
from recupero.worklists.selectors import call_queue
from recupero.worklists.services import WorkItemSpec, work_item_complete, work_items_create
from tests import portfolio as b

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


def test_promise_moves_the_case_and_wrong_number_marks_the_contact():
    t = b.tenant()
    cr = b.creditor(t)
    c = b.case(t, cr, b.debtor(t, mobile=True))
    item = _item(t, c, "p1")
    with pytest.raises(DomainError):
        work_item_complete(
            tenant=t, actor=system_actor(t), item=item, outcome=Outcome.PROMISE, data={"amount": "x"}
        )
    done = work_item_complete(
        tenant=t,
        actor=system_actor(t),
        item=item,
        outcome=Outcome.PROMISE,
        data={"amount": "60,25", "date": "2026-03-20"},
    )
    c.refresh_from_db()
    assert c.status == "promise" and done.outcome_data == {"amount": "60.25", "date": "2026-03-20"}
    assert (
        c.timeline.filter(kind="worklist.call").get().summary.startswith("Telefonata: Promessa di pagamento")
    )
    other = b.case(t, cr, b.debtor(t, mobile=True))
    wrong = _item(t, other, "w1")
    work_item_complete(tenant=t, actor=system_actor(t), item=wrong, outcome=Outcome.WRONG_NUMBER)
    assert ContactPoint.objects.get(debtor_id=other.debtor_id, kind="mobile").status == "wrong"
    with pytest.raises(DomainError):
        work_item_complete(tenant=t, actor=system_actor(t), item=wrong, outcome=Outcome.NO_ANSWER)
