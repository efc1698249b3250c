"""Whom the debtor is told to pay: the mandate's payee picks the account every letter, e-mail and SMS prints."""

from __future__ import annotations

import datetime as dt

import pytest

from recupero.channels.payee import payee_account
from recupero.core.permissions import system_actor
from recupero.parties.models import Mandate
from recupero.parties.services import mandate_create
from tests import portfolio as b

pytestmark = pytest.mark.django_db
AGENCY = "IT60X0542811101000000123456"
CREDITOR = "IT02L1234512345123456789012"


@pytest.mark.parametrize(
    ("agency_iban", "creditor_iban", "payee", "expected"),
    [
        (AGENCY, CREDITOR, "agency", (AGENCY, "agency")),
        (AGENCY, CREDITOR, "creditor", (CREDITOR, "creditor")),
        (AGENCY, "", "creditor", (AGENCY, "agency")),  # the creditor gave no account: the agency collects
        ("", CREDITOR, "agency", (CREDITOR, "creditor")),  # the agency has none on file
        (AGENCY, CREDITOR, None, (AGENCY, "agency")),  # no mandate: the agency
    ],
)
def test_the_mandate_picks_the_account(agency_iban, creditor_iban, payee, expected):
    t = b.tenant()
    t.iban = agency_iban
    t.save(update_fields=["iban"])
    cr = b.creditor(t)
    cr.iban = creditor_iban
    cr.save(update_fields=["iban"])
    if payee:
        mandate = mandate_create(
            tenant=t, actor=system_actor(t), creditor=cr, reference="M1", starts_on=dt.date(2025, 1, 1)
        )
        Mandate.objects.filter(pk=mandate.pk).update(payee=payee)
    else:
        Mandate.objects.filter(creditor=cr).delete()
    case = b.case(t, cr, b.debtor(t))
    iban, beneficiary = payee_account(case, t)
    assert (iban, beneficiary) == (expected[0], t.name if expected[1] == "agency" else cr.name)
