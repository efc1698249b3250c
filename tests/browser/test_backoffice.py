"""Log in, search a case by codice fiscale (htmx, no page reload), open it, check the amounts, screenshot."""

from __future__ import annotations

import re

import pytest

from recupero.web.tests.factories import CF_ROSSI, PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_search_by_tax_code_and_open_the_case(live_server, page, screenshots):
    world = build_world()
    case = world.cases["rossi_ene"]

    page.goto(f"{live_server.url}/pratiche/")
    assert "/accesso/" in page.url  # anonymous users are sent to the login page
    page.fill("#id_username", "energia")
    page.fill("#id_password", "sbagliata")
    page.click("button[type=submit]")
    assert page.locator(".alert").inner_text().startswith("Nome utente o password non corretti")
    page.fill("#id_username", "energia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/pratiche/$"))

    page.evaluate("window.__same_document = true")  # survives only if htmx swaps instead of reloading
    page.fill("#f-q", CF_ROSSI)
    page.wait_for_url(re.compile(r"q=" + CF_ROSSI))  # hx-push-url keeps the search shareable
    rows = page.locator("#results td.code a")
    rows.first.wait_for()
    assert rows.all_inner_texts() == [case.code]  # the telco case of the same debtor stays hidden
    assert page.evaluate("window.__same_document") is True

    rows.first.click()
    page.wait_for_url(re.compile(rf"/pratiche/{case.pk}/$"))
    assert page.locator("h1").inner_text().startswith(case.code)
    page.get_by_text("Saldi contabili").click()  # the books, under the law engine's figures of the day
    dovuto = page.locator("#dovuto").inner_text()
    assert "Capitale residuo" in dovuto and "Prescrizione" in dovuto
    assert "1.000,00 €" in dovuto and "234,56 €" in dovuto
    page.screenshot(path=str(screenshots / "backoffice-case.png"), full_page=True)
