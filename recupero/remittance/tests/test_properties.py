"""Random histories of payments, direct payments, reversals and remittances: 0 cents lost, each payment once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recupero.core.permissions import system_actor
from recupero.ledger.models import LedgerEntry
from recupero.remittance.models import Remittance, RemittanceLine
from recupero.remittance.services import remittance_issue
from recupero.remittance.tests.world import pay, ready, reverse
from tests.factories import TAX_CODES, make_case, make_creditor, make_debtor

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=0, max_value=40_000).map(lambda c: D(c).scaleb(-2))
payment = st.tuples(st.just("pay"), st.integers(0, 1), cents, cents, st.booleans())
reversal = st.tuples(st.just("reverse"), st.integers(0, 20))
issue = st.tuples(st.just("issue"))
histories = st.lists(st.one_of(payment, payment, reversal, issue), min_size=1, max_size=14)
plans = st.fixed_dictionaries(
    {
        "minimum_per_case": st.sampled_from([D("0"), D("25.00")]),
        "base": st.sampled_from(["all", "principal"]),
        "keep_interest": st.booleans(),
        "direct_commission": st.booleans(),
    }
)
TIERED = [
    {"phase": "out_of_court", "percent": "18"},
    {"phase": "out_of_court", "percent": "11.5", "from_amount": "150"},
    {"phase": "legal", "percent": "20"},
]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories, plan=plans)
def test_collected_is_remitted_plus_commission_plus_vat_plus_held(tenant, settings_media, history, plan):
    creditor = make_creditor(tenant)
    ready(tenant, creditor, rates=TIERED, **plan)
    cases = [
        make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[i]), amounts=("9000.00",)) for i in (0, 1)
    ]
    posted: list[list[LedgerEntry]] = []
    day = dt.date(2026, 2, 1)
    for step in history:
        day += dt.timedelta(days=3)
        if step[0] == "pay":
            _, which, principal, interest, direct = step
            if principal + interest:
                posted.append(pay(cases[which], day, str(principal), str(interest), direct=direct))
        elif step[0] == "reverse" and posted:
            reverse(posted.pop(step[1] % len(posted)))
        else:
            remittance_issue(tenant=tenant, actor=system_actor(tenant), creditor=creditor, until=day)
    remittance_issue(tenant=tenant, actor=system_actor(tenant), creditor=creditor, until=day)

    lines = RemittanceLine.objects.filter(remittance__creditor=creditor)
    for line in lines:  # every line accounts for every cent
        assert line.collected == line.remitted + line.commission + line.vat + line.held
        assert line.collected == line.principal + line.interest + line.compensation + line.costs
    # 0 cents lost: what the remittances collected is what the books received, net of reversals
    books = LedgerEntry.objects.filter(case__creditor=creditor)
    received = books.filter(kind="payment").aggregate(t=Sum("amount"))["t"] or D(0)
    reversed_ = books.filter(kind="reversal", reverses__kind="payment").aggregate(t=Sum("amount"))["t"] or D(
        0
    )
    assert sum((line.collected for line in lines), D(0)) == (D(received) - D(reversed_)).quantize(D("0.01"))
    # each payment group exactly once
    groups = list(lines.filter(kind="payment").values_list("group", flat=True))
    assert len(groups) == len(set(groups)) == books.filter(kind="payment").values("group").distinct().count()
    # a payment reversed in full leaves no commission behind
    for gone in (
        books.filter(kind="payment", reversed_by__isnull=False).values_list("group", flat=True).distinct()
    ):
        related = lines.filter(group=gone) | lines.filter(reversed_group=gone)
        assert sum((line.commission for line in related), D(0)) == 0
        assert sum((line.vat for line in related), D(0)) == 0
    # the headers are the sums of their lines
    for r in Remittance.objects.filter(creditor=creditor):
        mine = list(r.lines.all())
        assert r.collected == sum((x.collected for x in mine), D(0))
        assert r.collected == r.net - r.to_invoice + r.commission + r.vat + r.held


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
