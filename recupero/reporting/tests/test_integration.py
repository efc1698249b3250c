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
