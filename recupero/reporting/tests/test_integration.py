"""API tokens (hashed, shown once, scoped, revocable) and signed webhooks delivered to a real loopback receiver."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client

from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.payments.services import payment_record
from recupero.reporting.domain.webhooks import signature
from recupero.reporting.integration import key_digest
from recupero.reporting.models import ApiToken, WebhookDelivery, WebhookEvent
from recupero.reporting.services import (
    token_create,
    token_revoke,
    webhook_deliver_due,
    webhook_events_collect,
    webhook_subscribe,
)
from tests.factories import TAX_CODES, make_case, make_creditor, make_debtor, make_tenant, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_creditors():
    tenant = make_tenant()
    acme, beta = make_creditor(tenant, "ACME"), make_creditor(tenant, "BETA", vat="02182030391")
    mine = make_case(tenant, acme, make_debtor(tenant, TAX_CODES[0]), amounts=("100.00",))
    theirs = make_case(
        tenant, beta, make_debtor(tenant, TAX_CODES[1], last_name="Bianchi"), amounts=("70.00",)
    )
    user = make_user(tenant, Role.CREDITOR_USER, creditor=acme, username="acme1")
    return tenant, user, mine, theirs


def test_a_token_is_stored_hashed_reaches_its_creditor_only_and_can_be_revoked(two_creditors):
    tenant, user, mine, theirs = two_creditors
    token, key = token_create(tenant=tenant, actor=user, name="gestionale")
    assert key.startswith("rcp_") and len(key) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == key_digest(key) and key not in (stored.digest, stored.prefix)
    client = Client()
    response = client.get("/api/cases", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert [c["code"] for c in response.json()] == [mine.code]
    assert client.get(f"/api/cases/{theirs.pk}", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 404
    token_revoke(tenant=tenant, actor=user, token_id=token.pk)
    assert client.get("/api/cases", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert client.get("/api/cases", HTTP_AUTHORIZATION="Bearer rcp_invented").status_code == 401


def test_only_a_creditor_user_gets_tokens_and_only_its_own_are_revoked(two_creditors):
    tenant, user, _mine, _theirs = two_creditors
    with pytest.raises(DomainError) as refused:
        token_create(tenant=tenant, actor=make_user(tenant, Role.ADMIN, username="amm"), name="x")
    assert refused.value.code == "reporting.token_needs_creditor"
    other = make_user(tenant, Role.CREDITOR_USER, username="acme2")
    token, _key = token_create(tenant=tenant, actor=user, name="mio")
    with pytest.raises(DomainError) as foreign:
        token_revoke(tenant=tenant, actor=other, token_id=token.pk)
    assert foreign.value.code == "auth.not_found"


class _Receiver(BaseHTTPRequestHandler):
    answers: list[int] = []
    seen: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append((dict(self.headers), body))
        self.send_response(type(self).answers.pop(0))
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver():
    _Receiver.answers, _Receiver.seen = [500, 200], []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver
    server.shutdown()


def test_a_payment_is_delivered_signed_retried_after_a_failure_and_never_twice(two_creditors, receiver):
    tenant, user, mine, theirs = two_creditors
    url, box = receiver
    _endpoint, secret = webhook_subscribe(tenant=tenant, actor=user, url=url, events=["payment", "closure"])
    system = system_actor(tenant)
    payment_record(tenant=tenant, actor=system, case=mine, amount=Decimal("40.00"), value_date=dt.date(2026, 2, 2),
                   method="bank_transfer")  # fmt: skip
    payment_record(tenant=tenant, actor=system, case=theirs, amount=Decimal("5.00"),
                   value_date=dt.date(2026, 2, 2), method="bank_transfer")  # fmt: skip
    assert webhook_events_collect(tenant=tenant, actor=system) == 1  # beta's payment is not acme's business
    assert webhook_events_collect(tenant=tenant, actor=system) == 0
    event = WebhookEvent.objects.get()
    assert (event.kind, event.payload["case"]["code"]) == ("payment", mine.code)

    assert webhook_deliver_due(tenant=tenant, actor=system) == 0  # the receiver answers 500
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert webhook_deliver_due(tenant=tenant, actor=system) == 0  # not due yet: backing off (1 minute)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.next_attempt_at
                                                          - dt.timedelta(minutes=2))  # fmt: skip
    assert webhook_deliver_due(tenant=tenant, actor=system) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert webhook_deliver_due(tenant=tenant, actor=system) == 0  # delivered once
    assert len(box.seen) == 2
    for headers, body in box.seen:
        assert headers["X-Recupero-Event-Id"] == event.event_id
        stamp = int(headers["X-Recupero-Timestamp"])
        assert headers["X-Recupero-Signature"] == signature(secret, stamp, body)
        assert json.loads(body)["data"]["case"]["code"] == mine.code


def test_the_api_docs_load_nothing_from_outside(two_creditors):
    _tenant, user, _mine, _theirs = two_creditors
    client = Client()
    client.force_login(user)
    page = client.get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in page and "https://" not in page


def test_the_creditors_system_pushes_an_assignment_and_a_direct_payment_and_gets_a_signed_webhook(
    two_creditors, receiver, settings, tmp_path, django_capture_on_commit_callbacks
):
    """With its token only: POST the affido file, poll the batch, commit it; POST a direct payment on a new case
    (twice: recorded once); the payment reaches its webhook on a loopback receiver, signed."""
    import io

    from recupero.cases.models import Case
    from recupero.imports.models import ImportBatch
    from recupero.imports.tests.conftest import CF, csv_bytes, row
    from recupero.payments.models import Payment

    settings.MEDIA_ROOT = tmp_path
    tenant, user, _mine, theirs = two_creditors
    url, box = receiver
    box.answers = [200]
    _token, key = token_create(tenant=tenant, actor=user, name="gestionale")
    _endpoint, secret = webhook_subscribe(tenant=tenant, actor=user, url=url, events=["payment"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    data = csv_bytes(row(ref="X1"), row(ref="X2", cf=CF[1], number="G-1", outstanding="250,00"))
    with django_capture_on_commit_callbacks(execute=True):
        pushed = api.post(
            "/api/integration/assignments", {"files": [io.BytesIO(data)], "assignment_code": "API-7"}
        )
    assert pushed.status_code == 201, pushed.content
    batch_id = pushed.json()["id"]
    polled = api.get(f"/api/integration/assignments/{batch_id}").json()
    assert (polled["status"], polled["creditor"], polled["preview"]["cases"]["new"]) == ("ready", "ACME", 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/integration/assignments/{batch_id}/commit").status_code == 202
    assert api.get(f"/api/integration/assignments/{batch_id}").json()["status"] == "committed"
    new = Case.objects.get(tenant=tenant, creditor_reference="X2")
    assert new.creditor_id == user.creditor_id and new.balance == Decimal("250.00")
    other_batch = ImportBatch.objects.exclude(pk=batch_id).first()
    assert other_batch is None  # nothing else was uploaded
    assert api.get("/api/integration/assignments/999999").status_code == 404

    payment = {"case_code": new.code, "amount": "80.00", "value_date": "2026-02-02", "reference": "INC-1"}
    first = api.post("/api/integration/payments", payment, content_type="application/json")
    again = api.post("/api/integration/payments", payment, content_type="application/json")
    assert (first.status_code, again.status_code, again.json()["id"]) == (201, 200, first.json()["id"])
    recorded = Payment.objects.get(case=new)
    assert (recorded.direct, recorded.amount, recorded.reference) == (True, Decimal("80.00"), "INC-1")
    foreign = {**payment, "case_code": theirs.code}
    assert api.post("/api/integration/payments", foreign, content_type="application/json").status_code == 404
    assert Payment.objects.count() == 1

    system = system_actor(tenant)
    assert webhook_events_collect(tenant=tenant, actor=system) == 1
    assert webhook_deliver_due(tenant=tenant, actor=system) == 1
    ((headers, body),) = box.seen
    stamp = int(headers["X-Recupero-Timestamp"])
    assert headers["X-Recupero-Signature"] == signature(secret, stamp, body)
    assert json.loads(body)["data"]["case"]["code"] == new.code
    outcome = api.get(f"/api/integration/outcomes/{new.assignment_id}.csv")
    assert outcome.status_code == 200 and new.code in outcome.content.decode("utf-8-sig")
    assert api.get("/api/integration/remittances").json() == []
    session_admin = make_user(tenant, Role.ADMIN, username="amm")
    refused = Client()
    refused.force_login(session_admin)
    assert (
        refused.post("/api/integration/payments", payment, content_type="application/json").status_code == 403
    )
