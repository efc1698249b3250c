"""A creditor ready for remittances (mandate, plan, payout account, agency account) and payments posted the way
the payments app posts them: one ledger group per payment, `payment:<id>#<n>`, debit payments received (or paid
to the creditor), credit the receivable buckets; reversals through `entry_reverse`."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from recupero.cases.models import Case
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.ledger.domain.accounts import Account, EntryKind
from recupero.ledger.models import LedgerEntry
from recupero.ledger.services import Line, entry_post, entry_reverse
from recupero.parties.models import Creditor, Mandate
from recupero.parties.services import mandate_create
from recupero.remittance.services import agency_account_set, commission_plan_set, payout_account_set

AGENCY_IBAN = "IT60X0542811101000000123456"
PAYOUT_IBAN = "IT93E0200801600000000004242"
_ids = itertools.count(1)


def ready(
    tenant: Tenant, creditor: Creditor, *, rates: list[dict[str, Any]] | None = None, **plan: Any
) -> Mandate:
    actor = system_actor(tenant)
    tenant.vat_number = tenant.vat_number or "01114601006"
    tenant.save(update_fields=["vat_number"])
    mandate = mandate_create(
        tenant=tenant, actor=actor, creditor=creditor, reference="M-1", starts_on=dt.date(2025, 1, 1)
    )
    commission_plan_set(
        tenant=tenant, actor=actor, mandate=mandate,
        rates=rates or [{"phase": "out_of_court", "percent": "15"}, {"phase": "legal", "percent": "20"}], **plan,
    )  # fmt: skip
    payout_account_set(
        tenant=tenant, actor=actor, creditor=creditor, iban=PAYOUT_IBAN, street="Via Larga 2", cap="20122",
        municipality="Milano", province="MI",
    )  # fmt: skip
    agency_account_set(
        tenant=tenant, actor=actor, iban=AGENCY_IBAN, street="Via Nazionale 10", cap="00184",
        municipality="Roma", province="RM",
    )  # fmt: skip
    return mandate


def pay(
    case: Case,
    day: dt.date,
    principal: str = "0",
    interest: str = "0",
    costs: str = "0",
    *,
    direct: bool = False,
) -> list[LedgerEntry]:
    tenant = case.tenant
    debit = Account.PAID_TO_CREDITOR if direct else Account.PAYMENTS_RECEIVED
    buckets = (
        (Account.PRINCIPAL, principal),
        (Account.LATE_INTEREST, interest),
        (Account.COLLECTION_COSTS, costs),
    )
    lines = [Line(debit, acc, Decimal(v)) for acc, v in buckets if Decimal(v)]
    return entry_post(
        tenant=tenant, actor=system_actor(tenant), case=case, kind=EntryKind.PAYMENT, posted_on=day,
        lines=lines, idempotency_key=f"payment:{next(_ids)}",
    )  # fmt: skip


def reverse(entries: list[LedgerEntry], reason: str = "assegno insoluto") -> None:
    for entry in entries:
        entry_reverse(
            tenant=entry.case.tenant, actor=system_actor(entry.case.tenant), entry=entry, reason=reason
        )
