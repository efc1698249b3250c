"""Shared builders for the pure strategy tests (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from recupero.strategies.domain import (
    CaseSnapshot,
    Contacts,
    Decision,
    Execute,
    History,
    PlannerSettings,
    Skip,
    StepRecord,
    plan,
    shipped_strategies,
)

SETTINGS = PlannerSettings()
ALL_CONTACTS = Contacts(email=True, mobile=True, phone=True, pec=True, address=True)
POSTAL = Contacts(email=True, mobile=True, address=True)  # the usual consumer: no PEC


def snap(**changes: Any) -> CaseSnapshot:
    base = CaseSnapshot(
        case_id=42,
        status="working",
        creditor_code="UTIL",
        sector="utility",
        claim_type="electricity",
        debtor_type="consumer",
        balance=Decimal("420.00"),
        first_due_date=date(2026, 1, 10),
        opened_on=date(2026, 1, 20),
        contacts=POSTAL,
        supply_active=True,
    )
    return replace(base, **changes)


def strategy(code: str):  # type: ignore[no-untyped-def]
    return shipped_strategies()[code]


def done(*records: tuple[str, str, date], conversations: tuple[date, ...] = ()) -> History:
    """History of executed steps: (step_code, action, day)."""
    return History(tuple(StepRecord(c, a, d) for c, a, d in records), conversations)


def walk(
    case: CaseSnapshot, code: str, until: date, history: History = History(), talk: bool = False
) -> list[tuple[str, str, str, date]]:
    """Run the planner every day from the case's opening, as the daily run would, recording what it executes
    (and final skips) in the history. `talk`: every call or visit is a conversation with the debtor."""
    ladder, steps, conversations = strategy(code), list(history.steps), list(history.conversations)
    executed: list[tuple[str, str, str, date]] = []
    day = case.opened_on
    while day <= until:
        decision: Decision = plan(case, ladder, History(tuple(steps), tuple(conversations)), day, SETTINGS)
        outcome = decision.outcome
        if isinstance(outcome, Execute):
            executed.append((outcome.step_code, outcome.action, outcome.channel, day))
            steps.append(StepRecord(outcome.step_code, outcome.action, day))
            if talk and outcome.action in ("phone_call", "home_visit"):
                conversations.append(day)
        elif isinstance(outcome, Skip) and outcome.final:
            executed.append((outcome.step_code or "", "skipped", outcome.reason, day))
            steps.append(StepRecord(outcome.step_code or "", "", day, "skipped"))
        day += timedelta(days=1)
    return executed
