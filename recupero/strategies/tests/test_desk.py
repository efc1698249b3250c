"""Deciding disputes (books and reply) and ad-hoc messages under the ladder's guards, on the database."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from recupero.cases.domain.disputes import DisputeReason
from recupero.cases.models import Dispute
from recupero.cases.services import dispute_open
from recupero.channels.models import Communication
from recupero.channels.packs import pack_pdf
from recupero.channels.providers.fake import FakeProvider
from recupero.core.clock import ROME
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.ledger.domain.accounts import Account
from recupero.ledger.models import LedgerEntry
from recupero.ledger.selectors import case_balances
from recupero.strategies.desk import dispute_decide, message_adhoc
from tests import portfolio as b
from tests.factories import make_user as _make_user

pytestmark = pytest.mark.django_db
_names = iter(f"utente{n:03d}x" for n in range(1000))


def make_user(t, role, username=""):
    return _make_user(t, role, username=next(_names))


NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)


def _disputed(t, amount="345.67", pec=False):
    case = b.case(t, b.creditor(t), b.debtor(t, pec=pec), amount=amount)
    dispute = dispute_open(
        tenant=t,
        actor=make_user(t, Role.COLLECTOR, username=f"c{case.pk}"),
        case=case,
        reason=DisputeReason.AMOUNT_WRONG,
    )
    return case, dispute


@time_machine.travel(NOW, tick=False)
def test_upheld_with_a_reduction_credits_principal_and_resumes_work():
    t = b.tenant()
    case, dispute = _disputed(t)
    consultant = make_user(t, Role.SUPERVISOR)
    dispute_decide(
        tenant=t,
        actor=consultant,
        dispute=dispute,
        upheld=True,
        reason="nota di credito 12",
        reduction="45,67",
    )
    case.refresh_from_db()
    dispute.refresh_from_db()
    assert (dispute.status, dispute.reduction) == ("upheld", Decimal("45.67"))
    assert case.status == "working"
    assert case_balances(case=case)[Account.PRINCIPAL] == Decimal("300.00")
    credit = LedgerEntry.objects.get(case=case, kind="credit")
    assert (credit.debit_account, credit.credit_account, credit.amount) == (
        "credits",
        "principal",
        Decimal("45.67"),
    )
    assert LedgerEntry.objects.filter(case=case).count() == 2  # the opening and the credit: nothing deleted


@time_machine.travel(NOW, tick=False)
def test_upheld_without_reduction_cancels_the_claim_and_closes_the_case():
    t = b.tenant()
    case, dispute = _disputed(t, amount="120.50")
    dispute_decide(
        tenant=t,
        actor=make_user(t, Role.SUPERVISOR),
        dispute=dispute,
        upheld=True,
        reason="non è il debitore",
    )
    case.refresh_from_db()
    assert (case.status, case.balance, case.closed_on) == ("closed", Decimal("0.00"), dt.date(2026, 3, 2))
    assert Dispute.objects.get(pk=dispute.pk).reduction == Decimal("120.50")


@pytest.mark.parametrize("reduction", ["0", "-5", "12,345", "abc", "345.68"])
@time_machine.travel(NOW, tick=False)
def test_a_bad_reduction_changes_nothing(reduction):
    t = b.tenant()
    case, dispute = _disputed(t)
    with pytest.raises(DomainError) as err:
        dispute_decide(
            tenant=t,
            actor=make_user(t, Role.SUPERVISOR),
            dispute=dispute,
            upheld=True,
            reason="x",
            reduction=reduction,
        )
    assert err.value.code == "dispute.bad_reduction"
    assert Dispute.objects.get(pk=dispute.pk).status == "open"
    assert LedgerEntry.objects.filter(case=case).count() == 1


@time_machine.travel(NOW, tick=False)
def test_rejected_records_the_reply_and_sends_the_pack_by_pec(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    FakeProvider.outbox.clear()
    t = b.tenant()
    case, dispute = _disputed(t, pec=True)
    reply = "Le fatture risultano consegnate dallo SdI e non pagate."
    supervisor = make_user(t, Role.SUPERVISOR)
    dispute_decide(tenant=t, actor=supervisor, dispute=dispute, upheld=False, reason=reply)
    case.refresh_from_db()
    dispute.refresh_from_db()
    assert (dispute.status, dispute.decision_reason, case.status) == ("rejected", reply, "working")
    comm = Communication.objects.get(case=case, template="verification_pack")
    assert (comm.kind, comm.status) == ("pec", "sent")
    [message] = FakeProvider.outbox
    assert message.kind == "pec" and reply in message.body
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(message.attachments[0].content)).pages)
    assert "Fascicolo di verifica del debito" in text and case.code in text and "Respinta" in text
    # the same day, the pack is not sent twice
    from recupero.channels.packs import pack_send

    assert pack_send(tenant=t, actor=supervisor, case=case).pk == comm.pk
    assert len(FakeProvider.outbox) == 1


@time_machine.travel(NOW, tick=False)
def test_a_collector_may_not_decide():
    t = b.tenant()
    _case, dispute = _disputed(t)
    with pytest.raises(DomainError) as err:
        dispute_decide(
            tenant=t,
            actor=make_user(t, Role.COLLECTOR, username="x"),
            dispute=dispute,
            upheld=True,
            reason="r",
        )
    assert err.value.code == "auth.forbidden"


@time_machine.travel(NOW, tick=False)
def test_pack_lists_claims_statement_and_communications(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = b.tenant()
    case = b.case(t, b.creditor(t), b.debtor(t, email=True), amount="345.67")
    message_adhoc(tenant=t, actor=make_user(t, Role.COLLECTOR), case=case, kind="email", template="courtesy")
    pdf = pack_pdf(tenant=t, actor=make_user(t, Role.AUDITOR), case=case)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    claim = case.claims.get()
    assert claim.invoice_number in text and "345,67" in text
    assert "Estratto conto" in text and "Prospetto degli interessi" in text
    assert "E-mail" in text and "courtesy" in text
    assert case.assignment.code in text


@time_machine.travel(NOW, tick=False)
def test_adhoc_message_passes_the_ladders_guards(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = b.tenant()
    collector = make_user(t, Role.COLLECTOR)
    case = b.case(t, b.creditor(t), b.debtor(t, email=True))
    first = message_adhoc(tenant=t, actor=collector, case=case, kind="email", template="courtesy")
    assert message_adhoc(tenant=t, actor=collector, case=case, kind="email", template="courtesy") == first
    assert Communication.objects.filter(case=case).count() == 1
    with pytest.raises(DomainError) as err:  # no mobile number
        message_adhoc(tenant=t, actor=collector, case=case, kind="sms", template="reminder_soft")
    assert err.value.code == "desk.no_address"
    with pytest.raises(DomainError) as err:
        message_adhoc(tenant=t, actor=collector, case=case, kind="email", template="formal_demand")
    assert err.value.code == "desk.bad_template"
    dispute_open(tenant=t, actor=collector, case=case, reason=DisputeReason.OTHER)
    case.refresh_from_db()
    with pytest.raises(DomainError) as err:
        message_adhoc(tenant=t, actor=collector, case=case, kind="letter", template="reminder_1")
    assert err.value.code == "desk.guard" and "contestazione" in err.value.message
    assert Communication.objects.filter(case=case).count() == 1
