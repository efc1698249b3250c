"""A supervisor uploads the month's bank statement: the credit with a case code posts by itself, the page polls
the reconciliation; the credit with a bare name waits in the review queue and is confirmed with the key 1."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from recupero.core.clock import today
from recupero.core.permissions import system_actor
from recupero.payments.domain.camt_write import camt053
from recupero.payments.domain.statements import EntryData
from recupero.payments.models import StatementEntry
from recupero.payments.services import collection_account_register
from recupero.web.tests.factories import PASSWORD, build_world
from tests.browser.conftest import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AGENCY = "IT60X0542811101000000123456"


def test_statement_upload_then_review_with_the_keyboard(live_server, page, screenshots, tmp_path):
    world = build_world()
    tenant = world.users["supervisor"].tenant
    collection_account_register(tenant=tenant, actor=system_actor(tenant), iban=AGENCY)
    ferro, bianchi = world.cases["ferro_tel"], world.cases["bianchi_ene"]
    day = today() - dt.timedelta(days=1)
    debtor = bianchi.debtor
    lines = [
        EntryData(
            "B1", Decimal("500.00"), True, day, day, f"ACCONTO PRATICA {ferro.code}", payer_name="FERRO COSTR"
        ),
        EntryData(
            "B2",
            bianchi.balance,
            True,
            day,
            day,
            "PAGAMENTO",
            payer_name=f"{debtor.first_name} {debtor.last_name}",
        ),
    ]
    statement = tmp_path / "estratto.xml"
    statement.write_bytes(camt053(iban=AGENCY, entries=lines, statement_id="BROWSER-1", day=day.isoformat()))

    page.goto(f"{live_server.url}/accesso/")
    page.fill("#id_username", "super")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    pass_second_step(page)
    page.goto(f"{live_server.url}/pagamenti/estratti/")
    page.set_input_files("#id_file", str(statement))
    page.click("[data-testid=statement-upload]")
    page.wait_for_url(re.compile(r"/pagamenti/estratti/\d+/$"))
    counts = page.locator("[data-testid=statement-counts]")
    counts.filter(has_text="Registrati: 1").wait_for()
    assert "da verificare: 1" in counts.inner_text()
    assert "quadra" in page.locator("[data-testid=statement-totals]").inner_text()
    page.screenshot(path=str(screenshots / "payments-statement.png"), full_page=True)

    page.goto(f"{live_server.url}/pagamenti/verifica/")
    assert f"Conferma {bianchi.code}" in page.locator("#review").inner_text()
    page.screenshot(path=str(screenshots / "payments-review.png"), full_page=True)
    page.keyboard.press("1")
    page.locator("[data-testid=review-empty]").wait_for()
    assert StatementEntry.objects.get(reference="B2").status == "posted"
    page.goto(f"{live_server.url}/pratiche/{bianchi.pk}/")
    assert (
        "Bonifico · B2\tFT-2024/0002: interessi 0,03 €; FT-2024/0002: capitale 79,97 €"
        in page.locator("[data-testid=case-payments]").inner_text()
    )
    page.screenshot(path=str(screenshots / "payments-case.png"), full_page=True)
