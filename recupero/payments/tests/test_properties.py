"""Properties over random histories of payments (received or direct, any value date, any amount) and reversals:
the books always balance, no receivable goes negative, 0 cents lost, the cached total follows the books."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import RECEIVABLES, Account, EntryKind, total_due
from recupero.ledger.models import LedgerEntry
from recupero.ledger.selectors import case_balances
from recupero.ledger.services import Line, entry_post
from recupero.payments.models import Payment
from recupero.payments.services import payment_record, payment_reverse
from tests.factories import make_company_case

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")
START = dt.date(2023, 4, 1)

pay = st.tuples(
    st.just("pay"),
    st.integers(min_value=1, max_value=1_500_000),  # cents: up to 15,000 € on a 10,000 € claim
    st.integers(min_value=0, max_value=900),  # days after 1/4/2023 (before and after others: back-dated too)
    st.booleans(),  # direct
)
reverse = st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20), st.just(0), st.just(False))
histories = st.lists(st.one_of(pay, pay, reverse), min_size=1, max_size=8)

_seq = iter(range(10_000))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories, costs=st.sampled_from(["0.00", "25.00"]))
def test_random_histories_keep_the_books_whole(tenant, creditor, history, costs):
    actor = system_actor(tenant)
    case = make_company_case(tenant, creditor, vat="00743110157", reference=f"H{next(_seq)}")
    if costs != "0.00":
        entry_post(tenant=tenant, actor=actor, case=case, kind=EntryKind.COSTS, posted_on=START,
                   lines=[Line(Account.COLLECTION_COSTS, Account.COSTS_CHARGED, Decimal(costs))])  # fmt: skip
    for op, number, days, direct in history:
        if op == "pay":
            on = START + dt.timedelta(days=days)
            payment_record(tenant=tenant, actor=actor, case=case, amount=Decimal(number) / 100,
                           value_date=on, method="bank_transfer", direct=direct)  # fmt: skip
        else:
            standing = list(Payment.objects.filter(case=case, status="posted").order_by("pk"))
            if standing:
                payment_reverse(
                    tenant=tenant, actor=actor, payment=standing[number % len(standing)], reason="storno"
                )
        _check(case)


def _check(case):
    balances = case_balances(case=case)
    assert sum(balances.values(), ZERO) == ZERO  # the books balance
    assert all(balances[a] >= ZERO for a in RECEIVABLES), balances  # no receivable negative
    standing = Payment.objects.filter(case=case, status="posted")
    kept = sum((p.amount - p.overpayment for p in standing), ZERO)
    received = balances[Account.PAYMENTS_RECEIVED] + balances[Account.PAID_TO_CREDITOR]
    assert received == kept  # 0 cents lost: every posted cent is money received, less what is to refund
    for p in Payment.objects.filter(case=case):
        group = (
            sum((e.amount for e in LedgerEntry.objects.filter(group=p.ledger_group)), ZERO)
            if p.ledger_group
            else ZERO
        )
        assert group + p.overpayment == p.amount  # each payment: imputed + overpayment = amount
        assert sum((Decimal(x["amount"]) for x in p.imputation), ZERO) == group
    case.refresh_from_db()
    assert case.balance == total_due(balances)
