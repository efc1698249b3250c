"""The collector's desk on the database: routing rules, bulk assignment, the lock, the new outcomes, the
call-prep card and the field agent's day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from recupero.cases.models import Case, Dispute
from recupero.cases.selectors import CaseFilters
from recupero.core.audit import audit_shown  # noqa: F401  (the selectors note what they show)
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.models import AuditLog
from recupero.core.permissions import system_actor
from recupero.parties.models import ContactPoint, Debtor
from recupero.worklists.desk import (
    assignment_rule_add,
    team_create,
    work_item_release,
    work_item_take,
    work_items_bulk_assign,
)
from recupero.worklists.domain.items import ItemKind, Outcome
from recupero.worklists.models import WorkItem
from recupero.worklists.selectors import call_prep, desk_overview, items_visible, my_queue, visit_day
from recupero.worklists.services import WorkItemSpec, work_item_complete, work_items_create
from tests import portfolio as b
from tests.factories import make_user as _make_user

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)
_names = iter(f"operatore{n:03d}q" for n in range(1000))


def user(t, role):
    return _make_user(t, role, username=next(_names))


def items(t, cases, kind="call"):
    specs = [WorkItemSpec(c.pk, kind, "s1", "", DAY, None, f"{kind}-{c.pk}") for c in cases]
    work_items_create(tenant=t, actor=system_actor(t), specs=specs)
    return [WorkItem.objects.get(idempotency_key=f"{kind}-{c.pk}") for c in cases]


def test_rules_route_new_items_first_match_wins():
    t = b.tenant()
    cr1, cr2 = b.creditor(t), b.creditor(t)
    sup = user(t, Role.SUPERVISOR)
    anna, bruno, carla = user(t, Role.COLLECTOR), user(t, Role.COLLECTOR), user(t, Role.COLLECTOR)
    team = team_create(tenant=t, actor=sup, name="Grandi importi", members=[bruno, carla])
    assignment_rule_add(tenant=t, actor=sup, position=10, creditor_id=cr2.pk, user=anna)
    assignment_rule_add(tenant=t, actor=sup, position=20, amount_min=Decimal("1000"), team=team)
    assignment_rule_add(tenant=t, actor=sup, position=30, language="de", user=carla)
    small, big, other = (
        b.case(t, cr1, b.debtor(t)),
        b.case(t, cr1, b.debtor(t), amount="1500.00"),
        b.case(t, cr2, b.debtor(t), amount="2000.00"),
    )
    german_debtor = b.debtor(t)
    Debtor.objects.filter(pk=german_debtor.pk).update(country="DE")
    german = b.case(t, cr1, german_debtor)
    got = items(t, [small, big, other, german])
    routed = {
        i.case_id: (i.assigned_to_id, i.team_id) for i in WorkItem.objects.filter(pk__in=[i.pk for i in got])
    }
    assert routed == {
        small.pk: (None, None),
        big.pk: (None, team.pk),
        other.pk: (anna.pk, None),
        german.pk: (carla.pk, None),
    }
    with pytest.raises(DomainError) as err:
        assignment_rule_add(tenant=t, actor=sup, user=anna, team=team)
    assert err.value.code == "desk.bad_rule"
    with pytest.raises(DomainError) as err:
        assignment_rule_add(tenant=t, actor=anna, user=anna)
    assert err.value.code == "auth.forbidden"


def test_queues_per_collector_and_team():
    t = b.tenant()
    cr = b.creditor(t)
    sup = user(t, Role.SUPERVISOR)
    anna, bruno, dario = user(t, Role.COLLECTOR), user(t, Role.COLLECTOR), user(t, Role.COLLECTOR)
    team = team_create(tenant=t, actor=sup, name="Nord", members=[bruno])
    c1, c2, c3 = (b.case(t, cr, b.debtor(t), amount=a) for a in ("100.00", "200.00", "300.00"))
    i1, i2, i3 = items(t, [c1, c2, c3])
    WorkItem.objects.filter(pk=i1.pk).update(assigned_to=anna)
    WorkItem.objects.filter(pk=i2.pk).update(team=team)
    assert [i.pk for i in my_queue(tenant=t, actor=anna, kind=ItemKind.CALL, today=DAY)] == [i1.pk]
    assert [i.pk for i in my_queue(tenant=t, actor=bruno, kind=ItemKind.CALL, today=DAY)] == [i2.pk]
    # dario sees the shared queue only: not anna's, not the team's
    assert sorted(i.pk for i in items_visible(tenant=t, actor=dario, kind=ItemKind.CALL)) == [i3.pk]
    with pytest.raises(DomainError):
        work_item_take(tenant=t, actor=dario, item=i2)
    counts = {(r.label, r.count) for r in desk_overview(tenant=t, actor=sup, today=DAY) if r.kind == "call"}
    assert counts == {(anna.username, 1), ("Nord", 1), ("Coda comune", 1)}


def test_bulk_assignment_from_the_case_list_filters():
    t = b.tenant()
    cr1, cr2 = b.creditor(t), b.creditor(t)
    sup, anna = user(t, Role.SUPERVISOR), user(t, Role.COLLECTOR)
    mi = [b.case(t, cr1, b.debtor(t)) for _ in range(3)]
    other = b.case(t, cr2, b.debtor(t))
    got = items(t, [*mi, other])
    n = work_items_bulk_assign(
        tenant=t, actor=sup, filters=CaseFilters(creditor_id=cr1.pk), kind=ItemKind.CALL, user=anna
    )
    assert n == 3
    assigned = dict(
        WorkItem.objects.filter(pk__in=[i.pk for i in got]).values_list("case_id", "assigned_to_id")
    )
    assert assigned == {**{c.pk: anna.pk for c in mi}, other.pk: None}
    log = AuditLog.objects.filter(action="worklist.bulk_assign").get()
    assert log.details["count"] == 3 and log.details["user"] == anna.pk
    with pytest.raises(DomainError) as err:
        work_items_bulk_assign(tenant=t, actor=anna, filters=CaseFilters(), kind=ItemKind.CALL, user=anna)
    assert err.value.code == "auth.forbidden"


@time_machine.travel(NOW, tick=False)
def test_one_collector_at_a_time_until_the_lock_expires():
    t = b.tenant()
    anna, bruno = user(t, Role.COLLECTOR), user(t, Role.COLLECTOR)
    (item,) = items(t, [b.case(t, b.creditor(t), b.debtor(t, mobile=True))])
    work_item_take(tenant=t, actor=anna, item=item)
    with pytest.raises(DomainError) as err:
        work_item_take(tenant=t, actor=bruno, item=item)
    assert err.value.code == "desk.locked"
    with pytest.raises(DomainError) as err:
        work_item_complete(tenant=t, actor=bruno, item=item, outcome=Outcome.NO_ANSWER)
    assert err.value.code == "desk.locked"
    assert WorkItem.objects.get(pk=item.pk).status == "open"
    with time_machine.travel(NOW + dt.timedelta(minutes=16), tick=False):
        work_item_take(tenant=t, actor=bruno, item=item)  # anna's lock expired
        assert WorkItem.objects.get(pk=item.pk).locked_by_id == bruno.pk
        work_item_release(tenant=t, actor=bruno, item=item)
    assert WorkItem.objects.get(pk=item.pk).locked_by_id is None


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (Outcome.DECEASED, "legal"),
        (Outcome.INSOLVENCY, "legal"),
        (Outcome.REFUSED, "working"),
        (Outcome.RIGHT_PARTY, "working"),
        (Outcome.NO_ANSWER, "new"),
    ],
)
def test_outcomes_lead_the_case(outcome, status):
    t = b.tenant()
    (item,) = items(t, [b.case(t, b.creditor(t), b.debtor(t, mobile=True))])
    work_item_complete(tenant=t, actor=user(t, Role.COLLECTOR), item=item, outcome=outcome)
    assert Case.objects.get(pk=item.case_id).status == status


@time_machine.travel(NOW, tick=False)
def test_dispute_outcome_opens_a_dispute_and_wrong_party_marks_the_number():
    t = b.tenant()
    collector = user(t, Role.COLLECTOR)
    a, c = items(
        t,
        [
            b.case(t, b.creditor(t), b.debtor(t, mobile=True)),
            b.case(t, b.creditor(t), b.debtor(t, mobile=True)),
        ],
    )
    work_item_complete(
        tenant=t,
        actor=collector,
        item=a,
        outcome=Outcome.DISPUTE,
        data={"reason": "already_paid"},
        note="pagato a gennaio",
    )
    dispute = Dispute.objects.get(case_id=a.case_id)
    assert (dispute.reason, dispute.channel, dispute.description, dispute.status) == (
        "already_paid",
        "telefono",
        "pagato a gennaio",
        "open",
    )
    assert Case.objects.get(pk=a.case_id).status == "disputed"
    work_item_complete(tenant=t, actor=collector, item=c, outcome=Outcome.WRONG_PARTY)
    assert (
        ContactPoint.objects.get(debtor_id=Case.objects.get(pk=c.case_id).debtor_id, kind="mobile").status
        == "wrong"
    )


@time_machine.travel(NOW, tick=False)
def test_visit_moved_creates_a_skip_trace_and_the_day_groups_by_municipality():
    t = b.tenant()
    agent = user(t, Role.FIELD_AGENT)
    cr = b.creditor(t)
    d1, d2 = b.debtor(t), b.debtor(t)
    ContactPoint.objects.filter(debtor=d2, kind="address").update(
        municipality="Monza", province="MB", cap="20900"
    )
    v1, v2 = items(t, [b.case(t, cr, d1, amount="200.00"), b.case(t, cr, d2, amount="100.00")], kind="visit")
    day = visit_day(tenant=t, actor=agent, today=DAY)
    assert [(m.name, m.province, [s.item.pk for s in m.stops]) for m in day] == [
        ("Monza", "MB", [v2.pk]),
        ("Milano", "MI", [v1.pk]),
    ]
    work_item_complete(tenant=t, actor=agent, item=v1, outcome=Outcome.MOVED)
    trace = WorkItem.objects.get(idempotency_key=f"moved:{v1.pk}")
    assert (trace.kind, trace.case_id, trace.status) == ("skip_trace", v1.case_id, "open")
    work_item_complete(tenant=t, actor=agent, item=v2, outcome=Outcome.DOOR_NOTICE)
    assert WorkItem.objects.get(pk=v2.pk).outcome == "door_notice"


@time_machine.travel(NOW, tick=False)
def test_call_prep_card():
    t = b.tenant()
    cr1, cr2 = b.creditor(t), b.creditor(t)
    debtor = b.debtor(t, mobile=True, phone=True)
    case = b.case(t, cr1, debtor, amount="345.67")
    other = b.case(t, cr2, debtor, amount="99.90")
    collector = user(t, Role.COLLECTOR)
    (first,) = items(t, [case])
    work_item_complete(
        tenant=t,
        actor=collector,
        item=first,
        outcome=Outcome.PROMISE,
        data={"amount": "50,00", "date": "10/03/2026"},
    )
    WorkItem.objects.filter(pk=first.pk).update(idempotency_key="old")
    (second,) = items(t, [case])
    prep = call_prep(tenant=t, actor=collector, item_id=second.pk, today=DAY)
    claim = prep.claims[0]
    assert prep.terms == [(claim, 30)]  # issued 30 days before due (tests/portfolio)
    assert prep.position is not None and prep.position.principal == Decimal("345.67")
    assert [c.pk for c in prep.other_cases] == [other.pk]
    assert [c.amount for c in prep.other_claims[other.pk]] == [Decimal("99.90")]
    assert [(p.amount, p.due, p.ended) for p in prep.promises] == [
        (Decimal("50.00"), dt.date(2026, 3, 10), "in corso")
    ]
    assert sorted(p.kind for p in prep.phones) == ["mobile", "phone"]
    assert prep.window_today is not None
    assert prep.answered_hours == ["10:00"]
    assert prep.last_contacts[0].kind == "worklist.call"
    # a consultant of the first creditor does not see the debtor's invoices of the other creditor
    consultant = user(t, Role.CONSULTANT)
    consultant.consulted_creditors.add(cr1)
    prep = call_prep(tenant=t, actor=consultant, item_id=second.pk, today=DAY)
    assert prep.other_cases == [] and prep.other_claims == {}


def test_new_items_carry_their_cases_balance_and_my_queue_reads_it_largest_first():
    t = b.tenant()
    cr = b.creditor(t)
    anna = user(t, Role.COLLECTOR)
    cases = [b.case(t, cr, b.debtor(t), amount=a) for a in ("100.00", "300.00", "200.00")]
    got = items(t, cases)
    assert [WorkItem.objects.get(pk=i.pk).priority for i in got] == [
        Decimal("100.00"),
        Decimal("300.00"),
        Decimal("200.00"),
    ]
    WorkItem.objects.filter(pk__in=[i.pk for i in got]).update(assigned_to=anna)
    queue = my_queue(tenant=t, actor=anna, kind=ItemKind.CALL, today=DAY)
    assert [i.case.balance for i in queue] == [Decimal("300.00"), Decimal("200.00"), Decimal("100.00")]
