"""Strategies, contact windows and segmentation as data: loading, checks, and the shipped files."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from recupero.strategies.domain import (
    Action,
    Anchor,
    Contacts,
    DayUnit,
    StrategyDataError,
    load_contact_windows,
    load_segmentation,
    shipped_strategies,
)
from recupero.strategies.domain.loader import parse_contact_windows, parse_strategy
from recupero.strategies.domain.segmentation import parse_segmentation
from recupero.strategies.domain.snapshot import ContactPoint
from recupero.strategies.tests import snap

LADDERS = {
    "utility-consumer": [
        ("fid_call", "phone_call", 7, "due_date", "calendar"),
        ("reminder", "email_reminder", 15, "due_date", "calendar"),
        ("letter_1", "reminder_letter_1", 30, "due_date", "calendar"),
        ("call_1", "phone_call", 10, "previous_step", "working"),
        ("letter_2", "reminder_letter_2", 15, "previous_step", "calendar"),
        ("suspension_notice", "supply_suspension_notice", 15, "previous_step", "calendar"),
        ("formal_demand", "formal_demand_pec", 30, "previous_step", "calendar"),
        ("legal_review", "legal_review", 25, "previous_step", "calendar"),
    ],
    "telco": [
        ("reminder", "sms_reminder", 10, "due_date", "calendar"),
        ("letter_1", "reminder_letter_1", 25, "due_date", "calendar"),
        ("call_1", "phone_call", 7, "previous_step", "working"),
        ("call_2", "phone_call", 10, "previous_step", "working"),
        ("letter_2", "reminder_letter_2", 10, "previous_step", "calendar"),
        ("home_visit", "home_visit", 15, "previous_step", "calendar"),
        ("formal_demand", "formal_demand_pec", 15, "previous_step", "calendar"),
        ("legal_review", "legal_review", 25, "previous_step", "calendar"),
    ],
    "b2b": [
        ("courtesy_email", "email_reminder", 7, "due_date", "calendar"),
        ("letter_1", "reminder_letter_1", 30, "due_date", "calendar"),
        ("call_1", "phone_call", 7, "previous_step", "working"),
        ("letter_2", "reminder_letter_2", 15, "previous_step", "calendar"),
        ("home_visit", "home_visit", 15, "previous_step", "calendar"),
        ("formal_demand", "formal_demand_pec", 15, "previous_step", "calendar"),
        ("legal_review", "legal_review", 20, "previous_step", "calendar"),
    ],
}


@pytest.mark.parametrize("code", sorted(LADDERS))
def test_shipped_ladders(code):
    ladder = shipped_strategies()[code]
    got = [(s.code, s.action, s.wait.days, s.wait.anchor, s.wait.unit) for s in ladder.steps]
    assert got == LADDERS[code]
    assert all(step.why and step.template for step in ladder.steps)
    assert ladder.demand_step is not None and ladder.demand_step.code == "formal_demand"
    assert ladder.demand_step.fallback is Action.FORMAL_DEMAND_REGISTERED


def test_shipped_conditions():
    utility, telco, b2b = (shipped_strategies()[c] for c in ("utility-consumer", "telco", "b2b"))
    suspension = utility.step("suspension_notice").conditions
    assert suspension.claim_types == {"electricity", "gas"} and suspension.supply_active is True
    assert utility.step("fid_call").conditions.first_invoice_default is True
    assert utility.step("legal_review").conditions.min_balance == Decimal("150.00")
    assert telco.step("home_visit").conditions.min_balance == Decimal("500.00")
    assert b2b.step("home_visit").conditions.min_days_past_due == 90


def _raw(**step):
    base = {"code": "s1", "action": "reminder_letter_1", "wait": {"days": 5}}
    return {"code": "x", "name": "X", "steps": [{**base, **step}]}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (_raw(action="fax"), "strategy.unknown_action"),
        (_raw(action="skip_trace"), "strategy.unknown_action"),
        (_raw(wait={"days": 3, "anchor": "invoice_date"}), "strategy.unknown_anchor"),
        (_raw(wait={"days": 3, "unit": "hours"}), "strategy.unknown_unit"),
        (_raw(wait={"days": -1}), "strategy.negative_wait"),
        (_raw(conditions={"colour": "red"}), "strategy.unknown_condition"),
        (_raw(conditions={"min_balance": "abc"}), "strategy.bad_amount"),
        (_raw(fallback="reminder_letter_2"), "strategy.useless_fallback"),
        ({"code": "x", "name": "X", "steps": []}, "strategy.no_steps"),
        ({"code": "x", "steps": []}, "strategy.missing_field"),
        (
            {"code": "x", "name": "X", "steps": [_raw()["steps"][0], _raw()["steps"][0]]},
            "strategy.duplicate_step",
        ),
    ],
)
def test_bad_strategy_data_fails_at_load(raw, code):
    with pytest.raises(StrategyDataError) as caught:
        parse_strategy(raw)
    assert caught.value.code == code


def test_defaults_of_a_step():
    step = parse_strategy(_raw()).steps[0]
    assert (step.wait.anchor, step.wait.unit, step.optional, step.fallback) == (
        Anchor.PREVIOUS_STEP,
        DayUnit.CALENDAR,
        False,
        None,
    )


def test_unirec_window_preset():
    unirec = load_contact_windows()["unirec"]
    assert unirec.on(date(2026, 3, 2)) == (time(8, 30), time(21, 0))  # Monday
    assert unirec.on(date(2026, 3, 7)) == (time(8, 30), time(15, 0))  # Saturday
    assert unirec.on(date(2026, 3, 8)) is None  # Sunday
    assert unirec.on(date(2026, 6, 2)) is None  # Festa della Repubblica, a Tuesday
    assert unirec.next_open(date(2026, 12, 25)) == date(
        2026, 12, 28
    )  # Christmas, Santo Stefano (Sat), Sunday


@pytest.mark.parametrize("hours", ["21:00-08:30", "8h-9h"])
def test_bad_window_hours(hours):
    with pytest.raises(StrategyDataError) as caught:
        parse_contact_windows({"w": {"mon": hours}})
    assert caught.value.code == "window.bad_hours"


def test_only_the_debtors_own_valid_contacts_are_usable():
    points = [
        ContactPoint("mobile", valid=True, owner_is_debtor=False),  # the debtor's mother: never
        ContactPoint("email", valid=False, owner_is_debtor=True),  # bounced
        ContactPoint("address", valid=True, owner_is_debtor=True),
        ContactPoint("pec", valid=True, owner_is_debtor=False),  # the employer's PEC: never
    ]
    assert Contacts.from_points(points) == Contacts(address=True)


SEGMENTS = [
    ({}, "utility-consumer"),
    ({"debtor_type": "micro"}, "utility-consumer"),
    ({"debtor_type": "sme"}, "b2b"),
    ({"sector": "supplier", "claim_type": "gas", "debtor_type": "consumer"}, "utility-consumer"),
    ({"sector": "telco", "claim_type": "telecom"}, "telco"),
    ({"sector": "telco", "claim_type": "telecom", "debtor_type": "large"}, "b2b"),
    ({"sector": "supplier", "claim_type": "ordinary", "debtor_type": "sme"}, "b2b"),
    ({"sector": "finance", "claim_type": "periodic"}, "b2b"),  # the default
]


@pytest.mark.parametrize(("changes", "expected"), SEGMENTS)
def test_shipped_segmentation(changes, expected):
    segmentation = load_segmentation()
    segmentation.check(shipped_strategies())
    assert segmentation.pick(snap(**changes)) == expected


def test_segmentation_first_match_wins_and_amount_bands():
    rules = parse_segmentation(
        {
            "default": "b2b",
            "rules": [
                {
                    "strategy": "telco",
                    "creditor_codes": ["VIP"],
                    "min_balance": "1000",
                    "max_balance": "5000",
                },
                {"strategy": "utility-consumer", "creditor_codes": ["VIP"]},
            ],
        }
    )
    assert rules.pick(snap(creditor_code="VIP", balance=Decimal("1000.00"))) == "telco"
    assert rules.pick(snap(creditor_code="VIP", balance=Decimal("5000.01"))) == "utility-consumer"
    assert rules.pick(snap(creditor_code="OTHER")) == "b2b"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"rules": []}, "segmentation.no_default"),
        ({"default": "b2b", "rules": [{"sectors": ["utility"]}]}, "segmentation.bad_rule"),
        ({"default": "b2b", "rules": [{"strategy": "b2b", "colour": "x"}]}, "segmentation.bad_rule"),
    ],
)
def test_bad_segmentation(raw, code):
    with pytest.raises(StrategyDataError) as caught:
        parse_segmentation(raw)
    assert caught.value.code == code


def test_segmentation_naming_a_missing_strategy_fails_the_check():
    rules = parse_segmentation({"default": "nope"})
    with pytest.raises(StrategyDataError) as caught:
        rules.check(shipped_strategies())
    assert caught.value.code == "segmentation.unknown_strategy"
