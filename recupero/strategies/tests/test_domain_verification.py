"""Issue 10: the flags set at intake act in the planner. An identity "to verify" holds the SIC notice and the
legal review (and asks for a verification task); an address "to verify" is not used for post until checked —
another channel goes instead, else a verification task (never a skip trace: the address exists)."""

from __future__ import annotations

from datetime import date

import pytest

from recupero.strategies.domain import Contacts, Execute, History, Skip, plan
from recupero.strategies.domain.loader import parse_strategy
from recupero.strategies.tests import SETTINGS, done, snap, strategy

TODAY = date(2026, 3, 2)  # a Monday
VERIFY = Execute("verify_data", "verify_data", "task", "verify_data", TODAY, "42:verify_data")


def ladder(action: str):
    return parse_strategy(
        {
            "code": "t",
            "name": "T",
            "steps": [
                {"code": "first", "action": "email_reminder", "wait": {"days": 0, "anchor": "case_opened"}},
                {"code": "s", "action": action, "wait": {"days": 1}},
            ],
        }
    )


FIRST_DONE = done(("first", "email_reminder", date(2026, 2, 2)))
ALL = Contacts(email=True, mobile=True, pec=True, address=True)

# (step action, identity to verify, contacts, expected outcome: an Execute's (action, channel) or a Skip, a
# verify task among the extras — asked for by every decision of an open case while the identity is to verify)
IDENTITY = [
    ("bureau_notice", True, ALL, Skip("identity_to_verify", "s"), True),
    ("bureau_notice", False, ALL, ("bureau_notice", "pec"), False),
    ("legal_review", True, ALL, Skip("identity_to_verify", "s"), True),
    ("legal_review", False, ALL, ("legal_review", "task"), False),
    # demands and letters go on: they interrupt prescription and name the debtor as the creditor's file does
    ("formal_demand_pec", True, ALL, ("formal_demand_pec", "pec"), True),
    ("reminder_letter_1", True, ALL, ("reminder_letter_1", "post"), True),
    ("phone_call", True, ALL, ("phone_call", "phone"), True),
    ("phone_call", False, ALL, ("phone_call", "phone"), False),
]


@pytest.mark.parametrize(("action", "to_verify", "contacts", "expected", "task"), IDENTITY)
def test_identity_to_verify_holds_bureau_and_legal_steps(action, to_verify, contacts, expected, task):
    case = snap(identity_to_verify=to_verify, contacts=contacts)
    decision = plan(case, ladder(action), FIRST_DONE, TODAY, SETTINGS)
    outcome = decision.outcome
    if isinstance(expected, Skip):
        assert outcome == expected
    else:
        assert isinstance(outcome, Execute) and (outcome.action, outcome.channel) == expected
    assert decision.extra.count(VERIFY) == (1 if task else 0)


def test_a_closed_case_asks_for_nothing():
    decision = plan(
        snap(identity_to_verify=True, status="paid"), ladder("legal_review"), FIRST_DONE, TODAY, SETTINGS
    )
    assert decision.extra == ()


# (step action, contacts, expected outcome, extras)
ADDRESS = [
    # the only address is doubtful: the letter waits for the check, a verify task (not a skip trace)
    (
        "reminder_letter_1",
        Contacts(email=True, address_to_verify=True),
        Skip("address_to_verify", "s", "post"),
        1,
    ),
    # a good address beside the doubtful one: it is used
    ("reminder_letter_1", Contacts(address=True, address_to_verify=True), ("reminder_letter_1", "post"), 0),
    # another channel of the step: the ladder uses it
    ("formal_demand_pec", Contacts(pec=True, address_to_verify=True), ("formal_demand_pec", "pec"), 0),
    ("home_visit", Contacts(mobile=True, address_to_verify=True), Skip("address_to_verify", "s", "visit"), 1),
    # no address at all: a skip trace, as before
    ("reminder_letter_1", Contacts(email=True), Skip("no_contact", "s", "post"), 0),
]


@pytest.mark.parametrize(("action", "contacts", "expected", "verify_tasks"), ADDRESS)
def test_an_address_to_verify_is_used_only_once_checked(action, contacts, expected, verify_tasks):
    case = snap(contacts=contacts, first_due_date=date(2025, 6, 1))  # old enough for a visit
    decision = plan(case, ladder(action), FIRST_DONE, TODAY, SETTINGS)
    outcome = decision.outcome
    if isinstance(expected, Skip):
        assert outcome == expected
    else:
        assert isinstance(outcome, Execute) and (outcome.action, outcome.channel) == expected
    assert sum(1 for e in decision.extra if e == VERIFY) == verify_tasks
    if expected == Skip("no_contact", "s", "post"):
        assert [e.action for e in decision.extra] == ["skip_trace"]


def test_prescription_close_with_only_a_doubtful_address_asks_for_the_check():
    case = snap(contacts=Contacts(email=True, address_to_verify=True), prescription_deadline=date(2026, 4, 1))
    decision = plan(case, strategy("utility-consumer"), History(), TODAY, SETTINGS)
    assert decision.outcome == Skip("address_to_verify", "formal_demand", "pec or address")
    verify, risk = decision.extra
    assert verify == VERIFY and risk.reason == "prescription_at_risk"


def test_a_verify_step_cannot_be_written_in_a_ladder():
    from recupero.strategies.domain.loader import StrategyDataError

    with pytest.raises(StrategyDataError):
        ladder("verify_data")
