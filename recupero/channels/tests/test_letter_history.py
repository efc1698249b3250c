"""A letter built from the database states what the case's history holds: only reminders actually sent count,
dated in Italian time; the tenant's licence words are printed once; a PEC letter has no empty address line."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from recupero.channels.documents.data import PriorContact
from recupero.channels.letters import letter_data
from recupero.channels.models import Communication
from recupero.channels.services import communications_send
from recupero.channels.tests.test_services import _pec_case, _queue
from recupero.core.permissions import system_actor
from tests import portfolio as b

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
UTC = dt.UTC
DEMO_LICENCE = "Licenza art. 115 TULPS n. 2187/2019 rilasciata dalla Questura di Milano"


def _earlier(t, c, kind, template, contact_kind, status, sent_at, key):
    comm = _queue(t, c, kind, template, contact_kind, key=key)
    Communication.objects.filter(pk=comm.pk).update(status=status, sent_at=sent_at)  # history as it stands
    return comm


@pytest.fixture
def world():
    t = b.tenant()
    t.licence = DEMO_LICENCE
    t.save()
    c = _pec_case(t)
    other = b.case(t, b.creditor(t, code="ALTRO"), b.debtor(t))
    # What never reached the debtor, as far as we can prove, and a reminder on another case.
    _earlier(t, c, "letter", "reminder_1", "address", "failed", None, "k-failed")
    _earlier(
        t, c, "email", "reminder_soft", "email", "bounced", dt.datetime(2026, 1, 5, 9, tzinfo=UTC), "k-bnc"
    )
    _earlier(
        t, c, "letter", "reminder_2", "address", "returned", dt.datetime(2026, 1, 8, 9, tzinfo=UTC), "k-ret"
    )
    _earlier(t, c, "sms", "sms", "mobile", "queued", None, "k-queued")
    _earlier(
        t, other, "letter", "reminder_1", "address", "sent", dt.datetime(2026, 1, 9, 9, tzinfo=UTC), "k-other"
    )
    demand = _queue(t, c, "pec", "formal_demand", "pec", key="k-demand")
    return t, c, demand


def _text(pdf: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_a_first_contact_by_pec_demand_speaks_of_no_earlier_reminder(world):
    t, _case, demand = world
    assert letter_data(demand, letter_date=DAY).prior_contacts == ()
    assert communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[demand.pk], on=DAY) == {"sent": 1}
    demand.refresh_from_db()
    with demand.document.open("rb") as fh:
        text = _text(fh.read())
    assert "I documenti indicati nel prospetto che segue risultano non pagati, benché scaduti." in text
    assert "Nonostante" not in text and "precedent" not in text
    # The header prints the licence words once, with the number and the authority the tenant stored.
    assert "Licenza art. 115 T.U.L.P.S. n. 2187/2019 – Questura di Milano" in text
    assert "n. Licenza" not in text and "TULPS" not in text
    point = demand.contact
    assert f"PEC: {point.value}" in text and "()" not in text
    assert "E-mail" not in text  # the tenant has no e-mail address: no label with nothing after it


def test_reminders_sent_or_delivered_are_named_with_their_italian_date(world):
    t, c, demand = world
    _earlier(t, c, "letter", "reminder_1", "address", "sent", dt.datetime(2026, 1, 20, 16, tzinfo=UTC), "k-1")
    # 23:30 UTC on 9 February is 00:30 on 10 February in Rome: the debtor's calendar date.
    _earlier(t, c, "sms", "sms", "mobile", "delivered", dt.datetime(2026, 2, 9, 23, 30, tzinfo=UTC), "k-2")
    # Sent after the letter's date: not "earlier" for this letter.
    _earlier(t, c, "email", "reminder_soft", "email", "sent", dt.datetime(2026, 3, 3, 8, tzinfo=UTC), "k-3")
    data = letter_data(demand, letter_date=DAY)
    assert data.prior_contacts == (
        PriorContact(dt.date(2026, 1, 20), "letter"),
        PriorContact(dt.date(2026, 2, 10), "sms"),
    )
    assert dt.datetime(2026, 2, 9, 23, 30, tzinfo=UTC).astimezone(ZoneInfo("Europe/Rome")).date() == dt.date(
        2026, 2, 10
    )
    assert communications_send(tenant_id=t.pk, actor=system_actor(t), ids=[demand.pk], on=DAY) == {"sent": 1}
    demand.refresh_from_db()
    with demand.document.open("rb") as fh:
        text = _text(fh.read())
    assert (
        "Nonostante i precedenti solleciti (lettera del 20/01/2026 e SMS del 10/02/2026), i documenti indicati "
        "nel prospetto che segue risultano tuttora non pagati." in text
    )
