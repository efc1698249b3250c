"""The back-office pages of strategies and work queues answer, and their buttons go through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.core.services import user_create
from recupero.strategies.models import StrategyRun
from recupero.worklists.models import WorkItem
from recupero.worklists.services import WorkItemSpec, work_items_create
from tests import portfolio as b
from tests.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    t = b.tenant()
    cr = b.creditor(t)
    c = b.case(t, cr, b.debtor(t, email=True, mobile=True))
    capo = user_create(
        tenant=t, actor=system_actor(t), username="capo", password=TEST_PASSWORD, role=Role.SUPERVISOR
    )
    op = user_create(
        tenant=t, actor=system_actor(t), username="op", password=TEST_PASSWORD, role=Role.COLLECTOR
    )
    return t, c, {"capo": capo, "op": op}


def test_strategy_pages_and_run_now(client, world):
    client.force_login(world[2]["capo"])
    page = client.get("/strategie/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Lettera monitoria" in text and "utility-consumer" in text and "Segmentazione" in text
    preview = client.get("/strategie/esecuzioni/?anteprima=1")
    assert preview.status_code == 200 and "Anteprima del" in preview.content.decode()
    assert StrategyRun.objects.count() == 0
    assert client.post("/strategie/esecuzioni/").status_code == 302  # to the confirmation: nothing runs
    assert StrategyRun.objects.count() == 0
    assert client.post("/strategie/esecuzioni/", {"confirm": "1"}).status_code == 302
    assert StrategyRun.objects.get().status == "finished"


def test_collector_cannot_run_but_records_an_outcome(client, world):
    t, c, users = world
    client.force_login(users["op"])
    client.post("/strategie/esecuzioni/", {"confirm": "1"})
    assert StrategyRun.objects.count() == 0
    now = dt.datetime.now()
    work_items_create(
        tenant=t,
        actor=system_actor(t),
        specs=[WorkItemSpec(c.pk, "call", "call_1", "", now.date(), None, "k")],
    )
    page = client.get("/code/telefonate/")
    assert page.status_code == 200 and c.code in page.content.decode()
    item = WorkItem.objects.get()
    promised = (now.date() + dt.timedelta(days=5)).strftime("%d/%m/%Y")  # as a collector types it
    response = client.post(
        f"/code/attivita/{item.pk}/esito/", {"outcome": "promise", "amount": "50,00", "date": promised}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    c.refresh_from_db()
    assert item.status == "done" and c.status == "promise"


def test_a_refused_outcome_keeps_what_was_typed_and_says_why(client):
    """31/12/2026 and 1.234,56 are read as Italians write them; a refusal shows the field's message, the values
    stay in the form, and nothing changes."""
    t = b.tenant()
    c = b.case(t, b.creditor(t), b.debtor(t, mobile=True))
    user = make_user(t, Role.COLLECTOR)
    client.force_login(user)
    work_items_create(
        tenant=t,
        actor=system_actor(t),
        specs=[WorkItemSpec(c.pk, "call", "call_1", "", dt.date.today(), None, "form")],
    )
    item = WorkItem.objects.get()
    response = client.post(
        f"/code/attivita/{item.pk}/esito/",
        {"outcome": "promise", "amount": "1.234,567", "date": "31/12/2026", "note": "ha detto venerdì"},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-code="worklist.bad_amount"' in body and "Importo non valido: «1.234,567»" in body
    assert 'value="1.234,567"' in body and 'value="31/12/2026"' in body and 'value="ha detto venerdì"' in body
    item.refresh_from_db()
    assert item.status == "open"
