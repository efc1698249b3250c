"""The agency's reports: collector performance (worked time to the minute, collections credited, kept rate),
strategy cost per euro, ageing and counts by state from the snapshot, the prescription-at-risk list — each total
reconciled to the ledger or to a live count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Q, Sum
from django.test import Client

from recupero.cases.domain.claims import ClaimType
from recupero.cases.domain.states import OPEN_STATUSES, CaseStatus
from recupero.cases.models import Case
from recupero.cases.selectors import case_status_counts
from recupero.core.clock import ROME, now
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.core.services import audit_record
from recupero.ledger.models import LedgerEntry
from recupero.payments.services import payment_record
from recupero.reporting.models import PrescriptionRisk
from recupero.reporting.selectors import (
    ageing,
    collector_collected,
    prescription_at_risk,
    status_counts,
    worked_seconds_by_person,
)
from recupero.reporting.services import prescription_risk_build, snapshot_build
from recupero.reporting.sql import RECEIVABLES
from recupero.strategies.models import StepExecution
from recupero.worklists.domain.items import Outcome
from recupero.worklists.models import WorkItem
from recupero.worklists.services import WorkItemSpec, work_item_complete, work_items_create
from tests.builders import CaseFactory, ClaimFactory, case_moved
from tests.factories import TAX_CODES, make_case, make_creditor, make_debtor, make_tenant, make_user

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=ROME)


def _pay(tenant, case, amount: str, on: dt.date):
    return payment_record(tenant=tenant, actor=system_actor(tenant), case=case, amount=Decimal(amount),
                          value_date=on, method="bank_transfer")  # fmt: skip


def _call_done(tenant, collector, case, outcome: Outcome, at: dt.datetime, key: str) -> None:
    with time_machine.travel(at, tick=False):
        work_items_create(tenant=tenant, actor=system_actor(tenant),
                          specs=[WorkItemSpec(case.pk, "call", "call_1", "", at.date(), None, key)])  # fmt: skip
        item = WorkItem.objects.get(idempotency_key=key)
        work_item_complete(tenant=tenant, actor=collector, item=item, outcome=outcome)


@pytest.fixture
def agency():
    tenant = make_tenant()
    acme, beta = make_creditor(tenant, "ACME"), make_creditor(tenant, "BETA", vat="02182030391")
    c1 = make_case(tenant, acme, make_debtor(tenant, TAX_CODES[0]), amounts=("1000.00",))
    c2 = make_case(tenant, beta, make_debtor(tenant, TAX_CODES[1], last_name="Bianchi"), amounts=("500.00",))
    return tenant, acme, beta, c1, c2


def test_worked_time_is_the_span_of_each_block_of_activity_to_the_minute(agency):
    tenant, _acme, *_ = agency
    luca = make_user(tenant, Role.COLLECTOR, username="luca")
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    day = dt.date(2026, 3, 2)
    # 9:00, 9:10, 9:24 (one block: 24 min); 9:39 is 15 min later: a new block, to 9:50 (11 min); 14:00 alone.
    for hour, minute in ((9, 0), (9, 10), (9, 24), (9, 39), (9, 50), (14, 0)):
        with time_machine.travel(_at(day, hour, minute), tick=False):
            audit_record(tenant=tenant, actor=luca, action="worklist.take", object_type="x", object_id="1")
    with time_machine.travel(_at(day, 23, 59), tick=False):
        audit_record(tenant=tenant, actor=luca, action="case.view", object_type="x", object_id="2")
    worked = worked_seconds_by_person(
        tenant=tenant, actor=supervisor, since=_at(day, 0, 0), until=_at(day + dt.timedelta(days=1), 0, 0)
    )
    assert worked[luca.pk] == (24 + 11) * 60
    morning = worked_seconds_by_person(
        tenant=tenant, actor=supervisor, since=_at(day, 9, 5), until=_at(day, 9, 45)
    )
    assert morning[luca.pk] == (24 - 10) * 60  # 9:10 → 9:24; 9:39 starts a block of one act


def test_collections_are_credited_to_the_last_right_party_contact_within_30_days(agency):
    tenant, _acme, _beta, c1, c2 = agency
    luca, anna = (make_user(tenant, Role.COLLECTOR, username=n) for n in ("luca", "anna"))
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    _call_done(tenant, luca, c1, Outcome.RIGHT_PARTY, _at(dt.date(2026, 2, 20), 10, 0), "k1")
    _call_done(tenant, anna, c1, Outcome.NO_ANSWER, _at(dt.date(2026, 2, 25), 10, 0), "k2")  # not reached
    _call_done(tenant, anna, c2, Outcome.CALL_BACK, _at(dt.date(2026, 1, 5), 10, 0), "k3")  # > 30 days before
    _pay(tenant, c1, "300.00", dt.date(2026, 3, 3))  # luca's contact 11 days before
    _pay(tenant, c2, "50.00", dt.date(2026, 3, 4))  # nobody's
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=dt.date(2026, 3, 4))
    _pay(tenant, c1, "120.00", dt.date(2026, 3, 20))  # after the mark: luca's contact 28 days before
    _pay(tenant, c1, "10.00", dt.date(2026, 2, 27))  # posted in February: not this month's
    got = collector_collected(tenant=tenant, actor=supervisor, since=dt.date(2026, 3, 1))
    assert got == {luca.pk: Decimal("420.00"), None: Decimal("50.00")}
    march = LedgerEntry.objects.filter(kind="payment", posted_on__gte=dt.date(2026, 3, 1))
    assert sum(got.values()) == march.aggregate(s=Sum("amount"))["s"]  # every euro of the month, once
    consultant = make_user(tenant, Role.CONSULTANT, username="cons")
    with pytest.raises(DomainError, match="consentita"):  # the agency's reports only
        collector_collected(tenant=tenant, actor=consultant, since=dt.date(2026, 3, 1))


@time_machine.travel(dt.datetime(2026, 3, 25, 12, 0, tzinfo=ROME), tick=False)
def test_the_performance_table_shows_kept_rate_hours_and_collected_per_hour(agency):
    tenant, _acme, _beta, c1, c2 = agency
    luca = make_user(tenant, Role.COLLECTOR, username="luca")
    luca.first_name, luca.last_name = "Luca", "Neri"
    luca.save()
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    _call_done(tenant, luca, c1, Outcome.RIGHT_PARTY, _at(dt.date(2026, 3, 2), 9, 0), "k1")
    _call_done(tenant, luca, c2, Outcome.REFUSED, _at(dt.date(2026, 3, 2), 9, 30), "k2")
    _pay(tenant, c1, "300.00", dt.date(2026, 3, 3))
    client = Client()
    client.force_login(supervisor)
    table = client.get("/report/").context["page"].tables["produttivita"]
    # Each call leaves two audited acts (item created by the system, completed by luca): luca's own acts are
    # at 9:00 and 9:30, 30 minutes apart: two blocks of one act, 0 hours — collected per hour is "—".
    assert table.rows == [["Luca Neri", 2, 2, 0, "0/0", "—", Decimal("0.00"), Decimal("300.00"), "—"]]
    for minute in (10, 20):
        with time_machine.travel(_at(dt.date(2026, 3, 2), 9, minute), tick=False):
            audit_record(
                tenant=tenant, actor=luca, action="case.view", object_type="case", object_id=str(c2.pk)
            )
    table = client.get("/report/").context["page"].tables["produttivita"]
    assert table.rows[0][6:] == [Decimal("0.50"), Decimal("300.00"), Decimal("600.00")]  # 9:00 → 9:30


def test_ageing_and_counts_by_state_come_from_the_snapshot_and_reconcile(agency):
    tenant, acme, beta, c1, c2 = agency
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    old = CaseFactory(creditor=acme, debtor=make_debtor(tenant, TAX_CODES[2], last_name="Verdi"),
                      claims=[ClaimFactory(due_on=dt.date(2025, 12, 20), amount=Decimal("80.00"))])  # fmt: skip
    _pay(tenant, c1, "200.00", dt.date(2026, 3, 1))
    case_moved(c2, CaseStatus.WORKING)
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=dt.date(2026, 3, 1))
    got = ageing(tenant=tenant, actor=supervisor, on=dt.date(2026, 3, 2))
    # c1 and c2 fall due 10 Feb 2025 (385 days on 2 March 2026), `old` on 20 Dec 2025 (72 days).
    assert [row[1] for row in got] == [0, 1, 0, 0, 2]
    open_ids = Case.objects.filter(status__in=[s.value for s in OPEN_STATUSES]).values("pk")
    books = LedgerEntry.objects.filter(case_id__in=open_ids)
    receivable = (books.filter(debit_account__in=RECEIVABLES).aggregate(s=Sum("amount"))["s"]
                  - books.filter(credit_account__in=RECEIVABLES).aggregate(s=Sum("amount"))["s"])  # fmt: skip
    assert sum(row[2] for row in got) == receivable
    assert got[1][2] == Decimal("80.00")
    # Moves and a new case after the snapshot: the counts equal the live count, without scanning the cases.
    case_moved(c1, CaseStatus.WORKING)
    case_moved(old, CaseStatus.DISPUTED)
    make_case(tenant, beta, make_debtor(tenant, TAX_CODES[3], last_name="Gialli"))
    assert status_counts(tenant=tenant, actor=supervisor) == case_status_counts(
        tenant=tenant, actor=supervisor
    )
    assert status_counts(tenant=tenant, actor=supervisor) == {"working": 2, "disputed": 1, "new": 1}
    client_user = make_user(tenant, Role.CREDITOR_USER, creditor=beta, username="beta1")
    assert status_counts(tenant=tenant, actor=client_user) == {"working": 1, "new": 1}


def test_step_cost_per_euro_collected(agency, settings):
    tenant, _acme, _beta, c1, c2 = agency
    settings.RECUPERO_CHANNEL_COSTS = {"registered": "6.35", "sms": "0.06"}
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    for case in (c1, c2):
        for code, channel in (("diffida", "registered"), ("sms_1", "sms")):
            StepExecution.objects.create(
                tenant=tenant, case=case, strategy_code="std", step_code=code, action=code, channel=channel,
                scheduled_for=dt.date(2026, 3, 2), idempotency_key=f"{case.pk}:{code}", created_at=now(),
            )  # fmt: skip
    _pay(tenant, c1, "254.00", dt.date(2026, 3, 20))  # within 30 days of both steps
    _pay(tenant, c2, "99.00", dt.date(2026, 4, 5))  # 34 days after: not the steps'
    snapshot_build(tenant=tenant, actor=system_actor(tenant), day=dt.date(2026, 4, 10))
    client = Client()
    client.force_login(supervisor)
    rows = client.get("/report/").context["page"].tables["passi"].rows
    assert rows == [
        ["std", "diffida", 2, 1, Decimal("50.0"), Decimal("254.00"), Decimal("12.70"), Decimal("0.0500")],
        ["std", "sms_1", 2, 1, Decimal("50.0"), Decimal("254.00"), Decimal("0.12"), Decimal("0.0005")],
    ]


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=ROME), tick=False)
def test_prescription_at_risk_list_with_its_amount_link_and_action(agency):
    tenant, acme, beta, c1, c2 = agency
    supervisor = make_user(tenant, Role.SUPERVISOR, username="capo")
    # An ordinary claim due 20 May 2016 prescribes on 22 May 2026 (10 years; the 20th is a Wednesday, the
    # deadline art. 2963 moves only off holidays: here it is the 20th). Electricity for a consumer: 2 years.
    claim = ClaimFactory(
        issued_on=dt.date(2016, 4, 20), due_on=dt.date(2016, 5, 20), amount=Decimal("700.00")
    )
    debtor = make_debtor(tenant, TAX_CODES[2], last_name="Verdi")
    soon = CaseFactory(creditor=acme, debtor=debtor, claim_type=ClaimType.ORDINARY, claims=[claim])
    assert prescription_risk_build(tenant=tenant, actor=system_actor(tenant), day=dt.date(2026, 3, 1)) == 3
    assert prescription_risk_build(tenant=tenant, actor=system_actor(tenant), day=dt.date(2026, 3, 1)) == 3
    risks = {r.case_id: r for r in PrescriptionRisk.objects.all()}
    assert risks[soon.pk].deadline == dt.date(2026, 5, 20)
    assert risks[c1.pk].deadline == dt.date(2027, 2, 10) and risks[c2.pk].deadline == dt.date(2027, 2, 10)
    rows, total, amount = prescription_at_risk(
        tenant=tenant, actor=supervisor, on=dt.date(2026, 3, 2), days=90
    )
    assert [(r.case_id, r.days_left, r.has_pec) for r in rows] == [(soon.pk, 79, False)]
    assert (total, amount) == (1, Case.objects.get(pk=soon.pk).balance)
    _, total_year, amount_year = prescription_at_risk(
        tenant=tenant, actor=supervisor, on=dt.date(2026, 3, 2), days=365
    )
    assert total_year == 3
    assert amount_year == sum(
        Case.objects.filter(Q(pk__in=[soon.pk, c1.pk, c2.pk])).values_list("balance", flat=True)
    )
    client = Client()
    client.force_login(supervisor)
    page = client.get("/report/prescrizione/?giorni=90")
    html = page.content.decode()
    assert f"/pratiche/{soon.pk}/" in html and "formal_demand" in html and 'value="registered"' in html
    export = client.get("/report/esporta/prescrizione.csv?giorni=365").content.decode()
    assert export.count("\n") == 4 and soon.code in export
    beta_user = make_user(tenant, Role.CREDITOR_USER, creditor=beta, username="beta1")
    assert Client().get("/report/prescrizione/").status_code in (302, 403)
    client.force_login(beta_user)
    assert client.get("/report/prescrizione/").status_code == 403
