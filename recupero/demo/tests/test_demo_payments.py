"""The demo's bank statement: most credits post by themselves, the rest wait in the review queue; nothing lost."""

from decimal import Decimal

import pytest

from recupero.core.models import Tenant
from recupero.demo.loader import demo_load
from recupero.payments.models import BankStatement, CollectionAccount, Payment, StatementEntry

pytestmark = pytest.mark.django_db


def test_demo_statement_is_imported_and_reconciled():
    demo_load(cases=300, seed=7, bank_statement=True)
    tenant = Tenant.objects.get(code="demo")
    assert CollectionAccount.objects.get(tenant=tenant).iban == "IT60X0542811101000000123456"
    statement = BankStatement.objects.get(tenant=tenant)
    statuses = dict(
        (s, StatementEntry.objects.filter(statement=statement, status=s).count())
        for s in ("posted", "review", "debit", "new")
    )
    # 40 debtors' credits (8 each: code, RF, known IBAN, bare name, code with a typo) + one supplier + one fee
    assert statuses == {"posted": 23, "review": 18, "debit": 1, "new": 0}
    review = StatementEntry.objects.filter(statement=statement, status="review")
    # every code and RF credit posted; one known IBAN belongs to a debtor with two open cases: a person decides
    assert (
        sorted(int(e.reference[5:]) % 5 for e in review if e.reference.startswith("DEMO-0"))
        == [2] + [3] * 8 + [4] * 8
    )
    assert review.filter(reference="DEMO-X1").exists()
    assert statement.totals_ok is True
    posted = StatementEntry.objects.filter(statement=statement, status="posted")
    assert Payment.objects.filter(entry__in=posted).count() == 23
    assert sum((p.amount for p in Payment.objects.filter(entry__in=posted)), Decimal("0")) == sum(
        (e.amount for e in posted), Decimal("0")
    )
