"""An administrator builds the March remittance of a creditor, checks it, issues it and finds its four files;
issuing again adds nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from recupero.remittance.models import Remittance, RemittanceLine
from recupero.remittance.tests.world import pay, ready
from recupero.web.tests.factories import PASSWORD, build_world
from tests.browser.conftest import pass_second_step
from tests.factories import TAX_CODES, make_case, make_debtor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_builds_checks_issues_and_downloads(live_server, page, screenshots, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    tenant = world.users["admin"].tenant
    ready(tenant, world.energia)
    case = make_case(
        tenant, world.energia, make_debtor(tenant, TAX_CODES[2], last_name="Galli"), amounts=("800.00",)
    )
    pay(case, dt.date(2026, 3, 5), "200.00")
    pay(case, dt.date(2026, 3, 20), "100.00", direct=True)

    page.goto(f"{live_server.url}/accesso/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    pass_second_step(page)
    page.goto(f"{live_server.url}/rendiconti/")
    page.select_option("[data-testid=remittance-creditor]", str(world.energia.pk))
    page.fill("#id_until", "2026-03-31")
    page.click("[data-testid=remittance-build]")
    draft = page.locator("[data-testid=remittance-draft]")
    # agency: 200 - 30.00 - 6.60 = 163.40; direct: 15.00 + 3.30 = 18.30 to invoice
    assert "163,40 €" in page.locator("[data-testid=draft-net]").inner_text()
    assert "18,30 €" in draft.inner_text()
    page.screenshot(path=str(screenshots / "remittance-check.png"), full_page=True)
    assert Remittance.objects.count() == 0
    page.click("[data-testid=remittance-issue]")
    page.wait_for_url(re.compile(r"/rendiconti/\d+/$"))
    assert "163,40 €" in page.locator("[data-testid=remittance-net]").inner_text()
    files = page.locator("[data-testid=remittance-files]").inner_text()
    for label in (
        "Rendiconto (PDF)",
        "Incassi (XLSX)",
        "Bonifico SEPA (pain.001)",
        "Fattura provvigioni (FatturaPA)",
    ):
        assert label in files
    page.screenshot(path=str(screenshots / "remittance-detail.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=Rendiconto (PDF)")
    assert download.value.suggested_filename.startswith("rendiconto-")
    assert RemittanceLine.objects.count() == 2
