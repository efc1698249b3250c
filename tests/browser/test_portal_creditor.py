"""Issue 14's "done when" for the creditor: a creditor user of the demo sees its KPIs and curves, approves an
arrangement beyond the mandate from its portal home, and downloads its remittance statement. Screenshots in
test-artifacts/screenshots (portal_approvals.png, portal_downloads.png)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from recupero.arrangements.domain.schedule import Frequency
from recupero.arrangements.domain.states import Kind
from recupero.arrangements.models import Arrangement
from recupero.arrangements.selectors import Terms
from recupero.arrangements.services import arrangement_propose
from recupero.cases.domain.states import OPEN_STATUSES
from recupero.cases.models import Case
from recupero.core.clock import today
from recupero.core.models import Tenant, User
from recupero.core.permissions import system_actor
from recupero.demo.loader import PASSWORD, TENANT_CODE, demo_load
from recupero.law.money import format_eur
from recupero.remittance.services import remittance_issue
from recupero.reporting.services import snapshot_build
from recupero.web.portal.pages import portal_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pending_plan(tenant: Tenant, creditor_id: int) -> Arrangement:
    """A plan of 48 monthly instalments on one of the creditor's open cases: beyond any demo mandate's limits."""
    taken = Arrangement.objects.filter(status__in=["pending_approval", "active"]).values("case_id")
    case = (
        Case.objects.filter(tenant=tenant, creditor_id=creditor_id, status__in=sorted(OPEN_STATUSES))
        .exclude(pk__in=taken)
        .filter(balance__gt=0)
        .order_by("-balance", "pk")
        .first()
    )
    assert case is not None
    first = today() + dt.timedelta(days=20)
    terms = Terms(Kind.PLAN, instalments=48, frequency=Frequency.MONTHLY, first_due=first)
    plan = arrangement_propose(tenant=tenant, actor=system_actor(tenant), case=case, terms=terms)
    assert plan.status == "pending_approval"
    return plan


def test_the_creditor_sees_its_figures_approves_and_downloads_its_statement(
    live_server, page, screenshots, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    demo_load(cases=300, seed=7)
    tenant = Tenant.objects.get(code=TENANT_CODE)
    user = User.objects.get(username="client-utility")
    system = system_actor(tenant)
    snapshot_build(tenant=tenant, actor=system, day=today() - dt.timedelta(days=1))
    plan = _pending_plan(tenant, user.creditor_id)
    creditor = plan.case.creditor
    remittance = remittance_issue(tenant=tenant, actor=system, creditor=creditor, until=today())
    assert remittance is not None
    expected = portal_home(tenant=tenant, actor=user)

    page.goto(f"{live_server.url}/accesso/")
    page.fill("#id_username", "client-utility")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/portale/")
    collected = page.locator("[data-testid=kpi-collected]").inner_text()
    assert format_eur(expected.totals.collected_total) in collected
    assert page.locator("[data-testid=kpi-kept-rate]").is_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-curve') !== undefined")
    row = page.locator(f"[data-testid=approval-{plan.pk}]")
    assert plan.case.code in row.inner_text()
    row.locator("input[name=reason]").fill("Cliente storico, piano lungo accettato")
    page.screenshot(path=str(screenshots / "portal_approvals.png"), full_page=True)
    row.locator("button[value=approve]").click()
    page.wait_for_load_state()
    assert page.locator(f"[data-testid=approval-{plan.pk}]").count() == 0
    plan.refresh_from_db()
    assert (plan.status, plan.decided_by_id, plan.decision_reason) == (
        "active",
        user.pk,
        "Cliente storico, piano lungo accettato",
    )

    page.goto(f"{live_server.url}/portale/documenti/")
    assert remittance.number in page.locator("[data-testid=downloads-remittances]").inner_text()
    page.screenshot(path=str(screenshots / "portal_downloads.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("[data-testid=downloads-remittances] a", has_text="Rendiconto PDF").first.click()
    name = download.value.suggested_filename
    assert re.fullmatch(r"rendiconto-.*\.pdf", name)
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"
