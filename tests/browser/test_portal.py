"""A creditor user opens the portal's home: KPIs, the liquidation curve drawn by the vendored Chart.js, the
tables under the charts; then follows an assignment to its cases. Screenshot in test-artifacts/screenshots."""

from __future__ import annotations

import datetime as dt

import pytest

from recupero.core.clock import today
from recupero.core.permissions import system_actor
from recupero.reporting.services import snapshot_build
from recupero.web.tests.factories import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_creditor_sees_its_portfolio_and_drills_down(live_server, page, screenshots):
    world = build_world()
    tenant = world.users["energia_user"].tenant
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=today() - dt.timedelta(days=1))
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)

    page.goto(f"{live_server.url}/accesso/")
    page.fill("#id_username", "energia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/portale/")
    kpis = page.locator("[data-testid=portal-kpis]")
    assert "234,56 €" in page.locator("[data-testid=kpi-collected]").inner_text()
    assert "TeleSud" not in page.content()  # the other creditor's name never shows
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-curve') !== undefined")
    assert kpis.is_visible()
    page.screenshot(path=str(screenshots / "portal_home.png"), full_page=True)
    assert external == []
    page.locator("[data-testid=assignments] a").first.click()
    page.wait_for_url("**/pratiche/?assignment=*")
    assert "Rossi" in page.content() and "Ferro" not in page.content()
