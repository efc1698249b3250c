"""Guards checked before every step. Each returns None (go on) or a Skip/Flag with a stable reason code.

Case guards stop the whole ladder (closed, prescribed, legal, disputed, arrangement); step guards stop one
step on one day (conduct rules, contacts, waits). The planner calls them in a fixed order, so the reason a
case did not move is always the first one that applies.
"""

from __future__ import annotations

from datetime import date, timedelta

from recupero.cases.domain.states import CaseStatus
from recupero.law.business_days import roll_to_working_day
from recupero.strategies.domain.decisions import Flag, Reason, Skip
from recupero.strategies.domain.model import IDENTITY_GATED, Action, Channel, Step, Strategy
from recupero.strategies.domain.settings import ContactWindow, PlannerSettings
from recupero.strategies.domain.snapshot import CaseSnapshot, Contacts

_ENDED = frozenset({CaseStatus.PAID, CaseStatus.CLOSED, CaseStatus.RETURNED})
_ARRANGEMENTS = frozenset({CaseStatus.PROMISE, CaseStatus.PLAN, CaseStatus.SETTLEMENT})
_WEEK = 7


def case_guard(snapshot: CaseSnapshot, today: date) -> Skip | Flag | None:
    status = snapshot.status
    if status in _ENDED or snapshot.balance <= 0:
        return Skip(Reason.CASE_CLOSED, detail=status)
    if status == CaseStatus.PRESCRIBED:
        return Skip(Reason.PRESCRIBED, detail="status prescribed")
    deadline = snapshot.prescription_deadline
    if deadline is not None and deadline < today:
        # Dunning a prescribed claim is an aggressive practice (Codice del consumo artt. 24-26): stop, and
        # let a person confirm and move the case to "prescribed".
        return Flag(Reason.PRESCRIBED, detail=f"deadline {deadline.isoformat()}")
    if status == CaseStatus.LEGAL:
        return Skip(Reason.LEGAL)
    if status == CaseStatus.DISPUTED or snapshot.open_dispute:
        return Skip(Reason.DISPUTE_OPEN)
    if status in _ARRANGEMENTS or snapshot.active_arrangement:
        return Skip(Reason.ARRANGEMENT_ACTIVE, detail=status)
    return None


def prescription_close(snapshot: CaseSnapshot, today: date, settings: PlannerSettings) -> bool:
    deadline = snapshot.prescription_deadline
    return deadline is not None and (deadline - today).days <= settings.prescription_close_days


def vulnerable_guard(step: Step, snapshot: CaseSnapshot) -> Skip | None:
    """Vulnerable debtors get no home visit and no supply suspension; final: the ladder moves past the step."""
    if not snapshot.vulnerable:
        return None
    if step.action is Action.HOME_VISIT:
        return Skip(Reason.VULNERABLE_NO_VISIT, step.code, final=True)
    if step.action is Action.SUPPLY_SUSPENSION_NOTICE:
        return Skip(Reason.VULNERABLE_NO_SUSPENSION, step.code, final=True)
    return None


def identity_guard(step: Step, snapshot: CaseSnapshot) -> Skip | None:
    """A SIC notice or a legal review waits while the identity is "to verify"; not final: it goes on once checked."""
    if snapshot.identity_to_verify and step.action in IDENTITY_GATED:
        return Skip(Reason.IDENTITY_TO_VERIFY, step.code)
    return None


def address_held(channel: Channel, contacts: Contacts) -> bool:
    """The step could go by post but the only address is "to verify" (the ladder uses another channel first)."""
    return channel in _POSTAL and contacts.address_to_verify and not contacts.address


_POSTAL = frozenset({Channel.POST, Channel.REGISTERED, Channel.VISIT})


def visit_guard(step: Step, snapshot: CaseSnapshot, today: date, settings: PlannerSettings) -> Skip | None:
    """Home visits only from the 3rd month of arrears (LEGAL.md §4, UNIREC: setting, default 90 days)."""
    earliest = snapshot.first_due_date + timedelta(days=settings.visit_min_days_past_due)
    if today >= earliest:
        return None
    return Skip(Reason.VISIT_TOO_EARLY, step.code, roll_to_working_day(earliest).isoformat())


def window_guard(step: Step, window: ContactWindow, today: date) -> Skip | None:
    """Calls only on a day with a window of the mandate's preset; the call waits for the next such day."""
    if window.on(today) is not None:
        return None
    return Skip(Reason.OUTSIDE_CONTACT_WINDOW, step.code, window.next_open(today).isoformat())


def frequency_guard(
    step: Step, conversations: tuple[date, ...], today: date, settings: PlannerSettings
) -> Skip | None:
    """At most 1 conversation a day and 3 in any 7 days with the same debtor (UNIREC, LEGAL.md §4)."""
    if not conversations:
        return None
    week_start = today - timedelta(days=_WEEK - 1)
    in_week = sum(1 for d in conversations if week_start <= d <= today)
    on_day = sum(1 for d in conversations if d == today)
    if on_day >= settings.conversations_per_day:
        return Skip(Reason.FREQUENCY_LIMIT, step.code, f"{on_day} today")
    if in_week >= settings.conversations_per_week:
        return Skip(Reason.FREQUENCY_LIMIT, step.code, f"{in_week} in 7 days")
    return None


def refused(channel: Channel, contacts: Contacts) -> bool:
    """The debtor refused this channel on their page (e-mail, SMS, calls; letters and PEC cannot be refused)."""
    if channel is Channel.EMAIL:
        return contacts.email_refused
    if channel is Channel.SMS:
        return contacts.sms_refused
    if channel is Channel.PHONE:
        return contacts.phone_refused
    return False


def usable(channel: Channel, contacts: Contacts) -> bool:
    """Whether the debtor has a valid contact point of their own for the channel (never a third party's) and
    has not refused the channel."""
    if refused(channel, contacts):
        return False
    if channel is Channel.EMAIL:
        return contacts.email
    if channel is Channel.SMS:
        return contacts.mobile
    if channel is Channel.PHONE:
        return contacts.mobile or contacts.phone
    if channel is Channel.PEC:
        return contacts.pec
    if channel is Channel.TASK:
        return True
    return contacts.address  # post, registered, visit


def route(strategy: Strategy, step: Step, contacts: Contacts) -> tuple[Action, Channel] | None:
    """The first (action, channel) of the step the debtor can be reached by; None: no usable contact."""
    for action, channel in strategy.routes[step.code]:
        if usable(channel, contacts):
            return action, channel
    return None
