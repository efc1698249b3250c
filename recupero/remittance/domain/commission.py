"""The agency's commission on what it collected, as data (provvigione da mandato), and how one payment settles.

A plan is a table of rates: each row says "in this phase (out of court / legal), for claims at least this many
days old, on the part of the case's cumulative base from this amount up, this percent". The rows of one phase
with the greatest age band not above the claim's age are the tiers that apply; tiers are marginal (like tax
brackets), measured on everything the case has yielded so far, so a case crossing a tier pays each percent on
its own slice. A minimum per case tops the commission up (never beyond what the case yielded).

Every figure of a line is rounded once, with `law.money.round_cents`; what is left over is computed by
subtraction, so `collected = remitted + commission + vat + held` holds to the cent on every line by
construction, and a reversal mirrors its payment so that a fully reversed payment nets to zero.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy
from recupero.core.errors import RecuperoError, message_for
from recupero.law.money import ZERO, round_cents

HUNDRED = Decimal(100)


class Phase(StrEnum):
    OUT_OF_COURT = "out_of_court"  # fase stragiudiziale
    LEGAL = "legal"  # fase legale


class Base(StrEnum):
    PRINCIPAL = "principal"  # provvigione sul solo capitale incassato
    ALL = "all"  # su tutto l'incassato (meno gli interessi trattenuti)


PHASE_LABELS = {Phase.OUT_OF_COURT: gettext_lazy("stragiudiziale"), Phase.LEGAL: gettext_lazy("legale")}
BASE_LABELS = {Base.PRINCIPAL: gettext_lazy("solo capitale"), Base.ALL: gettext_lazy("tutto l'incassato")}


@dataclass(frozen=True)
class Rate:
    phase: Phase
    percent: Decimal
    min_age_days: int = 0  # claim age band: applies to claims at least this old (days past due)
    from_amount: Decimal = ZERO  # tier: applies to the case's cumulative base from this amount up


@dataclass(frozen=True)
class Plan:
    rates: tuple[Rate, ...]
    minimum_per_case: Decimal = ZERO
    base: Base = Base.ALL
    keep_interest: bool = False  # interessi trattenuti dall'agenzia (not remitted, not commissioned)
    vat_percent: Decimal = Decimal("22.00")
    direct_commission: bool = True  # commission due on payments made straight to the creditor

    @functools.cached_property
    def bands(self) -> dict[Phase, tuple[tuple[int, tuple[Rate, ...]], ...]]:
        """Each phase's age bands, greatest first, each with its tiers by amount: computed once per plan (a
        month's remittance asks for them tens of thousands of times; a cache keyed by the plan hashed it each
        time, 0.3 s)."""
        return {phase: _bands(self.rates, phase) for phase in Phase}


@dataclass(frozen=True)
class Collected:
    principal: Decimal = ZERO
    interest: Decimal = ZERO
    compensation: Decimal = ZERO  # €40 indennizzo
    costs: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.compensation + self.costs

    def scaled(self, sign: int) -> Collected:
        return Collected(*(sign * v for v in (self.principal, self.interest, self.compensation, self.costs)))


@dataclass(frozen=True)
class Figures:
    """One line of a remittance: what was collected and where each cent goes."""

    collected: Collected = field(default_factory=Collected)
    base: Decimal = ZERO
    commission: Decimal = ZERO
    vat: Decimal = ZERO
    held: Decimal = ZERO  # interest kept by the agency; for a direct payment, the money the creditor holds
    remitted: Decimal = ZERO  # to the creditor; negative = owed by the creditor (to invoice or deducted)


class PlanError(RecuperoError, ValueError):
    """A plan that cannot be applied (no rate for the phase): a configuration error, with a stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def tiers(plan: Plan, phase: Phase, age_days: int) -> tuple[Rate, ...]:
    """The tiers of the age band that applies: the phase's rows with the greatest band not above the age."""
    age = max(age_days, 0)
    for band, rates in plan.bands[phase]:
        if band <= age:
            return rates
    raise PlanError("remittance.no_rate", message_for("remittance.no_rate", phase=PHASE_LABELS[phase]))


def _bands(rates: tuple[Rate, ...], phase: Phase) -> tuple[tuple[int, tuple[Rate, ...]], ...]:
    rows = [r for r in rates if r.phase == phase]
    bands = sorted({r.min_age_days for r in rows}, reverse=True)
    return tuple(
        (band, tuple(sorted((r for r in rows if r.min_age_days == band), key=lambda r: r.from_amount)))
        for band in bands
    )


def marginal(rates: Sequence[Rate], start: Decimal, amount: Decimal) -> Decimal:
    """Unrounded commission on the slice [start, start + amount] of the cumulative base (marginal tiers)."""
    if amount <= 0:
        return ZERO
    end = start + amount
    if (
        len(rates) == 1
    ):  # the common plan: one tier (the same figure as the loop below, without its bookkeeping)
        low = max(start, rates[0].from_amount)
        return (end - low) * rates[0].percent / HUNDRED if end > low else ZERO
    total = Decimal(0)
    for i, rate in enumerate(rates):
        upper = rates[i + 1].from_amount if i + 1 < len(rates) else None
        low = max(start, rate.from_amount)
        high = end if upper is None else min(end, upper)
        if high > low:
            total += (high - low) * rate.percent / HUNDRED
    return total


def base_of(plan: Plan, collected: Collected) -> Decimal:
    kept = collected.interest if plan.keep_interest else ZERO
    return collected.principal if plan.base == Base.PRINCIPAL else collected.total - kept


def settle(plan: Plan, collected: Collected, base: Decimal, commission: Decimal, *, direct: bool) -> Figures:
    """Fill in VAT, held and remitted for a line whose commission is known (rounded once each)."""
    vat = round_cents(commission * plan.vat_percent / HUNDRED)
    if direct:  # the creditor has the money: it owes us the commission and its VAT (invoiced)
        return Figures(collected, base, commission, vat, held=collected.total, remitted=-(commission + vat))
    kept = collected.interest if plan.keep_interest else ZERO
    remitted = collected.total - kept - commission - vat
    return Figures(collected, base, commission, vat, held=kept, remitted=remitted)


def payment_figures(
    plan: Plan, collected: Collected, *, phase: Phase, age_days: int, base_before: Decimal, direct: bool
) -> Figures:
    """A payment's line: commission on its base, as the next slice of the case's cumulative base."""
    base = base_of(plan, collected)
    if direct and not plan.direct_commission:
        commission = ZERO
    else:
        commission = round_cents(marginal(tiers(plan, phase, age_days), base_before, base))
    return settle(plan, collected, base, commission, direct=direct)


def reversal_figures(
    plan: Plan,
    original: Figures,
    reversed_now: Collected,
    reversed_before: Collected,
    already: Figures,
    *,
    direct: bool,
) -> Figures:
    """A reversal's (negative) line: the share of the original line that the reversed amounts represent.

    The share is cumulative (everything reversed so far) and what earlier reversal lines already took back is
    subtracted, so a payment reversed in several steps ends exactly at zero commission and VAT."""
    total = original.collected.total
    cumulative = reversed_before.total + reversed_now.total
    if total <= 0:
        return Figures(reversed_now.scaled(-1))
    share = cumulative / total
    base = round_cents(original.base * share) + already.base  # `already` holds negative figures
    commission = round_cents(original.commission * share) + already.commission
    collected = reversed_now.scaled(-1)
    figures = settle(plan, collected, -base, -commission, direct=direct)
    vat = round_cents(original.vat * share) + already.vat
    if direct:
        return Figures(collected, -base, -commission, -vat, collected.total, commission + vat)
    return Figures(
        collected, -base, -commission, -vat, figures.held, collected.total - figures.held + commission + vat
    )


def minimum_topup(plan: Plan, *, cum_base: Decimal, computed: Decimal, topups_before: Decimal) -> Decimal:
    """The commission to add (or give back) so that the case's total is at least the minimum per case.

    `computed`: the case's commission from its payment and reversal lines, earlier ones and this remittance's;
    `topups_before`: what earlier minimum lines added. The minimum never exceeds what the case yielded."""
    floor = min(plan.minimum_per_case, max(cum_base, ZERO))
    target = max(computed, floor)
    return round_cents(target - computed - topups_before)


def topup_figures(plan: Plan, commission: Decimal) -> Figures:
    """A minimum-per-case line: no money collected, commission and VAT deducted from the transfer."""
    return settle(plan, Collected(), ZERO, commission, direct=False)
