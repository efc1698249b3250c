"""The demo agency's remittance terms: a commission plan per demo mandate (each a different kind of plan), the
creditors' payout accounts and invoicing addresses, and the agency's own account (IT60X0542811101000000123456,
where debtors pay the agency). Written directly, like the rest of the loader (a fixture, not a business flow:
the load as a whole leaves one audit record); the rows are the same the remittance services would write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.parties.models import Creditor, Mandate
from recupero.remittance.services import agency_account_set, commission_plan_set, payout_account_set

AGENCY_IBAN = "IT60X0542811101000000123456"

# creditor code -> plan terms
PLANS: dict[str, dict[str, Any]] = {
    # A utility: flat by phase, a little more on old claims, everything as base.
    "DEMO-UTILITY": {
        "rates": [
            {"phase": "out_of_court", "percent": "12"},
            {"phase": "out_of_court", "percent": "15", "min_age_days": 365},
            {"phase": "legal", "percent": "18"},
        ],
        "minimum_per_case": Decimal("5.00"),
    },
    # A telco: tiers by amount, principal only, the agency keeps the late interest.
    "DEMO-TELCO": {
        "rates": [
            {"phase": "out_of_court", "percent": "20"},
            {"phase": "out_of_court", "percent": "14", "from_amount": "500"},
            {"phase": "legal", "percent": "25"},
        ],
        "base": "principal",
        "keep_interest": True,
    },
    # A B2B supplier: a minimum per case; commission on direct payments too.
    "DEMO-B2B": {
        "rates": [{"phase": "out_of_court", "percent": "10"}, {"phase": "legal", "percent": "15"}],
        "minimum_per_case": Decimal("30.00"),
        "direct_commission": True,
    },
}
ADDRESSES = {
    "DEMO-UTILITY": ("Corso Buenos Aires 45", "20124", "Milano", "MI"),
    "DEMO-TELCO": ("Via Cristoforo Colombo 149", "00147", "Roma", "RM"),
    "DEMO-B2B": ("Via Emilia Est 210", "41121", "Modena", "MO"),
}


def remittance_terms(tenant: Tenant) -> int:
    """Set the terms through the remittance services (as the system); returns the rows written."""
    actor = system_actor(tenant)
    agency_account_set(
        tenant=tenant, actor=actor, iban=AGENCY_IBAN, street="Via Giuseppe Mazzini 12", cap="20123",
        municipality="Milano", province="MI", tax_code=tenant.vat_number,
    )  # fmt: skip
    rows = 1
    for creditor in Creditor.objects.filter(tenant=tenant, code__in=PLANS).order_by("code"):
        for mandate in Mandate.objects.filter(tenant=tenant, creditor=creditor):
            commission_plan_set(tenant=tenant, actor=actor, mandate=mandate, **PLANS[creditor.code])
            rows += 1
        street, cap, municipality, province = ADDRESSES[creditor.code]
        payout_account_set(
            tenant=tenant, actor=actor, creditor=creditor, iban=creditor.iban, street=street, cap=cap,
            municipality=municipality, province=province,
        )  # fmt: skip
        rows += 1
    return rows
