"""The desk's rules as data and the item lock, table-driven, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from recupero.worklists.domain.items import CASE_TARGETS, OUTCOMES, WRONG_CONTACT, ItemKind, Outcome
from recupero.worklists.domain.lock import held_by_other, lock_until
from recupero.worklists.domain.rules import Facts, Rule, assignee, check_rule, language_of

F = Facts(creditor_id=1, consultant_id=7, province="MI", balance=Decimal("1500.00"), country="DE")
RULES = [
    Rule(30, user_id=300),  # catch-all
    Rule(10, creditor_id=2, user_id=100),
    Rule(20, province="mi", amount_min=Decimal("1000"), amount_max=Decimal("5000"), team_id=9),
    Rule(5, language="de", user_id=500),
]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (F, (500, None)),  # German speaker first (position 5)
        (Facts(1, 7, "MI", Decimal("1500.00"), "IT"), (None, 9)),  # province + band
        (Facts(1, 7, "MI", Decimal("5000.00"), "IT"), (300, None)),  # band max is exclusive
        (Facts(1, 7, "MI", Decimal("1000.00"), "IT"), (None, 9)),  # band min is inclusive
        (Facts(2, None, "RM", Decimal("10.00"), "IT"), (100, None)),  # creditor
        (Facts(3, None, "RM", Decimal("10.00"), ""), (300, None)),
    ],
)
def test_first_matching_rule_by_position(facts, expected):
    assert assignee(RULES, facts) == expected


@pytest.mark.parametrize(
    ("rule", "field", "value", "matches"),
    [
        (Rule(1, consultant_id=7, user_id=1), "consultant_id", 7, True),
        (Rule(1, consultant_id=8, user_id=1), "consultant_id", 7, False),
        (Rule(1, language="fr", user_id=1), "country", "BE", True),
        (Rule(1, language="fr", user_id=1), "country", "", False),
    ],
)
def test_each_condition(rule, field, value, matches):
    facts = Facts(**{**F.__dict__, field: value})
    assert rule.matches(facts) is matches


def test_no_rule_matches():
    assert assignee([Rule(1, creditor_id=99, user_id=1)], F) is None


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (Rule(1), "indichi un operatore oppure una squadra"),
        (Rule(1, user_id=1, team_id=2), "indichi un operatore oppure una squadra"),
        (
            Rule(1, user_id=1, amount_min=Decimal("10"), amount_max=Decimal("10")),
            "l'importo minimo deve essere inferiore al massimo",
        ),
        (Rule(1, user_id=1, language="xx"), "lingua sconosciuta «xx»"),
        (Rule(1, user_id=1, province="MIL"), "provincia non valida «MIL»"),
        (Rule(1, team_id=3, province="MI", language="de"), ""),
    ],
)
def test_check_rule(rule, problem):
    assert check_rule(rule) == problem


@pytest.mark.parametrize(
    ("country", "language"), [("IT", "it"), ("at", "de"), ("RO", "ro"), ("ZZ", ""), ("", "")]
)
def test_language_of_country(country, language):
    assert language_of(country) == language


T = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("locked_by", "until", "actor", "held"),
    [
        (None, None, 1, False),
        (1, T + dt.timedelta(minutes=5), 1, False),  # my own lock
        (2, T + dt.timedelta(minutes=5), 1, True),
        (2, T, 1, False),  # expired at this instant
        (2, T - dt.timedelta(seconds=1), 1, False),
        (2, None, 1, False),
    ],
)
def test_lock(locked_by, until, actor, held):
    assert held_by_other(locked_by, until, actor, T) is held


def test_lock_lasts_fifteen_minutes():
    assert lock_until(T) == dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("outcome", "target"),
    [
        (Outcome.DECEASED, "legal"),
        (Outcome.INSOLVENCY, "legal"),
        (Outcome.REFUSED, "working"),
        (Outcome.RIGHT_PARTY, "working"),
    ],
)
def test_where_outcomes_lead(outcome, target):
    assert CASE_TARGETS[outcome] == target


def test_outcomes_per_kind():
    assert set(OUTCOMES[ItemKind.CALL]) >= {
        Outcome.RIGHT_PARTY,
        Outcome.WRONG_PARTY,
        Outcome.REFUSED,
        Outcome.DECEASED,
        Outcome.INSOLVENCY,
        Outcome.CALL_BACK,
        Outcome.DISPUTE,
    }
    assert set(OUTCOMES[ItemKind.VISIT]) >= {
        Outcome.MET,
        Outcome.NOT_HOME,
        Outcome.MOVED,
        Outcome.DOOR_NOTICE,
        Outcome.PROMISE,
    }
    assert {Outcome.WRONG_NUMBER, Outcome.WRONG_PARTY} == WRONG_CONTACT
