"""On a phone (390×844): the debtor opens the link printed on their letter, five wrong codes lock it, the agency
unlocks it, the right code opens the page, whose amount is the back-office case page's to the cent, with the EPC
QR code to pay. Screenshots of the lock and of the page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from recupero.cases.access import access_link_by_token, access_link_unlock
from recupero.channels.models import Communication
from recupero.channels.services import CommunicationSpec, communications_queue, communications_send
from recupero.core.permissions import system_actor
from recupero.parties.models import ContactPoint
from recupero.web.backoffice.pages import case_page
from recupero.web.templatetags.money import format_euro
from tests import portfolio as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _letter_link(case, on: dt.date) -> str:
    t = case.tenant
    point = ContactPoint.objects.get(debtor_id=case.debtor_id, kind="address")
    spec = CommunicationSpec(
        case.pk, "letter", "reminder_1", "letter_1", "reminder_letter_1", point.pk, point.value, on,
        f"{case.pk}:browser:debtor",
    )  # fmt: skip
    communications_queue(tenant=t, actor=system_actor(t), specs=[spec])
    ids = list(Communication.objects.filter(case=case).values_list("id", flat=True))
    assert communications_send(tenant_id=t.pk, actor=system_actor(t), ids=ids, on=on) == {"sent": 1}
    with Communication.objects.get(case=case).document.open("rb") as fh:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages).replace("\n", "")
    return re.search(r"(http://\S+?/d/[0-9a-z]+-[a-z2-7]{12}/)", text).group(1)


def test_debtor_opens_the_letter_link_on_a_phone(live_server, browser, settings, screenshots):
    settings.RECUPERO_PUBLIC_URL = live_server.url
    t = b.tenant("debitori")
    case = b.case(t, b.creditor(t), b.debtor(t), amount="1234.56", due=dt.date(2025, 2, 10))
    url = _letter_link(case, dt.date(2026, 3, 2))
    context = browser.new_context(viewport=PHONE, locale="it-IT", timezone_id="Europe/Rome", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(45_000)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    try:
        page.goto(url)
        for _ in range(5):
            page.fill("[data-testid=answer]", "ZZZZZ")
            page.click("[data-testid=answer-submit]")
            page.wait_for_load_state()
        page.locator("[data-testid=locked]").wait_for()
        assert t.phone in page.locator("[data-testid=agency]").inner_text()
        page.screenshot(path=str(screenshots / "debtor-locked.png"), full_page=True)
        link = access_link_by_token(url.rstrip("/").rsplit("/", 1)[1])
        access_link_unlock(tenant=t, actor=system_actor(t), link=link)  # the debtor called the agency

        page.goto(url)
        page.fill("[data-testid=answer]", case.debtor.tax_code[-5:])
        page.click("[data-testid=answer-submit]")
        page.wait_for_url(re.compile(rf"/d/pratica/{case.pk}/$"))
        staff = case_page(tenant=t, actor=system_actor(t), case_id=case.pk)
        amount = page.locator("[data-testid=amount-due]").inner_text()
        assert amount == format_euro(staff.position.total_due)
        tulps = page.locator("[data-testid=tulps]").inner_text()
        assert tulps.endswith("licenza art. 115 TULPS n. 123/2020, Questura di Milano")
        assert page.locator("[data-testid=epc-qr] svg").count() == 1
        assert page.locator("[data-testid=reference]").inner_text().endswith(case.code)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]  # nothing wider than the phone: no sideways scrolling
        page.screenshot(path=str(screenshots / "debtor-page.png"), full_page=True)
        assert outside == []  # no third-party request
        assert {c["name"] for c in context.cookies()} <= {"sessionid", "csrftoken"}
    finally:
        context.close()
