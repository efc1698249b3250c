"""A proposal checked against the creditor mandate's limits, which are data (`ArrangementPolicy.rules`).

Within the limits a plan or a settlement starts at once; beyond them it waits for the creditor's approval, with
the list of breaches (stable codes, Italian messages in `core.errors.CATALOGUE`) shown to the approver.

The rules, as stored (JSON) and as read here:
- `plan_bands`: the first band whose debtor type (person | company | any) and `max_amount` (None: no upper
  bound) fit the amount due gives `max_instalments`, `max_months`, `min_instalment`, `min_down_payment_percent`;
- `settlement_bands`: the first band whose `max_age_days` (age of the oldest unpaid invoice) and `max_amount`
  fit gives `max_discount_percent`; `settlement_max_instalments` caps a settlement paid in parts;
- `approval_days` (a proposal not decided by then expires), `grace_days` (a payment is on time up to the due
  date plus these days), `missed_to_break` (missed instalments that break a plan), `interest` (waived | frozen |
  running), `acceptance_days` (how long the written summary's link stays valid), `reminder_days`;
- `self_service`: `{"plan_bands": [...]}` — the bands of a plan the debtor sets up alone on their page
  (accepted at once, never sent for approval). Left out, each collector band halved: half the instalments and
  the months (at least one), at least a 10 % down payment. A self-service plan must fit both its own band and
  the collector's (`self_service_breaches`), so it is never looser than what a collector may grant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from recupero.arrangements.domain.schedule import Instalment, months_spanned
from recupero.arrangements.domain.states import Kind
from recupero.law.money import ZERO, round_cents

ANY = "any"
PERSON, COMPANY = "person", "company"


def debtor_type(kind: str) -> str:
    """A natural person (consumer protections, smaller bands) or any kind of business or body."""
    return PERSON if kind == "person" else COMPANY


@dataclass(frozen=True, slots=True)
class PlanBand:
    debtor: str = ANY
    max_amount: Decimal | None = None
    max_instalments: int = 12
    max_months: int = 12
    min_instalment: Decimal = Decimal("50.00")
    min_down_payment_percent: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class SettlementBand:
    max_age_days: int | None = None
    max_amount: Decimal | None = None
    max_discount_percent: Decimal = ZERO


@dataclass(frozen=True)
class Rules:
    plan_bands: tuple[PlanBand, ...] = (PlanBand(),)
    settlement_bands: tuple[SettlementBand, ...] = (SettlementBand(),)
    settlement_max_instalments: int = 3
    approval_days: int = 10
    grace_days: int = 5
    missed_to_break: int = 1
    interest: str = "frozen"
    acceptance_days: int = 15
    reminder_days: int = 3
    # The debtor's own page: None → derived from `plan_bands` (`self_service_bands`).
    self_service_plan_bands: tuple[PlanBand, ...] | None = None


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def rules_from_data(data: dict[str, Any], defaults: Rules = Rules()) -> Rules:
    """Rules from the stored JSON; a key left out keeps the default (the mandate's own figures)."""
    plan = _plan_bands(data.get("plan_bands", []))
    own = _plan_bands((data.get("self_service") or {}).get("plan_bands", []))
    settlement = tuple(
        SettlementBand(
            max_age_days=b.get("max_age_days"),
            max_amount=_dec(b.get("max_amount")),
            max_discount_percent=_dec(b.get("max_discount_percent")) or ZERO,
        )
        for b in data.get("settlement_bands", [])
    )
    scalars = {
        k: type(getattr(defaults, k))(data[k])
        for k in (
            "settlement_max_instalments",
            "approval_days",
            "grace_days",
            "missed_to_break",
            "interest",
            "acceptance_days",
            "reminder_days",
        )
        if k in data
    }
    return replace(
        defaults,
        plan_bands=plan or defaults.plan_bands,
        settlement_bands=settlement or defaults.settlement_bands,
        self_service_plan_bands=own or defaults.self_service_plan_bands,
        **scalars,
    )


def _plan_bands(rows: list[dict[str, Any]]) -> tuple[PlanBand, ...]:
    return tuple(
        PlanBand(
            debtor=b.get("debtor", ANY),
            max_amount=_dec(b.get("max_amount")),
            max_instalments=int(b.get("max_instalments", 12)),
            max_months=int(b.get("max_months", 12)),
            min_instalment=_dec(b.get("min_instalment")) or ZERO,
            min_down_payment_percent=_dec(b.get("min_down_payment_percent")) or ZERO,
        )
        for b in rows
    )


SELF_SERVICE_MIN_DOWN_PERCENT = Decimal("10")


def self_service_bands(rules: Rules) -> tuple[PlanBand, ...]:
    """The bands of the debtor's own page: as set in the policy, else each collector band halved."""
    if rules.self_service_plan_bands:
        return rules.self_service_plan_bands
    return tuple(
        replace(
            band,
            max_instalments=max(1, band.max_instalments // 2),
            max_months=max(1, band.max_months // 2),
            min_down_payment_percent=max(band.min_down_payment_percent, SELF_SERVICE_MIN_DOWN_PERCENT),
        )
        for band in rules.plan_bands
    )


@dataclass(frozen=True)
class Proposal:
    kind: Kind
    debtor: str  # PERSON | COMPANY
    amount_due: Decimal
    start: dt.date
    instalments: tuple[Instalment, ...] = ()
    down_payment: Decimal = ZERO
    discount_percent: Decimal = ZERO
    claim_age_days: int = 0


@dataclass(frozen=True, slots=True)
class Breach:
    code: str
    params: dict[str, str] = field(default_factory=dict)


def _fits(limit: Decimal | None, amount: Decimal) -> bool:
    return limit is None or amount <= limit


def plan_band(rules: Rules, debtor: str, amount: Decimal) -> PlanBand | None:
    for band in rules.plan_bands:
        if band.debtor in (ANY, debtor) and _fits(band.max_amount, amount):
            return band
    return None


def settlement_band(rules: Rules, age_days: int, amount: Decimal) -> SettlementBand | None:
    for band in rules.settlement_bands:
        if (band.max_age_days is None or age_days <= band.max_age_days) and _fits(band.max_amount, amount):
            return band
    return None


def _plan_breaches(rules: Rules, p: Proposal) -> list[Breach]:
    band = plan_band(rules, p.debtor, p.amount_due)
    if band is None:
        return [Breach("arrangement.limit.no_band", {"amount": str(p.amount_due)})]
    regular = [i for i in p.instalments if i.number > 0]
    out = []
    if len(regular) > band.max_instalments:
        out.append(
            Breach(
                "arrangement.limit.max_instalments",
                {"value": str(len(regular)), "limit": str(band.max_instalments)},
            )
        )
    months = months_spanned(p.start, regular[-1].due) if regular else 0
    if months > band.max_months:
        out.append(
            Breach("arrangement.limit.max_months", {"value": str(months), "limit": str(band.max_months)})
        )
    if regular and regular[0].amount < band.min_instalment:
        out.append(
            Breach(
                "arrangement.limit.min_instalment",
                {"value": str(regular[0].amount), "limit": str(band.min_instalment)},
            )
        )
    least = round_cents(p.amount_due * band.min_down_payment_percent / Decimal(100))
    if p.down_payment < least:
        out.append(
            Breach("arrangement.limit.min_down_payment", {"value": str(p.down_payment), "limit": str(least)})
        )
    return out


def _settlement_breaches(rules: Rules, p: Proposal) -> list[Breach]:
    band = settlement_band(rules, p.claim_age_days, p.amount_due)
    out = []
    allowed = band.max_discount_percent if band else ZERO
    if p.discount_percent > allowed:
        out.append(
            Breach(
                "arrangement.limit.max_discount", {"value": str(p.discount_percent), "limit": str(allowed)}
            )
        )
    parts = len([i for i in p.instalments if i.number > 0])
    if parts > rules.settlement_max_instalments:
        out.append(
            Breach(
                "arrangement.limit.settlement_instalments",
                {"value": str(parts), "limit": str(rules.settlement_max_instalments)},
            )
        )
    return out


def breaches(rules: Rules, proposal: Proposal) -> list[Breach]:
    """Every limit the proposal goes beyond; an empty list means within the mandate (active at once)."""
    if proposal.kind is Kind.PLAN:
        return _plan_breaches(rules, proposal)
    if proposal.kind is Kind.SETTLEMENT:
        return _settlement_breaches(rules, proposal)
    return []


def self_service_breaches(rules: Rules, proposal: Proposal) -> list[Breach]:
    """What keeps a proposal made by the debtor alone from being accepted at once: only plans (a settlement is a
    discount, always a person's decision), within the self-service band AND the collector's (one breach per
    code, the self-service band's figures first). Empty: accepted at once."""
    if proposal.kind is Kind.PROMISE:
        return []
    if proposal.kind is not Kind.PLAN:
        return [Breach("arrangement.self_service.kind")]
    own = _plan_breaches(replace(rules, plan_bands=self_service_bands(rules)), proposal)
    seen = {b.code for b in own}
    return own + [b for b in _plan_breaches(rules, proposal) if b.code not in seen]


def promise_refusal(
    amount: Decimal, on: dt.date, *, today: dt.date, due_today: Decimal, horizon_days: int
) -> str | None:
    """Why a promise cannot be taken at all (not an approval matter): the stable code, or None."""
    if amount <= 0:
        return "arrangement.bad_total"
    if amount > due_today:
        return "arrangement.promise_above_due"
    if on < today:
        return "arrangement.date_in_past"
    if on > today + dt.timedelta(days=horizon_days):
        return "arrangement.promise_beyond_horizon"
    return None
