"""An administrator sees the missing ECB rate on the dashboard, adds it on the Tassi page (a wrong start date is
refused first, the typed values kept), and the case page's figure moves to the new period at once."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine

from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.services import Line, entry_post
from recupero.web.tests.factories import PASSWORD, build_world
from tests.browser.conftest import pass_second_step
from tests.factories import make_company_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GU = "Comunicato MEF in Gazzetta Ufficiale, GU n.160 del 12/7/2026"


def test_admin_adds_the_missing_rate_and_the_case_follows(live_server, page, screenshots):
    world = build_world()
    tenant = world.users["admin"].tenant
    case = make_company_case(tenant, world.energia, reference="B2B-RATES")
    for on, amount in ((dt.date(2026, 5, 1), "2000.00"), (dt.date(2026, 9, 15), "1500.00")):
        entry_post(
            tenant=tenant,
            actor=system_actor(tenant),
            case=case,
            kind=EntryKind.PAYMENT,
            posted_on=on,
            lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, Decimal(amount))],
        )
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC), tick=True):
        page.goto(f"{live_server.url}/accesso/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        pass_second_step(page)  # an administrator enrols an authenticator at the first login
        notice = page.locator("[data-testid=missing-rates]")
        assert "Tasso di riferimento BCE del 2º semestre 2026 (dal 01/07/2026)" in notice.inner_text()

        page.goto(f"{live_server.url}/pratiche/{case.pk}/")
        head = page.locator(".head-kpi").inner_text()
        assert "10.261,48 €" in head and "Calcolo al 30/06/2026" in head and "non ancora pubblicato" in head
        page.screenshot(path=str(screenshots / "rates-case-missing.png"))

        notice_link = f"{live_server.url}/tassi/"
        page.goto(notice_link)
        page.select_option("#id_kind", "ecb")
        page.fill("#id_valid_from", "02/07/2026")
        page.fill("#id_rate", "2,15")
        page.fill("#id_source", GU)
        page.click("[data-testid=rate-add]")
        assert "deve decorrere dal 1º gennaio o dal 1º luglio" in page.locator("form.rate-form").inner_text()
        assert page.input_value("#id_source") == GU and page.input_value("#id_rate") == "2,15"
        page.fill("#id_valid_from", "01/07/2026")
        page.click("[data-testid=rate-add]")
        page.wait_for_url(re.compile(r"/tassi/$"))
        assert "In uso da subito" in page.locator(".messages").inner_text()
        page.screenshot(path=str(screenshots / "rates-page.png"), full_page=True)

        page.goto(f"{live_server.url}/pratiche/{case.pk}/")
        head = page.locator(".head-kpi").inner_text()
        assert "10.664,70 €" in head and "non ancora pubblicato" not in head
