"""Remittance pages: build → check → issue → download for an administrator; a creditor's user downloads its own
statements and never another creditor's (404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client

from recupero.core.domain.roles import Role
from recupero.remittance.models import Remittance, RemittanceLine
from recupero.remittance.tests.world import pay, ready
from tests.factories import TAX_CODES, make_case, make_creditor, make_debtor, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tenant, creditor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ready(tenant, creditor)
    case = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("500.00",))
    pay(case, dt.date(2026, 3, 5), "200.00")
    other = make_creditor(tenant, "ALTRO")
    ready(tenant, other)
    other_case = make_case(
        tenant, other, make_debtor(tenant, TAX_CODES[1], last_name="Verdi"), amounts=("90.00",)
    )
    pay(other_case, dt.date(2026, 3, 6), "90.00")
    return creditor, other


def test_build_check_issue_download(client, admin_user, world):
    creditor, _ = world
    client.force_login(admin_user)
    page = client.get("/rendiconti/", {"creditor": creditor.pk, "until": "2026-03-31"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="remittance-draft"' in body and "200,00 €" in body and "163,40 €" in body
    assert Remittance.objects.count() == 0  # checking writes nothing
    issued = client.post("/rendiconti/emetti/", {"creditor": creditor.pk, "until": "2026-03-31"})
    assert issued.status_code == 302
    r = Remittance.objects.get()
    assert (r.collected, r.commission, r.vat, r.net) == (D("200.00"), D("30.00"), D("6.60"), D("163.40"))
    detail = client.get(f"/rendiconti/{r.pk}/")
    assert detail.status_code == 200 and "163,40 €" in detail.content.decode()
    for fmt, start in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("sepa", b"<?xml"), ("fattura", b"<?xml")):
        response = client.get(f"/rendiconti/{r.pk}/{fmt}/")
        assert response.status_code == 200, fmt
        assert b"".join(response.streaming_content).startswith(start), fmt
    again = client.post("/rendiconti/emetti/", {"creditor": creditor.pk, "until": "2026-03-31"})
    assert again.status_code == 302 and RemittanceLine.objects.count() == 1  # nothing twice


def test_a_creditor_user_downloads_its_own_statements_only(client, tenant, admin_user, world):
    creditor, other = world
    client.force_login(admin_user)
    for c in (creditor, other):
        client.post("/rendiconti/emetti/", {"creditor": c.pk, "until": "2026-03-31"})
    mine = Remittance.objects.get(creditor=creditor)
    theirs = Remittance.objects.get(creditor=other)
    portal = make_user(tenant, Role.CREDITOR_USER, creditor=creditor, username="portale")
    client = Client()  # a fresh browser: the administrator's messages stay in theirs
    client.force_login(portal)
    listing = client.get("/rendiconti/").content.decode()
    assert mine.number in listing and theirs.number not in listing
    assert 'data-testid="remittance-build"' not in listing  # no build form for the portal
    assert client.get(f"/rendiconti/{mine.pk}/pdf/").status_code == 200
    assert client.get(f"/rendiconti/{mine.pk}/fattura/").status_code == 200
    assert client.get(f"/rendiconti/{theirs.pk}/").status_code == 404
    assert client.get(f"/rendiconti/{theirs.pk}/pdf/").status_code == 404
    assert (
        client.post("/rendiconti/emetti/", {"creditor": creditor.pk, "until": "2026-03-31"}).status_code
        == 403
    )


def test_a_collector_sees_no_remittance(client, tenant, world):
    collector = make_user(tenant, Role.COLLECTOR, username="operatore")
    client.force_login(collector)
    assert client.get("/rendiconti/").status_code == 403
