"""What the debtor does on their own page (issue 15, part 2), through the services with the debtor principal:
a plan or a promise accepted at once within the self-service limits (an acknowledgment of the debt, the schedule
sent by e-mail), refused beyond them; a dispute with documents checked by content; a corrected contact to verify;
refused channels the ladder and the desk respect; a call back on the collector's desk. Exact cents, dates, rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine

from recupero.arrangements.models import Acceptance, Arrangement
from recupero.arrangements.tests.helpers import mandate
from recupero.cases.domain.disputes import DisputeReason
from recupero.cases.models import Case, Dispute, DisputeDocument, TimelineEvent
from recupero.cases.self_service import dispute_self_service
from recupero.channels.providers.fake import FakeProvider
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.models import AuditLog, Tenant, User
from recupero.core.permissions import debtor_actor, system_actor
from recupero.ledger.position import case_position
from recupero.parties.domain.consents import ContactChannel
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.models import ContactPoint, Creditor
from recupero.strategies.desk import message_adhoc
from recupero.strategies.models import StepExecution
from recupero.strategies.self_service import (
    debtor_arrangement,
    debtor_channels_choose,
    debtor_contact_correct,
)
from recupero.strategies.services import strategy_run
from recupero.worklists.domain.items import Outcome
from recupero.worklists.models import WorkItem
from recupero.worklists.self_service import call_back_request
from recupero.worklists.services import work_item_complete
from tests import portfolio as b
from tests.factories import make_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)  # a Monday
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture(autouse=True)
def _outbox():
    FakeProvider.outbox.clear()
    yield
    FakeProvider.outbox.clear()


def me(case: Case) -> User:
    """The debtor of `case` after passing the check of its link (part 1's principal)."""
    return debtor_actor(
        tenant_id=case.tenant_id,
        creditor_id=case.creditor_id,
        debtor_id=case.debtor_id,
        link_id=1,
        case_code=case.code,
    )


def world(**contacts: bool) -> tuple[Tenant, Creditor, Case]:
    t = b.tenant()
    cr = b.creditor(t)
    mandate(t, cr)  # persons up to 5,000 €: 6 instalments / 6 months for a collector, interest waived
    return t, cr, b.case(t, cr, b.debtor(t, **contacts), amount="1000.00")


def propose(t: Tenant, case: Case, **data: str) -> tuple[Arrangement, list[int]]:
    return debtor_arrangement(tenant=t, actor=me(case), case=case, data=data, ip="203.0.113.9")


@time_machine.travel(NOW, tick=False)
def test_plan_within_the_self_service_limits_is_active_accepted_and_sent(django_capture_on_commit_callbacks):
    t, _cr, case = world(email=True)
    before = case_position(case=case, today=NOW.date()).earliest_prescription
    with django_capture_on_commit_callbacks(execute=True):
        a, sent = propose(
            t, case, kind="plan", instalments="3", first_due="2026-04-02", down_payment="160,00"
        )
    assert (a.status, a.channel, a.total, a.taken_by_id, a.breaches) == (
        "active",
        "self-service",
        D("1000.00"),
        None,
        [],
    )
    assert [(i.number, i.due_on, i.amount) for i in a.instalments.order_by("number")] == [
        (0, dt.date(2026, 3, 2), D("160.00")),
        (1, dt.date(2026, 4, 2), D("280.00")),
        (2, dt.date(2026, 5, 2), D("280.00")),
        (3, dt.date(2026, 6, 2), D("280.00")),
    ]
    case.refresh_from_db()
    assert case.status == "plan"
    offer = Acceptance.objects.get(arrangement=a)
    assert (offer.accepted_at, offer.accepted_channel, offer.accepted_ip) == (
        NOW,
        "self-service",
        "203.0.113.9",
    )
    assert "Rata 3: 280,00 € entro il 02/06/2026" in offer.text
    ack = TimelineEvent.objects.get(case=case, kind="prescription.event")
    assert (ack.data["event"], ack.data["when"]) == ("acknowledgment", "2026-03-02")
    assert offer.text_sha256 in ack.data["evidence"]
    after = case_position(case=case, today=NOW.date()).earliest_prescription
    assert before is not None and after is not None
    # electricity, consumer: two years from the due date, run again from the acknowledgment
    assert (before.deadline, after.deadline) == (dt.date(2027, 2, 10), dt.date(2028, 3, 2))
    assert len(sent) == 1 and len(FakeProvider.outbox) == 1
    message = FakeProvider.outbox[0]
    assert message.subject == f"Il suo accordo di pagamento – pratica {case.code}"
    assert "Ha accettato questo accordo il 02/03/2026" in message.body and "Acconto: 160,00 €" in message.body
    assert AuditLog.objects.filter(action="arrangement.self_service", object_id=str(a.pk)).count() == 1
    assert TimelineEvent.objects.filter(case=case, kind="arrangement.proposed").get().summary == (
        "Piano di rientro di 1.000,00 €: proposto dal debitore dalla pagina personale, attivo"
    )


@time_machine.travel(NOW, tick=False)
def test_a_plan_the_collector_could_grant_is_beyond_the_page_and_changes_nothing():
    t, _cr, case = world(email=True)
    with pytest.raises(DomainError) as exc:
        propose(t, case, kind="plan", instalments="5", first_due="2026-04-02", down_payment="160")
    assert exc.value.code == "arrangement.self_service.beyond"
    assert exc.value.message == (
        "La proposta va oltre quanto si può concordare online (Rate 5: il mandato ne consente al massimo 3.; "
        "Durata 5 mesi: il mandato consente al massimo 3 mesi.). Può chiedere di essere richiamato: un operatore "
        "valuterà con lei un piano diverso."
    )
    with pytest.raises(DomainError) as exc:  # no down payment: the page asks for 10 %
        propose(t, case, kind="plan", instalments="3", first_due="2026-04-02")
    assert "Acconto di 0.00 €: il mandato richiede almeno 102.04 €." in exc.value.message
    with pytest.raises(DomainError) as exc:
        propose(t, case, kind="settlement", instalments="1", discount="10")
    assert exc.value.code == "arrangement.self_service.kind"
    assert (Arrangement.objects.count(), Acceptance.objects.count()) == (0, 0)
    assert not TimelineEvent.objects.filter(case=case, kind__startswith="arrangement").exists()
    case.refresh_from_db()
    assert case.status == "new"


@time_machine.travel(NOW, tick=False)
def test_promise_within_the_horizon_one_open_per_case():
    t, _cr, case = world()
    with pytest.raises(DomainError) as exc:
        propose(t, case, kind="promise", amount="200", due="2026-04-15")  # the mandate's 30 days
    assert exc.value.code == "arrangement.promise_beyond_horizon"
    a, sent = propose(t, case, kind="promise", amount="1000,00", due="2026-03-20")
    assert (a.kind, a.status, a.total, sent) == ("promise", "active", D("1000.00"), [])  # no e-mail known
    assert [(i.due_on, i.amount) for i in a.instalments.all()] == [(dt.date(2026, 3, 20), D("1000.00"))]
    with pytest.raises(DomainError) as exc:
        propose(t, case, kind="promise", amount="500", due="2026-03-10")
    assert exc.value.code == "arrangement.self_service.promise_open"
    case.refresh_from_db()
    assert case.status == "promise"


@time_machine.travel(NOW, tick=False)
def test_the_ladder_stops_on_the_plan_and_on_the_dispute():
    t, cr, case = world(email=True)
    other = b.case(t, cr, b.debtor(t, email=True), amount="300.00")
    propose(t, case, kind="plan", instalments="3", first_due="2026-04-02", down_payment="160")
    dispute_self_service(
        tenant=t,
        actor=me(other),
        case=other,
        reason=DisputeReason.ALREADY_PAID,
        description="Pagato",
        documents=[],
    )
    report = strategy_run(tenant=t, actor=system_actor(t), run_date=NOW.date())
    assert (report.skipped["arrangement_active"], report.skipped["dispute_open"], report.steps_executed) == (
        1,
        1,
        0,
    )


@time_machine.travel(NOW, tick=False)
def test_the_principal_reaches_only_its_cases_with_that_creditor():
    t, _cr, case = world()
    elsewhere = b.case(
        t, b.creditor(t, code="ALTRO"), case.debtor, amount="50.00"
    )  # same debtor, another creditor
    with pytest.raises(DomainError) as exc:
        debtor_arrangement(tenant=t, actor=me(case), case=elsewhere, data={"kind": "promise"}, ip=None)
    assert exc.value.code == "auth.not_found"
    with pytest.raises(DomainError) as exc:  # a member of staff cannot act as the debtor
        debtor_arrangement(
            tenant=t, actor=make_user(t, Role.ADMIN), case=case, data={"kind": "promise"}, ip=None
        )
    assert exc.value.code == "auth.forbidden"


@time_machine.travel(NOW, tick=False)
def test_dispute_with_documents_checked_by_content():
    t, _cr, case = world()
    fake = ("fattura.pdf", b"MZ\x90\x00 this is an executable renamed")
    with pytest.raises(DomainError) as exc:
        dispute_self_service(
            tenant=t,
            actor=me(case),
            case=case,
            reason=DisputeReason.NOT_RECEIVED,
            description="x",
            documents=[("ricevuta.pdf", PDF), fake],
        )
    assert (exc.value.code, Dispute.objects.count(), DisputeDocument.objects.count()) == (
        "dispute.document_bad_type",
        0,
        0,
    )
    big = ("foto.png", PNG + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(DomainError) as exc:
        dispute_self_service(
            tenant=t,
            actor=me(case),
            case=case,
            reason=DisputeReason.NOT_RECEIVED,
            description="x",
            documents=[big],
        )
    assert exc.value.code == "dispute.document_too_large"
    d = dispute_self_service(
        tenant=t,
        actor=me(case),
        case=case,
        reason=DisputeReason.VERIFICATION,
        description="Chiedo copia del contratto e delle fatture.",
        documents=[("contratto.pdf", PDF), ("bolletta.png", PNG)],
    )
    assert (d.status, d.reason, d.channel, d.deadline) == (
        "open",
        "verification",
        "self-service",
        dt.date(2026, 4, 1),
    )
    docs = list(d.documents.order_by("id"))
    assert [(x.name, x.kind, x.size) for x in docs] == [
        ("contratto.pdf", "pdf", len(PDF)),
        ("bolletta.png", "png", len(PNG)),
    ]
    assert all(x.file.name.startswith(f"disputes/{case.code}-") for x in docs)
    case.refresh_from_db()
    assert case.status == "disputed"
    assert TimelineEvent.objects.get(case=case, kind="dispute.opened").summary == (
        "Contestazione aperta: Richiesta di verifica del debito (risposta entro il 01/04/2026)"
    )


@time_machine.travel(NOW, tick=False)
def test_corrected_contact_is_to_verify_until_the_desk_checks_it():
    t, _cr, case = world()
    point = debtor_contact_correct(
        tenant=t, actor=me(case), case=case, kind=ContactKind.EMAIL, value=" Mario.Rossi@Example.IT "
    )
    assert (point.value, point.source, point.status) == ("mario.rossi@example.it", "debitore", "to_verify")
    item = WorkItem.objects.get(kind="verify_data")
    assert (item.case_id, item.due_on, item.idempotency_key) == (
        case.pk,
        NOW.date(),
        f"debtor-contact:{point.pk}",
    )
    assert TimelineEvent.objects.get(case=case, kind="debtor.contact").summary == (
        "E-mail indicato dal debitore dalla pagina personale, da verificare"
    )
    with pytest.raises(DomainError) as exc:
        debtor_contact_correct(
            tenant=t,
            actor=me(case),
            case=case,
            kind=ContactKind.ADDRESS,
            value="Via Po 1",
            cap="00100",
            province="MI",
        )
    assert exc.value.code == "party.cap_province_mismatch"
    run = strategy_run(tenant=t, actor=system_actor(t), run_date=NOW.date())
    assert run.by_action.get("email_reminder", 0) == 0  # not used while it is to verify
    work_item_complete(tenant=t, actor=system_actor(t), item=item, outcome=Outcome.VERIFIED, data={}, note="")
    point.refresh_from_db()
    assert point.status == "valid"


@time_machine.travel(NOW, tick=False)
def test_refused_channels_are_respected_by_the_ladder_and_the_desk():
    t, _cr, case = world(email=True, mobile=True)
    with pytest.raises(DomainError) as exc:
        debtor_channels_choose(tenant=t, actor=me(case), case=case, refused=frozenset({ContactChannel.POST}))
    assert exc.value.code == "debtor.channel_required"
    after = debtor_channels_choose(
        tenant=t, actor=me(case), case=case, refused=frozenset({ContactChannel.EMAIL})
    )
    assert after == {ContactChannel.EMAIL}
    case.debtor.refresh_from_db()
    assert case.debtor.channels_refused == 1
    assert (
        TimelineEvent.objects.get(case=case, kind="debtor.channels").summary
        == "Canali rifiutati dal debitore: e-mail"
    )
    report = strategy_run(tenant=t, actor=system_actor(t), run_date=NOW.date())
    assert dict(report.by_action) == {"sms_reminder": 1}  # e-mail refused: the step's fallback
    assert StepExecution.objects.get(case=case).channel == "sms"
    with pytest.raises(DomainError) as exc:
        message_adhoc(
            tenant=t, actor=make_user(t, Role.COLLECTOR), case=case, kind="email", template="courtesy"
        )
    assert exc.value.code == "desk.channel_refused"


@time_machine.travel(NOW, tick=False)
def test_call_back_lands_on_the_desk_in_the_window():
    t, _cr, case = world()
    wed = dt.date(2026, 3, 4)
    item = call_back_request(
        tenant=t, actor=me(case), case=case, on=wed, start=dt.time(18), end=dt.time(21), note="dopo il lavoro"
    )
    assert (item.kind, item.due_on, item.window_start, item.window_end, item.status) == (
        "call",
        wed,
        dt.time(18),
        dt.time(21),
        "open",
    )
    with pytest.raises(DomainError) as exc:
        call_back_request(tenant=t, actor=me(case), case=case, on=wed, start=dt.time(9), end=dt.time(12))
    assert exc.value.code == "debtor.callback_open"
    item.status = "cancelled"
    item.save()
    with pytest.raises(DomainError) as exc:  # a Sunday: no calls in the UNIREC window
        call_back_request(
            tenant=t, actor=me(case), case=case, on=dt.date(2026, 3, 8), start=dt.time(9), end=dt.time(12)
        )
    assert exc.value.code == "debtor.bad_window"
    sat = call_back_request(
        tenant=t, actor=me(case), case=case, on=dt.date(2026, 3, 7), start=dt.time(12), end=dt.time(18)
    )
    assert (sat.window_start, sat.window_end) == (dt.time(12), dt.time(15))  # Saturday calls end at 15:00
    assert TimelineEvent.objects.filter(case=case, kind="worklist.call_back_requested").count() == 2


def test_instalment_reminders_skip_a_refused_channel():
    from recupero.strategies.reminders import instalment_notices_send

    with time_machine.travel(NOW, tick=False):
        t, _cr, case = world(email=True, mobile=True)
        propose(t, case, kind="plan", instalments="3", first_due="2026-04-02", down_payment="160")
        debtor_channels_choose(tenant=t, actor=me(case), case=case, refused=frozenset({ContactChannel.EMAIL}))
    with time_machine.travel(dt.datetime(2026, 3, 30, 9, tzinfo=ROME), tick=False):
        assert instalment_notices_send(tenant=t, actor=system_actor(t), day=dt.date(2026, 3, 30)) == {
            "queued": 1,
            "no_contact": 0,
        }
    from recupero.channels.models import Communication

    sent = Communication.objects.get(case=case, template="instalment_reminder")
    assert (sent.kind, sent.address) == (
        "sms",
        ContactPoint.objects.get(debtor=case.debtor, kind="mobile").value,
    )
