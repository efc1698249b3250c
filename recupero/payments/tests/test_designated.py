"""Art. 1193 c.c. end to end: the claim the debtor designated — picked by the operator, named with
`payments record --claim`, or found in a statement's causale — is paid first, and stays so in the case position
(re-derived from the books on every read), consistently with the ledger."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from recupero.core.permissions import system_actor
from recupero.ledger.models import LedgerEntry
from recupero.ledger.position import case_position
from recupero.payments.services import payment_record
from tests.factories import make_case, make_debtor

pytestmark = pytest.mark.django_db
D = Decimal
ON = dt.date(2025, 3, 1)


@pytest.fixture
def two_claims(tenant, creditor):
    """100.00 due 10/02/2025 and 50.00 due 11/02/2025, legal interest (2.00 % in 2025)."""
    case = make_case(tenant, creditor, make_debtor(tenant), amounts=("100.00", "50.00"))
    return case, list(case.claims.order_by("issued_on"))


def _principal(position):
    return [(c.claim.invoice_number, str(c.principal_outstanding)) for c in position.claims]


def test_designated_claim_is_paid_first_and_kept_in_position(tenant, two_claims):
    case, (older, newer) = two_claims
    payment = payment_record(tenant=tenant, actor=system_actor(tenant), case=case, amount=D("20.00"),
                             value_date=ON, method="bank_transfer", designated_claim=newer)  # fmt: skip
    # the newer claim's interest (50 × 2 % × 18/365 = 0.049 → 0.05), then its principal; the older one untouched
    assert [(p["invoice"], p["bucket"], p["amount"]) for p in payment.imputation] == [
        (newer.invoice_number, "interest", "0.05"),
        (newer.invoice_number, "principal", "19.95"),
    ]
    keys = set(
        LedgerEntry.objects.filter(group=payment.ledger_group).values_list("idempotency_key", flat=True)
    )
    assert keys == {f"payment:{payment.pk}:1193:{newer.pk}#0", f"payment:{payment.pk}:1193:{newer.pk}#1"}
    # months later the position still has the newer claim reduced (it once re-imputed oldest first)
    later = case_position(case=case, today=dt.date(2025, 6, 30))
    assert _principal(later) == [(older.invoice_number, "100.00"), (newer.invoice_number, "30.05")]
    # and agrees with the books: principal credited by the payment = what the position shows paid
    paid = sum(
        e.amount for e in LedgerEntry.objects.filter(group=payment.ledger_group, credit_account="principal")
    )
    assert paid == D("150.00") - later.principal == D("19.95")


def test_undesignated_payment_goes_oldest_first(tenant, two_claims):
    case, (older, newer) = two_claims
    payment = payment_record(tenant=tenant, actor=system_actor(tenant), case=case, amount=D("20.00"),
                             value_date=ON, method="bank_transfer")  # fmt: skip
    # 100 × 2 % × 19/365 = 0.104 → 0.10 interest, then 19.90 principal of the older claim
    assert [(p["invoice"], p["bucket"], p["amount"]) for p in payment.imputation] == [
        (older.invoice_number, "interest", "0.10"),
        (older.invoice_number, "principal", "19.90"),
    ]
    later = case_position(case=case, today=dt.date(2025, 6, 30))
    assert _principal(later) == [(older.invoice_number, "80.10"), (newer.invoice_number, "50.00")]


def test_command_line_names_the_claim(tenant, two_claims, capsys):
    case, (_older, newer) = two_claims
    call_command("payments", "record", "--case", case.code, "--amount", "20,00", "--date", "01/03/2025",
                 "--method", "bank_transfer", "--claim", newer.invoice_number, "--json")  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["designated_claim"] == newer.invoice_number
    assert [(p["invoice"], p["amount"]) for p in out["imputation"]] == [
        (newer.invoice_number, "0.05"),
        (newer.invoice_number, "19.95"),
    ]
    with pytest.raises(SystemExit) as exit_:
        call_command("payments", "record", "--case", case.code, "--amount", "5", "--date", "01/03/2025",
                     "--method", "bank_transfer", "--claim", "NON-ESISTE", "--json")  # fmt: skip
    assert exit_.value.code == 2
    assert json.loads(capsys.readouterr().out)["code"] == "payments.unknown_claim"
