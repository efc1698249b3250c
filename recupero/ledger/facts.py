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

from recupero.cases.models import Case, Claim, ClaimInstalment
from recupero.cases.selectors import CLAIM_ORDER, case_claims
from recupero.core.bulk import among, instances
from recupero.core.models import Tenant
from recupero.law.interest import CasePayment
from recupero.ledger.domain.accounts import Account
from recupero.ledger.domain.payment_keys import designated_of
from recupero.ledger.models import LedgerEntry
from recupero.parties.models import Mandate

ZERO = Decimal("0.00")
PAYMENT_ACCOUNTS = (Account.PAYMENTS_RECEIVED.value, Account.PAID_TO_CREDITOR.value)
_ACCOUNT = {a.value: a for a in Account}  # a dict look-up: `Account(text)` per entry cost more than the sums
_PRINCIPAL, _COSTS = Account.PRINCIPAL.value, Account.COLLECTION_COSTS.value
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
    telecom_years: int = 5  # the mandate's prescription of telecom claims (law.prescription)
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


def _add_credit(facts: CaseFacts, key: str | None, amount: Decimal) -> None:
    """A credit note on the principal: on a claim at intake (imports.credits: key "import:credit:<claim>:…"),
    or on the case as a whole."""
    if str(key).startswith("import:credit:"):
        claim_id = int(str(key).split(":")[2])
        facts.credited[claim_id] = facts.credited.get(claim_id, ZERO) + amount
    else:
        facts.loose_credit += amount


def _terms(tenant_id: int, creditor_id: int) -> tuple[bool, int]:
    """The mandate's terms the engine reads: whether it waives the €40, the telecom prescription in years."""
    mandate = (
        Mandate.objects.filter(tenant_id=tenant_id, creditor_id=creditor_id).order_by("-starts_on").first()
    )
    if mandate is None:
        return False, 5
    return bool(mandate.waive_flat_compensation), mandate.telecom_prescription_years


# One read of a case's ledger gives every figure: (case, id, reverses, debit, credit, amount, kind, group, day,
# key) of each entry.
ENTRY_FIELDS = (
    "case_id", "id", "reverses_id", "debit_account", "credit_account", "amount", "kind", "group", "posted_on",
    "idempotency_key",
)  # fmt: skip
Entry = tuple[int, int, int | None, str, str, Decimal, str, object, dt.date, str | None]


def _fill(out: dict[int, CaseFacts], rows: Iterable[Entry]) -> None:
    """The balances, the costs paid, the credit notes and the payments still standing of each case, from its
    ledger entries: money received by the agency or reported paid to the creditor (pagamento diretto) reduces
    the debt; a payment reversed since (returned cheque, SDD reject) no longer does — a reversal is posted on
    the case of the entry it reverses (`services.entry_reverse`, `payments`)."""
    rows = sorted(rows, key=lambda r: r[1])
    reversed_ids = {r[2] for r in rows if r[2] is not None}
    lines: dict[int, list[tuple[str, dt.date, Decimal, str | None]]] = {}
    for case_id, pk, _rev, debit, credit, amount, kind, group, posted_on, key in rows:
        facts = out[case_id]
        facts.balances[_ACCOUNT[debit]] += amount
        facts.balances[_ACCOUNT[credit]] -= amount
        if kind == "credit" and credit == _PRINCIPAL:
            _add_credit(facts, key, amount)
        if kind != "payment" or pk in reversed_ids:
            continue
        if credit == _COSTS:
            facts.costs_paid += amount
        if debit in PAYMENT_ACCOUNTS:
            lines.setdefault(case_id, []).append((str(group), posted_on, amount, key))
    for case_id, found in lines.items():
        out[case_id].payments = _standing_payments(found)


def case_facts(case: Case) -> CaseFacts:
    """The facts of one case: its claims, their instalments, the mandate's terms and one read of its ledger."""
    claims = case_claims(case=case)
    instalments: dict[int, list[ClaimInstalment]] = {}
    for inst in ClaimInstalment.objects.filter(tenant_id=case.tenant_id, claim__case=case).order_by("number"):
        instalments.setdefault(inst.claim_id, []).append(inst)
    waived, telecom = _terms(case.tenant_id, case.creditor_id)
    facts = CaseFacts(
        case,
        claims,
        instalments,
        {},
        dict.fromkeys(_ACCOUNT.values(), ZERO),
        ZERO,
        waived,
        telecom_years=telecom,
    )
    entries = LedgerEntry.objects.filter(tenant_id=case.tenant_id, case=case).values_list(*ENTRY_FIELDS)
    _fill({case.pk: facts}, entries)  # type: ignore[arg-type]
    return facts


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _PER_QUERY):
        yield list(ids[i : i + _PER_QUERY])


def case_facts_many(*, tenant: Tenant, case_ids: Iterable[int], lock: bool = False) -> dict[int, CaseFacts]:
    """The facts of many cases in four grouped queries per 2,000 cases (none per case); `lock`: the case rows
    locked until the caller's transaction ends (one payment at a time per case, as `payment_record`)."""
    out: dict[int, CaseFacts] = {}
    terms: dict[int, tuple[bool, int]] = {}
    for part in _chunks(sorted(set(case_ids))):
        rows = among(Case.objects.filter(tenant=tenant), "id", part).order_by("pk")
        cases = {c.pk: c for c in instances(rows.select_for_update() if lock else rows)}
        for creditor_id in {c.creditor_id for c in cases.values()} - set(terms):
            terms[creditor_id] = _terms(tenant.pk, creditor_id)
        for pk, case in cases.items():
            waived, telecom = terms[case.creditor_id]
            out[pk] = CaseFacts(
                case, [], {}, {}, dict.fromkeys(_ACCOUNT.values(), ZERO), ZERO, waived, telecom_years=telecom
            )
        _fill_many(tenant, part, out)
    return out


def _fill_many(tenant: Tenant, part: list[int], out: dict[int, CaseFacts]) -> None:
    claims = among(Claim.objects.filter(tenant=tenant), "case_id", part).order_by("case_id", *CLAIM_ORDER)
    for claim in instances(claims):
        out[claim.case_id].claims.append(claim)
    claim_case = {c.pk: c.case_id for f in (out[p] for p in part if p in out) for c in f.claims}
    instalments = among(ClaimInstalment.objects.filter(tenant=tenant), "claim_id", claim_case)
    for inst in instalments.order_by("claim_id", "number"):
        out[claim_case[inst.claim_id]].instalments.setdefault(inst.claim_id, []).append(inst)
    entries = among(LedgerEntry.objects.filter(tenant=tenant), "case_id", part).values_list(*ENTRY_FIELDS)
    _fill(out, entries)  # type: ignore[arg-type]
