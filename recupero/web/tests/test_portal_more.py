"""The portal home's promises and plans, its approvals (approve / reject with a reason, only the creditor's own),
and the downloads page (remittance statement and invoice, outcomes file, letters), scoped and audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
import time_machine
from django.test import Client

from recupero.arrangements.domain.schedule import Frequency
from recupero.arrangements.domain.states import Kind
from recupero.arrangements.selectors import Terms
from recupero.arrangements.services import arrangement_propose
from recupero.arrangements.tests.helpers import mandate
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.models import AuditLog
from recupero.core.permissions import system_actor
from recupero.remittance.services import remittance_issue
from recupero.remittance.tests.world import pay, ready
from tests import portfolio as b
from tests.factories import TAX_CODES, make_assignment, make_case, make_creditor, make_debtor, make_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _plan(t, case):  # type: ignore[no-untyped-def]
    terms = Terms(Kind.PLAN, instalments=8, frequency=Frequency.MONTHLY, first_due=dt.date(2026, 3, 31))
    return arrangement_propose(tenant=t, actor=system_actor(t), case=case, terms=terms)


@time_machine.travel(NOW, tick=False)
def test_the_portal_home_lists_its_approvals_and_decides_them_with_a_reason():
    t = b.tenant()
    mine, other = b.creditor(t), b.creditor(t)
    mandate(t, mine)
    mandate(t, other)
    case, second = (
        b.case(t, mine, b.debtor(t), amount="1000.00"),
        b.case(t, mine, b.debtor(t), amount="600.00"),
    )
    foreign = b.case(t, other, b.debtor(t), amount="800.00")
    waiting, rejected, theirs = _plan(t, case), _plan(t, second), _plan(t, foreign)
    promise = Terms(Kind.PROMISE, amount=D("100.00"), due=dt.date(2026, 3, 20))
    user = make_user(t, Role.CREDITOR_USER, creditor=mine, username="portale")
    client = _client(user)

    page = client.get("/portale/")
    home = page.context["page"]
    assert [a.pk for a in home.approvals] == [waiting.pk, rejected.pk]
    assert (home.arrangement_totals.pending_approval, home.arrangement_totals.pending_total) == (
        2,
        D("1600.00"),
    )
    assert home.arrangement_totals.kept_rate is None
    body = page.content.decode()
    assert f'data-testid="approval-{waiting.pk}"' in body and foreign.code not in body
    assert AuditLog.objects.filter(actor=user, action="debtor.view").count() == 1

    refused = client.post(f"/portale/accordi/{waiting.pk}/decisione/", {"decision": "approve", "reason": " "})
    assert refused.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "pending_approval"  # no reason, no decision
    client.post(
        f"/portale/accordi/{waiting.pk}/decisione/", {"decision": "approve", "reason": "cliente storico"}
    )
    client.post(f"/portale/accordi/{rejected.pk}/decisione/", {"decision": "reject", "reason": "troppe rate"})
    waiting.refresh_from_db()
    rejected.refresh_from_db()
    assert (waiting.status, waiting.decided_by_id, waiting.decision_reason) == (
        "active",
        user.pk,
        "cliente storico",
    )
    assert (rejected.status, rejected.decision_reason) == ("rejected", "troppe rate")
    assert (
        client.post(
            f"/portale/accordi/{theirs.pk}/decisione/", {"decision": "approve", "reason": "x"}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == "pending_approval"

    arrangement_propose(tenant=t, actor=system_actor(t), case=second, terms=promise)
    home = client.get("/portale/").context["page"]
    assert home.approvals == []
    assert (home.arrangements["plan"].active, home.arrangements["plan"].active_total) == (1, D("1000.00"))
    assert (home.arrangements["promise"].active, home.arrangement_totals.active_total) == (1, D("1100.00"))
    sheet = client.get("/portale/esporta/accordi.csv").content.decode("utf-8-sig").splitlines()
    assert sheet[1].startswith("Promessa di pagamento;1;100.00;0.00;0;0;0;")


def test_the_downloads_page_offers_its_statements_outcomes_and_letters_only(
    tenant, creditor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ready(tenant, creditor)
    assignment = make_assignment(tenant, creditor, "AFF-1")
    case = make_case(
        tenant, creditor, make_debtor(tenant, TAX_CODES[0]), assignment=assignment, amounts=("500.00",)
    )
    pay(case, dt.date(2026, 3, 5), "200.00")
    other = make_creditor(tenant, "ALTRO")
    ready(tenant, other)
    theirs = make_assignment(tenant, other, "AFF-X")
    other_case = make_case(
        tenant,
        other,
        make_debtor(tenant, TAX_CODES[1], last_name="Verdi"),
        assignment=theirs,
        amounts=("90.00",),
    )
    pay(other_case, dt.date(2026, 3, 6), "90.00")
    mine = remittance_issue(
        tenant=tenant, actor=system_actor(tenant), creditor=creditor, until=dt.date(2026, 3, 31)
    )
    foreign = remittance_issue(
        tenant=tenant, actor=system_actor(tenant), creditor=other, until=dt.date(2026, 3, 31)
    )
    assert mine is not None and foreign is not None
    user = make_user(tenant, Role.CREDITOR_USER, creditor=creditor, username="portale")
    client = _client(user)

    page = client.get("/portale/documenti/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f"/rendiconti/{mine.pk}/pdf/" in body and f"/rendiconti/{mine.pk}/fattura/" in body
    assert f"/rendiconti/{foreign.pk}/" not in body and "AFF-X" not in body
    pdf = client.get(f"/rendiconti/{mine.pk}/pdf/")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    before = AuditLog.objects.filter(actor=user, action="debtor.view").count()
    outcome = client.get(f"/portale/documenti/esiti/{assignment.pk}.csv")
    assert outcome.status_code == 200
    rows = list(csv.reader(io.StringIO(outcome.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1:2] + rows[1][4:6] == [case.code, "200,00", "300,00"]
    assert AuditLog.objects.filter(actor=user, action="debtor.view").count() == before + 1
    assert client.get(f"/portale/documenti/esiti/{theirs.pk}.csv").status_code == 404
    assert client.get(f"/portale/documenti/esiti/{assignment.pk}.pdf").status_code == 404
