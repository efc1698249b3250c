"""The reasoned reply to a decided dispute goes out in writing: by PEC when the debtor has a box, else by
registered letter A/R (a Typst letter whose return card is the delivery evidence on the case)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from pypdf import PdfReader

from recupero.cases.domain.disputes import DisputeReason
from recupero.cases.models import TimelineEvent
from recupero.cases.services import dispute_open
from recupero.channels.dispute_replies import dispute_reply_send
from recupero.channels.models import Communication
from recupero.channels.providers.fake import FakeProvider
from recupero.channels.services import registered_record
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.strategies.desk import dispute_decide
from tests import portfolio as b
from tests.factories import make_user as _make_user

pytestmark = pytest.mark.django_db
_names = iter(f"replica{n:03d}x" for n in range(1000))
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)


def make_user(t, role):
    return _make_user(t, role, username=next(_names))


def _disputed(t, *, amount="345.67", pec=False, address=True):
    case = b.case(t, b.creditor(t), b.debtor(t, pec=pec, address=address), amount=amount)
    dispute = dispute_open(
        tenant=t, actor=make_user(t, Role.COLLECTOR), case=case, reason=DisputeReason.NOT_RECEIVED
    )
    return case, dispute


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the sending tasks the decision enqueues on commit (the test's transaction never commits)."""
    return django_capture_on_commit_callbacks


def _text(pdf: bytes) -> str:
    # a word Typst hyphenated at a line's end is joined again: where lines break depends on the names' lengths
    # (the creditor's name grows with the number of tests that made one before)
    pages = [
        p.extract_text().replace("-\n", "").replace("\u00ad\n", "") for p in PdfReader(io.BytesIO(pdf)).pages
    ]
    return " ".join(" ".join(p.split()) for p in pages).replace("’", "'")


@time_machine.travel(NOW, tick=False)
def test_rejected_without_pec_goes_by_registered_letter_with_its_delivery_evidence(settings, tmp_path, sent):
    settings.MEDIA_ROOT = tmp_path
    t = b.tenant()
    case, dispute = _disputed(t)
    reply = "I verbali di consegna firmati attestano la fornitura."
    supervisor = make_user(t, Role.SUPERVISOR)
    with sent(execute=True):
        dispute_decide(tenant=t, actor=supervisor, dispute=dispute, upheld=False, reason=reply)
    comm = Communication.objects.get(case=case, template="dispute_reply")
    assert (comm.kind, comm.status, comm.action) == ("registered", "sent", f"dispute:{dispute.pk}")
    assert comm.print_batch is not None and comm.document
    text = _text(comm.document.read())
    assert "RACCOMANDATA A.R." in text
    assert "Oggetto: Risposta alla Sua contestazione" in text
    assert "contestazione che ci ha presentato il 02/03/2026 (motivo: Bene o servizio non ricevuto)" in text
    assert "la Sua contestazione non è stata accolta" in text and reply in text
    # 345,67 € and the legal interest to the day of the letter (7,06 €), with the statement that computes it
    assert "L'importo che resta dovuto è di 352,73 €, che La invitiamo a pagare entro il 17/03/2026" in text
    assert "Prospetto di calcolo degli interessi" in text
    assert TimelineEvent.objects.filter(case=case, kind="dispute.reply_sent").count() == 1
    # the return card: the delivery evidence of the reply, on the case
    registered_record(
        tenant=t,
        actor=supervisor,
        communication=comm,
        tracking_number="RR123456789IT",
        delivered_on=dt.date(2026, 3, 5),
    )
    comm.refresh_from_db()
    assert (comm.status, comm.tracking_number) == ("delivered", "RR123456789IT")
    # asked again: the same reply, not a second letter
    assert dispute_reply_send(tenant=t, actor=supervisor, dispute=dispute) == comm.pk
    assert Communication.objects.filter(case=case, template="dispute_reply").count() == 1


@time_machine.travel(NOW, tick=False)
def test_upheld_with_a_reduction_states_it_by_registered_letter(settings, tmp_path, sent):
    settings.MEDIA_ROOT = tmp_path
    t = b.tenant()
    case, dispute = _disputed(t)
    with sent(execute=True):
        dispute_decide(
            tenant=t,
            actor=make_user(t, Role.SUPERVISOR),
            dispute=dispute,
            upheld=True,
            reason="La bolletta di gennaio conteggiava consumi stimati.",
            reduction="45,67",
        )
    comm = Communication.objects.get(case=case, template="dispute_reply")
    assert (comm.kind, comm.status) == ("registered", "sent")
    text = _text(comm.document.read())
    assert "la Sua contestazione è stata accolta: l'importo dovuto è stato ridotto di 45,67 €" in text
    # 300,00 € of principal left and its interest (the credit note reduces the invoice from the start)
    assert "L'importo che resta dovuto è di 306,13 €." in text
    assert "11/02/2025 31/12/2025 324 300,00 € 2,00% 5,33 €" in text
    assert "Pagamenti ricevuti e riduzioni riconosciute" in text


@time_machine.travel(NOW, tick=False)
def test_upheld_in_full_by_pec_says_the_claim_is_cancelled(settings, tmp_path, sent):
    settings.MEDIA_ROOT = tmp_path
    FakeProvider.outbox.clear()
    t = b.tenant()
    case, dispute = _disputed(t, amount="120.50", pec=True)
    with sent(execute=True):
        dispute_decide(
            tenant=t,
            actor=make_user(t, Role.SUPERVISOR),
            dispute=dispute,
            upheld=True,
            reason="Non è il debitore.",
        )
    comm = Communication.objects.get(case=case, template="dispute_reply")
    assert (comm.kind, comm.status) == ("pec", "sent")
    [message] = FakeProvider.outbox
    assert message.kind == "pec" and message.to.endswith("@pec.example.it")
    text = _text(message.attachments[0].content)
    assert "il credito è stato annullato per intero (120,50 €) e la pratica è chiusa" in text
    assert "non resta nulla da pagare" in text and "Come pagare" not in text
    assert "RACCOMANDATA" not in text


@time_machine.travel(NOW, tick=False)
def test_no_address_records_that_the_reply_could_not_go(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = b.tenant()
    case, dispute = _disputed(t, address=False)
    dispute_decide(tenant=t, actor=make_user(t, Role.SUPERVISOR), dispute=dispute, upheld=False, reason="No.")
    assert not Communication.objects.filter(case=case, template="dispute_reply").exists()
    assert TimelineEvent.objects.filter(case=case, kind="dispute.reply_unsent").count() == 1


@time_machine.travel(NOW, tick=False)
def test_an_open_dispute_has_no_reply():
    t = b.tenant()
    _case, dispute = _disputed(t)
    with pytest.raises(DomainError) as err:
        dispute_reply_send(tenant=t, actor=make_user(t, Role.SUPERVISOR), dispute=dispute)
    assert err.value.code == "dispute.not_decided"
