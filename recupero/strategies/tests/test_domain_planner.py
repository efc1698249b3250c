"""The planner: anchors and calendars, the three shipped ladders walked day by day, prescription close,
idempotency, preview, the run report. Exact dates everywhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from recupero.strategies.domain import (
    Contacts,
    Execute,
    Flag,
    History,
    RunReport,
    Skip,
    StepRecord,
    plan,
    preview,
    report,
)
from recupero.strategies.domain.loader import parse_strategy
from recupero.strategies.tests import ALL_CONTACTS, SETTINGS, done, snap, strategy, walk

UTILITY = "utility-consumer"


def one_step(days, anchor, unit):
    return parse_strategy(
        {
            "code": "t",
            "name": "T",
            "steps": [
                {"code": "first", "action": "email_reminder", "wait": {"days": 0, "anchor": "case_opened"}},
                {
                    "code": "s",
                    "action": "reminder_letter_1",
                    "wait": {"days": days, "anchor": anchor, "unit": unit},
                },
            ],
        }
    )


ANCHORS = [
    # (anchor, unit, days, case fields, previous step day, expected due day)
    ("due_date", "working", 1, {"first_due_date": date(2026, 12, 24)}, None, date(2026, 12, 28)),
    (
        "due_date",
        "working",
        1,
        {"first_due_date": date(2026, 10, 2)},
        None,
        date(2026, 10, 5),
    ),  # 4 Oct: Sunday
    ("due_date", "calendar", 30, {"first_due_date": date(2026, 1, 10)}, None, date(2026, 2, 9)),
    (
        "due_date",
        "calendar",
        30,
        {"first_due_date": date(2026, 3, 26)},
        None,
        date(2026, 4, 27),
    ),  # 25 Apr Sat
    ("previous_step", "working", 1, {}, date(2026, 12, 24), date(2026, 12, 28)),
    ("previous_step", "working", 10, {}, date(2026, 4, 20), date(2026, 5, 5)),  # 25 Apr Sat, 1 May Fri
    ("previous_step", "calendar", 15, {}, date(2026, 7, 31), date(2026, 8, 17)),  # 15 Aug Sat, 16 Sun
    ("case_opened", "calendar", 1, {"opened_on": date(2026, 3, 6)}, None, date(2026, 3, 9)),  # Sat → Mon
    ("case_opened", "working", 5, {"opened_on": date(2026, 3, 30)}, None, date(2026, 4, 7)),  # Easter Monday
]


@pytest.mark.parametrize(("anchor", "unit", "days", "changes", "previous", "expected"), ANCHORS)
def test_anchors_and_calendars(anchor, unit, days, changes, previous, expected):
    ladder = one_step(days, anchor, unit)
    case = snap(**changes)
    history = done(("first", "email_reminder", previous or case.opened_on))
    day_before = date.fromordinal(expected.toordinal() - 1)
    assert plan(case, ladder, history, day_before, SETTINGS).outcome == Skip(
        "waiting", "s", expected.isoformat()
    )
    outcome = plan(case, ladder, history, expected, SETTINGS).outcome
    assert isinstance(outcome, Execute) and outcome.scheduled_for == expected


def test_previous_step_anchor_without_a_previous_step_counts_from_the_opening():
    ladder = parse_strategy(
        {
            "code": "t",
            "name": "T",
            "steps": [{"code": "s", "action": "reminder_letter_1", "wait": {"days": 3}}],
        }
    )
    case = snap(opened_on=date(2026, 2, 2))
    assert plan(case, ladder, History(), date(2026, 2, 2), SETTINGS).outcome == Skip(
        "waiting", "s", "2026-02-05"
    )


def test_nothing_happens_before_the_case_is_opened():
    # a case entrusted long after the due date: the overdue steps come one a day, starting on the opening day
    case = snap(opened_on=date(2026, 4, 1))
    got = walk(case, UTILITY, date(2026, 4, 20))
    assert got == [
        ("reminder", "email_reminder", "email", date(2026, 4, 1)),
        ("letter_1", "reminder_letter_1", "post", date(2026, 4, 2)),
        ("call_1", "phone_call", "phone", date(2026, 4, 17)),  # 10 working days: Easter Monday 6 April
    ]


UTILITY_WALK = [
    ("fid_call", "phone_call", "phone", date(2026, 1, 17)),  # due + 7 is a Saturday: UNIREC allows calls
    ("reminder", "email_reminder", "email", date(2026, 1, 26)),  # due + 15 = Sunday 25 → Monday
    ("letter_1", "reminder_letter_1", "post", date(2026, 2, 9)),  # due + 30
    ("call_1", "phone_call", "phone", date(2026, 2, 23)),  # + 10 working days
    ("letter_2", "reminder_letter_2", "post", date(2026, 3, 10)),  # + 15
    ("suspension_notice", "supply_suspension_notice", "registered", date(2026, 3, 25)),  # + 15
    ("formal_demand", "formal_demand_registered", "registered", date(2026, 4, 24)),  # + 30, no PEC
    ("legal_review", "legal_review", "task", date(2026, 5, 19)),  # + 25
]


def test_utility_consumer_ladder():
    case = snap(first_invoice_default=True, opened_on=date(2026, 1, 12))
    assert walk(case, UTILITY, date(2026, 9, 1)) == UTILITY_WALK


def test_utility_small_balance_ends_at_the_demand_and_the_ladder_is_complete():
    case = snap(balance=Decimal("149.99"), supply_active=False)
    got = walk(case, UTILITY, date(2026, 9, 1))
    assert [g[0] for g in got] == ["reminder", "letter_1", "call_1", "letter_2", "formal_demand"]
    assert got[-1][3] == date(2026, 4, 9)  # 30 days after the second letter, no suspension notice
    final = done(*[(g[0], g[1], g[3]) for g in got])
    assert plan(case, strategy(UTILITY), final, date(2026, 9, 1), SETTINGS).outcome == Skip(
        "strategy_complete"
    )


def test_utility_vulnerable_debtor_gets_no_suspension_notice():
    got = walk(snap(vulnerable=True), UTILITY, date(2026, 9, 1))
    assert got[4:] == [
        ("suspension_notice", "skipped", "vulnerable_no_suspension", date(2026, 3, 25)),
        ("formal_demand", "formal_demand_registered", "registered", date(2026, 4, 24)),
        ("legal_review", "legal_review", "task", date(2026, 5, 19)),
    ]


TELCO = {"sector": "telco", "claim_type": "telecom", "balance": Decimal("650.00"), "supply_active": None}
TELCO_WALK = [
    ("reminder", "sms_reminder", "sms", date(2026, 1, 20)),  # due + 10
    ("letter_1", "reminder_letter_1", "post", date(2026, 2, 4)),  # due + 25
    ("call_1", "phone_call", "phone", date(2026, 2, 13)),  # + 7 working days
    ("call_2", "phone_call", "phone", date(2026, 2, 27)),  # + 10 working days
    ("letter_2", "reminder_letter_2", "post", date(2026, 3, 9)),  # + 10
    ("home_visit", "home_visit", "visit", date(2026, 4, 10)),  # + 15 = 24 March, but only from day 90
    (
        "formal_demand",
        "formal_demand_registered",
        "registered",
        date(2026, 4, 27),
    ),  # + 15 = Sat 25 Apr, holiday
    ("legal_review", "legal_review", "task", date(2026, 5, 22)),  # + 25
]


def test_telco_ladder():
    assert walk(snap(**TELCO), "telco", date(2026, 9, 1), talk=True) == TELCO_WALK


def test_telco_vulnerable_debtor_gets_no_visit():
    got = walk(snap(**TELCO, vulnerable=True), "telco", date(2026, 9, 1))
    assert got[5:] == [
        ("home_visit", "skipped", "vulnerable_no_visit", date(2026, 3, 24)),
        ("formal_demand", "formal_demand_registered", "registered", date(2026, 4, 8)),
        ("legal_review", "legal_review", "task", date(2026, 5, 4)),  # + 25 = Sunday 3 May
    ]


def test_telco_small_balance_has_no_visit_and_no_legal_review():
    got = walk(snap(**{**TELCO, "balance": Decimal("120.00")}), "telco", date(2026, 9, 1))
    assert [g[0] for g in got] == ["reminder", "letter_1", "call_1", "call_2", "letter_2", "formal_demand"]
    assert got[-1][3] == date(2026, 3, 24)  # 15 days after the second letter


B2B = {"sector": "supplier", "claim_type": "ordinary", "debtor_type": "sme", "balance": Decimal("12500.00")}
B2B_WALK = [
    ("courtesy_email", "email_reminder", "email", date(2026, 1, 20)),  # due + 7 is before the opening
    ("letter_1", "reminder_letter_1", "post", date(2026, 2, 9)),  # due + 30
    ("call_1", "phone_call", "phone", date(2026, 2, 18)),  # + 7 working days
    ("letter_2", "reminder_letter_2", "post", date(2026, 3, 5)),  # + 15
    ("home_visit", "home_visit", "visit", date(2026, 4, 10)),  # + 15 = 20 March; condition: 90 days past due
    ("formal_demand", "formal_demand_pec", "pec", date(2026, 4, 27)),  # + 15 = Sat 25 April (holiday)
    ("legal_review", "legal_review", "task", date(2026, 5, 18)),  # + 20 = Sunday 17 May
]


def test_b2b_ladder():
    assert walk(snap(**B2B, contacts=ALL_CONTACTS), "b2b", date(2026, 9, 1)) == B2B_WALK


def test_b2b_without_pec_sends_the_demand_by_registered_mail():
    got = walk(snap(**B2B, contacts=Contacts(email=True, phone=True, address=True)), "b2b", date(2026, 9, 1))
    assert got[5] == ("formal_demand", "formal_demand_registered", "registered", date(2026, 4, 27))


def test_records_of_another_strategy_are_ignored():
    history = History((StepRecord("letter_1", "reminder_letter_1", date(2026, 2, 4), strategy_code="telco"),))
    outcome = plan(snap(), strategy(UTILITY), history, date(2026, 1, 26), SETTINGS).outcome
    assert outcome.step_code == "reminder"


def test_the_ladder_never_goes_back():
    # call_1 was passed (final skip); the reminder, never done, is not sent after it
    history = History((StepRecord("call_1", "phone_call", date(2026, 2, 23), "skipped"),))
    outcome = plan(snap(), strategy(UTILITY), history, date(2026, 3, 10), SETTINGS).outcome
    assert outcome.step_code == "letter_2"


# --- prescription close -------------------------------------------------------------------------------------

TODAY = date(2026, 3, 2)  # Monday; the ladder is between letter_1 and call_1
LADDER_SO_FAR = done(
    ("reminder", "email_reminder", date(2026, 1, 26)), ("letter_1", "reminder_letter_1", TODAY)
)
IN_PROGRESS = done(
    ("reminder", "email_reminder", date(2026, 1, 26)), ("letter_1", "reminder_letter_1", date(2026, 2, 9))
)


@pytest.mark.parametrize(
    ("contacts", "deadline", "expected", "extra"),
    [
        # PEC: the receipt comes the same day
        (ALL_CONTACTS, date(2026, 6, 30), ("formal_demand_pec", "pec", TODAY), ()),
        (ALL_CONTACTS, date(2026, 3, 2), ("formal_demand_pec", "pec", TODAY), ()),
        # raccomandata: up to 10 working days; 16 March is still in time for a deadline on the 16th
        (Contacts(address=True), date(2026, 3, 16), ("formal_demand_registered", "registered", TODAY), ()),
        (
            Contacts(address=True),
            date(2026, 3, 13),
            ("formal_demand_registered", "registered", TODAY),
            (Flag("prescription_at_risk", "receipt by 2026-03-16, deadline 2026-03-13"),),
        ),
    ],
)
def test_prescription_close_fast_tracks_the_formal_demand(contacts, deadline, expected, extra):
    case = snap(contacts=contacts, prescription_deadline=deadline)
    decision = plan(case, strategy(UTILITY), IN_PROGRESS, TODAY, SETTINGS)
    outcome = decision.outcome
    assert (outcome.action, outcome.channel, outcome.scheduled_for) == expected
    assert (outcome.step_code, outcome.template) == ("formal_demand", "formal_demand")
    assert outcome.idempotency_key == "42:utility-consumer:formal_demand"
    assert decision.extra == extra


def test_prescription_close_threshold_is_a_setting():
    ladder = strategy(UTILITY)
    at_121 = snap(prescription_deadline=date(2026, 7, 1))  # 121 days after 2 March
    assert plan(at_121, ladder, IN_PROGRESS, TODAY, SETTINGS).outcome.step_code == "call_1"
    at_120 = snap(prescription_deadline=date(2026, 6, 30))
    assert plan(at_120, ladder, IN_PROGRESS, TODAY, SETTINGS).outcome.step_code == "formal_demand"
    wider = replace(SETTINGS, prescription_close_days=121)
    assert plan(at_121, ladder, IN_PROGRESS, TODAY, wider).outcome.step_code == "formal_demand"


def test_registered_demand_on_a_saturday_goes_out_on_monday():
    case = snap(contacts=Contacts(address=True), prescription_deadline=date(2026, 5, 1))
    outcome = plan(case, strategy(UTILITY), IN_PROGRESS, date(2026, 3, 7), SETTINGS).outcome
    assert (outcome.action, outcome.scheduled_for) == ("formal_demand_registered", date(2026, 3, 9))


def test_prescription_close_without_any_address():
    case = snap(contacts=Contacts(email=True), prescription_deadline=date(2026, 4, 1))
    decision = plan(case, strategy(UTILITY), IN_PROGRESS, TODAY, SETTINGS)
    assert decision.outcome == Skip("no_contact", "formal_demand", "pec or address")
    trace, risk = decision.extra
    assert (trace.action, trace.idempotency_key) == (
        "skip_trace",
        "42:utility-consumer:formal_demand:skip_trace",
    )
    assert risk == Flag("prescription_at_risk", "no address for a demand, deadline 2026-04-01")


@pytest.mark.parametrize(
    ("record", "fast_track"),
    [
        (
            StepRecord("formal_demand", "formal_demand_registered", date(2026, 2, 20), "sent"),
            False,
        ),  # travelling
        (StepRecord("formal_demand", "formal_demand_pec", date(2026, 2, 20), "delivered"), False),
        (StepRecord("suspension_notice", "supply_suspension_notice", date(2026, 2, 20), "sent"), False),
        (
            StepRecord("formal_demand", "formal_demand_registered", date(2026, 1, 5), "sent"),
            True,
        ),  # 56 days, no card
        (StepRecord("formal_demand", "formal_demand_registered", date(2026, 2, 20), "failed"), True),
        (
            StepRecord("formal_demand", "formal_demand_pec", date(2025, 1, 20), "delivered"),
            True,
        ),  # before interruption
    ],
)
def test_no_second_demand_while_one_is_pending(record, fast_track):
    case = snap(prescription_deadline=date(2026, 5, 1), last_interruption=date(2025, 2, 1))
    history = History((*IN_PROGRESS.steps, record))
    outcome = plan(case, strategy(UTILITY), history, TODAY, SETTINGS).outcome
    if fast_track:
        assert outcome.action == "formal_demand_registered"
        # a new attempt of the same step gets a new key, else the lead would drop it as a duplicate
        assert outcome.idempotency_key == "42:utility-consumer:formal_demand#2"
    else:
        assert not (isinstance(outcome, Execute) and outcome.action.startswith("formal_demand"))


def test_prescription_close_in_a_ladder_without_a_demand_step():
    ladder = parse_strategy(
        {
            "code": "soft",
            "name": "S",
            "steps": [{"code": "s", "action": "email_reminder", "wait": {"days": 90}}],
        }
    )
    case = snap(contacts=ALL_CONTACTS, prescription_deadline=date(2026, 4, 1))
    outcome = plan(case, ladder, History(), TODAY, SETTINGS).outcome
    assert (outcome.step_code, outcome.action, outcome.template, outcome.idempotency_key) == (
        "prescription_demand",
        "formal_demand_pec",
        "formal_demand",
        "42:soft:prescription_demand",
    )


# --- idempotency, replanning, preview -------------------------------------------------------------------------


def test_idempotency_keys_are_stable():
    ladder = strategy(UTILITY)
    first = plan(snap(), ladder, LADDER_SO_FAR, date(2026, 3, 16), SETTINGS)
    again = plan(snap(), ladder, LADDER_SO_FAR, date(2026, 3, 16), SETTINGS)
    later = plan(snap(), ladder, LADDER_SO_FAR, date(2026, 3, 17), SETTINGS)  # not done yesterday: same key
    assert first == again
    assert first.outcome.idempotency_key == later.outcome.idempotency_key == "42:utility-consumer:call_1"


def test_a_failed_step_is_retried_under_a_new_key():
    failed = History((*LADDER_SO_FAR.steps, StepRecord("call_1", "phone_call", date(2026, 3, 16), "failed")))
    outcome = plan(snap(), strategy(UTILITY), failed, date(2026, 3, 17), SETTINGS).outcome
    assert (outcome.step_code, outcome.idempotency_key) == ("call_1", "42:utility-consumer:call_1#2")


def test_replanning_after_execution_is_already_done():
    ladder = strategy(UTILITY)
    decision = plan(snap(), ladder, IN_PROGRESS, date(2026, 2, 23), SETTINGS)
    executed = History((*IN_PROGRESS.steps, StepRecord("call_1", "phone_call", date(2026, 2, 23))))
    assert plan(snap(), ladder, executed, date(2026, 2, 23), SETTINGS).outcome == Skip(
        "already_done", "call_1", "2026-02-23"
    )
    assert decision.outcome.idempotency_key == "42:utility-consumer:call_1"
    # the next day the ladder goes on: letter_2 waits 15 days from the call
    assert plan(snap(), ladder, executed, date(2026, 2, 24), SETTINGS).outcome == Skip(
        "waiting", "letter_2", "2026-03-10"
    )


def test_preview_is_tomorrows_plan():
    ladder = strategy(UTILITY)
    assert preview(snap(), ladder, IN_PROGRESS, date(2026, 2, 22), SETTINGS) == plan(
        snap(), ladder, IN_PROGRESS, date(2026, 2, 23), SETTINGS
    )


def test_run_report():
    ladder, day = strategy(UTILITY), date(2026, 2, 23)
    decisions = [
        plan(snap(), ladder, IN_PROGRESS, day, SETTINGS),  # call_1
        plan(snap(case_id=2), ladder, IN_PROGRESS, day, SETTINGS),  # call_1
        plan(snap(status="paid"), ladder, IN_PROGRESS, day, SETTINGS),
        plan(snap(prescription_deadline=date(2026, 1, 1)), ladder, IN_PROGRESS, day, SETTINGS),
        plan(
            snap(contacts=Contacts(email=True)),
            ladder,
            done(("reminder", "email_reminder", date(2026, 1, 26))),
            day,
            SETTINGS,
        ),
        plan(snap(), ladder, IN_PROGRESS, date(2026, 2, 20), SETTINGS),  # waiting
    ]
    run = report(decisions)
    assert run.as_dict() == {
        "cases_seen": 6,
        "steps_executed": 2,
        "skipped": {"case_closed": 1, "no_contact": 1, "waiting": 1},
        "by_action": {"phone_call": 2, "skip_trace": 1},
        "by_step": {"utility-consumer/call_1": 2},
        "by_channel": {"phone": 2, "task": 1},
        "flagged": 1,
        "flags": {"prescribed": 1},
    }
    assert run.merge(run).as_dict()["by_action"] == {"phone_call": 4, "skip_trace": 2}
    assert RunReport().as_dict()["cases_seen"] == 0
