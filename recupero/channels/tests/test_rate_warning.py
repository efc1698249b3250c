"""A PEC demand sent while the ECB rate of the half-year is missing: the letter deducts every payment (also
those after the last rate day), says the day interest is computed to, and carries the case page's warning."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from recupero.channels.letters import letter_data
from recupero.channels.models import Communication
from recupero.channels.services import CommunicationSpec, communications_queue, communications_send
from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.position import case_position
from recupero.ledger.services import Line, entry_post, rate_add
from recupero.parties.domain.contacts import ContactKind
from recupero.parties.services import contact_add
from tests import portfolio as b
from tests.factories import make_company_case

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)


def _case_paid_before_and_after(t):
    case = make_company_case(t, b.creditor(t))
    for on, amount in ((dt.date(2026, 5, 1), "2000.00"), (dt.date(2026, 9, 15), "1500.00")):
        entry_post(
            tenant=t,
            actor=system_actor(t),
            case=case,
            kind=EntryKind.PAYMENT,
            posted_on=on,
            lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, Decimal(amount))],
        )
    contact_add(
        tenant=t,
        actor=system_actor(t),
        debtor=case.debtor,
        kind=ContactKind.PEC,
        value="impresa@pec.example.it",
    )
    return case


def _pec_demand(t, case):
    point = case.debtor.contacts.get(kind=ContactKind.PEC)
    spec = CommunicationSpec(
        case.pk, "pec", "formal_demand", "step", "action", point.pk, point.value, TODAY, f"{case.pk}:demand"
    )
    communications_queue(tenant=t, actor=system_actor(t), specs=[spec])
    return Communication.objects.get(idempotency_key=f"{case.pk}:demand")


def _text(comm: Communication) -> str:
    from pypdf import PdfReader

    with comm.document.open("rb") as fh:
        pages = PdfReader(io.BytesIO(fh.read())).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def test_letter_amounts_equal_the_case_page_and_carry_the_warning():
    t = b.tenant()
    case = _case_paid_before_and_after(t)
    comm = _pec_demand(t, case)
    position = case_position(case=case, today=TODAY)
    data = letter_data(comm, letter_date=TODAY)
    # 10000 + 3721.48 interest + €40 − 3500.00 paid (see recupero/ledger/tests/test_rates.py) = 10261.48
    assert data.total == position.total_due == Decimal("10261.48")
    assert (data.amounts.interest_until, data.amounts.rate_warning) == (
        dt.date(2026, 6, 30),
        position.rate_warning,
    )
    assert data.amounts.interest_note == "tasso BCE + 8 punti, D.Lgs. 231/2002, calcolati fino al 30/06/2026"


def test_sent_pec_demand_says_so_in_its_pdf():
    pytest.importorskip("pypdf")
    t = b.tenant()
    case = _case_paid_before_and_after(t)
    comm = _pec_demand(t, case)
    assert communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[comm.pk], on=TODAY) == {"sent": 1}
    comm.refresh_from_db()
    text = _text(comm)
    assert "10.261,48" in text and "11.761,48" not in text
    assert "calcolati fino al 30/06/2026" in text
    assert "non ancora pubblicato" in text and "sono comunque detratti" in text


def test_after_the_rate_is_added_the_letter_computes_through_today(admin_user):
    t = admin_user.tenant
    for name, value in (("iban", b.IBAN), ("address", "Via Dante 5, 20121 Milano MI")):
        setattr(t, name, value)
    t.save()
    case = _case_paid_before_and_after(t)
    comm = _pec_demand(t, case)
    rate_add(
        tenant=t,
        actor=admin_user,
        kind="ecb",
        valid_from=dt.date(2026, 7, 1),
        rate=Decimal("2.15"),
        source="GU",
    )
    data = letter_data(comm, letter_date=TODAY)
    # through 22/11/2026 at 10.15%: 10000 + 4124.70 + 40 − 3500.00 = 10664.70
    assert (data.total, data.amounts.rate_warning, data.amounts.interest_until) == (
        Decimal("10664.70"),
        "",
        None,
    )
