"""Issue 15's "done when", on a phone (390×844): from the personal link printed on a letter the debtor passes
the check, sees the amount the back-office case page shows (to the cent), scans the EPC QR code (IBAN, amount,
RF reference), proposes a plan that is active on the
collector's side, contests another case with a document, and wrong codes lock a third link. axe-core (WCAG 2.1
A/AA) passes on every debtor page visited. Screenshots in test-artifacts/screenshots/debtor-*.png."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from recupero.arrangements.models import Arrangement, ArrangementPolicy
from recupero.cases.models import AccessLink, Dispute
from recupero.channels.models import Communication
from recupero.channels.services import CommunicationSpec, communications_queue, communications_send
from recupero.core.clock import today
from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.parties.models import ContactPoint
from recupero.parties.services import mandate_create
from tests import portfolio as b
from tests.browser.axe import assert_accessible
from tests.browser.qr import scan_qr
from tests.factories import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = re.compile(r"(http://[^\s/]+/d/[0-9a-z]+-[a-z2-7]{12}/)")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _letter_link(t, case) -> str:  # type: ignore[no-untyped-def]
    """Send the case's first letter through the channels and read the personal link printed on its PDF."""
    point = ContactPoint.objects.get(debtor_id=case.debtor_id, kind="address")
    key = f"{case.pk}:browser:letter"
    spec = CommunicationSpec(
        case.pk, "letter", "reminder_1", "step", "action", point.pk, point.value, today(), key
    )
    communications_queue(tenant=t, actor=system_actor(t), specs=[spec])
    comm = Communication.objects.get(idempotency_key=key)
    communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[comm.pk])
    comm.refresh_from_db()
    with comm.document.open("rb") as fh:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages)
    found = LINK.search(text.replace("\n", ""))
    assert found is not None, text
    return found.group(1)


def _phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="it-IT", is_mobile=True, timezone_id="Europe/Rome"
    )
    page = context.new_page()
    page.set_default_timeout(45_000)
    return context, page


def _enter(page, link: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(link)
    assert_accessible(page)
    page.fill("[data-testid=answer]", answer)
    page.click("[data-testid=answer-submit]")


def test_debtor_plans_contests_and_is_locked_out_on_a_phone(
    live_server, browser, page, screenshots, settings
):
    settings.RECUPERO_PUBLIC_URL = live_server.url
    t = b.tenant()
    cr = b.creditor(t)
    m = mandate_create(
        tenant=t, actor=system_actor(t), creditor=cr, reference="M1", starts_on=dt.date(2025, 1, 1)
    )
    ArrangementPolicy.objects.create(tenant=t, mandate=m, rules={"interest": "waived"})
    debtor = b.debtor(t, email=True)
    due = today() - dt.timedelta(days=200)
    plan_case, disputed, locked = (
        b.case(t, cr, debtor, amount=a, due=due) for a in ("1200.00", "300.00", "80.00")
    )
    answer = debtor.tax_code[-5:]

    # 1. the plan: check passed, the amount, a plan within the page's limits, accepted at once
    context, phone = _phone(browser)
    _enter(phone, _letter_link(t, plan_case), answer)
    phone.locator("[data-testid=amount-due]").wait_for()
    assert_accessible(phone)
    amount = phone.locator("[data-testid=amount-due]").inner_text()
    # the QR code a banking app scans: the IBAN shown, the amount due today, the RF reference of the causale
    lines = scan_qr(phone, "[data-testid=epc-qr] svg").split("\n")
    iban = phone.locator("[data-testid=iban]").inner_text().replace(" ", "").replace("\n", "")
    rf = phone.locator("[data-testid=reference]").inner_text().split()[-1]
    euros = amount.replace(" €", "").replace(".", "").replace(",", ".")
    assert (lines[:4], lines[6], lines[7]) == (["BCD", "002", "1", "SCT"], iban, f"EUR{euros}")
    assert rf.startswith("RF") and rf in lines
    phone.screenshot(path=str(screenshots / "debtor-case-phone.png"), full_page=True)
    phone.click("[data-testid=act-plan]")
    assert_accessible(phone)
    phone.fill("[data-testid=down-payment]", "300,00")
    phone.select_option("[data-testid=instalments]", "3")
    phone.fill("[data-testid=first-due]", (today() + dt.timedelta(days=30)).isoformat())
    phone.click("[data-testid=plan-preview]")
    assert phone.locator("[data-testid=preview-total]").inner_text() == "1.200,00 €"
    assert_accessible(phone)
    phone.screenshot(path=str(screenshots / "debtor-plan-preview-phone.png"), full_page=True)
    phone.click("[data-testid=accept]")
    phone.locator("[data-testid=action-done]").wait_for()
    assert "300,00 €" in phone.locator("[data-testid=schedule]").inner_text()
    assert_accessible(phone)
    phone.screenshot(path=str(screenshots / "debtor-plan-active-phone.png"), full_page=True)
    for name in ("act-call-back", "act-contact", "act-channels"):  # the other forms pass the check too
        phone.click("[data-testid=back]")
        phone.click(f"[data-testid={name}]")
        assert_accessible(phone)
    context.close()

    # 2. another case, its own link: contested with a document, the ladder pauses
    context, phone = _phone(browser)
    _enter(phone, _letter_link(t, disputed), answer)
    phone.click("[data-testid=act-dispute]")
    assert_accessible(phone)
    phone.check("[data-testid=reason-already_paid]")
    phone.fill("[data-testid=description]", "Ho pagato con bonifico il 3 marzo.")
    phone.set_input_files(
        "[data-testid=documents]",
        files=[{"name": "bonifico.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    phone.click("[data-testid=dispute-submit]")
    phone.locator("[data-testid=action-done]").wait_for()
    assert phone.locator("[data-testid=documents-received]").inner_text() == "bonifico.pdf"
    assert_accessible(phone)
    phone.screenshot(path=str(screenshots / "debtor-dispute-phone.png"), full_page=True)
    context.close()

    # 3. a third link: wrong codes lock it
    context, phone = _phone(browser)
    link = _letter_link(t, locked)
    for _ in range(5):
        _enter(phone, link, "ZZZZZ")
    assert phone.locator("[data-testid=answer]").count() == 0
    assert_accessible(phone)
    phone.screenshot(path=str(screenshots / "debtor-locked-phone.png"), full_page=True)
    context.close()
    assert AccessLink.objects.get(case=locked).locked_at is not None

    # 4. the collector's back office: the same amount to the cent, the plan active, the case disputed
    collector = make_user(t, Role.COLLECTOR, username="operatore")
    page.goto(f"{live_server.url}/accesso/")
    page.fill("#id_username", collector.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{live_server.url}/pratiche/{plan_case.pk}/")
    assert page.locator(".head-kpi .kpi-value").inner_text().strip() == amount
    assert "proposto dal debitore dalla pagina personale, attivo" in page.content()
    page.goto(f"{live_server.url}/pratiche/{plan_case.pk}/accordi/")
    listed = page.locator("[data-testid=arrangement-list]").inner_text()
    assert "Piano di rientro" in listed and "Attivo" in listed
    page.screenshot(path=str(screenshots / "debtor-plan-backoffice.png"), full_page=True)
    a = Arrangement.objects.get(case=plan_case)
    assert (a.status, a.channel, a.total) == ("active", "self-service", a.total) and str(a.total) == "1200.00"
    assert Dispute.objects.get(case=disputed).documents.count() == 1
