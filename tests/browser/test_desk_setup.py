"""The supervisor edits the desk's set-up: renames a team and adds a collector, edits an assignment rule and
disables it — with screenshots of the new pages at 1280×800."""

from __future__ import annotations

import re

import pytest

from recupero.web.tests.factories import PASSWORD, build_world
from recupero.worklists.desk import assignment_rule_add, team_create
from recupero.worklists.models import AssignmentRule, Team
from tests.browser.conftest import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_edits_a_team_and_a_rule(live_server, page, screenshots):
    world = build_world()
    t, sup, collector = world.tenant, world.users["supervisor"], world.users["collector"]
    team = team_create(tenant=t, actor=sup, name="Nord", members=[])
    rule = assignment_rule_add(tenant=t, actor=sup, position=10, province="MI", team=team)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(f"{live_server.url}/code/scrivania/")
    page.fill("#id_username", sup.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    pass_second_step(page)
    page.wait_for_url(re.compile(r"/code/scrivania/$"))
    page.get_by_role("link", name="Nord").click()
    page.wait_for_url(re.compile(rf"/code/squadre/{team.pk}/$"))
    page.fill("#name", "Nord-Ovest")
    page.get_by_role("button", name="Rinomina").click()
    page.locator("[data-testid=team-add] select").select_option(str(collector.pk))
    page.get_by_role("button", name="Aggiungi alla squadra").click()
    assert "Membri della squadra aggiornati." in page.locator(".messages").inner_text()
    assert collector.get_full_name() in page.locator("[data-testid=team-members]").inner_text()
    page.screenshot(path=str(screenshots / "desk-team-edit.png"))
    assert Team.objects.get(pk=team.pk).name == "Nord-Ovest"

    page.goto(f"{live_server.url}/code/regole/{rule.pk}/")
    page.fill("#amount_min", "1.000")
    page.fill("#amount_max", "500")
    page.get_by_role("button", name="Salva la regola").click()
    assert "l'importo minimo deve essere inferiore al massimo" in page.locator(".messages").inner_text()
    page.fill("#amount_max", "5.000")
    page.screenshot(path=str(screenshots / "desk-rule-edit.png"))
    page.get_by_role("button", name="Salva la regola").click()
    page.wait_for_url(re.compile(r"/code/scrivania/$"))
    page.locator("[data-testid=rules]").get_by_role("button", name="Disattiva").click()
    assert page.locator("[data-testid=rule-disabled]").count() == 1
    page.screenshot(path=str(screenshots / "desk-rules.png"), full_page=True)
    saved = AssignmentRule.objects.get(pk=rule.pk)
    assert (str(saved.amount_min), str(saved.amount_max), saved.active) == ("1000.00", "5000.00", False)
