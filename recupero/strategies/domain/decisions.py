"""What the planner decides for one case on one day, and the stable reason codes it gives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from types import MappingProxyType

NO_PARAMS: Mapping[str, str] = MappingProxyType({})


def _no_params() -> Mapping[str, str]:
    return NO_PARAMS  # shared and read-only: a million Executes need no million empty dicts


class Reason(StrEnum):
    DISPUTE_OPEN = "dispute_open"
    ARRANGEMENT_ACTIVE = "arrangement_active"
    CASE_CLOSED = "case_closed"
    PRESCRIBED = "prescribed"
    LEGAL = "legal"
    VULNERABLE_NO_VISIT = "vulnerable_no_visit"
    VULNERABLE_NO_SUSPENSION = "vulnerable_no_suspension"
    NO_CONTACT = "no_contact"
    CHANNEL_REFUSED = "channel_refused"  # the step could only go by channels the debtor refused: passed over
    OUTSIDE_CONTACT_WINDOW = "outside_contact_window"
    FREQUENCY_LIMIT = "frequency_limit"
    VISIT_TOO_EARLY = "visit_too_early"
    ALREADY_DONE = "already_done"
    WAITING = "waiting"
    STRATEGY_COMPLETE = "strategy_complete"  # every applicable step is behind the case
    IDENTITY_TO_VERIFY = "identity_to_verify"  # SIC and legal steps wait for the identity check (verify task)
    ADDRESS_TO_VERIFY = "address_to_verify"  # the only address is doubtful: no post until it is checked
    # flags
    PRESCRIPTION_AT_RISK = "prescription_at_risk"  # even a demand sent today may not be received in time
    PRESCRIPTION_CLOSE = "prescription_close"  # near the deadline but dunning is paused: a person must look


@dataclass(frozen=True, slots=True)
class Execute:
    step_code: str
    action: str
    channel: str
    template: str | None
    scheduled_for: date
    idempotency_key: str  # f"{case_id}:{strategy}:{step}", "#n" appended for the n-th attempt after a failure
    window: tuple[time, time] | None = None  # phone calls: the hours allowed on `scheduled_for`
    params: Mapping[str, str] = field(
        default_factory=_no_params
    )  # e.g. ARERA terms of a suspension notice, SIC earliest report


@dataclass(frozen=True, slots=True)
class Skip:
    reason: str
    step_code: str | None = None
    detail: str = ""
    # final: record the step as skipped (history status "skipped") so the ladder moves past it; a non-final
    # skip is simply tried again on the next run.
    final: bool = False


@dataclass(frozen=True, slots=True)
class Flag:
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    case_id: int | str
    strategy_code: str
    outcome: Execute | Skip | Flag
    extra: tuple[Execute | Flag, ...] = ()  # e.g. a skip-trace task, a prescription_at_risk flag

    @property
    def executes(self) -> tuple[Execute, ...]:
        """Every effect the lead must start for this decision, primary first."""
        found = (self.outcome,) if isinstance(self.outcome, Execute) else ()
        return found + tuple(e for e in self.extra if isinstance(e, Execute))
