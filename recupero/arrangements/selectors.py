"""Reads of arrangements: the mandate's rules, the amount due today, a draft with its schedule and breaches
(the live preview and the proposal share it), lists cut to the actor, and the reminders and notices the
strategies' daily run sends."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet

from recupero.arrangements.domain import limits
from recupero.arrangements.domain.limits import Breach, Proposal, Rules, rules_from_data
from recupero.arrangements.domain.schedule import (
    Frequency,
    InterestTreatment,
    ScheduleError,
    base_total,
    plan_schedule,
    schedule_total,
    settlement_amount,
)
from recupero.arrangements.domain.schedule import (
    Instalment as Planned,
)
from recupero.arrangements.domain.states import OPEN, ArrangementStatus, InstalmentStatus, Kind
from recupero.arrangements.models import Acceptance, Arrangement, ArrangementPolicy, Instalment
from recupero.cases.models import Case
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import APPROVE_ARRANGEMENTS, VIEW_CASES
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, check
from recupero.law.errors import LawError
from recupero.law.money import ZERO, format_eur, parse_amount, round_cents
from recupero.ledger.position import case_position
from recupero.ledger.selectors import rate_table
from recupero.parties.models import Mandate

DEFAULT_PROMISE_DAYS = 30  # without a mandate: a promise within a month


def mandate_for(case: Case, day: dt.date) -> Mandate | None:
    """The creditor's mandate in force on `day` (the latest started)."""
    qs = Mandate.objects.filter(tenant_id=case.tenant_id, creditor_id=case.creditor_id, starts_on__lte=day)
    return qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).order_by("-starts_on").first()


def default_rules(mandate: Mandate | None) -> Rules:
    """A mandate without a policy row: one band from its own columns (instalments, minimum, discount)."""
    if mandate is None:
        return Rules()
    return Rules(
        plan_bands=(
            limits.PlanBand(
                max_instalments=mandate.max_instalments,
                max_months=mandate.max_instalments,
                min_instalment=mandate.min_instalment,
            ),
        ),
        settlement_bands=(limits.SettlementBand(max_discount_percent=mandate.max_discount_percent),),
    )


def rules_for(mandate: Mandate | None) -> Rules:
    defaults = default_rules(mandate)
    if mandate is None:
        return defaults
    policy = ArrangementPolicy.objects.filter(mandate=mandate).first()
    return rules_from_data(policy.rules, defaults) if policy else defaults


def amount_due_today(case: Case, day: dt.date) -> tuple[Decimal, Decimal]:
    """(total due, interest in it) by the law engine, as the case page shows it; the books' balance (and no
    interest) when the engine cannot compute it (a missing rate): never refuse for more than is owed."""
    try:
        position = case_position(case=case, today=day)
    except LawError:
        return case.balance, ZERO
    return max(position.total_due, case.balance), position.interest


def _legal_rate(day: dt.date) -> Decimal:
    for row in rate_table().legal:
        if row.start <= day <= row.end:
            return row.rate
    raise DomainError(
        "law.rate_missing", gettext_lazy("Saggio legale del {date} non disponibile."), date=f"{day:%d/%m/%Y}"
    )


@dataclass(frozen=True)
class Terms:
    """What a collector asks for: the inputs of a proposal (a form, the API, the command line)."""

    kind: Kind
    amount: Decimal | None = None  # promise: the amount promised
    due: dt.date | None = None  # promise: the day
    instalments: int = 1
    frequency: Frequency = Frequency.MONTHLY
    first_due: dt.date | None = None
    down_payment: Decimal = ZERO
    discount_percent: Decimal = ZERO


@dataclass(frozen=True)
class Draft:
    """A proposal computed but not written: its schedule and the limits it goes beyond."""

    case: Case
    terms: Terms
    day: dt.date
    amount_due: Decimal
    total: Decimal
    schedule: list[Planned]
    breaches: list[Breach]
    rules: Rules
    treatment: InterestTreatment
    horizon_days: int
    messages: list[str] = field(default_factory=list)

    @property
    def within_limits(self) -> bool:
        return not self.breaches


def _claim_age(case: Case, day: dt.date) -> int:
    return (day - case.first_due_on).days if case.first_due_on else 0


def _promise(case: Case, t: Terms, day: dt.date, due: Decimal, horizon: int) -> list[Planned]:
    if t.amount is None or t.due is None:
        raise DomainError("arrangement.bad_total", value=t.amount or "")
    code = limits.promise_refusal(t.amount, t.due, today=day, due_today=due, horizon_days=horizon)
    if code:
        limit = day + dt.timedelta(days=horizon)
        raise DomainError(
            code,
            value=t.amount,
            amount=format_eur(t.amount),
            due=format_eur(due),
            days=horizon,
            limit=f"{limit:%d/%m/%Y}",
        )
    return [Planned(1, t.due, t.amount)]


def _schedule(t: Terms, total: Decimal, day: dt.date, treatment: InterestTreatment) -> list[Planned]:
    rate = _legal_rate(day) if treatment is InterestTreatment.RUNNING else None
    try:
        return plan_schedule(
            total=total,
            count=t.instalments,
            frequency=t.frequency,
            first_due=t.first_due or day,
            start=day,
            down_payment=t.down_payment,
            legal_rate=rate,
        )
    except ScheduleError as exc:
        raise DomainError(exc.code, None, **exc.params) from None


def arrangement_draft(*, case: Case, terms: Terms, day: dt.date) -> Draft:
    """Compute a proposal on `case` for `day` (no write). Refusals raise; breaches are listed, not raised."""
    mandate = mandate_for(case, day)
    rules = rules_for(mandate)
    horizon = mandate.promise_max_days if mandate else DEFAULT_PROMISE_DAYS
    due, interest = amount_due_today(case, day)
    if due <= 0:
        raise DomainError("arrangement.nothing_due")
    treatment = InterestTreatment(rules.interest)
    if terms.kind is Kind.PROMISE:
        schedule = _promise(case, terms, day, due, horizon)
        treatment = InterestTreatment.FROZEN
    elif terms.kind is Kind.PLAN:
        schedule = _schedule(terms, base_total(treatment, due, interest), day, treatment)
    else:
        try:
            total = settlement_amount(due, terms.discount_percent)
        except ScheduleError as exc:
            raise DomainError(exc.code, None, **exc.params) from None
        schedule = _schedule(terms, total, day, InterestTreatment.FROZEN)
        treatment = InterestTreatment.FROZEN
    proposal = Proposal(
        kind=terms.kind,
        debtor=limits.debtor_type(case.debtor.kind),
        amount_due=due,
        start=day,
        instalments=tuple(schedule),
        down_payment=terms.down_payment,
        discount_percent=terms.discount_percent,
        claim_age_days=_claim_age(case, day),
    )
    found = limits.breaches(rules, proposal)
    return Draft(
        case=case,
        terms=terms,
        day=day,
        amount_due=due,
        total=schedule_total(schedule),
        schedule=schedule,
        breaches=found,
        rules=rules,
        treatment=treatment,
        horizon_days=horizon,
        messages=[DomainError(b.code, **b.params).message for b in found],
    )


@dataclass(frozen=True)
class SelfServiceOffer:
    """What the debtor's page may offer on a case today: the amount due, the self-service plan band (None: no
    band covers the amount, only a call back) and the promise's last day."""

    amount_due: Decimal
    band: limits.PlanBand | None
    min_down_payment: Decimal
    promise_until: dt.date

    @property
    def max_instalments(self) -> int:
        return self.band.max_instalments if self.band else 0


def self_service_offer(*, case: Case, day: dt.date) -> SelfServiceOffer:
    """For the debtor's page (the case comes from a scoped look-up): the limits it shows next to the form."""
    mandate = mandate_for(case, day)
    rules = rules_for(mandate)
    due, _interest = amount_due_today(case, day)
    own = replace(rules, plan_bands=limits.self_service_bands(rules))
    band = limits.plan_band(own, limits.debtor_type(case.debtor.kind), due)
    least = round_cents(due * band.min_down_payment_percent / Decimal(100)) if band else ZERO
    horizon = mandate.promise_max_days if mandate else DEFAULT_PROMISE_DAYS
    return SelfServiceOffer(due, band, least, day + dt.timedelta(days=horizon))


def arrangements_visible(*, tenant: Tenant, actor: User) -> QuerySet[Arrangement]:
    check(actor, VIEW_CASES, tenant)
    return Arrangement.objects.filter(tenant=tenant).filter(case_q(actor, "case__"))


def case_arrangements(*, tenant: Tenant, actor: User, case: Case) -> list[Arrangement]:
    """The case's arrangements, newest first, with their instalments and acceptances."""
    qs = arrangements_visible(tenant=tenant, actor=actor).filter(case=case)
    return list(
        qs.prefetch_related("instalments", "acceptances")
        .select_related("taken_by", "decided_by")
        .order_by("-id")
    )


def arrangement_get(*, tenant: Tenant, actor: User, arrangement_id: int) -> Arrangement:
    found = (
        arrangements_visible(tenant=tenant, actor=actor)
        .select_related("case", "case__debtor", "case__creditor")
        .filter(pk=arrangement_id)
        .first()
    )
    if found is None:
        raise DomainError("auth.not_found")
    return found


def arrangements_pending(*, tenant: Tenant, actor: User, limit: int = 200) -> list[Arrangement]:
    """Proposals beyond the mandate waiting for this approver (consultant: assigned creditors; creditor user:
    their own creditor)."""
    check(actor, APPROVE_ARRANGEMENTS, tenant)
    qs = Arrangement.objects.filter(tenant=tenant, status=ArrangementStatus.PENDING_APPROVAL)
    qs = qs.filter(case_q(actor, "case__")).select_related(
        "case", "case__debtor", "case__creditor", "taken_by"
    )
    return list(qs.order_by("expires_on", "id")[:limit])


def open_arrangement(*, case: Case) -> Arrangement | None:
    return Arrangement.objects.filter(case=case, status__in=[s.value for s in OPEN]).first()


@dataclass(frozen=True, slots=True)
class InstalmentNotice:
    kind: str  # "reminder" (before the due date) | "missed" (after a missed instalment)
    case_id: int
    arrangement_id: int
    instalment_id: int
    number: int
    due_on: dt.date
    amount: Decimal


def instalment_notices(*, tenant: Tenant, day: dt.date, reminder_days: int = 3) -> list[InstalmentNotice]:
    """For the strategies' daily run: instalments falling due within `reminder_days` (a reminder) and those
    found missed by the daily check (a notice), of active arrangements only. The caller sends each at most
    once, keyed `arrangement:<kind>:<instalment_id>` (the channels' idempotency key)."""
    qs = Instalment.objects.filter(tenant=tenant, arrangement__status=ArrangementStatus.ACTIVE)
    soon = qs.filter(
        status=InstalmentStatus.PENDING, due_on__gte=day, due_on__lte=day + dt.timedelta(days=reminder_days)
    )
    missed = qs.filter(status=InstalmentStatus.MISSED)
    out = []
    for kind, rows in (("reminder", soon), ("missed", missed)):
        for i in rows.select_related("arrangement").order_by("due_on", "id"):
            out.append(
                InstalmentNotice(
                    kind, i.arrangement.case_id, i.arrangement_id, i.pk, i.number, i.due_on, i.amount
                )
            )
    return out


SUMMARY_SALT = "recupero.arrangements.summary"


def summary_token(acceptance: Acceptance) -> str:
    """The personal token of an offer's link: signed with the secret key, not guessable, rebuilt on demand."""
    return signing.dumps({"a": acceptance.pk, "t": acceptance.tenant_id}, salt=SUMMARY_SALT, compress=True)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def acceptance_by_token(*, token: str) -> Acceptance | None:
    """The public page's only read: the offer behind a personal link (no login; the token is the key)."""
    if not token or len(token) > 100:
        return None
    return (
        Acceptance.objects.select_related("arrangement", "arrangement__case", "arrangement__case__creditor")
        .filter(token_hash=token_hash(token))
        .first()
    )


def draft_json(draft: Draft) -> dict[str, Any]:
    return {
        "kind": draft.terms.kind.value,
        "status": "active" if draft.within_limits else "pending_approval",
        "amount_due": str(draft.amount_due),
        "total": str(draft.total),
        "instalments": [{"due": i.due.isoformat(), "amount": str(i.amount)} for i in draft.schedule],
        "breaches": [
            {"code": b.code, "message": m} for b, m in zip(draft.breaches, draft.messages, strict=True)
        ],
    }


def _date(text: str) -> dt.date | None:
    raw = (text or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise DomainError("arrangement.bad_date", value=raw[:20])


def _amount(text: str, default: Decimal | None = None) -> Decimal | None:
    raw = (text or "").strip()
    if not raw:
        return default
    try:
        return parse_amount(raw.replace(".", "") if "," in raw else raw)
    except LawError:
        raise DomainError("arrangement.bad_total", value=raw[:20]) from None


def terms_from_input(data: dict[str, str]) -> Terms:
    """Terms from what a form, the API or the command line typed (strings); bad input → a stable code."""
    try:
        kind = Kind(data.get("kind", ""))
    except ValueError:
        raise DomainError("arrangement.bad_kind", value=str(data.get("kind", ""))[:20]) from None
    try:
        frequency = Frequency(data.get("frequency") or "monthly")
    except ValueError:
        raise DomainError("arrangement.bad_frequency", value=str(data.get("frequency"))[:20]) from None
    count_text = str(data.get("instalments") or "1").strip()
    if not count_text.isdigit() or not 1 <= int(count_text) <= 360:
        raise DomainError("arrangement.bad_instalments", value=count_text[:20])
    discount = str(data.get("discount") or "0").strip().replace(",", ".")
    try:
        discount_value = Decimal(discount)
    except ArithmeticError:
        raise DomainError("arrangement.bad_discount", value=discount[:20]) from None
    if not discount_value.is_finite():
        raise DomainError("arrangement.bad_discount", value=discount[:20])
    return Terms(
        kind=kind,
        amount=_amount(data.get("amount", "")),
        due=_date(data.get("due", "")),
        instalments=int(count_text),
        frequency=frequency,
        first_due=_date(data.get("first_due", "")),
        down_payment=_amount(data.get("down_payment", ""), ZERO) or ZERO,
        discount_percent=discount_value,
    )


def case_by_code(*, tenant: Tenant, actor: User, code: str) -> Case:
    """A case by its code (PR-…), for the API and the command line; out of scope looks like not found."""
    from recupero.cases.selectors import case_get, cases_visible

    found = (
        cases_visible(tenant=tenant, actor=actor)
        .filter(code=code.strip().upper()[:12])
        .values_list("pk", flat=True)
    )
    pk = next(iter(found), None)
    if pk is None:
        raise DomainError("auth.not_found")
    return case_get(tenant=tenant, actor=actor, case_id=pk)
