"""The creditor's side, end to end: the case's message thread with the agency (e-mail to the other side through
a real SMTP server), the monthly report by e-mail, and the integration pushing with a token."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from recupero.cases.models import CaseMessage, TimelineEvent
from recupero.core.domain.roles import Role
from tests.factories import TAX_CODES, make_case, make_creditor, make_debtor, make_tenant, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _with_email(user, address: str):  # type: ignore[no-untyped-def]
    user.email = address
    user.save(update_fields=["email"])
    return user


def _smtp(port: int) -> dict[str, object]:
    return {
        "email": {"backend": "smtp", "host": "127.0.0.1", "port": port, "sender": "avvisi@alfa.example.it"}
    }


@pytest.mark.smtp
def test_a_message_thread_between_the_creditor_and_its_consultant(smtp, django_capture_on_commit_callbacks):
    sink, port = smtp
    tenant = make_tenant()
    creditor, other = make_creditor(tenant, "ACME"), make_creditor(tenant, "BETA", vat="02182030391")
    case = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("500.00",))
    consultant = _with_email(
        make_user(tenant, Role.CONSULTANT, username="consulente"), "consulente@agenzia.it"
    )
    creditor.consultants.add(consultant)
    client_user = _with_email(
        make_user(tenant, Role.CREDITOR_USER, creditor=creditor, username="cliente"), "a@acme.it"
    )
    stranger = make_user(tenant, Role.CREDITOR_USER, creditor=other, username="estraneo")

    with override_settings(RECUPERO_CHANNELS=_smtp(port)), django_capture_on_commit_callbacks(execute=True):
        asked = _client(client_user).post(
            f"/portale/pratiche/{case.pk}/messaggi/", {"body": "Il debitore ha pagato?"}
        )
    assert asked.status_code == 302
    (mail,) = sink.messages
    assert (mail["To"], mail["Subject"]) == ("consulente@agenzia.it", f"Pratica {case.code}: nuovo messaggio")
    assert "Il debitore ha pagato?" in mail.get_body().get_content()
    home = _client(consultant).get("/").content.decode()
    assert 'data-testid="threads-waiting"' in home and case.code in home

    with override_settings(RECUPERO_CHANNELS=_smtp(port)), django_capture_on_commit_callbacks(execute=True):
        _client(consultant).post(f"/pratiche/{case.pk}/messaggi/", {"body": "Sì, 200 euro il 3 marzo."})
    assert [m["To"] for m in sink.messages] == ["consulente@agenzia.it", "a@acme.it"]
    assert [(m.side, m.author_id) for m in CaseMessage.objects.order_by("id")] == [
        ("creditor", client_user.pk),
        ("agency", consultant.pk),
    ]
    assert TimelineEvent.objects.filter(case=case, kind="case.message").count() == 2
    page = _client(client_user).get(f"/portale/pratiche/{case.pk}/messaggi/").content.decode()
    assert "Sì, 200 euro il 3 marzo." in page and "Il debitore ha pagato?" in page
    assert case.code in _client(client_user).get("/portale/").content.decode()  # the agency's answer waits
    assert "Sì, 200 euro" in _client(consultant).get(f"/pratiche/{case.pk}/").content.decode()

    assert _client(stranger).get(f"/portale/pratiche/{case.pk}/messaggi/").status_code == 404
    assert (
        _client(stranger).post(f"/portale/pratiche/{case.pk}/messaggi/", {"body": "ciao"}).status_code == 404
    )
    empty = _client(client_user).post(f"/portale/pratiche/{case.pk}/messaggi/", {"body": "  "})
    assert empty.status_code == 302 and CaseMessage.objects.count() == 2
    collector = make_user(tenant, Role.COLLECTOR, username="operatore")
    assert _client(collector).post(f"/pratiche/{case.pk}/messaggi/", {"body": "x"}).status_code == 403
    assert CaseMessage.objects.count() == 2
