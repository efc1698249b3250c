"""The debtor's door and page: link + second factor, lock, session, scope (this debtor, this creditor only)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from recupero.cases.access import access_link_issue, access_link_unlock
from recupero.cases.models import TimelineEvent
from recupero.core.models import AuditLog
from recupero.web.backoffice.pages import case_page
from recupero.web.tests.factories import CF_BIANCHI, CF_ROSSI

pytestmark = pytest.mark.django_db


def _link(world, key="rossi_ene"):
    return access_link_issue(tenant=world.tenant, actor=world.users["admin"], case=world.cases[key])


def _enter(client, token, answer=CF_ROSSI[-5:]):
    return client.post(reverse("debtor:open", args=[token]), {"factor": "tax_code", "answer": answer})


def test_right_tail_of_the_tax_code_opens_the_page_with_the_back_office_amount(world, client):
    _link_obj, token = _link(world)
    assert client.get(f"/d/{token}/").status_code == 200
    response = _enter(client, token, CF_ROSSI[-5:].lower())
    case = world.cases["rossi_ene"]
    assert response.status_code == 302 and response["Location"] == f"/d/pratica/{case.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    staff = case_page(tenant=world.tenant, actor=world.users["admin"], case_id=case.pk)
    assert page.context["page"].amount_due == staff.position.total_due
    assert (
        page.context["page"].payment.reference.startswith("RF")
        and case.code in page.context["page"].payment.remittance
    )
    kinds = list(
        TimelineEvent.objects.filter(case=case, kind__startswith="access.").values_list("kind", flat=True)
    )
    assert sorted(kinds) == ["access.issued", "access.verified"]
    actions = set(AuditLog.objects.filter(tenant=world.tenant).values_list("action", flat=True))
    assert {"access.issue", "access.open", "access.verified", "debtor.view"} <= actions


def test_the_debtor_sees_no_other_creditors_case_and_no_staff_page(world, client):
    _link_obj, token = _link(world)
    _enter(client, token)
    other_creditor = world.cases["rossi_tel"]  # the same debtor's debt towards another creditor
    assert client.get(f"/d/pratica/{other_creditor.pk}/").status_code == 404
    assert client.get(f"/d/pratica/{world.cases['bianchi_ene'].pk}/").status_code == 404
    assert client.get(f"/pratiche/{world.cases['rossi_ene'].pk}/").status_code in (302, 403, 404)


def test_five_wrong_answers_lock_the_link_until_the_agency_unlocks_it(world, client):
    link, token = _link(world)
    for n in range(4):
        response = _enter(client, token, "AAAAA")
        assert response.status_code == 422
        assert f"le restano {4 - n} tentativi" in response.content.decode()
    assert _enter(client, token, "AAAAA").status_code == 423
    assert _enter(client, token).status_code == 423  # even the right answer, once locked
    link.refresh_from_db()
    assert link.failed_attempts == 5 and link.locked_at is not None
    assert client.get(f"/d/{token}/").status_code == 423
    access_link_unlock(tenant=world.tenant, actor=world.users["collector"], link=link)
    assert _enter(client, token).status_code == 302
    assert TimelineEvent.objects.filter(case=link.case, kind="access.locked").count() == 1


def test_a_staff_session_does_not_open_a_debtor_page(world, client):
    client.force_login(world.users["admin"])
    case = world.cases["rossi_ene"]
    assert client.get(f"/d/pratica/{case.pk}/").status_code == 401


def test_the_session_ends_after_ten_idle_minutes(world, client):
    _l, token = _link(world)
    with time_machine.travel("2026-03-02 10:00 +0100", tick=False) as traveller:
        _l2, token = _link(world)
        _enter(client, token)
        url = f"/d/pratica/{world.cases['rossi_ene'].pk}/"
        assert client.get(url).status_code == 200
        traveller.shift(599)
        assert client.get(url).status_code == 200
        traveller.shift(601)
        assert client.get(url).status_code == 401


def test_the_page_shows_an_epc_qr_that_decodes_to_the_payee_amount_and_reference(world, client):
    from recupero.payments.domain.epc import Transfer, epc_payload, epc_png
    from recupero.payments.tests.test_epc import decode

    Tenant = type(world.tenant)
    Tenant.objects.filter(pk=world.tenant.pk).update(iban="IT60X0542811101000000123456")
    _l, token = _link(world)
    page = client.get(_enter(client, token)["Location"])
    payment = page.context["page"].payment
    assert 'data-testid="epc-qr"' in page.content.decode() and "<svg" in page.content.decode()
    text = decode(
        epc_png(epc_payload(Transfer(payment.beneficiary, payment.iban, payment.amount, payment.reference)))
    )
    lines = text.split("\n")
    assert lines[6] == "IT60X0542811101000000123456"
    assert lines[7] == f"EUR{page.context['page'].amount_due:.2f}"
    assert lines[9] == payment.reference and world.cases["rossi_ene"].code in lines[9]


def test_paying_by_card_with_the_fake_provider_records_the_payment_and_shows_a_receipt(world, client):
    from recupero.payments.models import CardPayment, Payment

    _l, token = _link(world, "bianchi_ene")
    case = world.cases["bianchi_ene"]
    page = client.get(_enter(client, token, CF_BIANCHI[-5:])["Location"])
    due = page.context["page"].amount_due
    assert due == Decimal("80.04")  # 80,00 + 10 days at 1,60% (art. 1284 c.c.)
    started = client.post(f"/d/pratica/{case.pk}/carta/")
    card = CardPayment.objects.get()
    assert started.status_code == 302 and started["Location"].endswith(
        f"/d/pratica/{case.pk}/carta/{card.pk}/"
    )
    assert (card.status, card.amount) == ("started", due)
    assert 'data-testid="card-confirm"' in client.get(started["Location"]).content.decode()
    receipt = client.get(client.post(started["Location"])["Location"])
    card.refresh_from_db()
    payment = Payment.objects.get(case=case, method="card")
    assert (card.status, card.payment_id, payment.amount) == ("paid", payment.pk, due)
    assert 'data-testid="receipt"' in receipt.content.decode()
    client.post(started["Location"])  # a second confirmation records nothing more
    assert Payment.objects.filter(case=case, method="card").count() == 1
    case.refresh_from_db()
    assert case.status == "paid"
    after = client.get(f"/d/pratica/{case.pk}/")
    staff = case_page(tenant=world.tenant, actor=world.users["admin"], case_id=case.pk)
    assert after.context["page"].amount_due == staff.position.total_due == 0


def test_the_collector_unlocks_and_reissues_from_the_case_page(world, client):
    link, token = _link(world)
    for _ in range(5):
        _enter(client, token, "AAAAA")
    staff = Client()
    staff.force_login(world.users["collector"])
    case = world.cases["rossi_ene"]
    page = staff.get(f"/pratiche/{case.pk}/").content.decode()
    assert 'data-testid="access-unlock"' in page
    staff.post(f"/pratiche/{case.pk}/collegamento/", {"action": "unlock"})
    link.refresh_from_db()
    assert (link.locked_at, link.failed_attempts) == (None, 0)
    response = staff.post(f"/pratiche/{case.pk}/collegamento/", {"action": "reissue"}, follow=True)
    new = re.search(r"/d/([0-9a-z]+-[a-z2-7]{12})/", response.content.decode()).group(1)
    assert new != token and _enter(Client(), new).status_code == 302
    assert _enter(Client(), token).status_code == 410  # the old link was replaced
    other_creditor_consultant = world.users["consultant"]  # assigned to energia only
    staff.force_login(other_creditor_consultant)
    assert (
        staff.post(
            f"/pratiche/{world.cases['rossi_tel'].pk}/collegamento/", {"action": "reissue"}
        ).status_code
        == 404
    )


def test_the_page_after_login_reads_in_sixteen_queries_and_saves_no_session(
    world, client, django_assert_num_queries
):
    """Issue 15's figure: the position reads the case's ledger once and its mandate once; a read within a minute
    of the last saves no session row (the debtor's idle clock is `seen`, written once a minute)."""
    _l, token = _link(world)
    url = _enter(client, token)["Location"]
    assert client.get(url).status_code == 200
    from django.db import connection

    chain_lock = connection.vendor == "postgresql"  # the tenant's audit chain: an advisory lock, one query
    with django_assert_num_queries(16 + chain_lock) as captured:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum("parties_mandate" in q for q in sql) == 1
    assert sum('FROM "ledger_ledgerentry"' in q for q in sql) == 1
    assert not any("django_session" in q and q.startswith("UPDATE") for q in sql)
