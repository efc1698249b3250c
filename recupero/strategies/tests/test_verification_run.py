"""Issue 10 end to end: flags set at intake reach the daily run's snapshots; a held step asks for one
verification task (verifica anagrafica); closing it "verified" clears the flags and the ladder goes on."""

from __future__ import annotations

import datetime as dt

import pytest

from recupero.channels.models import Communication
from recupero.core.clock import now
from recupero.core.permissions import system_actor
from recupero.parties.models import ContactPoint, Debtor
from recupero.strategies import selectors
from recupero.strategies.services import strategy_run
from recupero.worklists.domain.items import Outcome
from recupero.worklists.models import WorkItem
from recupero.worklists.services import work_item_complete
from tests import portfolio as b

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)  # a Monday


def _snapshot(t, case):
    return next(
        s for c in selectors.iter_chunks(tenant=t, today=DAY) for s in c.snapshots if s.case_id == case.pk
    )


def test_the_flags_reach_the_snapshot():
    t = b.tenant()
    cr = b.creditor(t)
    plain = b.case(t, cr, b.debtor(t, email=True))
    flagged = b.case(t, cr, b.debtor(t, email=True))
    Debtor.objects.filter(pk=flagged.debtor_id).update(identity_status="to_verify")
    ContactPoint.objects.filter(debtor_id=flagged.debtor_id, kind="address").update(status="to_verify")
    one, two = _snapshot(t, plain), _snapshot(t, flagged)
    assert (one.identity_to_verify, one.contacts.address, one.contacts.address_to_verify) == (
        False,
        True,
        False,
    )
    assert (two.identity_to_verify, two.contacts.address, two.contacts.address_to_verify) == (
        True,
        False,
        True,
    )
    assert two.contacts.email is True


def test_a_doubtful_address_waits_for_the_check_then_the_letter_goes():
    t = b.tenant()
    cr = b.creditor(t)
    case = b.case(t, cr, b.debtor(t))  # an address only: the letter is the first step that can reach them
    ContactPoint.objects.filter(debtor_id=case.debtor_id, kind="address").update(status="to_verify")
    actor = system_actor(t)
    for day in (DAY, DAY + dt.timedelta(days=1)):
        strategy_run(tenant=t, actor=actor, run_date=day)
    assert Communication.objects.filter(case=case).count() == 0
    item = WorkItem.objects.get(case=case)
    assert (item.kind, item.step_code, item.idempotency_key, item.status) == (
        "verify_data",
        "verify_data",
        f"{case.pk}:verify_data",
        "open",
    )  # one task, however many days the step waits
    work_item_complete(
        tenant=t, actor=actor, item=item, outcome=Outcome.VERIFIED, note="indirizzo confermato all'anagrafe"
    )
    point = ContactPoint.objects.get(debtor_id=case.debtor_id, kind="address")
    assert point.status == "valid" and point.verified_at is not None
    strategy_run(tenant=t, actor=actor, run_date=DAY + dt.timedelta(days=2))
    letter = Communication.objects.get(case=case)
    assert (letter.kind, letter.contact_id) == ("letter", point.pk)


def test_closing_the_verification_verifies_the_identity():
    t = b.tenant()
    cr = b.creditor(t)
    case = b.case(t, cr, b.debtor(t))
    Debtor.objects.filter(pk=case.debtor_id).update(identity_status="to_verify")
    item = WorkItem.objects.create(
        tenant=t,
        case=case,
        kind="verify_data",
        step_code="verify_data",
        due_on=DAY,
        idempotency_key=f"{case.pk}:verify_data",
        created_at=now(),
    )
    work_item_complete(tenant=t, actor=system_actor(t), item=item, outcome=Outcome.VERIFIED)
    assert Debtor.objects.get(pk=case.debtor_id).identity_status == "verified"
    assert _snapshot(t, case).identity_to_verify is False
    assert (
        case.timeline.filter(kind="worklist.verify_data").get().summary
        == "Verifica anagrafica: Dati verificati"
    )


def test_an_identity_to_verify_asks_for_the_check_at_the_first_run():
    t = b.tenant()
    cr = b.creditor(t)
    case = b.case(t, cr, b.debtor(t, email=True))
    Debtor.objects.filter(pk=case.debtor_id).update(identity_status="to_verify")
    actor = system_actor(t)
    strategy_run(tenant=t, actor=actor, run_date=DAY)
    strategy_run(tenant=t, actor=actor, run_date=DAY + dt.timedelta(days=1))
    assert list(WorkItem.objects.filter(case=case).values_list("kind", "status")) == [("verify_data", "open")]
