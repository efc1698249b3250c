"""The desk's pages end to end through the views: disputes and the pack on the case page, my queue, the item
page with the call-prep card, the supervisor's desk and bulk assignment, the field agent's day."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from recupero.cases.models import Case, Dispute, DisputeDocument
from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.worklists.models import Team, WorkItem
from recupero.worklists.services import WorkItemSpec, work_items_create
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _items(world, kind="call"):
    t = world.tenant
    day = dt.date.today() - dt.timedelta(days=1)
    specs = [WorkItemSpec(c.pk, kind, "s1", "", day, None, f"{kind}-{c.pk}") for c in world.cases.values()]
    work_items_create(tenant=t, actor=system_actor(t), specs=specs)
    return {k: WorkItem.objects.get(idempotency_key=f"{kind}-{c.pk}") for k, c in world.cases.items()}


def test_dispute_from_the_case_page_to_the_pack(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = world.cases["verdi_tel"]
    client = login(world.users["collector"])
    url = reverse("backoffice:case_detail", args=[case.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="dispute-open"' in html and 'data-testid="adhoc-message"' in html
    client.post(
        reverse("backoffice:dispute_open", args=[case.pk]),
        {"reason": "already_paid", "description": "pagata", "channel": "pec"},
    )
    dispute = Dispute.objects.get(case=case)
    assert (dispute.reason, dispute.channel, Case.objects.get(pk=case.pk).status) == (
        "already_paid",
        "pec",
        "disputed",
    )
    upload = SimpleUploadedFile("ricevuta.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    client.post(reverse("backoffice:dispute_document", args=[case.pk]), {"document": upload})
    fake = SimpleUploadedFile("finto.pdf", b"<script>", content_type="application/pdf")
    response = client.post(
        reverse("backoffice:dispute_document", args=[case.pk]), {"document": fake}, follow=True
    )
    assert "non è un PDF, un JPEG o un PNG" in response.content.decode()
    doc = DisputeDocument.objects.get()
    download = client.get(reverse("backoffice:dispute_document_download", args=[case.pk, doc.pk]))
    assert download["Content-Type"] == "image/png"
    # the collector may not decide: the form offers only "withdrawn", and a forged post is refused
    response = client.post(
        reverse("backoffice:dispute_decide", args=[case.pk]),
        {"decision": "upheld", "reason": "x"},
        follow=True,
    )
    assert "non consentita" in response.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).status == "open"
    sup = login(world.users["supervisor"])
    sup.post(
        reverse("backoffice:dispute_decide", args=[case.pk]),
        {"decision": "rejected", "reason": "Fattura TC-78 regolarmente emessa."},
    )
    assert Dispute.objects.get(pk=dispute.pk).status == "rejected"
    pdf = sup.get(reverse("backoffice:case_pack", args=[case.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "TC-78" in text and "Fattura TC-78 regolarmente emessa." in text and case.code in text


def test_a_creditor_user_cannot_reach_another_creditors_pack(world, login):
    other = world.cases["verdi_tel"]
    client = login(world.users["energia_user"])
    assert client.get(reverse("backoffice:case_pack", args=[other.pk])).status_code == 404


def test_collector_takes_an_item_and_reads_the_call_prep_card(world, login):
    items = _items(world)
    collector = world.users["collector"]
    WorkItem.objects.filter(pk=items["rossi_ene"].pk).update(assigned_to=collector)
    client = login(collector)
    html = client.get(reverse("backoffice:my_queue")).content.decode()
    assert world.cases["rossi_ene"].code in html and world.cases["verdi_tel"].code not in html
    response = client.post(reverse("backoffice:work_item_take", args=[items["rossi_ene"].pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "backoffice:work_item", args=[items["rossi_ene"].pk]
    )
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="call-prep"' in html and "FT-2024/0001" in html
    assert 'href="tel:' in html
    assert "TC-79" in html  # the debtor's other unpaid invoice (another creditor: a collector reaches it)
    assert WorkItem.objects.get(pk=items["rossi_ene"].pk).locked_by_id == collector.pk
    # a consultant of Energia only: the call-prep card leaves out the debtor's TeleSud invoice
    html = (
        login(world.users["consultant"])
        .get(reverse("backoffice:work_item", args=[items["rossi_ene"].pk]))
        .content.decode()
    )
    assert "FT-2024/0001" in html and "TC-79" not in html


def test_an_item_is_worked_by_one_collector_at_a_time(world, login):
    items = _items(world)
    first = login(world.users["collector"])
    first.post(reverse("backoffice:work_item_take", args=[items["verdi_tel"].pk]))
    other = make_user(world.tenant, Role.COLLECTOR, username="secondoop")
    response = login(other).post(
        reverse("backoffice:work_item_take", args=[items["verdi_tel"].pk]), follow=True
    )
    assert "la lavori un operatore alla volta" in response.content.decode()
    assert WorkItem.objects.get(pk=items["verdi_tel"].pk).locked_by_id == world.users["collector"].pk


def test_supervisor_assigns_the_filtered_cases_work_and_sees_the_desk(world, login):
    items = _items(world)
    sup = login(world.users["supervisor"])
    collector = world.users["collector"]
    energia = world.cases["rossi_ene"].creditor_id
    response = sup.post(
        reverse("backoffice:bulk_assign"),
        {"query": f"creditor={energia}", "kind": "call", "assignee": f"u{collector.pk}"},
    )
    assert response.status_code == 302
    assigned = {k for k, i in items.items() if WorkItem.objects.get(pk=i.pk).assigned_to_id == collector.pk}
    assert assigned == {"rossi_ene", "bianchi_ene"}
    html = sup.get(reverse("backoffice:desk")).content.decode()
    assert 'data-testid="overview"' in html and "Coda comune" in html
    sup.post(reverse("backoffice:team_add"), {"name": "Sud", "members": [collector.pk]})
    team = Team.objects.get(name="Sud")
    sup.post(reverse("backoffice:rule_add"), {"position": "5", "province": "NA", "assignee": f"t{team.pk}"})
    html = sup.get(reverse("backoffice:desk")).content.decode()
    assert "Sud" in html and "NA" in html
    page = sup.get(reverse("backoffice:case_list")).content.decode()
    assert 'data-testid="bulk-assign"' in page


def test_field_agent_day(world, login):
    agent = make_user(world.tenant, Role.FIELD_AGENT, username="esattore1")
    items = _items(world, kind="visit")
    client = login(agent)
    html = client.get(reverse("backoffice:visit_day")).content.decode()
    assert "Milano" in html and 'data-testid="municipality"' in html
    item = items["rossi_ene"]
    response = client.post(
        reverse("backoffice:work_item_outcome", args=[item.pk]),
        {"outcome": "door_notice", "back": "giornata"},
    )
    assert response["Location"] == reverse("backoffice:visit_day")
    assert WorkItem.objects.get(pk=item.pk).outcome == "door_notice"


def test_supervisor_opens_one_collectors_queue_from_the_desk(world, login):
    items = _items(world)
    collector = world.users["collector"]
    WorkItem.objects.filter(pk=items["verdi_tel"].pk).update(assigned_to=collector)
    sup = login(world.users["supervisor"])
    desk = sup.get(reverse("backoffice:desk")).content.decode()
    link = f"{reverse('backoffice:queue_of')}?tipo=call&utente={collector.pk}"
    assert link in desk
    html = sup.get(f"{reverse('backoffice:queue_of')}?tipo=call&utente={collector.pk}").content.decode()
    assert world.cases["verdi_tel"].code in html and world.cases["rossi_ene"].code not in html


def test_disputes_api(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = world.cases["verdi_tel"]
    collector = login(world.users["collector"])
    created = collector.post(
        f"/api/cases/{case.pk}/disputes",
        {"reason": "not_received", "description": "mai attivata", "deadline": "2099-01-31"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["reason"], body["status"], body["deadline"]) == ("not_received", "open", "2099-01-31")
    bad = collector.post(f"/api/cases/{case.pk}/disputes", {"reason": "boh"}, content_type="application/json")
    assert bad.status_code == 422
    refused = collector.post(
        f"/api/cases/{case.pk}/disputes/decision",
        {"decision": "upheld", "reason": "x"},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "auth.forbidden")
    sup = login(world.users["supervisor"])
    decided = sup.post(
        f"/api/cases/{case.pk}/disputes/decision",
        {"decision": "upheld", "reason": "servizio mai attivato", "reduction": "50.00"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["reduction"]) == ("upheld", "50.00")
    assert Case.objects.get(pk=case.pk).status == "working"
    # a creditor user of the other creditor does not know this case exists
    other = login(world.users["energia_user"]).get(f"/api/cases/{case.pk}/disputes")
    assert other.status_code == 404
    own = login(world.users["telco_user"]).get(f"/api/cases/{case.pk}/disputes").json()
    assert [d["status"] for d in own] == ["upheld"]


@pytest.mark.parametrize(("outcome", "kind"), [("plan", "plan"), ("settlement", "settlement")])
def test_an_agreement_reached_on_the_phone_leads_to_its_proposal_form(world, login, outcome, kind):
    """A call that ends with a plan or a settlement closes the item and opens the case's arrangements page with
    that kind chosen: the terms are written there and checked against the mandate."""
    item = _items(world)["verdi_tel"]
    client = login(world.users["collector"])
    response = client.post(reverse("backoffice:work_item_outcome", args=[item.pk]), {"outcome": outcome})
    target = f"{reverse('backoffice:case_arrangements', args=[item.case_id])}?tipo={kind}"
    assert (response.status_code, response["Location"]) == (302, target)
    assert WorkItem.objects.values_list("status", "outcome").get(pk=item.pk) == ("done", outcome)
    page = client.get(target).content.decode()
    assert f'<option value="{kind}" selected>' in page
