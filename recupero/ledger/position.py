"""What a case owes today and until when it can be claimed: the ledger's facts run through the law engine.

Interest is derived on demand, not posted daily (docs/decisions/0003): the books hold principal, costs, the €40
and payments; the law engine computes interest from them for any date, with its explanation. A read: the
interfaces call `case_position` as they call any selector. Write-offs are not yet fed to the engine; credit
notes posted at intake (imports.credits) reduce the principal of the invoice they name.

An invoice paid in instalments (cases.ClaimInstalment) is one debt per instalment for the engine — its own
principal and due date, so interest runs from each due date and each has its own prescription — added back into
one ClaimPosition per invoice; the €40 compensation is the invoice's, once (on its first instalment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypeVar

from django.utils.translation import gettext_lazy

from recupero.cases.domain.states import CaseStatus
from recupero.cases.models import Case, Claim
from recupero.cases.selectors import prescription_events
from recupero.law.errors import LawError
from recupero.law.interest import (
    CasePayment,
    CaseResult,
    InterestRequest,
    compute_case,
    compute_case_paying,
    due_date_from_receipt,
)
from recupero.law.prescription import (
    Event,
    PrescriptionRequest,
    PrescriptionResult,
    PrescriptionSettings,
    compute_prescription,
)
from recupero.law.prospetto import prospetto_rows
from recupero.law.rates import RATE_KINDS, RateTable
from recupero.ledger.domain.accounts import Account
from recupero.ledger.facts import CaseFacts, case_facts
from recupero.ledger.selectors import rate_table
from recupero.parties.domain.debtors import law_debtor_type

ZERO = Decimal("0.00")
T = TypeVar("T")


@dataclass(frozen=True)
class InstalmentPosition:
    number: int
    due_date: dt.date
    principal: Decimal
    interest: Decimal
    principal_outstanding: Decimal
    prescription: PrescriptionResult | None


@dataclass(frozen=True)
class ClaimPosition:
    claim: Claim
    due_date: dt.date
    interest: Decimal
    flat_compensation: Decimal
    principal_outstanding: Decimal
    rows: list[dict[str, str]]
    prescription: PrescriptionResult | None  # the earliest of its instalments'
    instalments: list[InstalmentPosition] = field(default_factory=list)  # empty: one due date


@dataclass(frozen=True)
class CasePosition:
    """Dovuto a oggi: per bucket, with the statement rows and the readings applied (⚠️ = disputed point)."""

    until: dt.date
    requested_until: dt.date
    principal: Decimal
    interest: Decimal
    flat_compensation: Decimal
    costs: Decimal
    payments: Decimal
    total_due: Decimal
    regime: str
    claims: list[ClaimPosition]
    readings: list[tuple[str, str]]
    warnings: list[str] = field(default_factory=list)
    # Set when a published rate is missing: interest stops at `until`, payments after it are still deducted.
    # The one sentence every figure carries (case page, header card, letters, API).
    rate_warning: str = ""

    @property
    def earliest_prescription(self) -> PrescriptionResult | None:
        open_ones = [c.prescription for c in self.claims if c.prescription and c.principal_outstanding > 0]
        return min(open_ones, key=lambda p: p.deadline) if open_ones else None


def _due(claim: Claim) -> dt.date:
    # With no agreed term the debt falls due 30 days after receipt (SdI delivery for e-invoices).
    return claim.due_on or due_date_from_receipt(claim.sdi_delivered_on or claim.issued_on)


@dataclass(frozen=True)
class Part:
    """One debt for the engine: a whole invoice, or one of its instalments (number ≥ 1)."""

    key: str
    claim: Claim
    number: int
    due_date: dt.date
    principal: Decimal


def _parts(facts: CaseFacts) -> list[Part]:
    """Each claim's instalments (or the claim itself), net of the credit notes posted on it — taken from the last
    instalment backwards, the part of the invoice that falls due last."""
    credited = _credits(facts)
    parts: list[Part] = []
    for claim in facts.claims:
        own = facts.instalments.get(claim.pk)
        if not own:
            pieces = [Part(str(claim.pk), claim, 0, _due(claim), claim.amount)]
        else:
            pieces = [Part(f"{claim.pk}/{i.number}", claim, i.number, i.due_on, i.amount) for i in own]
        left = credited.get(claim.pk, ZERO)
        for index in range(len(pieces) - 1, -1, -1):
            cut = min(left, pieces[index].principal)
            if cut > 0:
                p = pieces[index]
                pieces[index] = Part(p.key, claim, p.number, p.due_date, p.principal - cut)
                left -= cut
        parts += [p for p in pieces if p.principal > 0] or pieces[:1]
    return parts


def _engine_payment(payment: CasePayment, parts: list[Part]) -> CasePayment:
    """The engine's debts are the invoices' parts (an instalment is keyed "<claim>/<n>"): a designated invoice
    designates each of its instalments, in their order."""
    if not payment.designated:
        return payment
    designated = tuple(p.key for d in payment.designated for p in parts if str(p.claim.pk) == d)
    return CasePayment(payment.date, payment.amount, designated)


def _credits(facts: CaseFacts) -> dict[int, Decimal]:
    """claim id → credit notes on its principal: those posted at intake on that invoice (imports.credits), and
    those posted on the case as a whole (a dispute upheld with a reduction, `strategies.desk`), which reduce the
    invoices that fall due last first."""
    out = dict(facts.credited)
    loose = facts.loose_credit
    for claim in sorted(facts.claims, key=lambda c: (_due(c), c.pk), reverse=True):
        cut = min(loose, claim.amount - out.get(claim.pk, ZERO))
        if cut > 0:
            out[claim.pk] = out.get(claim.pk, ZERO) + cut
            loose -= cut
    return out


def _requests(
    case: Case,
    parts: list[Part],
    until: dt.date,
    costs: Decimal,
    rates: RateTable,
    interest_until: dt.date | None,
    waived: bool,
) -> dict[str, InterestRequest]:
    regime = "commercial" if case.commercial else "legal"
    out: dict[str, InterestRequest] = {}
    for i, part in enumerate(parts):
        out[part.key] = InterestRequest(
            principal=part.principal,
            due_date=part.due_date,
            until=until,
            regime=regime,
            contract_date=case.contract_date,
            filing_date=case.filing_date,
            title_grants_commercial_rate=case.title_grants_commercial_rate,
            # the €40 is the invoice's (art. 6 D.Lgs. 231/2002): once, on its first instalment
            flat_compensation=case.commercial and not waived and part.number <= 1,
            costs=costs if i == 0 else ZERO,
            rates=rates,
            interest_until=interest_until,
        )
    return out


def _compute(
    case: Case,
    claims: list[Part],
    until: dt.date,
    costs: Decimal,
    rates: RateTable,
    known: tuple[list[CasePayment], bool],
) -> tuple[CaseResult, dt.date, str]:
    """Compute up to `until`. When a rate is not yet published, interest stops at the last day with a rate and
    the result says so — but every payment up to `until` is still imputed, so the total never states more
    than is owed (issue 10: a payment after the last rate day was once left out of the total)."""
    # `known`: the case's payments and whether the mandate waives the €40 (`facts.case_facts`)
    paid, waived = known
    payments = [_engine_payment(p, claims) for p in paid if p.date <= until]
    result, stop, warning = _stopping(
        claims,
        rates,
        lambda stop: compute_case(_requests(case, claims, until, costs, rates, stop, waived), payments),
    )
    return result, stop or until, warning


def _stopping(
    claims: list[Part], rates: RateTable, run: Callable[[dt.date | None], T]
) -> tuple[T, dt.date | None, str]:
    """`run(interest_until)`, retried with interest stopping the day before a missing rate: the result, the day
    interest stopped (None: not stopped) and the warning."""
    stop: dt.date | None = None
    warning = ""
    for _attempt in range(len(claims) + 1):  # each retry stops earlier; one per claim at the very most
        try:
            return run(stop), stop, warning
        except LawError as exc:
            if exc.code != "law.rate_missing" or "day" not in exc.params:
                raise
            stop = exc.params["day"] - dt.timedelta(days=1)
            warning = rate_missing_warning(exc, stop, _before_table(rates, exc))
    raise LawError("law.rate_missing", warning)


def rate_missing_warning(exc: LawError, stop: dt.date, before_table: bool = False) -> str:
    """The sentence shown and sent with every figure computed while a published rate is missing."""
    what = RATE_KINDS.get(str(exc.params.get("kind", "")), "Tasso")
    period = exc.params.get("period", "")
    state = "assente dalle tabelle" if before_table else "non ancora pubblicato"
    return (
        f"{what} del {period} {state}: interessi calcolati fino al {stop:%d/%m/%Y}, nessun tasso presunto; "
        "i pagamenti ricevuti dopo tale data sono comunque detratti."
    )


def _before_table(rates: RateTable, exc: LawError) -> bool:
    """A day before the table's first row (an old claim) is a gap in our sources, not a rate still to come."""
    rows = rates.rows(str(exc.params.get("kind", "")))
    return bool(rows) and exc.params["day"] < rows[0].start


def _prescription(
    case: Case, part: Part, events: list[Event], today: dt.date, telecom_years: int
) -> PrescriptionResult | None:
    settings = PrescriptionSettings(telecom_years=telecom_years)
    try:
        return compute_prescription(
            PrescriptionRequest(
                claim_type=case.claim_type,
                debtor=law_debtor_type(case.debtor.size),
                due_date=part.due_date,
                issued=part.claim.issued_on,
                events=tuple(e for e in events if _on_or_after(e, part.due_date)),
                today=today,
                settings=settings,
            )
        )
    except LawError:
        return None


def _on_or_after(event: Event, due: dt.date) -> bool:
    when = event.when.date() if isinstance(event.when, dt.datetime) else event.when
    return when >= due


def _events(case: Case, payments: list[CasePayment]) -> list[Event]:
    out = []
    for kind, when in prescription_events(case=case):
        value: dt.date | dt.datetime = (
            dt.datetime.fromisoformat(when) if "T" in when else dt.date.fromisoformat(when)
        )
        out.append(Event(kind=kind, when=value))
    out += [Event(kind="partial_payment", when=p.date) for p in payments]
    return out


def _claim_position(
    facts: CaseFacts, claim: Claim, parts: list[Part], result: CaseResult, events: list[Event], today: dt.date
) -> ClaimPosition:
    """The invoice's figures: its instalments' added up; its prescription, the earliest still open."""
    own = [p for p in parts if p.claim.pk == claim.pk]
    computed = [(p, result.claims[p.key]) for p in own]
    terms = [(p, _prescription(facts.case, p, events, today, facts.telecom_years)) for p in own]
    open_terms = [
        t for (p, t), (_, r) in zip(terms, computed, strict=True) if t and r.principal_outstanding > 0
    ]
    any_terms = [t for _, t in terms if t]
    earliest = min(open_terms or any_terms, key=lambda t: t.deadline) if any_terms else None
    instalments = [
        InstalmentPosition(p.number, r.effective_due_date, p.principal, r.interest_outstanding,
                           r.principal_outstanding, t)
        for (p, r), (_, t) in zip(computed, terms, strict=True)
        if p.number >= 1
    ]  # fmt: skip
    return ClaimPosition(
        claim=claim,
        due_date=computed[0][1].effective_due_date,
        interest=sum((r.interest_outstanding for _, r in computed), ZERO),
        flat_compensation=sum((r.flat_outstanding for _, r in computed), ZERO),
        principal_outstanding=sum((r.principal_outstanding for _, r in computed), ZERO),
        rows=[row for _, r in computed for row in prospetto_rows(r)],
        prescription=earliest,
        instalments=instalments,
    )


# A case paid or closed owes nothing more. The real paths move it there only when the engine's total is zero
# (`payments`) or after writing the rest off (a settlement kept, a dispute upheld, `arrangements.check`,
# `strategies.desk`), whose write-off the engine cannot see as a payment; a case an import or a person closed
# with interest still computable is not asked for it either: never state more than is owed.
DISCHARGED = (CaseStatus.PAID.value, CaseStatus.CLOSED.value)
DISCHARGED_NOTE = gettext_lazy(
    "Pratica pagata o chiusa: non è dovuto nulla; gli importi del prospetto non sono richiesti."
)


def _discharged(position: CasePosition) -> CasePosition:
    """The position of a paid or closed case: nothing due, each claim's figures to zero, and the note why."""
    claims = [
        replace(
            c,
            interest=ZERO,
            flat_compensation=ZERO,
            principal_outstanding=ZERO,
            instalments=[replace(i, interest=ZERO, principal_outstanding=ZERO) for i in c.instalments],
        )
        for c in position.claims
    ]
    return replace(
        position,
        principal=ZERO,
        interest=ZERO,
        flat_compensation=ZERO,
        costs=ZERO,
        total_due=ZERO,
        claims=claims,
        warnings=[*position.warnings, str(DISCHARGED_NOTE)],
    )


def case_position(*, case: Case, today: dt.date, rates: RateTable | None = None) -> CasePosition:
    """What the debtor owes on `today`, bucket by bucket, and each claim's prescription, with explanations.

    `rates`: the published tables (default: the database's, `selectors.rate_table`)."""
    facts = case_facts(case)
    claims, balances = facts.claims, facts.balances
    parts = _parts(facts)
    known = (facts.payments, facts.waived)
    result, until, rate_warning = _compute(
        case, parts, today, facts.gross_costs, rates or rate_table(), known=known
    )
    events = _events(case, facts.payments)
    positions = [_claim_position(facts, claim, parts, result, events, today) for claim in claims]
    first = next(iter(result.claims.values()), None)
    position = CasePosition(
        until=until,
        requested_until=today,
        principal=sum((p.principal_outstanding for p in positions), ZERO),
        interest=sum((p.interest for p in positions), ZERO),
        flat_compensation=sum((p.flat_compensation for p in positions), ZERO),
        costs=sum((r.costs_outstanding for r in result.claims.values()), ZERO),
        payments=balances[Account.PAYMENTS_RECEIVED] + balances[Account.PAID_TO_CREDITOR],
        total_due=result.total_due,
        regime="commercial" if case.commercial else "legal",
        claims=positions,
        readings=list(first.readings) if first else [],
        warnings=[rate_warning] if rate_warning else [],
        rate_warning=rate_warning,
    )
    return _discharged(position) if case.status in DISCHARGED and position.total_due > 0 else position


@dataclass(frozen=True)
class PaymentRun:
    """The engine's run at a payment's value date without it and with it (its imputation is the difference),
    and the books' balances it was computed from."""

    before: CaseResult
    after: CaseResult
    until: dt.date
    rate_warning: str
    balances: dict[Account, Decimal]


def payment_runs(
    *,
    case: Case,
    on: dt.date,
    amount: Decimal,
    designated: tuple[str, ...] = (),
    rates: RateTable | None = None,
) -> PaymentRun:
    """The law engine on the case at `on`, with the payments up to that day, then with one more (last of its
    day). A read, like `case_position`: the payments app turns the difference into its ledger lines."""
    return payment_run(
        case_facts(case), on=on, amount=amount, designated=designated, rates=rates or rate_table()
    )


def payment_run(
    facts: CaseFacts, *, on: dt.date, amount: Decimal, designated: tuple[str, ...], rates: RateTable
) -> PaymentRun:
    """`payment_runs` on facts already read (`facts.case_facts_many` for a statement's credits): no query.
    `designated`: the claim ids (as text) the debtor named (art. 1193), paid first. One replay of the history
    gives both runs (`law.interest.compute_case_paying`)."""
    parts = _parts(facts)
    payments = [_engine_payment(p, parts) for p in facts.payments if p.date <= on]
    paying = _engine_payment(CasePayment(on, amount, designated), parts)
    costs = facts.gross_costs

    def run(stop: dt.date | None) -> tuple[CaseResult, CaseResult]:
        return compute_case_paying(
            _requests(facts.case, parts, on, costs, rates, stop, facts.waived), payments, paying, detail=False
        )

    (before, after), stop, warning = _stopping(parts, rates, run)
    return PaymentRun(before, after, stop or on, warning, facts.balances)
