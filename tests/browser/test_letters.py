"""Open a case, follow its letter from the timeline: the PDF link answers application/pdf. Screenshot."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from recupero.channels.models import Communication
from recupero.channels.services import CommunicationSpec, communications_queue, communications_send
from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.core.services import user_create
from recupero.parties.models import ContactPoint
from tests import portfolio as b
from tests.browser.conftest import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_page_links_its_letter_pdf(live_server, page, screenshots):
    t = b.tenant("lettere")
    cr = b.creditor(t)
    case = b.case(t, cr, b.debtor(t))
    point = ContactPoint.objects.get(debtor_id=case.debtor_id, kind="address")
    communications_queue(
        tenant=t,
        actor=system_actor(t),
        specs=[
            CommunicationSpec(
                case.pk,
                "letter",
                "reminder_1",
                "letter_1",
                "reminder_letter_1",
                point.pk,
                point.value,
                dt.date(2026, 3, 2),
                f"{case.pk}:browser:letter_1",
            )
        ],
    )
    ids = list(Communication.objects.filter(case=case).values_list("id", flat=True))
    assert communications_send(tenant_id=t.pk, actor=system_actor(t), ids=ids, on=dt.date(2026, 3, 2)) == {
        "sent": 1
    }
    user_create(
        tenant=t, actor=system_actor(t), username="supervisore", password="pw-lettere", role=Role.SUPERVISOR
    )

    page.goto(f"{live_server.url}/pratiche/{case.pk}/")
    page.fill("#id_username", "supervisore")
    page.fill("#id_password", "pw-lettere")
    page.click("button[type=submit]")
    pass_second_step(page)  # a supervisor sees every case: enrols an authenticator at the first login
    page.wait_for_url(re.compile(rf"/pratiche/{case.pk}/$"))
    link = page.locator("[data-testid=document-link]").first
    link.wait_for()
    href = link.get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    page.screenshot(path=str(screenshots / "case-letter.png"), full_page=True)
