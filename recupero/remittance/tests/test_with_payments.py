"""End to end with the payments app: payments recorded and reversed by `payments.services` are remitted once,
a direct payment's commission is to invoice, a late reversal is a negative line in the next period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from recupero.core.permissions import system_actor
from recupero.payments.services import payment_record, payment_reverse
from recupero.remittance.services import remittance_issue
from recupero.remittance.tests.world import ready
from tests.factories import TAX_CODES, make_case, make_debtor

pytestmark = pytest.mark.django_db


def test_recorded_payments_are_remitted_once_and_a_late_reversal_follows(
    tenant, creditor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ready(tenant, creditor)
    actor = system_actor(tenant)
    case = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("500.00",))
    paid = payment_record(tenant=tenant, actor=actor, case=case, amount="100.00", value_date=dt.date(2026, 3, 5),
                          method="bank_transfer")  # fmt: skip
    payment_record(tenant=tenant, actor=actor, case=case, amount="50.00", value_date=dt.date(2026, 3, 10),
                   method="bank_transfer", direct=True)  # fmt: skip
    march = remittance_issue(tenant=tenant, actor=actor, creditor=creditor, until=dt.date(2026, 3, 31))
    assert march is not None
    # 15 % of 150.00 = 22.50, VAT 4.95; the agency transfers 100 - 15 - 3.30; the creditor owes 7.50 + 1.65
    assert (march.payments, march.collected, march.commission, march.vat, march.net, march.to_invoice, march.held) == (
        2, D("150.00"), D("22.50"), D("4.95"), D("81.70"), D("9.15"), D("50.00"),
    )  # fmt: skip
    payment_reverse(tenant=tenant, actor=actor, payment=paid, reason="assegno insoluto")
    april = remittance_issue(tenant=tenant, actor=actor, creditor=creditor, until=dt.date(2026, 4, 30))
    assert april is not None
    assert (april.payments, april.collected, april.commission, april.vat, april.net) == (
        0, D("-100.00"), D("-15.00"), D("-3.30"), D("-81.70"),
    )  # fmt: skip
    assert remittance_issue(tenant=tenant, actor=actor, creditor=creditor, until=dt.date(2026, 4, 30)) is None
