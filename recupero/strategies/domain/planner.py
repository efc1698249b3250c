"""The daily planner: one case, one day, one decision — which step of its strategy comes next, if any.

Pure and deterministic: dataclasses in, a Decision out, no clock, no I/O. The lead's run service reads the
snapshots in one query, calls `plan` for each case and starts the effects under their idempotency keys, so a
run that is repeated (crash, retry, second worker) never sends a letter twice.

Order of the checks (the first that applies gives the reason):
1. case guards: case_closed, prescribed (skip or flag), legal, dispute_open, arrangement_active;
2. already_done: something was executed for the case today (one step a day);
3. prescription close: a formal demand jumps the queue when the deadline is near;
4. the next step: the first applicable step after the last one passed; its wait, then the step guards.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from recupero.law.bureau import bureau_notice_earliest_report
from recupero.law.business_days import (
    add_working_days,
    is_working_day,
    next_working_day,
    roll_to_working_day,
)
from recupero.strategies.domain import guards
from recupero.strategies.domain.decisions import NO_PARAMS, Decision, Execute, Flag, Reason, Skip
from recupero.strategies.domain.model import (
    CONVERSATION_ACTIONS,
    DEMAND_ACTIONS,
    Action,
    Anchor,
    Channel,
    Conditions,
    DayUnit,
    Step,
    Strategy,
)
from recupero.strategies.domain.settings import PlannerSettings
from recupero.strategies.domain.snapshot import (
    EXECUTED,
    PASSED,
    CaseSnapshot,
    History,
    RecordStatus,
    StepRecord,
)

PRESCRIPTION_STEP = "prescription_demand"  # step code of a fast-tracked demand when the ladder has none
_ONE_DAY = timedelta(days=1)


def plan(
    snapshot: CaseSnapshot, strategy: Strategy, history: History, today: date, settings: PlannerSettings
) -> Decision:
    """The decision for `snapshot` on `today` (see the module docstring for the order of the checks)."""
    blocked = guards.case_guard(snapshot, today)
    if blocked is not None:
        return Decision(
            snapshot.case_id, strategy.code, blocked, _close_flags(blocked, snapshot, today, settings)
        )
    records = _own_records(history, strategy.code)
    for record in records:
        if record.on >= today and record.status in EXECUTED:
            return _decide(
                snapshot, strategy, Skip(Reason.ALREADY_DONE, record.step_code, record.on.isoformat())
            )
    if guards.prescription_close(snapshot, today, settings) and not _demand_pending(
        records, snapshot, today, settings
    ):
        return _asking_to_verify(
            _fast_track_demand(snapshot, strategy, records, today, settings), snapshot, today
        )
    return _asking_to_verify(
        _next_step(snapshot, strategy, records, history, today, settings), snapshot, today
    )


def _asking_to_verify(decision: Decision, snapshot: CaseSnapshot, today: date) -> Decision:
    """An open case whose debtor's identity is "to verify" asks for the check from its first working day, not
    only when a SIC or legal step is held by it (one task: its key is the case's)."""
    if not snapshot.identity_to_verify:
        return decision
    task = _verify(snapshot, today)
    if task in decision.extra:
        return decision
    return Decision(decision.case_id, decision.strategy_code, decision.outcome, (*decision.extra, task))


def preview(
    snapshot: CaseSnapshot, strategy: Strategy, history: History, today: date, settings: PlannerSettings
) -> Decision:
    """What tomorrow's run will decide, if nothing changes in between: the same code, one day later."""
    return plan(snapshot, strategy, history, today + _ONE_DAY, settings)


def idempotency_key(case_id: int | str, strategy_code: str, step_code: str, attempt: int = 1) -> str:
    """Stable per case, strategy and step; the n-th attempt after failures gets "#n" so it is not dropped."""
    key = f"{case_id}:{strategy_code}:{step_code}"
    return key if attempt == 1 else f"{key}#{attempt}"


def _decide(
    snapshot: CaseSnapshot,
    strategy: Strategy,
    outcome: Execute | Skip | Flag,
    extra: tuple[Execute | Flag, ...] = (),
) -> Decision:
    return Decision(snapshot.case_id, strategy.code, outcome, extra)


def _own_records(history: History, strategy_code: str) -> tuple[StepRecord, ...]:
    steps = history.steps
    if all(r.strategy_code is None or r.strategy_code == strategy_code for r in steps):
        return steps  # the common case: no copy
    return tuple(r for r in steps if r.strategy_code is None or r.strategy_code == strategy_code)


def _attempt(records: tuple[StepRecord, ...], step_code: str) -> int:
    return 1 + sum(1 for r in records if r.step_code == step_code)


def _close_flags(
    blocked: Skip | Flag, snapshot: CaseSnapshot, today: date, settings: PlannerSettings
) -> tuple[Flag, ...]:
    """A paused case near its prescription deadline needs a person: the pause must not let it expire."""
    if blocked.reason in (Reason.DISPUTE_OPEN, Reason.ARRANGEMENT_ACTIVE) and guards.prescription_close(
        snapshot, today, settings
    ):
        deadline = snapshot.prescription_deadline
        return (Flag(Reason.PRESCRIPTION_CLOSE, f"deadline {deadline.isoformat() if deadline else ''}"),)
    return ()


# --- prescription close -------------------------------------------------------------------------------------


def _demand_pending(
    records: tuple[StepRecord, ...], snapshot: CaseSnapshot, today: date, settings: PlannerSettings
) -> bool:
    """A written demand since the last interruption that was received, or is still travelling."""
    since = snapshot.last_interruption
    timeout = settings.demand_receipt_timeout_days
    for r in records:
        if r.action not in DEMAND_ACTIONS or (since is not None and r.on < since):
            continue
        if r.status == RecordStatus.DELIVERED:
            return True
        if r.status in (RecordStatus.SENT, RecordStatus.DONE) and (today - r.on).days <= timeout:
            return True
    return False


def _fast_track_demand(
    snapshot: CaseSnapshot,
    strategy: Strategy,
    records: tuple[StepRecord, ...],
    today: date,
    settings: PlannerSettings,
) -> Decision:
    """Formal demand now, by PEC if possible (receipt the same day), else by raccomandata A/R."""
    step = strategy.demand_step
    code = step.code if step is not None else PRESCRIPTION_STEP
    template = (step.template if step is not None else None) or "formal_demand"
    key = idempotency_key(snapshot.case_id, strategy.code, code, _attempt(records, code))
    deadline = snapshot.prescription_deadline
    assert deadline is not None  # prescription_close() checked it
    if snapshot.contacts.pec:
        demand = Execute(code, Action.FORMAL_DEMAND_PEC, Channel.PEC, template, today, key)
        return _decide(snapshot, strategy, demand)
    if snapshot.contacts.address:
        sent = roll_to_working_day(today)
        demand = Execute(code, Action.FORMAL_DEMAND_REGISTERED, Channel.REGISTERED, template, sent, key)
        received_by = add_working_days(sent, settings.registered_delivery_working_days)
        if received_by <= deadline:
            return _decide(snapshot, strategy, demand)
        risk = Flag(Reason.PRESCRIPTION_AT_RISK, f"receipt by {received_by.isoformat()}, deadline {deadline}")
        return _decide(snapshot, strategy, demand, (risk,))
    risk = Flag(Reason.PRESCRIPTION_AT_RISK, f"no address for a demand, deadline {deadline.isoformat()}")
    if snapshot.contacts.address_to_verify:
        skip = Skip(Reason.ADDRESS_TO_VERIFY, code, "pec or address")
        return _decide(snapshot, strategy, skip, (_verify(snapshot, today), risk))
    skip = Skip(Reason.NO_CONTACT, code, "pec or address")
    return _decide(snapshot, strategy, skip, (_skip_trace(snapshot, strategy, code, today), risk))


# --- the ladder -----------------------------------------------------------------------------------------------


def applies(conditions: Conditions, snapshot: CaseSnapshot) -> bool:
    """Static conditions: a step that does not apply to the case is passed over (min_days_past_due waits)."""
    c = conditions
    return not (
        (c.min_balance is not None and snapshot.balance < c.min_balance)
        or (c.max_balance is not None and snapshot.balance > c.max_balance)
        or (c.debtor_types and snapshot.debtor_type not in c.debtor_types)
        or (c.claim_types and snapshot.claim_type not in c.claim_types)
        or (c.sectors and snapshot.sector not in c.sectors)
        or (c.first_invoice_default is not None and snapshot.first_invoice_default != c.first_invoice_default)
        or (c.score_bands and snapshot.score_band is not None and snapshot.score_band not in c.score_bands)
        or (c.supply_active is not None and bool(snapshot.supply_active) != c.supply_active)
    )


def _next_step(
    snapshot: CaseSnapshot,
    strategy: Strategy,
    records: tuple[StepRecord, ...],
    history: History,
    today: date,
    settings: PlannerSettings,
) -> Decision:
    cursor, last_on = -1, None
    for r in records:
        if r.status not in PASSED:
            continue
        cursor = max(cursor, strategy.index.get(r.step_code, -1))
        if last_on is None or r.on > last_on:
            last_on = r.on
    # The ladder never goes back: a step before the last one passed is not done late.
    for step in strategy.steps[cursor + 1 :]:
        if applies(step.conditions, snapshot):
            return _step_decision(snapshot, strategy, step, records, history, last_on, today, settings)
    return _decide(snapshot, strategy, Skip(Reason.STRATEGY_COMPLETE))


def due_date(step: Step, snapshot: CaseSnapshot, previous_on: date | None) -> date:
    """The day the step's wait ends (before rolling to a working day). Never before the case was opened."""
    wait = step.wait
    if wait.anchor is Anchor.DUE_DATE:
        base = snapshot.first_due_date
    elif wait.anchor is Anchor.PREVIOUS_STEP and previous_on is not None:
        base = previous_on
    else:  # case_opened, or a first step anchored to a previous one that does not exist
        base = snapshot.opened_on
    due = (
        add_working_days(base, wait.days)
        if wait.unit is DayUnit.WORKING
        else base + timedelta(days=wait.days)
    )
    min_age = step.conditions.min_days_past_due
    if min_age:
        due = max(due, snapshot.first_due_date + timedelta(days=min_age))
    return max(due, snapshot.opened_on)


def _step_decision(
    snapshot: CaseSnapshot,
    strategy: Strategy,
    step: Step,
    records: tuple[StepRecord, ...],
    history: History,
    previous_on: date | None,
    today: date,
    settings: PlannerSettings,
) -> Decision:
    is_call = step.action is Action.PHONE_CALL
    window = settings.window(snapshot.contact_window) if is_call else None
    due = due_date(step, snapshot, previous_on)
    # Calls wait for a day with a contact window, everything else for a working day.
    due = window.next_open(due) if window is not None else roll_to_working_day(due)
    if due > today:
        return _decide(snapshot, strategy, Skip(Reason.WAITING, step.code, due.isoformat()))
    blocked = _step_guards(snapshot, step, history, today, settings)
    if blocked is not None:
        held = blocked.reason == Reason.IDENTITY_TO_VERIFY
        return _decide(snapshot, strategy, blocked, (_verify(snapshot, today),) if held else ())
    found = guards.route(strategy, step, snapshot.contacts)
    if found is None:
        return _no_contact(snapshot, strategy, step, today)
    action, channel = found
    if action in CONVERSATION_ACTIONS:
        limited = guards.frequency_guard(step, history.conversations, today, settings)
        if limited is not None:
            return _decide(snapshot, strategy, limited)
    key = idempotency_key(snapshot.case_id, strategy.code, step.code, _attempt(records, step.code))
    hours = window.on(today) if window is not None else None
    params = _params(action, snapshot, today, settings)
    execute = Execute(step.code, action, channel, step.template, today, key, hours, params)
    return _decide(snapshot, strategy, execute)


def _step_guards(
    snapshot: CaseSnapshot, step: Step, history: History, today: date, settings: PlannerSettings
) -> Skip | None:
    if step.action is Action.PHONE_CALL:
        return guards.window_guard(step, settings.window(snapshot.contact_window), today)
    if not is_working_day(today):
        return Skip(Reason.WAITING, step.code, next_working_day(today).isoformat())
    blocked = guards.vulnerable_guard(step, snapshot)
    if blocked is None and step.action is Action.HOME_VISIT:
        blocked = guards.visit_guard(step, snapshot, today, settings)
    if blocked is None:
        blocked = guards.identity_guard(step, snapshot)
    return blocked


def _no_contact(snapshot: CaseSnapshot, strategy: Strategy, step: Step, today: date) -> Decision:
    """An optional step is skipped for good; any other step waits for a skip-trace task to find a contact."""
    routes = strategy.routes[step.code]
    needs = "/".join(sorted({channel.value for _action, channel in routes}))
    if all(guards.refused(channel, snapshot.contacts) for _action, channel in routes):
        # the debtor said no to every way this step goes: no skip trace, the ladder moves past it
        return _decide(snapshot, strategy, Skip(Reason.CHANNEL_REFUSED, step.code, needs, final=True))
    if step.optional:
        return _decide(snapshot, strategy, Skip(Reason.NO_CONTACT, step.code, needs, final=True))
    if any(guards.address_held(channel, snapshot.contacts) for _action, channel in routes):
        # the address exists but is doubtful: check it rather than search for another one
        skip = Skip(Reason.ADDRESS_TO_VERIFY, step.code, needs)
        return _decide(snapshot, strategy, skip, (_verify(snapshot, today),))
    skip = Skip(Reason.NO_CONTACT, step.code, needs)
    return _decide(snapshot, strategy, skip, (_skip_trace(snapshot, strategy, step.code, today),))


def _skip_trace(snapshot: CaseSnapshot, strategy: Strategy, step_code: str, today: date) -> Execute:
    key = f"{idempotency_key(snapshot.case_id, strategy.code, step_code)}:skip_trace"
    return Execute(step_code, Action.SKIP_TRACE, Channel.TASK, "skip_trace", roll_to_working_day(today), key)


VERIFY_STEP = "verify_data"


def _verify(snapshot: CaseSnapshot, today: date) -> Execute:
    """One verification task per case (verifica anagrafica), whatever step or strategy asked for it."""
    key = f"{snapshot.case_id}:{VERIFY_STEP}"
    return Execute(
        VERIFY_STEP, Action.VERIFY_DATA, Channel.TASK, VERIFY_STEP, roll_to_working_day(today), key
    )


def _params(
    action: Action, snapshot: CaseSnapshot, today: date, settings: PlannerSettings
) -> Mapping[str, str]:
    """Legal terms the letter must print, computed from the settings (ARERA §9, SIC §5)."""
    if action is Action.SUPPLY_SUSPENSION_NOTICE:
        gas = snapshot.claim_type == "gas"
        days = settings.suspension_gas_days if gas else settings.suspension_electricity_days
        return {
            "payment_term_days": str(settings.payment_term_days),
            "suspension_after_receipt_days": str(days),
        }
    if action is Action.BUREAU_NOTICE:
        return {"earliest_report": bureau_notice_earliest_report(today).isoformat()}
    return NO_PARAMS
