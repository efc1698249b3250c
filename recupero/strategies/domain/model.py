"""Strategies as data: a Strategy is an ordered ladder of Steps (sollecito → lettera monitoria → … → legale).

Everything here is a frozen dataclass built once by the loader; the per-strategy lookups the planner needs on
every case (step index by code, the formal-demand step) are computed in `__post_init__` so the daily run of a
million cases never re-derives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Action(StrEnum):
    EMAIL_REMINDER = "email_reminder"
    SMS_REMINDER = "sms_reminder"
    REMINDER_LETTER_1 = "reminder_letter_1"  # lettera monitoria
    PHONE_CALL = "phone_call"  # task for collectors (phone collection)
    REMINDER_LETTER_2 = "reminder_letter_2"
    HOME_VISIT = "home_visit"  # task for field agents (esazione domiciliare)
    FORMAL_DEMAND_PEC = "formal_demand_pec"  # messa in mora by PEC
    FORMAL_DEMAND_REGISTERED = "formal_demand_registered"  # messa in mora by raccomandata A/R
    BUREAU_NOTICE = "bureau_notice"  # preavviso di segnalazione SIC (LEGAL.md §5)
    SUPPLY_SUSPENSION_NOTICE = "supply_suspension_notice"  # costituzione in mora ARERA (LEGAL.md §9)
    LEGAL_REVIEW = "legal_review"  # hand-over to legal review
    SKIP_TRACE = (
        "skip_trace"  # rintraccio: never a ladder step, the planner emits it when no contact is usable
    )
    # verifica anagrafica: never a ladder step, emitted when an identity or address flagged at intake holds a step
    VERIFY_DATA = "verify_data"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    POST = "post"  # ordinary mail: no proof of receipt
    REGISTERED = "registered"  # raccomandata A/R: proof of receipt (return card or giacenza)
    PEC = "pec"
    PHONE = "phone"  # collector work queue
    VISIT = "visit"  # field agent work queue
    TASK = "task"  # internal work (legal review, skip tracing): nobody outside is contacted


class Anchor(StrEnum):
    DUE_DATE = "due_date"
    PREVIOUS_STEP = "previous_step"
    CASE_OPENED = "case_opened"


class DayUnit(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


# The channel each action uses; the two that need proof of receipt go by PEC when the debtor has one.
ACTION_CHANNELS: dict[Action, tuple[Channel, ...]] = {
    Action.EMAIL_REMINDER: (Channel.EMAIL,),
    Action.SMS_REMINDER: (Channel.SMS,),
    Action.REMINDER_LETTER_1: (Channel.POST,),
    Action.PHONE_CALL: (Channel.PHONE,),
    Action.REMINDER_LETTER_2: (Channel.POST,),
    Action.HOME_VISIT: (Channel.VISIT,),
    Action.FORMAL_DEMAND_PEC: (Channel.PEC,),
    Action.FORMAL_DEMAND_REGISTERED: (Channel.REGISTERED,),
    Action.BUREAU_NOTICE: (Channel.PEC, Channel.REGISTERED),
    Action.SUPPLY_SUSPENSION_NOTICE: (Channel.PEC, Channel.REGISTERED),
    Action.LEGAL_REVIEW: (Channel.TASK,),
    Action.SKIP_TRACE: (Channel.TASK,),
    Action.VERIFY_DATA: (Channel.TASK,),
}
# Steps that wait while the debtor's identity is "to verify" (a code with a wrong check digit at intake): a SIC
# notice or a lawyer's file about the wrong person cannot be taken back. Demands are not held: they go to the
# address on file, name the debtor as the creditor's file does, and interrupt prescription.
IDENTITY_GATED = frozenset({Action.BUREAU_NOTICE, Action.LEGAL_REVIEW})
# Written demands that reach the debtor with proof of receipt interrupt prescription (art. 2943 c.c.).
DEMAND_ACTIONS = frozenset(
    {Action.FORMAL_DEMAND_PEC, Action.FORMAL_DEMAND_REGISTERED, Action.SUPPLY_SUSPENSION_NOTICE}
)
# A conversation with the debtor: counted against the UNIREC frequency limits.
CONVERSATION_ACTIONS = frozenset({Action.PHONE_CALL, Action.HOME_VISIT})


@dataclass(frozen=True, slots=True)
class Wait:
    """How long after the anchor a step becomes due (the starting day is not counted)."""

    days: int = 0
    anchor: Anchor = Anchor.PREVIOUS_STEP
    unit: DayUnit = DayUnit.CALENDAR


@dataclass(frozen=True, slots=True)
class Conditions:
    """Who a step is for. An empty set or None means "any". Steps whose conditions do not match are passed over;
    `min_days_past_due` is different: it only delays the step (the case will get old enough)."""

    min_balance: Decimal | None = None
    max_balance: Decimal | None = None  # inclusive
    debtor_types: frozenset[str] = frozenset()
    claim_types: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    first_invoice_default: bool | None = None
    score_bands: frozenset[str] = frozenset()  # applies only to cases that have a score
    supply_active: bool | None = None  # a suspension notice on a ceased supply would be an empty threat
    min_days_past_due: int = 0


@dataclass(frozen=True, slots=True)
class Step:
    code: str
    action: Action
    wait: Wait
    template: str | None = None  # letter/message template code, resolved per creditor and language
    conditions: Conditions = Conditions()
    fallback: Action | None = None  # used when the debtor has no usable contact for `action`
    # An optional step with no usable contact is skipped for good (no skip-trace task): a missing e-mail
    # must not hold back the letter that follows.
    optional: bool = False
    why: str = ""


def step_routes(step: Step) -> tuple[tuple[Action, Channel], ...]:
    """(action, channel) pairs to try in order: the step's action on each of its channels, then the fallback."""
    actions = (step.action,) if step.fallback is None else (step.action, step.fallback)
    return tuple((action, channel) for action in actions for channel in ACTION_CHANNELS[action])


@dataclass(frozen=True, slots=True)
class Strategy:
    code: str
    name: str
    description: str
    steps: tuple[Step, ...]
    # Precomputed once: the planner looks these up for every case of the daily run.
    index: dict[str, int] = field(init=False, repr=False, compare=False)
    routes: dict[str, tuple[tuple[Action, Channel], ...]] = field(init=False, repr=False, compare=False)
    demand_step: Step | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {step.code: i for i, step in enumerate(self.steps)})
        object.__setattr__(self, "routes", {step.code: step_routes(step) for step in self.steps})
        demand = next(
            (
                s
                for s in self.steps
                if s.action in (Action.FORMAL_DEMAND_PEC, Action.FORMAL_DEMAND_REGISTERED)
            ),
            None,
        )
        object.__setattr__(self, "demand_step", demand)

    def step(self, code: str) -> Step:
        return self.steps[self.index[code]]
