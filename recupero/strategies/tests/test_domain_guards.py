"""Each guard, through the planner: the stable reason code, the step it concerns, and the detail."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from decimal import Decimal

import pytest

from recupero.strategies.domain import Contacts, Execute, Flag, History, Skip, plan
from recupero.strategies.tests import SETTINGS, done, snap, strategy

UTILITY = "utility-consumer"
TODAY = date(2026, 2, 23)  # a Monday; call_1 is due today after these two steps
BEFORE_CALL = done(
    ("reminder", "email_reminder", date(2026, 1, 26)),
    ("letter_1", "reminder_letter_1", date(2026, 2, 9)),
)

CASE_GUARDS = [
    ({"status": "paid"}, Skip("case_closed", None, "paid")),
    ({"status": "closed"}, Skip("case_closed", None, "closed")),
    ({"status": "returned"}, Skip("case_closed", None, "returned")),
    ({"balance": Decimal("0.00")}, Skip("case_closed", None, "working")),
    ({"status": "prescribed"}, Skip("prescribed", None, "status prescribed")),
    ({"prescription_deadline": date(2026, 2, 22)}, Flag("prescribed", "deadline 2026-02-22")),
    ({"status": "legal"}, Skip("legal")),
    ({"status": "disputed"}, Skip("dispute_open")),
    ({"open_dispute": True}, Skip("dispute_open")),  # a verification request pauses the case too
    ({"status": "promise"}, Skip("arrangement_active", None, "promise")),
    ({"status": "plan"}, Skip("arrangement_active", None, "plan")),
    ({"status": "settlement"}, Skip("arrangement_active", None, "settlement")),
    ({"active_arrangement": True}, Skip("arrangement_active", None, "working")),
    # the deadline itself is still in time: the prescription close fast-track applies instead (a formal demand
    # by PEC today, ahead of the ladder's call)
    (
        {"prescription_deadline": TODAY, "contacts": Contacts(pec=True)},
        ("formal_demand", "formal_demand_pec", "pec", "formal_demand", TODAY),
    ),
]


@pytest.mark.parametrize(("changes", "expected"), CASE_GUARDS)
def test_case_guards(changes, expected):
    decision = plan(snap(**changes), strategy(UTILITY), BEFORE_CALL, TODAY, SETTINGS)
    outcome = decision.outcome
    if isinstance(expected, tuple):
        assert isinstance(outcome, Execute)
        assert (
            outcome.step_code,
            outcome.action,
            outcome.channel,
            outcome.template,
            outcome.scheduled_for,
        ) == (expected)
    else:
        assert outcome == expected
    assert decision.extra == ()


@pytest.mark.parametrize("changes", [{"open_dispute": True}, {"status": "plan"}])
def test_paused_case_near_prescription_is_flagged_not_chased(changes):
    case = snap(prescription_deadline=date(2026, 5, 1), **changes)
    decision = plan(case, strategy(UTILITY), BEFORE_CALL, TODAY, SETTINGS)
    assert isinstance(decision.outcome, Skip)
    assert decision.extra == (Flag("prescription_close", "deadline 2026-05-01"),)


CALL_GUARDS = [
    # (today, conversations, contact window preset, expected)
    (date(2026, 2, 20), (), "unirec", Skip("waiting", "call_1", "2026-02-23")),
    (TODAY, (TODAY,), "unirec", Skip("frequency_limit", "call_1", "1 today")),
    (
        TODAY,
        (date(2026, 2, 17), date(2026, 2, 19), date(2026, 2, 21)),
        "unirec",
        Skip("frequency_limit", "call_1", "3 in 7 days"),
    ),
    (
        TODAY,
        (date(2026, 2, 16), date(2026, 2, 18), date(2026, 2, 20)),
        "unirec",
        "execute",
    ),  # 16th is 8 days ago
    (date(2026, 2, 28), (), "unirec", "execute"),  # Saturday: UNIREC allows 08:30-15:00
    (date(2026, 2, 28), (), "office_hours", Skip("outside_contact_window", "call_1", "2026-03-02")),
    (date(2026, 3, 1), (), "unirec", Skip("outside_contact_window", "call_1", "2026-03-02")),  # Sunday
]


@pytest.mark.parametrize(("today", "conversations", "window", "expected"), CALL_GUARDS)
def test_call_guards(today, conversations, window, expected):
    history = replace(BEFORE_CALL, conversations=conversations)
    decision = plan(snap(contact_window=window), strategy(UTILITY), history, today, SETTINGS)
    if expected == "execute":
        assert isinstance(decision.outcome, Execute)
        assert decision.outcome.scheduled_for == today
    else:
        assert decision.outcome == expected


def test_call_due_before_christmas_waits_for_the_next_window():
    history = done(("letter_1", "reminder_letter_1", date(2026, 12, 10)))
    ladder = strategy(UTILITY)
    # 10 working days after Thursday 10 December is Thursday 24 December
    assert plan(snap(), ladder, history, date(2026, 12, 23), SETTINGS).outcome == Skip(
        "waiting", "call_1", "2026-12-24"
    )
    call = plan(snap(), ladder, history, date(2026, 12, 24), SETTINGS).outcome
    assert isinstance(call, Execute) and call.window == (time(8, 30), time(21, 0))
    # not reached on the 24th: Christmas, Santo Stefano (a Saturday) and Sunday have no window
    for day in (date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 27)):
        outcome = plan(snap(), ladder, history, day, SETTINGS).outcome
        assert outcome == Skip("outside_contact_window", "call_1", "2026-12-28")


def test_unknown_window_preset_falls_back_to_the_default_not_to_no_limit():
    outcome = plan(snap(contact_window="nope"), strategy(UTILITY), BEFORE_CALL, date(2026, 3, 1), SETTINGS)
    assert outcome.outcome == Skip("outside_contact_window", "call_1", "2026-03-02")


TELCO_BEFORE_VISIT = done(
    ("reminder", "sms_reminder", date(2026, 1, 20)),
    ("letter_1", "reminder_letter_1", date(2026, 2, 4)),
    ("call_1", "phone_call", date(2026, 2, 13)),
    ("call_2", "phone_call", date(2026, 2, 27)),
    ("letter_2", "reminder_letter_2", date(2026, 3, 9)),
)
TELCO = {"sector": "telco", "claim_type": "telecom", "balance": Decimal("650.00")}


@pytest.mark.parametrize(
    ("today", "changes", "expected"),
    [
        (date(2026, 3, 23), {}, Skip("waiting", "home_visit", "2026-03-24")),
        # the wait is over on 24 March, but the arrears are 73 days old: visits only from day 90
        (date(2026, 3, 24), {}, Skip("visit_too_early", "home_visit", "2026-04-10")),
        (date(2026, 4, 9), {}, Skip("visit_too_early", "home_visit", "2026-04-10")),
        (date(2026, 4, 10), {}, "execute"),
        (date(2026, 4, 10), {"vulnerable": True}, Skip("vulnerable_no_visit", "home_visit", final=True)),
        (date(2026, 3, 24), {"vulnerable": True}, Skip("vulnerable_no_visit", "home_visit", final=True)),
        (date(2026, 4, 10), {"contacts": Contacts(mobile=True)}, Skip("no_contact", "home_visit", "visit")),
    ],
)
def test_visit_guards(today, changes, expected):
    decision = plan(snap(**TELCO, **changes), strategy("telco"), TELCO_BEFORE_VISIT, today, SETTINGS)
    if expected == "execute":
        assert decision.outcome.action == "home_visit"
        assert decision.outcome.channel == "visit"
    else:
        assert decision.outcome == expected


def test_visit_age_is_a_setting():
    strict = replace(SETTINGS, visit_min_days_past_due=120)
    decision = plan(snap(**TELCO), strategy("telco"), TELCO_BEFORE_VISIT, date(2026, 4, 10), strict)
    assert decision.outcome == Skip("visit_too_early", "home_visit", "2026-05-11")  # 10 May is a Sunday


BEFORE_SUSPENSION = done(
    ("reminder", "email_reminder", date(2026, 1, 26)),
    ("letter_1", "reminder_letter_1", date(2026, 2, 9)),
    ("call_1", "phone_call", date(2026, 2, 23)),
    ("letter_2", "reminder_letter_2", date(2026, 3, 10)),
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ("suspension_notice", "supply_suspension_notice", "registered")),
        (
            {"contacts": Contacts(pec=True, address=True)},
            ("suspension_notice", "supply_suspension_notice", "pec"),
        ),
        ({"vulnerable": True}, Skip("vulnerable_no_suspension", "suspension_notice", final=True)),
        # no active supply, or water: the notice would be an empty threat, the step does not apply
        ({"supply_active": False}, ("formal_demand", None, None)),
        ({"supply_active": None}, ("formal_demand", None, None)),
        ({"claim_type": "water"}, ("formal_demand", None, None)),
    ],
)
def test_suspension_guards(changes, expected):
    decision = plan(snap(**changes), strategy(UTILITY), BEFORE_SUSPENSION, date(2026, 3, 25), SETTINGS)
    outcome = decision.outcome
    if isinstance(expected, Skip):
        assert outcome == expected
    elif expected[1] is None:  # passed over: the next step waits 30 days from the second letter
        assert outcome == Skip("waiting", expected[0], "2026-04-09")
    else:
        assert (outcome.step_code, outcome.action, outcome.channel) == expected


def test_suspension_notice_prints_the_arera_terms():
    gas = plan(snap(claim_type="gas"), strategy(UTILITY), BEFORE_SUSPENSION, date(2026, 3, 25), SETTINGS)
    assert dict(gas.outcome.params) == {"payment_term_days": "15", "suspension_after_receipt_days": "40"}
    power = plan(snap(), strategy(UTILITY), BEFORE_SUSPENSION, date(2026, 3, 25), SETTINGS)
    assert dict(power.outcome.params) == {"payment_term_days": "15", "suspension_after_receipt_days": "25"}


@pytest.mark.parametrize("term", [10, 14])
def test_arera_payment_term_below_15_days_is_refused(term):
    with pytest.raises(ValueError, match="at least 15"):
        replace(SETTINGS, payment_term_days=term)


def test_no_contact_creates_a_skip_trace_task_instead():
    reminder_done = done(("reminder", "email_reminder", date(2026, 1, 26)))
    decision = plan(
        snap(contacts=Contacts(email=True)), strategy(UTILITY), reminder_done, date(2026, 2, 9), SETTINGS
    )
    assert decision.outcome == Skip("no_contact", "letter_1", "post")
    assert decision.extra == (
        Execute(
            "letter_1",
            "skip_trace",
            "task",
            "skip_trace",
            date(2026, 2, 9),
            "42:utility-consumer:letter_1:skip_trace",
        ),
    )


def test_optional_step_without_contact_is_skipped_for_good_without_a_task():
    decision = plan(
        snap(contacts=Contacts(address=True)), strategy(UTILITY), History(), date(2026, 1, 26), SETTINGS
    )
    assert decision.outcome == Skip("no_contact", "reminder", "email/sms", final=True)
    assert decision.extra == ()


@pytest.mark.parametrize(
    ("contacts", "action", "channel"),
    [
        (Contacts(email=True, mobile=True), "email_reminder", "email"),
        (Contacts(mobile=True), "sms_reminder", "sms"),  # the fallback
    ],
)
def test_fallback_action_when_the_first_channel_is_missing(contacts, action, channel):
    outcome = plan(snap(contacts=contacts), strategy(UTILITY), History(), date(2026, 1, 26), SETTINGS).outcome
    assert (outcome.action, outcome.channel) == (action, channel)


def test_landline_is_enough_for_a_call():
    outcome = plan(
        snap(contacts=Contacts(phone=True)), strategy(UTILITY), BEFORE_CALL, TODAY, SETTINGS
    ).outcome
    assert (outcome.action, outcome.channel) == ("phone_call", "phone")


def test_already_done_when_replanned_the_same_day():
    after = done(*[(r.step_code, r.action, r.on) for r in BEFORE_CALL.steps], ("call_1", "phone_call", TODAY))
    decision = plan(snap(), strategy(UTILITY), after, TODAY, SETTINGS)
    assert decision.outcome == Skip("already_done", "call_1", "2026-02-23")


def test_non_working_day_waits_for_the_next_working_day():
    # letter_2 was due on Tuesday 10 March; the run on Saturday 14 March (no run on the 10th-13th) waits
    history = done(
        *[(r.step_code, r.action, r.on) for r in BEFORE_CALL.steps], ("call_1", "phone_call", TODAY)
    )
    decision = plan(snap(), strategy(UTILITY), history, date(2026, 3, 14), SETTINGS)
    assert decision.outcome == Skip("waiting", "letter_2", "2026-03-16")


# The debtor's refusals (parties.domain.consents): a refused channel is never used, the step falls back to
# another way, and a step that could only go by refused channels is passed over for good (no skip trace).
REFUSALS = [
    (Contacts(email=True, mobile=True, email_refused=True), "reminder", ("sms_reminder", "sms")),
    (
        Contacts(email=True, mobile=True, email_refused=True, sms_refused=True),
        "reminder",
        Skip("channel_refused", "reminder", "email/sms", final=True),
    ),
    # e-mail refused and no mobile: an optional step without a usable way is skipped as before (no contact)
    (
        Contacts(email=True, email_refused=True),
        "reminder",
        Skip("no_contact", "reminder", "email/sms", final=True),
    ),
    (
        Contacts(mobile=True, phone=True, address=True, phone_refused=True),
        "call_1",
        Skip("channel_refused", "call_1", "phone", final=True),
    ),
    (Contacts(mobile=True, address=True, sms_refused=True), "call_1", ("phone_call", "phone")),
]


@pytest.mark.parametrize(("contacts", "step", "expected"), REFUSALS)
def test_refused_channels_are_never_used(contacts, step, expected):
    history, day = (History(), date(2026, 1, 26)) if step == "reminder" else (BEFORE_CALL, TODAY)
    decision = plan(snap(contacts=contacts), strategy(UTILITY), history, day, SETTINGS)
    if isinstance(expected, tuple):
        assert (decision.outcome.step_code, decision.outcome.action, decision.outcome.channel) == (
            step,
            *expected,
        )
    else:
        assert decision.outcome == expected
    assert decision.extra == ()
