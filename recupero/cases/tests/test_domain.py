import datetime as dt
from decimal import Decimal

import pytest

from recupero.cases.domain.claims import check_amount, check_dates
from recupero.cases.domain.codes import case_code, is_case_code
from recupero.cases.domain.states import OPEN_STATUSES, TRANSITIONS, CaseStatus, can_transition


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120.50", (Decimal("120.50"), None)),
        ("7", (Decimal("7.00"), None)),
        ("-1.00", (None, "case.negative_amount")),
        ("0", (None, "case.bad_amount")),
        ("12.345", (None, "case.bad_amount")),
        ("abc", (None, "case.bad_amount")),
        ("NaN", (None, "case.bad_amount")),
        ("Infinity", (None, "case.bad_amount")),
    ],
)
def test_check_amount_never_rounds(value, expected):
    assert check_amount(value) == expected


def test_due_before_issue():
    assert check_dates(dt.date(2025, 3, 1), dt.date(2025, 2, 28)) == "case.due_before_issue"
    assert check_dates(dt.date(2025, 3, 1), dt.date(2025, 3, 1)) is None
    assert check_dates(dt.date(2025, 3, 1), None) is None


@pytest.mark.parametrize(("seq", "code"), [(1, "P00000018"), (1234, "P00012344"), (9999999, "P99999997")])
def test_case_code_has_luhn_check_digit(seq, code):
    assert case_code(seq) == code
    assert is_case_code(code)
    assert not is_case_code(code[:-1] + str((int(code[-1]) + 1) % 10))


@pytest.mark.parametrize(
    ("source", "target", "ok"),
    [
        ("new", "working", True),
        ("working", "promise", True),
        ("promise", "working", True),
        ("paid", "working", False),
        ("closed", "working", False),
        ("prescribed", "working", False),
        ("disputed", "promise", False),
        ("plan", "paid", True),
        ("returned", "closed", False),
    ],
)
def test_transition_table(source, target, ok):
    assert can_transition(source, target) is ok


def test_every_status_has_a_row_and_terminal_states_have_no_exit():
    assert set(TRANSITIONS) == set(CaseStatus)
    assert TRANSITIONS[CaseStatus.CLOSED] == frozenset() == TRANSITIONS[CaseStatus.RETURNED]
    assert CaseStatus.PAID not in OPEN_STATUSES
