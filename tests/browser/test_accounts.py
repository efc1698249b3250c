"""The login of a role that sees every case, in Chromium: password, then the code of the authenticator app; and
the lockout page after five wrong passwords."""

from __future__ import annotations

import re

import pytest

from recupero.core.domain.roles import Role
from tests.browser.conftest import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_SECRET = "RECUPERODEMOTOTPRECUPERODEMOTOTP"  # the demo's documented secret (recupero/demo/loader.py)


def test_admin_logs_in_with_password_and_code_and_reaches_the_admin(live_server, page, screenshots):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from recupero.demo.loader import DEMO_TOTP_HEX
    from tests.factories import TEST_PASSWORD, make_tenant, make_user

    user = make_user(make_tenant("acme"), Role.ADMIN, username="amministratore")
    TOTPDevice.objects.create(user=user, name="telefono", key=DEMO_TOTP_HEX, confirmed=True)

    page.goto(f"{live_server.url}/admin/")
    page.wait_for_url(re.compile(r"/accesso/\?next=/admin/"))
    page.fill("#id_username", "amministratore")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/accesso/verifica/"))
    page.fill("#id_code", "000000")
    page.click("button[type=submit]")
    assert page.locator(".alert").inner_text().startswith("Codice non valido o scaduto")
    page.screenshot(path=str(screenshots / "login-second-step.png"), full_page=True)
    page.wait_for_timeout(1100)  # a wrong code makes the next try wait a second
    pass_second_step(page, DEMO_SECRET)
    page.wait_for_url(re.compile(r"/admin/$"))
    assert "amministrazione" in page.locator("#site-name").inner_text().lower()


def test_five_wrong_passwords_show_the_lockout_page(live_server, page, screenshots):
    from tests.factories import make_tenant, make_user

    make_user(make_tenant("acme"), Role.COLLECTOR, username="operatore")
    page.goto(f"{live_server.url}/accesso/")
    for _ in range(5):
        page.fill("#id_username", "operatore")
        page.fill("#id_password", "sbagliata")
        page.click("button[type=submit]")
    assert "bloccato per 15 minuti" in page.locator("#lockout").inner_text()
    page.screenshot(path=str(screenshots / "login-lockout.png"), full_page=True)


def test_first_login_of_a_supervisor_enrols_the_authenticator(live_server, page, screenshots):
    from tests.factories import TEST_PASSWORD, make_tenant, make_user

    make_user(make_tenant("acme"), Role.SUPERVISOR, username="supervisora")
    page.goto(f"{live_server.url}/pratiche/")
    page.fill("#id_username", "supervisora")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/accesso/app-autenticazione/"))
    assert page.locator(".qr svg").count() == 1
    page.screenshot(path=str(screenshots / "login-enrol.png"), full_page=True)
    pass_second_step(page)
    page.wait_for_url(re.compile(r"/pratiche/$"))
    page.goto(f"{live_server.url}/account/sicurezza/")
    assert "Attiva" in page.locator("#two-factor .badge").inner_text()
