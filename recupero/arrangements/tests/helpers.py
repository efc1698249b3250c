"""Shared set-up for the arrangements tests: a creditor with a mandate and a policy, a case, payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from recupero.arrangements.models import ArrangementPolicy
from recupero.cases.models import Case
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.models import LedgerEntry
from recupero.ledger.services import Line, entry_post, entry_reverse
from recupero.parties.models import Creditor, Mandate
from recupero.parties.services import mandate_create
from tests import portfolio as b

# Waived interest keeps the figures round: a plan splits the principal exactly.
RULES: dict[str, Any] = {
    "plan_bands": [
        {
            "debtor": "person",
            "max_amount": "5000.00",
            "max_instalments": 6,
            "max_months": 6,
            "min_instalment": "50.00",
        },
        {
            "debtor": "any",
            "max_instalments": 12,
            "max_months": 12,
            "min_instalment": "100.00",
            "min_down_payment_percent": "10",
        },
    ],
    "settlement_bands": [{"max_age_days": 365, "max_discount_percent": "10"}, {"max_discount_percent": "20"}],
    "approval_days": 10,
    "grace_days": 5,
    "missed_to_break": 1,
    "interest": "waived",
    "acceptance_days": 15,
}


def mandate(t: Tenant, cr: Creditor, rules: dict[str, Any] | None = None, **terms: Any) -> Mandate:
    m = mandate_create(
        tenant=t, actor=system_actor(t), creditor=cr, reference="M1", starts_on=dt.date(2025, 1, 1), **terms
    )
    ArrangementPolicy.objects.create(tenant=t, mandate=m, rules=RULES if rules is None else rules)
    return m


def world(amount: str = "1000.00", rules: dict[str, Any] | None = None) -> tuple[Tenant, Creditor, Case]:
    t = b.tenant()
    cr = b.creditor(t)
    mandate(t, cr, rules)
    return t, cr, b.case(t, cr, b.debtor(t), amount=amount)


def pay(t: Tenant, case: Case, amount: str, on: dt.date) -> list[LedgerEntry]:
    return entry_post(
        tenant=t,
        actor=system_actor(t),
        case=case,
        kind=EntryKind.PAYMENT,
        posted_on=on,
        lines=[Line(Account.PAYMENTS_RECEIVED, Account.PRINCIPAL, Decimal(amount))],
    )


def reverse(t: Tenant, entry: LedgerEntry) -> None:
    entry_reverse(tenant=t, actor=system_actor(t), entry=entry, reason="assegno insoluto")
