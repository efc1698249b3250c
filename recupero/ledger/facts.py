"""What the law engine reads of a case to impute a payment: its claims and their instalments, the credit notes
posted on them, the book balances, the costs already paid, the payments still standing (with the claim the debtor
designated, art. 1193) and whether the mandate waives the €40. Read for one case (`case_facts`, the single-row
services) or for many in a few set-based queries (`case_facts_many`, a bank statement's bulk posting): the same
figures either way, so `position.payment_run` gives both paths the very same imputation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from recupero.cases.models import Case, Claim, ClaimInstalment
from recupero.cases.selectors import CLAIM_ORDER, case_claims
from recupero.core.models import Tenant
from recupero.law.interest import CasePayment
from recupero.ledger.domain.accounts import Account
from recupero.ledger.domain.payment_keys import designated_of
from recupero.ledger.models import LedgerEntry
from recupero.ledger.selectors import case_balances
from recupero.parties.models import Mandate

ZERO = Decimal("0.00")
PAYMENT_ACCOUNTS = (Account.PAYMENTS_RECEIVED.value, Account.PAID_TO_CREDITOR.value)
_PER_QUERY = 2000


@dataclass
class CaseFacts:
    case: Case
    claims: list[Claim]
    instalments: dict[int, list[ClaimInstalment]]  # claim id → its instalments by number
    credited: dict[int, Decimal]  # claim id → credit notes posted on it at intake
    balances: dict[Account, Decimal]
    costs_paid: Decimal  # what payments still standing paid on collection costs
    waived: bool  # the mandate waives the €40
    payments: list[CasePayment] = field(default_factory=list)  # still standing, by date
    # credit notes on the case as a whole (a dispute upheld with a reduction, `strategies.desk`): the position
    # takes them from the invoices that fall due last
    loose_credit: Decimal = ZERO

    @property
    def gross_costs(self) -> Decimal:
        """Costs charged, before payments (the engine imputes every payment itself)."""
        return self.balances[Account.COLLECTION_COSTS] + self.costs_paid


def _standing_payments(rows: Iterable[tuple[str, dt.date, Decimal, str | None]]) -> list[CasePayment]:
    """(group, posted_on, amount, key) of payment lines → one CasePayment per group, by date then amount."""
    grouped: dict[str, tuple[dt.date, Decimal, tuple[str, ...]]] = {}
    for group, posted_on, amount, key in rows:
        on, total, designated = grouped.get(str(group), (posted_on, ZERO, designated_of(key)))
        grouped[str(group)] = (on, total + amount, designated)
    return [CasePayment(on, total, designated) for on, total, designated in sorted(grouped.values())]


def _payment_lines(tenant_id: int) -> object:
    # Money received by the agency or reported paid to the creditor (pagamento diretto) both reduce the debt;
    # a payment reversed since (returned cheque, SDD reject) no longer does.
    return LedgerEntry.objects.filter(
        tenant_id=tenant_id, debit_account__in=PAYMENT_ACCOUNTS, kind="payment", reversed_by__isnull=True
    )


def _costs_paid(tenant_id: int) -> object:
    return LedgerEntry.objects.filter(
        tenant_id=tenant_id, kind="payment", credit_account=Account.COLLECTION_COSTS, reversed_by__isnull=True
    )


def _credit_notes(tenant_id: int) -> object:
    """Credit notes on the principal: on a claim at intake (imports.credits: key "import:credit:<claim>:…"), or
    on the case as a whole."""
    return LedgerEntry.objects.filter(
        tenant_id=tenant_id, kind="credit", credit_account=Account.PRINCIPAL.value
    )


def _add_credit(facts: CaseFacts, key: str | None, amount: Decimal) -> None:
    if str(key).startswith("import:credit:"):
        claim_id = int(str(key).split(":")[2])
        facts.credited[claim_id] = facts.credited.get(claim_id, ZERO) + amount
    else:
        facts.loose_credit += amount


def _waived(tenant_id: int, creditor_id: int) -> bool:
    mandate = (
        Mandate.objects.filter(tenant_id=tenant_id, creditor_id=creditor_id).order_by("-starts_on").first()
    )
    return bool(mandate and mandate.waive_flat_compensation)


def standing_payments(case: Case) -> list[CasePayment]:
    rows = _payment_lines(case.tenant_id).filter(case=case)  # type: ignore[attr-defined]
    return _standing_payments(rows.values_list("group", "posted_on", "amount", "idempotency_key"))


def case_facts(case: Case) -> CaseFacts:
    """The facts of one case (a handful of queries)."""
    claims = case_claims(case=case)
    instalments: dict[int, list[ClaimInstalment]] = {}
    for inst in ClaimInstalment.objects.filter(tenant_id=case.tenant_id, claim__case=case).order_by("number"):
        instalments.setdefault(inst.claim_id, []).append(inst)
    paid = _costs_paid(case.tenant_id).filter(case=case).aggregate(t=Sum("amount"))["t"]  # type: ignore[attr-defined]
    facts = CaseFacts(
        case=case, claims=claims, instalments=instalments, credited={}, balances=case_balances(case=case),
        costs_paid=paid or ZERO, waived=_waived(case.tenant_id, case.creditor_id), payments=standing_payments(case),
    )  # fmt: skip
    notes = _credit_notes(case.tenant_id).filter(case=case)  # type: ignore[attr-defined]
    for key, amount in notes.values_list("idempotency_key", "amount"):
        _add_credit(facts, key, amount)
    return facts


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _PER_QUERY):
        yield list(ids[i : i + _PER_QUERY])


def case_facts_many(*, tenant: Tenant, case_ids: Iterable[int], lock: bool = False) -> dict[int, CaseFacts]:
    """The facts of many cases in eight grouped queries per 2,000 cases (none per case); `lock`: the case rows
    locked until the caller's transaction ends (one payment at a time per case, as `payment_record`)."""
    out: dict[int, CaseFacts] = {}
    waived: dict[int, bool] = {}
    for part in _chunks(sorted(set(case_ids))):
        rows = Case.objects.filter(tenant=tenant, pk__in=part).order_by("pk")
        cases = {c.pk: c for c in (rows.select_for_update() if lock else rows)}
        for creditor_id in {c.creditor_id for c in cases.values()} - set(waived):
            waived[creditor_id] = _waived(tenant.pk, creditor_id)
        for pk, case in cases.items():
            out[pk] = CaseFacts(case, [], {}, {}, {a: ZERO for a in Account}, ZERO, waived[case.creditor_id])
        _fill_many(tenant, part, out)
    return out


def _fill_many(tenant: Tenant, part: list[int], out: dict[int, CaseFacts]) -> None:
    claims = Claim.objects.filter(tenant=tenant, case_id__in=part).order_by("case_id", *CLAIM_ORDER)
    for claim in claims:
        out[claim.case_id].claims.append(claim)
    claim_case = {c.pk: c.case_id for f in (out[p] for p in part if p in out) for c in f.claims}
    instalments = ClaimInstalment.objects.filter(tenant=tenant, claim_id__in=list(claim_case))
    for inst in instalments.order_by("claim_id", "number"):
        out[claim_case[inst.claim_id]].instalments.setdefault(inst.claim_id, []).append(inst)
    entries = LedgerEntry.objects.filter(tenant=tenant, case_id__in=part)
    for side, sign in (("debit_account", 1), ("credit_account", -1)):
        for case_id, account, total in (
            entries.values_list("case_id", side).annotate(t=Sum("amount")).order_by()
        ):
            out[case_id].balances[Account(account)] += sign * total
    notes = _credit_notes(tenant.pk).filter(case_id__in=part)  # type: ignore[attr-defined]
    for case_id, key, amount in notes.values_list("case_id", "idempotency_key", "amount"):
        _add_credit(out[case_id], key, amount)
    costs = _costs_paid(tenant.pk).filter(case_id__in=part)  # type: ignore[attr-defined]
    for case_id, total in costs.values_list("case_id").annotate(t=Sum("amount")).order_by():
        out[case_id].costs_paid = total
    lines = _payment_lines(tenant.pk).filter(case_id__in=part)  # type: ignore[attr-defined]
    per_case: dict[int, list[tuple[str, dt.date, Decimal, str | None]]] = {}
    for case_id, *row in lines.values_list("case_id", "group", "posted_on", "amount", "idempotency_key"):
        per_case.setdefault(case_id, []).append(tuple(row))  # type: ignore[arg-type]
    for case_id, rows in per_case.items():
        out[case_id].payments = _standing_payments(rows)
