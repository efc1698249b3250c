"""The supervisor's dashboard as a supervisor uses it (issue 14, item 3): signed in with the second step, the
agency's report shows amounts collected today and this month and its tables by creditor and by collector; a
creditor user signed in on the same site is refused the page. Screenshot in test-artifacts/screenshots."""

from __future__ import annotations

import datetime as dt

import pytest

from recupero.core.clock import today
from recupero.core.permissions import system_actor
from recupero.reporting.services import snapshot_build
from recupero.web.tests.factories import PASSWORD, build_world
from tests.browser.conftest import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accesso/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_the_supervisor_reads_the_agency_report_and_a_creditor_user_cannot(
    live_server, page, browser, screenshots
):
    world = build_world()
    tenant = world.users["supervisor"].tenant
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=today() - dt.timedelta(days=1))

    _sign_in(page, live_server, world.users["supervisor"].username)
    pass_second_step(page)
    page.goto(f"{live_server.url}/report/")
    assert page.locator("h1").first.inner_text() == "Report dell'agenzia"
    assert page.locator("[data-testid=collected-month]").inner_text().endswith(" €")
    titles = page.locator("[data-testid^=table-] h2").all_inner_texts()
    assert len(titles) >= 4, titles
    page.screenshot(path=str(screenshots / "reports_supervisor.png"), full_page=True)

    other = browser.new_context().new_page()
    _sign_in(other, live_server, world.users["energia_user"].username)
    response = other.goto(f"{live_server.url}/report/")
    assert response is not None and response.status in (403, 404)
    other.context.close()
