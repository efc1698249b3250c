"""The debtor's action pages (issue 15, part 2) through the client: each form, its refusal on the page (422,
typed values kept), its confirmation on the page and on the case timeline; another creditor's case is a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recupero.arrangements.models import Arrangement
from recupero.cases.access import access_link_issue
from recupero.cases.models import Dispute, TimelineEvent
from recupero.law.business_days import is_holiday
from recupero.web.tests.factories import CF_ROSSI
from recupero.worklists.models import WorkItem

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def debtor(world, client):
    case = world.cases["rossi_ene"]
    _link, token = access_link_issue(tenant=world.tenant, actor=world.users["admin"], case=case)
    response = client.post(
        reverse("debtor:open", args=[token]), {"factor": "tax_code", "answer": CF_ROSSI[-5:]}
    )
    assert response.status_code == 302
    return case


def _url(name, case):
    return reverse(f"debtor:{name}", kwargs={"case_id": case.pk})


def test_the_case_page_lists_the_actions_and_each_page_opens(client, debtor):
    page = client.get(f"/d/pratica/{debtor.pk}/").content.decode()
    for name in ("plan", "dispute", "contact", "channels", "call_back"):
        assert _url(name, debtor) in page
        assert client.get(_url(name, debtor)).status_code == 200


def test_foreign_cases_are_not_found(client, world, debtor):
    for name in ("plan", "dispute", "channels"):
        assert client.get(_url(name, world.cases["rossi_tel"])).status_code == 404
        assert client.get(_url(name, world.cases["bianchi_ene"])).status_code == 404


def test_plan_preview_then_accept_or_refusal_on_the_page(client, debtor):
    offer = client.get(_url("plan", debtor)).context["offer"]
    first = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    base = {"kind": "plan", "first_due": first, "down_payment": str(offer.min_down_payment)}
    too_many = {**base, "instalments": str(offer.max_instalments + 1), "step": "accept"}
    refused = client.post(_url("plan", debtor), too_many)
    assert refused.status_code == 422 and "oltre quanto si può concordare online" in refused.content.decode()
    assert Arrangement.objects.count() == 0
    preview = client.post(_url("plan", debtor), {**base, "instalments": "2", "step": "preview"})
    assert preview.status_code == 200 and preview.context["beyond"] == []
    assert len(preview.context["draft"].schedule) == 3 and Arrangement.objects.count() == 0
    done = client.post(_url("plan", debtor), {**base, "instalments": "2", "step": "accept"})
    assert done.status_code == 200 and 'data-testid="action-done"' in done.content.decode()
    a = Arrangement.objects.get()
    assert (a.case_id, a.status, a.channel) == (debtor.pk, "active", "self-service")
    assert TimelineEvent.objects.filter(case=debtor, kind="arrangement.accepted").count() == 1


def test_dispute_with_a_document_and_a_renamed_file_refused(client, debtor):
    bad = SimpleUploadedFile("ricevuta.pdf", b"GIF89a not a pdf", content_type="application/pdf")
    response = client.post(
        _url("dispute", debtor), {"reason": "already_paid", "description": "Pagato", "documents": [bad]}
    )
    assert response.status_code == 422 and Dispute.objects.count() == 0
    assert "Pagato" in response.content.decode()  # what was typed stays
    good = SimpleUploadedFile("ricevuta.pdf", PDF, content_type="application/pdf")
    done = client.post(
        _url("dispute", debtor), {"reason": "already_paid", "description": "Pagato", "documents": [good]}
    )
    assert done.status_code == 200
    d = Dispute.objects.get()
    assert (d.case_id, d.reason, d.channel, d.documents.count()) == (
        debtor.pk,
        "already_paid",
        "self-service",
        1,
    )


def test_channels_contact_and_call_back(client, debtor):
    saved = client.post(_url("channels", debtor), {"refused": ["sms", "phone"]})
    assert saved.status_code == 200 and saved.context["saved"]
    debtor.debtor.refresh_from_db()
    assert debtor.debtor.channels_refused == 6
    assert client.post(_url("channels", debtor), {"refused": ["pec"]}).status_code == 422
    contact = client.post(_url("contact", debtor), {"kind": "email", "value": "nuova@example.it"})
    assert contact.status_code == 200 and contact.context["point"].status == "to_verify"
    call = client.get(_url("call_back", debtor))
    options = call.context["days"]
    weekday = next(d for d in options if d.weekday() < 5 and not is_holiday(d))  # UNIREC: calls until 21:00
    done = client.post(_url("call_back", debtor), {"on": weekday.isoformat(), "slot": "18:00-21:00"})
    assert done.status_code == 200
    item = WorkItem.objects.get(template="debtor_call_back")
    assert (item.due_on, item.window_start, item.window_end) == (weekday, dt.time(18), dt.time(21))
