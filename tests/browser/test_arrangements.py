"""A collector records a plan with the live preview, sends the written summary; the debtor opens the personal
link on a phone and accepts. Screenshots of the form and of the debtor's page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from recupero.arrangements.models import Acceptance, ArrangementPolicy
from recupero.core.clock import today
from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.parties.services import mandate_create
from tests import portfolio as b
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_with_preview_then_summary_accepted_on_a_phone(live_server, page, browser, screenshots):
    t = b.tenant()
    cr = b.creditor(t)
    m = mandate_create(
        tenant=t, actor=system_actor(t), creditor=cr, reference="M1", starts_on=dt.date(2025, 1, 1)
    )
    ArrangementPolicy.objects.create(tenant=t, mandate=m, rules={"interest": "waived"})
    case = b.case(t, cr, b.debtor(t, email=True), amount="1200.00", due=today() - dt.timedelta(days=200))
    user = make_user(t, Role.COLLECTOR, username="operatore")

    page.goto(f"{live_server.url}/accesso/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{live_server.url}/pratiche/{case.pk}/accordi/")
    page.fill("#instalments", "4")
    page.fill("#first_due", (today() + dt.timedelta(days=30)).isoformat())
    page.locator("#instalments").dispatch_event("change")
    preview = page.locator("[data-testid=arrangement-preview]")
    preview.get_by_text("Rata 4").wait_for()
    assert "300,00" in preview.inner_text() and "Entro i limiti del mandato" in preview.inner_text()
    page.screenshot(path=str(screenshots / "arrangement-form.png"), full_page=True)
    page.get_by_role("button", name="Registra l'accordo").click()
    page.locator("[data-testid=arrangement-list]").get_by_text("Piano di rientro").click()
    page.get_by_role("button", name="Invia il riepilogo").click()
    link = page.locator("[data-testid=summary-link]").inner_text()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="it-IT", is_mobile=True)
    debtor = phone.new_page()
    debtor.goto(link)
    assert "Rata 4: 300,00 €" in debtor.locator("[data-testid=summary-text]").inner_text()
    debtor.get_by_role("button", name="Accetto").click()
    debtor.locator("[data-testid=accepted]").wait_for()
    debtor.screenshot(path=str(screenshots / "arrangement-accepted-phone.png"), full_page=True)
    phone.close()
    offer = Acceptance.objects.get(arrangement__case=case)
    assert offer.accepted_at is not None and offer.accepted_ip == "127.0.0.1"
