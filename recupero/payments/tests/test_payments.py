"""Payments recorded by hand: imputation by the law engine to the cent, the books, reversal, overpayment,
closure, direct payments, refusals."""

import datetime as dt
from decimal import Decimal

import pytest

from recupero.cases.domain.states import CaseStatus
from recupero.core.domain.roles import Role
from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import RECEIVABLES, Account
from recupero.ledger.models import LedgerEntry
from recupero.ledger.position import case_position
from recupero.ledger.selectors import case_balances
from recupero.payments.models import Payment
from recupero.payments.services import payment_record, payment_reverse
from tests.factories import make_case, make_company_case, make_debtor, make_user

pytestmark = pytest.mark.django_db
D = Decimal
JULY = dt.date(2023, 7, 1)


def _record(tenant, case, amount, on=JULY, **kw):
    kw.setdefault("method", "bank_transfer")
    return payment_record(
        tenant=tenant, actor=system_actor(tenant), case=case, amount=D(amount), value_date=on, **kw
    )


def _parts(payment):
    return [(p["bucket"], p["amount"]) for p in payment.imputation]


def _group(payment):
    return sorted(
        (e.debit_account, e.credit_account, e.amount)
        for e in LedgerEntry.objects.filter(group=payment.ledger_group)
    )


@pytest.mark.parametrize(
    ("amount", "parts", "overpayment"),
    [
        # €40 first, then 311.10 interest (107 d at 10.50% + 1 d at 12.00% on 10,000), then principal
        (
            "2000.00",
            [("flat_compensation", "40.00"), ("interest", "311.10"), ("principal", "1648.90")],
            "0.00",
        ),
        ("30.00", [("flat_compensation", "30.00")], "0.00"),
        ("351.10", [("flat_compensation", "40.00"), ("interest", "311.10")], "0.00"),
        ("351.11", [("flat_compensation", "40.00"), ("interest", "311.10"), ("principal", "0.01")], "0.00"),
        (
            "10351.10",
            [("flat_compensation", "40.00"), ("interest", "311.10"), ("principal", "10000.00")],
            "0.00",
        ),
        (
            "10400.00",
            [("flat_compensation", "40.00"), ("interest", "311.10"), ("principal", "10000.00")],
            "48.90",
        ),
    ],
)
def test_imputation_costs_flat_interest_principal_to_the_cent(tenant, creditor, amount, parts, overpayment):
    case = make_company_case(tenant, creditor)
    payment = _record(tenant, case, amount)
    assert _parts(payment) == parts
    assert payment.overpayment == D(overpayment)
    assert payment.refund_due is (D(overpayment) > 0)
    posted = sum(D(a) for _, a in parts)
    assert posted + payment.overpayment == D(amount)
    # the payment's group: money received against each bucket, exactly the imputation
    assert sum(a for d, _, a in _group(payment) if d == "payments_received") == posted
    balances = case_balances(case=case)
    assert all(balances[a] >= 0 for a in RECEIVABLES)


def test_position_after_the_payment_agrees_with_the_worked_example(tenant, creditor):
    case = make_company_case(tenant, creditor)
    _record(tenant, case, "2000.00")
    pos = case_position(case=case, today=dt.date(2024, 2, 10))
    assert (pos.principal, pos.flat_compensation, pos.payments, pos.total_due) == (
        D("8351.10"),
        D("0.00"),
        D("2000.00"),
        D("8970.79"),
    )


def test_interest_paid_is_booked_as_accrued_then_paid(tenant, creditor):
    case = make_company_case(tenant, creditor)
    payment = _record(tenant, case, "2000.00")
    accruals = LedgerEntry.objects.filter(case=case, idempotency_key__startswith=f"payment:{payment.pk}:")
    assert sorted((e.debit_account, e.credit_account, e.amount) for e in accruals) == [
        ("flat_compensation", "compensation_accrued", D("40.00")),
        ("late_interest", "interest_accrued", D("311.10")),
    ]
    balances = case_balances(case=case)
    assert balances[Account.LATE_INTEREST] == D("0.00")
    assert balances[Account.PRINCIPAL] == D("8351.10")
    case.refresh_from_db()
    assert case.balance == D("8351.10")


def test_oldest_claim_first_unless_the_debtor_designated_one(tenant, creditor):
    debtor = make_debtor(tenant)
    case = make_case(tenant, creditor, debtor, amounts=("100.00", "50.00"))
    claims = list(case.claims.order_by("issued_on"))
    on = dt.date(2025, 2, 5)  # before both due dates: no interest
    first = _record(tenant, case, "30.00", on=dt.date(2025, 3, 1))
    assert next((p["invoice"], p["bucket"]) for p in first.imputation)[0] == claims[0].invoice_number
    chosen = _record(tenant, case, "20.00", on=dt.date(2025, 3, 1), designated_claim=claims[1])
    assert {p["invoice"] for p in chosen.imputation} == {claims[1].invoice_number}
    assert on < claims[0].due_on


def test_reversal_reverses_exactly_what_was_posted(tenant, creditor):
    case = make_company_case(tenant, creditor)
    payment = _record(tenant, case, "2000.00")
    posted = _group(payment)
    payment = payment_reverse(
        tenant=tenant, actor=system_actor(tenant), payment=payment, reason="assegno insoluto"
    )
    assert payment.status == "reversed"
    mirrors = sorted(
        (e.credit_account, e.debit_account, e.amount)
        for e in LedgerEntry.objects.filter(reverses__group=payment.ledger_group)
    )
    assert mirrors == posted
    balances = case_balances(case=case)
    assert balances[Account.PAYMENTS_RECEIVED] == D("0.00")
    assert balances[Account.PRINCIPAL] == D("10000.00")
    pos = case_position(case=case, today=dt.date(2024, 2, 10))
    assert (pos.payments, pos.total_due) == (D("0.00"), D("11093.15"))
    with pytest.raises(DomainError) as exc:
        payment_reverse(tenant=tenant, actor=system_actor(tenant), payment=payment, reason="di nuovo")
    assert exc.value.code == "payments.already_reversed"


def test_a_case_paid_in_full_closes_as_paid(tenant, creditor):
    debtor = make_debtor(tenant)
    case = make_case(tenant, creditor, debtor, amounts=("120.50",))
    payment = _record(tenant, case, "120.50", on=dt.date(2025, 2, 10), method="cash", reference="RIC-7")
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.balance) == (CaseStatus.PAID, dt.date(2025, 2, 10), D("0.00"))
    assert payment.overpayment == D("0.00")
    kinds = list(case.timeline.values_list("kind", flat=True))
    assert "payment.recorded" in kinds and "case.status" in kinds
    # the cheque comes back: the case is owed again and goes back to work (not left "paid")
    payment_reverse(tenant=tenant, actor=system_actor(tenant), payment=payment, reason="assegno insoluto")
    case.refresh_from_db()
    assert (case.status, case.balance) == (CaseStatus.WORKING, D("120.50"))
    last = case.timeline.filter(kind="case.status").order_by("-id").first()
    assert last is not None and "pagamento stornato: assegno insoluto" in last.summary


def test_direct_payment_debits_paid_to_creditor(tenant, creditor):
    debtor = make_debtor(tenant)
    case = make_case(tenant, creditor, debtor, amounts=("120.50",))
    payment = _record(tenant, case, "20.50", on=dt.date(2025, 2, 10), direct=True)
    assert _group(payment) == [("paid_to_creditor", "principal", D("20.50"))]
    pos = case_position(case=case, today=dt.date(2025, 2, 10))
    assert (pos.payments, pos.total_due) == (D("20.50"), D("100.00"))


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"amount": "0"}, "payments.bad_amount"),
        ({"amount": "-5"}, "payments.bad_amount"),
        ({"amount": "1.234"}, "payments.bad_amount"),
        ({"method": "bitcoin"}, "payments.bad_method"),
        ({"method": "cash"}, "payments.receipt_required"),
        ({"on": dt.date(2099, 1, 1)}, "payments.bad_date"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(tenant, creditor, kw, code):
    case = make_case(tenant, creditor, make_debtor(tenant))
    amount = kw.pop("amount", "10.00")
    with pytest.raises(DomainError) as exc:
        _record(tenant, case, amount, **kw)
    assert exc.value.code == code
    assert Payment.objects.count() == 0
    assert LedgerEntry.objects.filter(kind="payment").count() == 0


def test_roles_without_payments_post_and_foreign_cases_are_refused(tenant, creditor, other_tenant):
    case = make_case(tenant, creditor, make_debtor(tenant))
    collector = make_user(tenant, Role.COLLECTOR)
    with pytest.raises(DomainError) as exc:
        payment_record(tenant=tenant, actor=collector, case=case, amount=D("1.00"), value_date=JULY,
                       method="bank_transfer")  # fmt: skip
    assert exc.value.code == "auth.forbidden"
    with pytest.raises(DomainError) as exc:
        payment_record(tenant=other_tenant, actor=system_actor(other_tenant), case=case, amount=D("1.00"),
                       value_date=JULY, method="bank_transfer")  # fmt: skip
    assert exc.value.code == "tenant.mismatch"
    assert Payment.objects.count() == 0
