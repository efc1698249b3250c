"""Payments in the back office: upload a statement (reconciled by the worker, the page polls), the review queue
(confirm with one click, not ours), a payment recorded and reversed from the case page; refusals and scope."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.payments.domain.camt_write import camt053
from recupero.payments.domain.statements import EntryData
from recupero.payments.models import Payment, StatementEntry
from recupero.payments.services import collection_account_register
from tests.factories import make_case, make_debtor, make_user

pytestmark = pytest.mark.django_db
AGENCY = "IT60X0542811101000000123456"
DAY = dt.date(2025, 2, 10)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.unescape(response.content.decode())))


@pytest.fixture
def setup(tenant, creditor, client):
    collection_account_register(tenant=tenant, actor=system_actor(tenant), iban=AGENCY)
    case = make_case(tenant, creditor, make_debtor(tenant), amounts=("120.50",))
    admin = make_user(tenant, Role.SUPERVISOR, username="sup")
    client.force_login(admin)
    return case


def _upload(client, case, django_capture_on_commit_callbacks):
    lines = [
        EntryData("A1", Decimal("100.00"), True, DAY, DAY, f"pratica {case.code}", "", "", "ROSSI MARIO", ""),
        EntryData("A2", Decimal("20.50"), True, DAY, DAY, "saldo", "", "", "Mario Rossi", ""),
    ]
    data = camt053(iban=AGENCY, entries=lines, statement_id="WEB-1")
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("backoffice:payment_statements"), {"file": SimpleUploadedFile("nov.xml", data)}
        )


def test_upload_reconciles_and_the_page_shows_figures_and_totals(
    client, setup, django_capture_on_commit_callbacks
):
    response = _upload(client, setup, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    page = client.get(response["Location"])
    body = text(page)
    assert "Registrati: 1 (100,00 €) · da verificare: 1 · non nostri: 0" in body
    assert "quadra" in body
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and 'id="panel"' in partial.content.decode()


def test_review_queue_confirm_with_one_click(client, setup, django_capture_on_commit_callbacks):
    _upload(client, setup, django_capture_on_commit_callbacks)
    queue = client.get(reverse("backoffice:payment_review"))
    assert "Conferma " + setup.code in text(queue)
    entry = StatementEntry.objects.get(reference="A2")
    client.post(reverse("backoffice:payment_review_confirm", args=[entry.pk]), {"case": "P00000000"})
    entry.refresh_from_db()
    assert entry.status == "review"  # an unknown code: not found, nothing posted
    client.post(reverse("backoffice:payment_review_confirm", args=[entry.pk]), {"case": setup.code.lower()})
    entry.refresh_from_db()
    setup.refresh_from_db()
    assert (entry.status, setup.status, setup.balance) == ("posted", "paid", Decimal("0.00"))
    assert "Nessun accredito da verificare." in text(client.get(reverse("backoffice:payment_review")))


def test_case_page_records_and_reverses_a_payment(client, setup):
    url = reverse("backoffice:case_payment_record", args=[setup.pk])
    client.post(url, {"amount": "20,50", "value_date": "2025-02-10", "method": "cash", "reference": ""})
    assert Payment.objects.count() == 0  # cash without receipt number: refused, nothing written
    refused = text(client.get(reverse("backoffice:case_detail", args=[setup.pk])))
    assert "numero della ricevuta" in refused
    client.post(url, {"amount": "20,50", "value_date": "2025-02-10", "method": "cash", "reference": "R-1"})
    page = text(client.get(reverse("backoffice:case_detail", args=[setup.pk])))
    assert "capitale 20,50 €" in page and "Contanti · R-1" in page
    payment = Payment.objects.get()
    client.post(reverse("backoffice:payment_reverse", args=[payment.pk]), {"reason": "assegno insoluto"})
    payment.refresh_from_db()
    assert payment.status == "reversed"


def test_a_consultant_does_not_reach_the_statements(tenant, client, setup):
    consultant = make_user(tenant, Role.CONSULTANT, username="cons")
    client.force_login(consultant)
    assert client.get(reverse("backoffice:payment_statements")).status_code == 403
    assert client.get(reverse("backoffice:payment_review")).status_code == 403
    # and the menu does not offer what the page would refuse (payments.reconcile, not payments.post)
    home = client.get("/")
    statements = reverse("backoffice:payment_statements")
    assert home.status_code == 200 and f'href="{statements}"' not in home.content.decode()
    client.force_login(make_user(tenant, Role.SUPERVISOR, username="sup2"))
    assert f'href="{statements}"' in client.get("/").content.decode()
