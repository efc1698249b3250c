"""A collector works their queue: opens an item, reads the call-prep card, dials, records the outcome."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from recupero.core.clock import today
from recupero.core.permissions import system_actor
from recupero.web.tests.factories import PASSWORD, build_world
from recupero.worklists.models import WorkItem
from recupero.worklists.services import WorkItemSpec, work_items_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_collector_works_the_queue_with_the_call_prep_card(live_server, page, screenshots):
    world = build_world()
    t, collector = world.tenant, world.users["collector"]
    case = world.cases["rossi_ene"]
    specs = [
        WorkItemSpec(case.pk, "call", "call_1", "", today() - dt.timedelta(days=1), None, "browser-desk")
    ]
    work_items_create(tenant=t, actor=system_actor(t), specs=specs)
    item = WorkItem.objects.get(idempotency_key="browser-desk")
    WorkItem.objects.filter(pk=item.pk).update(assigned_to=collector)

    page.goto(f"{live_server.url}/code/mia/")
    page.fill("#id_username", collector.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/code/mia/$"))
    row = page.locator(f"tr[data-item='{item.pk}']")
    assert case.code in row.inner_text()
    row.get_by_role("button", name="Lavora").click()
    page.wait_for_url(re.compile(rf"/code/attivita/{item.pk}/$"))

    card = page.locator("[data-testid=call-prep]").inner_text()
    assert "FT-2024/0001" in card
    assert "TC-79" in card  # the debtor's other unpaid invoice (TeleSud), within the collector's reach
    assert "Capitale residuo" in card and "Totale a oggi" in card
    assert page.locator("a[href^='tel:']").count() == 1
    assert "la sta lavorando lei" in page.locator(".page-head").inner_text()
    page.screenshot(path=str(screenshots / "desk-call-prep.png"), full_page=True)

    page.select_option("select[name=outcome]", "right_party")
    page.fill("textarea[name=note]", "Pagherà a fine mese, richiamare")
    page.get_by_role("button", name="Registra l'esito").click()
    page.wait_for_url(re.compile(r"/code/mia/$"))
    assert page.locator(".messages").inner_text() == f"{case.code}: Parlato con il debitore."
    done = WorkItem.objects.get(pk=item.pk)
    assert (done.status, done.outcome, done.locked_by_id) == ("done", "right_party", None)
    assert page.locator(f"tr[data-item='{item.pk}']").count() == 0
