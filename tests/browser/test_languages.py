"""The interface in Italian and in English (issue 14, item 5): the sign-in page's switcher (Django's set_language),
the creditor's portal and the back-office home in both languages, amounts in each language's format, the choice
kept on the user. Screenshots in test-artifacts/screenshots/lang_*.png."""

from __future__ import annotations

import datetime as dt

import pytest

from recupero.core.clock import today
from recupero.core.models import User
from recupero.core.permissions import system_actor
from recupero.reporting.services import snapshot_build
from recupero.web.tests.factories import PASSWORD, build_world
from tests.browser.conftest import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def _choose(page, language: str) -> None:
    with page.expect_navigation():
        page.select_option("[data-testid=language-switch] select", language)


def test_the_portal_in_english_then_in_italian(live_server, page, screenshots):
    world = build_world()
    tenant = world.users["energia_user"].tenant
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=today() - dt.timedelta(days=1))

    page.goto(f"{live_server.url}/accesso/")
    assert page.locator("h1").inner_text() == "Accedi"
    _choose(page, "en")  # before signing in: set_language, kept in a cookie
    assert page.locator("h1").inner_text() == "Sign in"
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(screenshots / "lang_login_en.png"))
    _sign_in(page, live_server, "energia")

    page.goto(f"{live_server.url}/portale/")
    assert page.locator("h1").first.inner_text() == "Your portfolio"
    collected = page.locator("[data-testid=kpi-collected]").inner_text()
    assert collected.startswith("€") and "." in collected, collected  # €1,234.56
    assert "Liquidation curve" in page.content() and "Curva di liquidazione" not in page.content()
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-curve') !== undefined")
    page.screenshot(path=str(screenshots / "lang_portal_en.png"), full_page=True)

    _choose(page, "it")  # signed in: the choice is kept on the user
    assert User.objects.get(username="energia").language == "it"
    assert page.locator("h1").first.inner_text() == "Il suo portafoglio"
    collected = page.locator("[data-testid=kpi-collected]").inner_text()
    assert collected.endswith(" €") and "," in collected, collected  # 1.234,56 €
    page.screenshot(path=str(screenshots / "lang_portal_it.png"), full_page=True)


def test_the_back_office_home_follows_the_language_kept_on_the_user(live_server, page, screenshots):
    world = build_world()
    User.objects.filter(pk=world.users["supervisor"].pk).update(language="en")

    page.goto(f"{live_server.url}/accesso/")
    assert page.locator("h1").inner_text() == "Accedi"  # nobody signed in yet: Italian
    _sign_in(page, live_server, "super")
    pass_second_step(page)
    page.wait_for_url(f"{live_server.url}/")
    nav = page.locator("nav[aria-label]")
    assert nav.get_attribute("aria-label") == "Main navigation"
    assert "Dashboard" in nav.inner_text() and "Cases" in nav.inner_text()
    assert "In progress" in page.locator("main").inner_text()  # a case status: a label table of the domain
    page.screenshot(path=str(screenshots / "lang_home_en.png"), full_page=True)

    page.goto(f"{live_server.url}/account/sicurezza/")
    page.select_option("#id_language", "it")
    with page.expect_navigation():
        page.click("#language button[type=submit]")
    assert "Lingua aggiornata." in page.content()
    page.goto(f"{live_server.url}/")
    nav = page.locator("nav[aria-label]")
    assert "Cruscotto" in nav.inner_text() and "Pratiche" in nav.inner_text()
    page.screenshot(path=str(screenshots / "lang_home_it.png"), full_page=True)
