"""The negotiation story across apps, through the real pages and services: a collector agrees a plan beyond the
mandate, the creditor approves it, the debtor accepts the written summary by its personal link (prescription
interrupted through the law engine), an instalment is paid and reminded, a missed one breaks the plan and the
case goes back on the ladder. Then the API and the command line refuse and accept as the pages do."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal as D
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import resolve, reverse

from recupero.arrangements.models import Acceptance, Arrangement, ArrangementPolicy
from recupero.arrangements.selectors import instalment_notices
from recupero.arrangements.services import arrangements_check
from recupero.cases.models import TimelineEvent
from recupero.channels.models import Communication
from recupero.channels.packs import pack_pdf
from recupero.channels.summaries import summary_message
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.position import case_position
from recupero.ledger.services import Line, entry_post
from recupero.parties.services import mandate_create
from tests import portfolio as b
from tests.factories import make_user

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)
RULES = {
    "plan_bands": [{"debtor": "any", "max_instalments": 6, "max_months": 6, "min_instalment": "50.00"}],
    "interest": "waived",
    "grace_days": 5,
    "approval_days": 10,
    "acceptance_days": 15,
}


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _setup():  # type: ignore[no-untyped-def]
    t = b.tenant()
    cr = b.creditor(t)
    m = mandate_create(
        tenant=t, actor=system_actor(t), creditor=cr, reference="M1", starts_on=dt.date(2025, 1, 1)
    )
    ArrangementPolicy.objects.create(tenant=t, mandate=m, rules=RULES)
    case = b.case(t, cr, b.debtor(t, email=True), amount="1600.00", due=dt.date(2025, 2, 10))
    return t, cr, case


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_plan_beyond_mandate_approved_accepted_by_link_then_paid_and_broken():
    with time_machine.travel(NOW, tick=False):
        t, cr, case = _setup()
        before = case_position(case=case, today=NOW.date()).claims[0].prescription
        collector = _login(make_user(t, Role.COLLECTOR))
        form = {"kind": "plan", "instalments": "8", "frequency": "monthly", "first_due": "2026-03-31"}
        preview = collector.post(
            reverse("backoffice:arrangement_preview", args=[case.pk]), form
        ).content.decode()
        assert "Rata 8" in preview and "200,00" in preview and "Oltre i limiti del mandato" in preview
        assert "Rate 8: il mandato ne consente al massimo 6." in preview
        done = collector.post(reverse("backoffice:case_arrangements", args=[case.pk]), form)
        assert done.status_code == 302
        plan = Arrangement.objects.get(case=case)
        assert (plan.status, plan.total, plan.expires_on) == (
            "pending_approval",
            D("1600.00"),
            dt.date(2026, 3, 12),
        )

        approver = _login(make_user(t, Role.CREDITOR_USER, creditor=cr))
        queue = approver.get(reverse("backoffice:arrangement_approvals")).content.decode()
        assert case.code in queue and "Accordi da approvare" in queue
        approver.post(
            reverse("backoffice:arrangement_decide", args=[plan.pk]),
            {"decision": "approve", "reason": "cliente storico"},
        )
        plan.refresh_from_db()
        case.refresh_from_db()
        assert (plan.status, plan.decision_reason, case.status) == ("active", "cliente storico", "plan")

        sent = collector.post(reverse("backoffice:arrangement_summary", args=[plan.pk]), {"channel": "email"})
        assert sent.status_code == 302
        page = collector.get(sent.url).content.decode()
        link = re.search(r'data-testid="summary-link">([^<]+)<', page).group(1)
        comm = Communication.objects.get(case=case, template="arrangement_summary")
        assert (comm.kind, comm.status, comm.idempotency_key.startswith("arrangement-summary:")) == (
            "email",
            "queued",
            True,
        )
        message = summary_message(comm, base_url="http://testserver")
        assert link in message.body and "Rata 8: 200,00 € entro il 31/10/2026" in message.body

        debtor = Client(REMOTE_ADDR="198.51.100.23")
        shown = debtor.get(link).content.decode()
        assert "Accetto" in shown and "Piano di rientro" in shown
        accepted = debtor.post(link)
        assert accepted.status_code == 200 and 'data-testid="accepted"' in accepted.content.decode()
        offer = Acceptance.objects.get(arrangement=plan)
        assert (offer.accepted_ip, offer.accepted_channel, offer.accepted_at) == ("198.51.100.23", "web", NOW)
        # the verification pack lists the acceptance among the proofs of the debt
        pack = _pdf_text(pack_pdf(tenant=t, actor=system_actor(t), case=case))
        assert "6. Accordi accettati dal debitore" in pack and "02/03/2026 10:00" in pack
        assert offer.text_sha256[:24] in pack.replace("\n", "")
        after = case_position(case=case, today=NOW.date()).claims[0].prescription
        ack = [e for e in after.events if e.kind == "acknowledgment"]
        assert [(e.date, e.interrupted) for e in ack] == [(NOW.date(), True)]
        assert (before.deadline, after.deadline) == (dt.date(2027, 2, 10), dt.date(2028, 3, 2))

    entry_post(
        tenant=t,
        actor=system_actor(t),
        case=case,
        kind=EntryKind.PAYMENT,
        posted_on=dt.date(2026, 3, 30),
        lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, D("200.00"))],
    )
    assert (
        arrangements_check(tenant=t, actor=system_actor(t), day=dt.date(2026, 4, 1))["instalments_paid"] == 1
    )
    reminders = instalment_notices(tenant=t, day=dt.date(2026, 4, 28), reminder_days=3)
    assert [(n.kind, n.number, n.due_on, n.amount) for n in reminders] == [
        ("reminder", 2, dt.date(2026, 4, 30), D("200.00"))
    ]
    result = arrangements_check(tenant=t, actor=system_actor(t), day=dt.date(2026, 5, 6))
    assert (result["broken"], result["instalments_missed"]) == (1, 1)
    assert arrangements_check(tenant=t, actor=system_actor(t), day=dt.date(2026, 5, 6)) == {
        "expired": 0,
        "candidates": 0,
    }
    case.refresh_from_db()
    plan.refresh_from_db()
    assert (plan.status, case.status) == ("broken", "working")
    assert TimelineEvent.objects.filter(case=case, kind="arrangement.broken").count() == 1

    with time_machine.travel(NOW, tick=False):
        again = Client().post(link)
    assert again.status_code == 200 and 'data-testid="accepted"' in again.content.decode()
    # the same link never acknowledges twice
    assert TimelineEvent.objects.filter(case=case, kind="prescription.event").count() == 1


def test_link_after_the_deadline_is_refused_and_a_bad_link_is_not_found():
    with time_machine.travel(NOW, tick=False):
        t, _, case = _setup()
        collector = _login(make_user(t, Role.COLLECTOR))
        collector.post(
            reverse("backoffice:case_arrangements", args=[case.pk]),
            {"kind": "plan", "instalments": "4", "first_due": "2026-03-31"},
        )
        plan = Arrangement.objects.get(case=case)
        assert plan.status == "active"
        page = collector.get(
            collector.post(
                reverse("backoffice:arrangement_summary", args=[plan.pk]), {"channel": "email"}
            ).url
        )
        link = re.search(r'data-testid="summary-link">([^<]+)<', page.content.decode()).group(1)
    with time_machine.travel(NOW + dt.timedelta(days=16), tick=False):
        late = Client().post(link)
    assert late.status_code == 410 and "scaduto" in late.content.decode()
    assert Acceptance.objects.get(arrangement=plan).accepted_at is None
    assert not TimelineEvent.objects.filter(case=case, kind="prescription.event").exists()
    assert Client().get("/accordo/non-valido/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_api_and_command_line():
    t, cr, case = _setup()
    collector = _login(make_user(t, Role.COLLECTOR))
    url = f"/api/cases/{case.code}/arrangements"
    created = collector.post(
        url, {"kind": "promise", "amount": "300.00", "due": "2026-03-20"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["total"], body["instalments"][0]["due"]) == (
        "active",
        "300.00",
        "2026-03-20",
    )
    again = collector.post(
        url, {"kind": "promise", "amount": "300.00", "due": "2026-03-20"}, content_type="application/json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "arrangement.already_active")
    assert [a["kind"] for a in collector.get(url).json()] == ["promise"]
    other = _login(make_user(t, Role.CREDITOR_USER, creditor=b.creditor(t)))
    assert other.get(url).status_code == 404

    out = _cli(
        "propose",
        "--case",
        case.code,
        "--kind",
        "plan",
        "--instalments",
        "8",
        "--first-due",
        "2026-03-31",
        "--replace",
        "--json",
    )
    assert (out["status"], out["total"], len(out["instalments"])) == ("pending_approval", "1600.00", 8)
    assert out["instalments"][-1] == {"due": "2026-10-31", "amount": "200.00"}
    approve = _login(make_user(t, Role.CREDITOR_USER, creditor=cr))
    done = approve.post(
        f"/api/arrangements/{out['id']}/approve", {"reason": "ok"}, content_type="application/json"
    )
    assert (done.status_code, done.json()["status"]) == (200, "active")
    with pytest.raises(SystemExit) as exc:
        _cli(
            "propose",
            "--case",
            case.code,
            "--kind",
            "promise",
            "--amount",
            "10",
            "--due",
            "2026-03-01",
            "--json",
        )
    assert exc.value.code == 2


def _cli(*args: str) -> dict:  # type: ignore[type-arg]
    import io

    buffer = io.StringIO()
    call_command("arrangement", *args, stdout=buffer)
    return json.loads(buffer.getvalue())


@time_machine.travel(NOW, tick=False)
def test_pages_keep_to_the_scope_and_the_role():
    t, _, case = _setup()
    collector = _login(make_user(t, Role.COLLECTOR))
    refused = collector.post(
        reverse("backoffice:case_arrangements", args=[case.pk]), {"kind": "plan", "instalments": "0"}
    )
    assert refused.status_code == 422 and "Numero di rate non valido" in refused.content.decode()
    collector.post(
        reverse("backoffice:case_arrangements", args=[case.pk]),
        {"kind": "plan", "instalments": "9", "first_due": "2026-03-31"},
    )
    plan = Arrangement.objects.get(case=case)
    detail = reverse("backoffice:arrangement_detail", args=[plan.pk])
    stranger = _login(make_user(t, Role.CREDITOR_USER, creditor=b.creditor(t)))
    assert stranger.get(detail).status_code == 404
    assert (
        stranger.post(
            reverse("backoffice:arrangement_decide", args=[plan.pk]), {"decision": "approve", "reason": "x"}
        ).status_code
        == 404
    )
    assert case.code not in stranger.get(reverse("backoffice:arrangement_approvals")).content.decode()
    collector.post(
        reverse("backoffice:arrangement_decide", args=[plan.pk]), {"decision": "approve", "reason": "x"}
    )
    plan.refresh_from_db()
    assert plan.status == "pending_approval"  # a collector proposes, never approves
    assert collector.get(reverse("backoffice:arrangement_approvals")).status_code == 403
    page = _login(make_user(t, Role.CONSULTANT)).get(detail)
    assert page.status_code == 404  # a consultant not assigned to this creditor


@pytest.mark.smtp
def test_the_summary_reaches_the_debtor_by_email_with_a_link_that_opens_the_offer(
    smtp, django_capture_on_commit_callbacks, settings
):
    """Through the sending task and a real SMTP server: the e-mail carries the terms and the personal link on the
    public address; the link opens the offer."""
    from django.test import override_settings

    from recupero.arrangements.domain.schedule import Frequency
    from recupero.arrangements.domain.states import Kind
    from recupero.arrangements.selectors import Terms
    from recupero.arrangements.services import arrangement_propose, summary_prepare
    from recupero.channels.services import communications_send
    from recupero.channels.summaries import summary_send

    sink, port = smtp
    settings.RECUPERO_PUBLIC_URL = "https://recupero.example.it"
    with time_machine.travel(NOW, tick=False):
        t, _cr, case = _setup()
        actor = system_actor(t)
        terms = Terms(Kind.PLAN, instalments=4, frequency=Frequency.MONTHLY, first_due=dt.date(2026, 3, 31))
        plan = arrangement_propose(tenant=t, actor=actor, case=case, terms=terms)
        offer, _token = summary_prepare(tenant=t, actor=actor, arrangement=plan)
        ids = summary_send(tenant=t, actor=actor, acceptance=offer, kind="email")
        smtp_cfg = {"backend": "smtp", "host": "127.0.0.1", "port": port, "sender": "avvisi@alfa.example.it"}
        with override_settings(RECUPERO_CHANNELS={"email": smtp_cfg}):
            counts = communications_send(tenant_id=t.pk, actor=actor, ids=ids, on=NOW.date())
    assert counts == {"sent": 1}
    (mail,) = sink.messages
    body = mail.get_body().get_content()
    assert mail["Subject"] == f"Riepilogo dell'accordo – pratica {case.code}"
    assert "Rata 4: 400,00 € entro il 30/06/2026" in body and "entro il 17/03/2026" in body
    link = re.search(r"https://recupero\.example\.it(/accordo/[^\s]+)", body).group(1)
    with time_machine.travel(NOW, tick=False):
        assert "Accetto" in Client().get(link).content.decode()


@pytest.mark.smtp
def test_instalments_are_reminded_before_and_noticed_after_once_each(
    smtp, settings, django_capture_on_commit_callbacks
):
    """The daily job's reminders: 3 days before an instalment falls due an e-mail says which rate, how much and
    when; a missed one gets its notice after the morning check; a second run sends nothing again."""

    from recupero.arrangements.domain.schedule import Frequency
    from recupero.arrangements.domain.states import Kind
    from recupero.arrangements.selectors import Terms
    from recupero.arrangements.services import arrangement_propose
    from recupero.strategies.reminders import instalment_notices_send

    sink, port = smtp
    smtp_cfg = {"backend": "smtp", "host": "127.0.0.1", "port": port, "sender": "avvisi@alfa.example.it"}
    settings.RECUPERO_CHANNELS = {"email": smtp_cfg}
    with time_machine.travel(NOW, tick=False):
        t, _cr, case = _setup()
        # the plan breaks at the second missed instalment: the first gets its notice
        ArrangementPolicy.objects.filter(tenant=t).update(rules={**RULES, "missed_to_break": 2})
        actor = system_actor(t)
        terms = Terms(Kind.PLAN, instalments=4, frequency=Frequency.MONTHLY, first_due=dt.date(2026, 3, 31))
        arrangement_propose(tenant=t, actor=actor, case=case, terms=terms)
    sending = django_capture_on_commit_callbacks(execute=True)  # the dispatch task runs in process on commit
    with sending, time_machine.travel(dt.datetime(2026, 3, 28, 9, tzinfo=ROME), tick=False):
        assert instalment_notices_send(tenant=t, actor=actor, day=dt.date(2026, 3, 28)) == {
            "queued": 1,
            "no_contact": 0,
        }
        assert instalment_notices_send(tenant=t, actor=actor, day=dt.date(2026, 3, 29))["queued"] == 0
    sending = django_capture_on_commit_callbacks(execute=True)
    with sending, time_machine.travel(dt.datetime(2026, 4, 8, 5, 30, tzinfo=ROME), tick=False):
        arrangements_check(tenant=t, actor=actor, day=dt.date(2026, 4, 8))
        assert instalment_notices_send(tenant=t, actor=actor, day=dt.date(2026, 4, 8))["queued"] == 1
    reminder, notice = sink.messages
    assert reminder["Subject"].strip() == f"Promemoria: rata 1 del suo piano – pratica {case.code}"
    assert (
        "la rata 1 del piano concordato, di 400,00 €, scade il 31/03/2026"
        in reminder.get_body().get_content()
    )
    assert notice["Subject"].strip() == f"Rata 1 non pagata – pratica {case.code}"
    assert "scaduta il 31/03/2026" in notice.get_body().get_content()
    # each carries the debtor's personal page (issue 15: every message), the same live link twice
    links = [re.findall(r"https?://\S+/d/\S+/", m.get_body().get_content()) for m in (reminder, notice)]
    assert len(links[0]) == 1 and links[0] == links[1]
    assert resolve(urlsplit(links[0][0]).path).view_name == "debtor:open"
    sent = Communication.objects.filter(case=case, template__startswith="instalment_").order_by("id")
    assert [(c.template, c.status) for c in sent] == [
        ("instalment_reminder", "sent"),
        ("instalment_missed", "sent"),
    ]


def test_a_credit_of_an_instalments_amount_is_matched_to_its_case():
    """Reconciliation reads the active agreements: the candidate for a plan's debtor carries each unpaid
    instalment, and a credit of exactly that amount gets the reason in words."""
    from recupero.arrangements.domain.schedule import Frequency
    from recupero.arrangements.domain.states import Kind
    from recupero.arrangements.selectors import Terms
    from recupero.arrangements.services import arrangement_propose
    from recupero.payments.domain.matching import score
    from recupero.payments.domain.statements import EntryData
    from recupero.payments.selectors import candidate_index

    with time_machine.travel(NOW, tick=False):
        t, _cr, case = _setup()
        terms = Terms(Kind.PLAN, instalments=4, frequency=Frequency.MONTHLY, first_due=dt.date(2026, 3, 31))
        arrangement_propose(tenant=t, actor=system_actor(t), case=case, terms=terms)
    entry = EntryData("x1", D("400.00"), True, None, None, "", payer_name=case.debtor.display_name)
    index = candidate_index(tenant=t, entries=[entry])
    assert index.by_code[case.code].expected[0] == (D("400.00"), "alla rata 1 dell'accordo")
    (match,) = score(entry, index)
    assert "importo uguale alla rata 1 dell'accordo (400,00 €)" in [r.text for r in match.reasons]


def test_from_a_fatturapa_to_a_summary_accepted_by_letter_link_and_the_pack_with_the_invoice(
    settings, tmp_path
):
    """The rest of the story: the creditor's FatturaPA is imported, a plan agreed, the summary goes by post with
    the personal link, the debtor accepts by that link (prescription interrupted), and the verification pack
    shows the acceptance and the original invoice laid out readably."""
    from pathlib import Path

    from recupero.cases.models import Case
    from recupero.channels.services import communications_send
    from recupero.imports import services as intake

    settings.MEDIA_ROOT = tmp_path
    settings.RECUPERO_PUBLIC_URL = "https://pratiche.example.it"
    sample = (
        Path(__file__).resolve().parents[2] / "shared" / "samples" / "fatturapa" / "invoice-simple-iban.xml"
    )
    with time_machine.travel(NOW, tick=False):
        t = b.tenant()
        cr = b.creditor(t)
        m = mandate_create(
            tenant=t, actor=system_actor(t), creditor=cr, reference="M1", starts_on=dt.date(2023, 1, 1)
        )
        ArrangementPolicy.objects.create(tenant=t, mandate=m, rules=RULES)
        consultant = make_user(t, Role.CONSULTANT)
        cr.consultants.add(consultant)
        batch = intake.batch_upload(
            tenant=t,
            actor=consultant,
            creditor=cr,
            files=[(sample.name, sample.read_bytes())],
            profile_name=None,
            assignment_code="AFF-FPA",
            received_on=NOW.date(),
            enqueue=False,
        )
        intake.batch_parse(batch.pk)
        batch = intake.batch_commit(batch.pk)
        assert (batch.status, batch.result["originals_kept"]) == ("committed", 1)
        case = Case.objects.get(tenant=t)
        before = case_position(case=case, today=NOW.date()).claims[0].prescription

        collector = _login(make_user(t, Role.COLLECTOR))
        collector.post(
            reverse("backoffice:case_arrangements", args=[case.pk]),
            {"kind": "plan", "instalments": "6", "frequency": "monthly", "first_due": "2026-03-31"},
        )
        plan = Arrangement.objects.get(case=case)
        assert plan.status == "active"
        collector.post(reverse("backoffice:arrangement_summary", args=[plan.pk]), {"channel": "letter"})
        comm = Communication.objects.get(case=case, template="arrangement_summary")
        assert comm.kind == "letter"
        communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[comm.pk], on=NOW.date())
        comm.refresh_from_db()
        text = _pdf_text(comm.document.read())
        letter = re.sub(r"\s", "", text)
        link = re.search(r"https://pratiche\.example\.it(/accordo/[^/]+/)", letter).group(1)
        assert "Riepilogo dell'accordo di pagamento" in text and f"citandolapratican.{case.code}" in letter

        accepted = Client(REMOTE_ADDR="203.0.113.9").post(link)
        assert 'data-testid="accepted"' in accepted.content.decode()
        after = case_position(case=case, today=NOW.date()).claims[0].prescription
        assert [(e.date, e.interrupted) for e in after.events if e.kind == "acknowledgment"] == [
            (NOW.date(), True)
        ]
        assert after.deadline > before.deadline

        pack = _pdf_text(pack_pdf(tenant=t, actor=system_actor(t), case=case))
        assert "6. Accordi accettati dal debitore" in pack and "203.0.113.9" in pack
        assert "7. Fatture elettroniche originali (FatturaPA)" in pack
        assert "MARIO LEONI" in pack and "Riepilogo IVA" in pack and "Condizioni di pagamento" in pack
