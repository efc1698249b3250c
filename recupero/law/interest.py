"""Interest on late payment: commercial (D.Lgs. 231/2002) and legal (art. 1284 c.c.), with partial payments.

Conventions (LEGAL.md §1-2): simple daily interest, never capitalised (art. 1283); it runs from the day
after the due date (moved off Sundays and holidays, art. 1187) up to and including the calculation or payment
date; each day bears the rate of its half-year (commercial) or calendar year (legal); the base includes VAT;
divisor 365 by default (⚠️); one half-up rounding to the cent of the running total (⚠️). A payment is imputed
by buckets (art. 1194) and interest then runs on the reduced principal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from recupero.law.allocation import (
    BUCKET_LABELS,
    COSTS,
    DEFAULT_ORDER,
    FLAT,
    INTEREST,
    PRINCIPAL,
    check_order,
    split_cents,
)
from recupero.law.business_days import roll_to_non_festive
from recupero.law.errors import LawError
from recupero.law.money import ZERO, check_amount, from_cents, round_cents, to_cents
from recupero.law.rates import (
    DEN,
    NEW_REGIME_FROM,
    Piece,
    RateTable,
    Schedule,
    commercial_margin,
    commercial_schedule,
    contractual_schedule,
    legal_schedule,
)

COMMERCIAL, LEGAL = "commercial", "legal"
DIVISOR_365, DIVISOR_ACTUAL = "365", "actual"
FLAT_COMPENSATION_CENTS = 4000  # art. 6 D.Lgs. 231/2002
PAYMENT_TERM_DAYS = 30  # art. 4 c.2 D.Lgs. 231/2002


def due_date_from_receipt(received: date, days: int = PAYMENT_TERM_DAYS) -> date:
    """Due date when no term was agreed: receipt of the invoice (SdI delivery date) + 30 days (art. 4 c.2).

    Returns the calendar date; `compute_interest` then moves it off a Sunday or holiday (art. 1187 c.c.).
    """
    return received + timedelta(days=days)


@dataclass(frozen=True, slots=True)
class Payment:
    """A payment received (pagamento parziale o totale) on `date`."""

    date: date
    amount: Decimal


@dataclass(frozen=True)
class InterestRequest:
    """One debt (credito) and the question: what is owed on `until`?

    `regime`: "commercial" (business↔business/PA) or "legal" (consumers, other debts). `mora_start` (legal):
    the day the debtor is in mora if later than the due date (written demand received). `filing_date` +
    `title_grants_commercial_rate`: art. 1284 c.4 from the filing of the lawsuit. `contractual_rate`: a rate
    agreed in writing, overriding the tables. `flat_compensation=False` waives the €40 (per mandate).
    `rates`: the published tables to read (None: the bundled files). `interest_until`: the last day interest
    accrues when a later rate is not yet published — payments up to `until` are still imputed, at their date,
    so the total never states more than is owed (it states less: the interest after that day is left out).
    """

    principal: Decimal
    due_date: date
    until: date
    regime: str = COMMERCIAL
    contract_date: date | None = None
    mora_start: date | None = None
    payments: tuple[Payment, ...] = ()
    filing_date: date | None = None
    title_grants_commercial_rate: bool = False
    divisor: str = DIVISOR_365
    flat_compensation: bool = True
    contractual_rate: Decimal | None = None
    costs: Decimal = ZERO
    allocation_order: tuple[str, ...] = DEFAULT_ORDER
    rates: RateTable | None = None
    interest_until: date | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A line of the prospetto: days at one rate on one principal."""

    start: date
    end: date
    days: int
    rate: Decimal
    source: str
    principal: Decimal
    amount: Decimal  # rounded for display; the total is rounded once from the exact sum
    amount_exact: Decimal


@dataclass(frozen=True, slots=True)
class Imputation:
    """How one payment was imputed (art. 1194): cents per bucket and the excess (credit of the debtor)."""

    date: date
    amount: Decimal
    parts: tuple[tuple[str, Decimal], ...]
    excess: Decimal


@dataclass(frozen=True)
class InterestResult:
    request: InterestRequest
    effective_due_date: date
    interest_start: date
    interest: Decimal  # accrued up to `until`, paid or not
    interest_paid: Decimal
    interest_outstanding: Decimal
    flat_compensation: Decimal
    flat_outstanding: Decimal
    costs_outstanding: Decimal
    principal_outstanding: Decimal
    total_due: Decimal
    credit: Decimal
    segments: tuple[Segment, ...]
    imputations: tuple[Imputation, ...]
    readings: tuple[tuple[str, str], ...]  # (point, reading applied), disputed points marked ⚠️


@dataclass
class _Account:
    """The running state of one debt, in integer cents and exact interest numerators."""

    principal: int
    costs: int
    flat_if_late: int
    cursor: date
    effective_due: date
    numer: int = 0
    interest_paid: int = 0
    flat: int = 0
    paid: dict[str, int] = field(default_factory=lambda: {COSTS: 0, FLAT: 0, PRINCIPAL: 0})
    segments: list[Segment] = field(default_factory=list)
    imputations: list[Imputation] = field(default_factory=list)
    credit: int = 0
    detail: bool = True  # False: totals only, no segments, imputations nor readings (a payment's imputation)

    def interest_total(self) -> int:
        return (2 * self.numer + DEN) // (2 * DEN)  # half-up, once, on the exact running total

    def owed(self) -> dict[str, int]:
        return {
            COSTS: self.costs - self.paid[COSTS],
            FLAT: self.flat - self.paid[FLAT],
            INTEREST: self.interest_total() - self.interest_paid,
            PRINCIPAL: self.principal,
        }

    def accrue(self, pieces: list[Piece]) -> None:
        if self.principal > 0 and pieces:
            self.flat = self.flat_if_late  # one day late is enough (art. 6 D.Lgs. 231/2002)
        for p in pieces if self.principal > 0 else ():
            numer = self.principal * p.weight
            self.numer += numer
            exact = Decimal(numer) / Decimal(DEN * 100)
            self.segments.append(
                Segment(
                    p.start,
                    p.end,
                    p.days,
                    p.rate,
                    p.source,
                    from_cents(self.principal),
                    round_cents(exact),
                    exact,
                )
            )

    def accrue_weight(self, weight: int) -> None:
        """`accrue` of a non-empty stretch given only its summed weight (`detail=False`: no segments)."""
        if self.principal > 0:
            self.flat = self.flat_if_late
            self.numer += self.principal * weight

    def apply(self, day: date, amount: int, applied: Mapping[str, int], excess: int) -> None:
        for bucket, cents in applied.items():
            if bucket == INTEREST:
                self.interest_paid += cents
            elif bucket == PRINCIPAL:
                self.principal -= cents
            else:
                self.paid[bucket] += cents
        self.credit += excess
        if not self.detail:
            return
        parts = tuple((b, from_cents(c)) for b, c in applied.items())
        self.imputations.append(Imputation(day, from_cents(amount), parts, from_cents(excess)))


def _schedules(req: InterestRequest) -> tuple[Schedule, Schedule | None]:
    """The schedule before the filing date, and the one from it (art. 1284 c.4) when the title grants it."""
    actual = _check_divisor(req.divisor)
    if req.contractual_rate is not None:
        return contractual_schedule(req.contractual_rate, actual), None
    if req.regime == COMMERCIAL:
        return commercial_schedule(commercial_margin(req.contract_date), actual, req.rates), None
    if req.regime == LEGAL:
        granted = req.filing_date and req.title_grants_commercial_rate
        after = commercial_schedule(8, actual, req.rates) if granted else None
        return legal_schedule(actual, req.rates), after
    raise LawError(
        "law.unknown_regime", f"Regime di interessi sconosciuto: «{req.regime}».", regime=req.regime
    )


def _check_divisor(divisor: str) -> bool:
    if divisor not in (DIVISOR_365, DIVISOR_ACTUAL):
        raise LawError("law.bad_divisor", f"Divisore non valido: «{divisor}» (365 oppure actual).")
    return divisor == DIVISOR_ACTUAL


def pieces_for(req: InterestRequest, after: date, until: date) -> list[Piece]:
    """Rate pieces for the days (after, until]; from the filing date the art. 1284 c.4 rate if granted."""
    before, from_filing = _schedules(req)
    if from_filing is None or req.filing_date is None:
        return before.pieces(after, until)
    switch = req.filing_date - timedelta(days=1)  # the filing day already bears the new rate
    return before.pieces(after, min(until, switch)) + from_filing.pieces(max(after, switch), until)


def weight_for(req: InterestRequest, after: date, until: date) -> int:
    """`pieces_for`'s summed weight, from the schedules' prefix sums (the same integer, the same refusals)."""
    before, from_filing = _schedules(req)
    if from_filing is None or req.filing_date is None:
        return before.span_weight(after, until)
    switch = req.filing_date - timedelta(days=1)
    return before.span_weight(after, min(until, switch)) + from_filing.span_weight(max(after, switch), until)


def _validate(req: InterestRequest) -> None:
    check_amount(req.principal, field="capitale")
    check_amount(req.costs, field="spese")
    check_order(req.allocation_order)
    if req.mora_start is not None and req.mora_start < req.due_date:
        raise LawError("law.mora_before_due", "La costituzione in mora non può precedere la scadenza.")
    for p in req.payments:
        check_amount(p.amount, field="pagamento")
        if p.date < req.due_date:
            raise LawError(
                "law.payment_before_due",
                f"Pagamento del {p.date:%d/%m/%Y} anteriore alla scadenza del {req.due_date:%d/%m/%Y}.",
                date=p.date,
            )
        if p.date > req.until:
            raise LawError(
                "law.payment_after_until",
                f"Pagamento del {p.date:%d/%m/%Y} successivo alla data di calcolo {req.until:%d/%m/%Y}.",
                date=p.date,
            )


def _flat_applies(req: InterestRequest) -> bool:
    """€40 only in commercial transactions, for contracts from 2013 (⚠️ inference), unless waived."""
    old_contract = req.contract_date is not None and req.contract_date < NEW_REGIME_FROM
    return req.regime == COMMERCIAL and req.flat_compensation and not old_contract


def open_account(req: InterestRequest, detail: bool = True) -> _Account:
    _validate(req)
    _schedules(req)  # refuse an unknown regime or divisor before any arithmetic
    effective_due = roll_to_non_festive(req.due_date)
    start = max(effective_due, req.mora_start or effective_due)
    flat = FLAT_COMPENSATION_CENTS if _flat_applies(req) else 0
    return _Account(to_cents(req.principal), to_cents(req.costs), flat, start, effective_due, detail=detail)


def advance(account: _Account, req: InterestRequest, day: date) -> None:
    """Accrue interest up to and including `day` (never past `interest_until`: no rate is guessed)."""
    if req.interest_until is not None and day > req.interest_until:
        day = req.interest_until
    if day > account.cursor:
        if account.detail:
            account.accrue(pieces_for(req, account.cursor, day))
        else:
            account.accrue_weight(weight_for(req, account.cursor, day))
        account.cursor = day


def pay(account: _Account, req: InterestRequest, payment: Payment) -> None:
    advance(account, req, payment.date)
    cents = to_cents(payment.amount)
    applied, excess = split_cents(cents, account.owed(), req.allocation_order)
    account.apply(payment.date, cents, applied, excess)


def compute_interest(req: InterestRequest) -> InterestResult:
    """What one debt owes on `req.until`: interest segments, €40, payments imputed, totals."""
    account = open_account(req)
    for payment in sorted(req.payments, key=lambda p: p.date):
        pay(account, req, payment)
    advance(account, req, req.until)
    return build_result(account, req)


def build_result(account: _Account, req: InterestRequest) -> InterestResult:
    interest = account.interest_total()  # `owed()` inlined: twice per debt and payment of a statement
    costs, flat = account.costs - account.paid[COSTS], account.flat - account.paid[FLAT]
    interest_left = interest - account.interest_paid
    return InterestResult(
        request=req,
        effective_due_date=account.effective_due,
        interest_start=max(account.effective_due, req.mora_start or account.effective_due)
        + timedelta(days=1),
        interest=from_cents(interest),
        interest_paid=from_cents(account.interest_paid),
        interest_outstanding=from_cents(interest_left),
        flat_compensation=from_cents(account.flat),
        flat_outstanding=from_cents(flat),
        costs_outstanding=from_cents(costs),
        principal_outstanding=from_cents(account.principal),
        total_due=from_cents(costs + flat + interest_left + account.principal),
        credit=from_cents(account.credit),
        segments=tuple(account.segments),
        imputations=tuple(account.imputations),
        readings=readings(req, account) if account.detail else (),
    )


def readings(req: InterestRequest, account: _Account) -> tuple[tuple[str, str], ...]:
    """Which reading was applied on each disputed or configurable point, in Italian, for the prospetto."""
    out: list[tuple[str, str]] = []
    if req.contractual_rate is not None:
        out.append(("tasso", f"tasso convenzionale {req.contractual_rate}% pattuito per iscritto"))
    elif req.regime == COMMERCIAL:
        margin = commercial_margin(req.contract_date)
        when = "fino al 31/12/2012" if margin == 7 else "dal 01/01/2013 (o data non indicata)"
        out.append(("tasso", f"D.Lgs. 231/2002: BCE + {margin} punti, contratto concluso {when}"))
    else:
        out.append(("tasso", "saggio legale (art. 1284 c.1 c.c.)"))
        if req.filing_date and req.title_grants_commercial_rate:
            out.append(
                (
                    "art. 1284 c.4",
                    f"tasso D.Lgs. 231/2002 dal {req.filing_date:%d/%m/%Y} (domanda giudiziale)",
                )
            )
        elif req.filing_date:
            out.append(
                ("art. 1284 c.4", "il titolo non riconosce il tasso commerciale: resta il saggio legale")
            )
    if req.divisor == DIVISOR_365:
        out.append(("divisore ⚠️", "365 per ogni giorno, anche negli anni bisestili (anno civile)"))
    else:
        out.append(("divisore ⚠️", "365, e 366 nei giorni degli anni bisestili"))
    out.append(("arrotondamento ⚠️", "uno solo, al centesimo (metà per eccesso), sul totale"))
    if account.effective_due != req.due_date:
        out.append(
            (
                "scadenza",
                f"{req.due_date:%d/%m/%Y} festivo: prorogata al "
                f"{account.effective_due:%d/%m/%Y} (art. 1187 c.c.)",
            )
        )
    out.append(("indennizzo 40 €", _flat_reading(req)))
    if req.payments:
        order = " → ".join(BUCKET_LABELS[b] for b in req.allocation_order)
        out.append(("imputazione", f"{order} (art. 1194 c.c.); nessun interesse sugli interessi (art. 1283)"))
    return tuple(out)


def _flat_reading(req: InterestRequest) -> str:
    if req.regime != COMMERCIAL:
        return "non dovuto: non è una transazione commerciale"
    if req.contract_date is not None and req.contract_date < NEW_REGIME_FROM:
        return "non dovuto: contratto anteriore al 2013 (⚠️ interpretazione)"
    if not req.flat_compensation:
        return "rinunciato per mandato"
    return "dovuto per fattura pagata in ritardo (art. 6 D.Lgs. 231/2002)"


@dataclass(frozen=True, slots=True)
class CasePayment:
    """A payment on a case with several debts; `designated`: the debts the debtor named (art. 1193 c.1)."""

    date: date
    amount: Decimal
    designated: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseResult:
    claims: dict[str, InterestResult]
    total_due: Decimal
    credit: Decimal


def compute_case(claims: Mapping[str, InterestRequest], payments: Sequence[CasePayment]) -> CaseResult:
    """Several debts of one case paid over time: each payment to the designated debts, else oldest first."""
    requests = dict(claims)
    untils = {r.until for r in requests.values()}
    if len(untils) != 1 or any(r.payments for r in requests.values()):
        raise LawError(
            "law.bad_case",
            "Nella pratica i crediti devono avere la stessa data di calcolo e nessun pagamento proprio.",
        )
    until = untils.pop()
    accounts = {cid: open_account(r) for cid, r in requests.items()}
    credit = 0
    for payment in sorted(payments, key=lambda p: p.date):
        credit += _pay_case(accounts, requests, payment, until)
    for cid, account in accounts.items():
        advance(account, requests[cid], until)
    results = {cid: build_result(a, requests[cid]) for cid, a in accounts.items()}
    return CaseResult(results, sum((r.total_due for r in results.values()), ZERO), from_cents(credit))


def compute_case_paying(
    claims: Mapping[str, InterestRequest],
    payments: Sequence[CasePayment],
    paying: CasePayment,
    detail: bool = True,
) -> tuple[CaseResult, CaseResult]:
    """`compute_case` without and with one more payment made on the calculation day (the last of its day): both
    results from one replay of the history, as two `compute_case` calls would give them (the imputation of a
    payment about to be recorded is their difference). `detail=False`: the same totals, without the segments,
    imputations and readings only a prospetto prints (a bank statement's thousands of imputations)."""
    requests = dict(claims)
    untils = {r.until for r in requests.values()}
    if len(untils) != 1 or any(r.payments for r in requests.values()) or paying.date not in untils:
        raise LawError(
            "law.bad_case",
            "Nella pratica i crediti devono avere la stessa data di calcolo e nessun pagamento proprio.",
        )
    until = untils.pop()
    accounts = {cid: open_account(r, detail) for cid, r in requests.items()}
    credit = 0
    for payment in sorted(payments, key=lambda p: p.date):
        credit += _pay_case(accounts, requests, payment, until)
    for cid, account in accounts.items():
        advance(account, requests[cid], until)
    before = {cid: build_result(a, requests[cid]) for cid, a in accounts.items()}
    credit_after = credit + _pay_case(accounts, requests, paying, until)
    after = {cid: build_result(a, requests[cid]) for cid, a in accounts.items()}
    return (
        CaseResult(before, sum((r.total_due for r in before.values()), ZERO), from_cents(credit)),
        CaseResult(after, sum((r.total_due for r in after.values()), ZERO), from_cents(credit_after)),
    )


def _pay_case(
    accounts: dict[str, _Account], requests: dict[str, InterestRequest], payment: CasePayment, until: date
) -> int:
    if payment.date > until:
        raise LawError(
            "law.payment_after_until",
            f"Pagamento del {payment.date:%d/%m/%Y} successivo alla data di calcolo.",
        )
    unknown = [c for c in payment.designated if c not in accounts]
    if unknown:
        raise LawError("law.unknown_claim", f"Credito indicato dal debitore inesistente: «{unknown[0]}».")
    for cid, account in accounts.items():
        advance(account, requests[cid], payment.date)
    rest = sorted(
        (c for c in accounts if c not in payment.designated), key=lambda c: (requests[c].due_date, c)
    )
    left = to_cents(check_amount(payment.amount, field="pagamento"))
    for cid in [*dict.fromkeys(payment.designated), *rest]:
        if requests[cid].due_date > payment.date:
            continue  # a debt not yet due is not imputed by default (art. 1193 c.2: "scaduto")
        applied, remainder = split_cents(left, accounts[cid].owed(), requests[cid].allocation_order)
        if applied:
            accounts[cid].apply(payment.date, left - remainder, applied, 0)
        left = remainder
    return left
