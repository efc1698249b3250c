"""Browser tests: Playwright's sync API drives Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to work beside it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="it-IT", timezone_id="Europe/Rome"
    )
    pg = context.new_page()
    pg.set_default_timeout(45_000)  # a loaded CI machine: generous waits, never a timing assertion
    yield pg
    context.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def totp_now(base32_secret: str) -> str:
    """The code an authenticator app shows now for a secret typed from the enrolment page."""
    import base64

    from django_otp.oath import TOTP

    text = base32_secret.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    return f"{TOTP(key).token():06d}"


def pass_second_step(page, secret: str = "") -> None:
    """After the password, as a person does it: on the enrolment page read the secret shown beside the QR code
    into the "app" and type its code; on the verification page type the code of the app holding `secret`."""
    import re

    page.wait_for_url(re.compile(r"/accesso/(app-autenticazione|verifica)/"))
    if "/app-autenticazione/" in page.url:
        secret = page.locator("#otp-secret").inner_text()
    page.fill("#id_code", totp_now(secret))
    page.click("button[type=submit]")
