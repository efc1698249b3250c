"""The demo mandates' negotiation limits (ArrangementPolicy rows): a different shape per sector, so the demo
shows plans active at once and plans waiting for the creditor's approval."""

from __future__ import annotations

from typing import Any

from recupero.arrangements.services import policy_set
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.parties.models import Mandate

# By creditor sector: utilities are lenient with consumers, suppliers strict with companies.
RULES: dict[str, dict[str, Any]] = {
    "utility": {
        "plan_bands": [
            {
                "debtor": "person",
                "max_amount": "1500.00",
                "max_instalments": 6,
                "max_months": 6,
                "min_instalment": "30.00",
            },
            {
                "debtor": "person",
                "max_instalments": 12,
                "max_months": 12,
                "min_instalment": "50.00",
                "min_down_payment_percent": "10",
            },
            {
                "debtor": "company",
                "max_instalments": 6,
                "max_months": 6,
                "min_instalment": "100.00",
                "min_down_payment_percent": "20",
            },
        ],
        "settlement_bands": [
            {"max_age_days": 365, "max_discount_percent": "10"},
            {"max_discount_percent": "20"},
        ],
        "interest": "waived",
    },
    "telco": {
        "plan_bands": [{"debtor": "any", "max_instalments": 10, "max_months": 10, "min_instalment": "25.00"}],
        "settlement_bands": [
            {"max_age_days": 540, "max_discount_percent": "15"},
            {"max_discount_percent": "30"},
        ],
        "interest": "frozen",
    },
    "supplier": {
        "plan_bands": [
            {
                "debtor": "any",
                "max_amount": "5000.00",
                "max_instalments": 6,
                "max_months": 6,
                "min_instalment": "200.00",
                "min_down_payment_percent": "20",
            },
            {
                "debtor": "any",
                "max_instalments": 12,
                "max_months": 12,
                "min_instalment": "500.00",
                "min_down_payment_percent": "25",
            },
        ],
        "settlement_bands": [{"max_discount_percent": "10"}],
        "interest": "running",
        "missed_to_break": 2,
    },
}
COMMON = {"approval_days": 10, "grace_days": 5, "acceptance_days": 15, "reminder_days": 3}


def arrangement_policies(tenant: Tenant) -> int:
    """One policy per mandate of the demo tenant, set through `policy_set` (as the system). Returns the rows."""
    actor = system_actor(tenant)
    mandates = list(Mandate.objects.filter(tenant=tenant).select_related("creditor").order_by("pk"))
    for m in mandates:
        policy_set(
            tenant=tenant, actor=actor, mandate=m, rules={**COMMON, **RULES.get(m.creditor.sector, {})}
        )
    return len(mandates)
