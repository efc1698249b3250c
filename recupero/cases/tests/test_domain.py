import datetime as dt
from decimal import Decimal

import pytest

from recupero.cases.domain.claims import check_amount, check_dates
from recupero.cases.domain.codes import case_code, is_case_code
from recupero.cases.domain.search import invoice_number_keys, name_orders
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
        ("paid", "working", True),  # its payment reversed
        ("paid", "new", False),
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


# --- search keys ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "keys"),
    [
        ("47985/2025", ("47985", "2025")),
        ("FT-2025-000123", ("2025", "123")),
        ("2025E000000123", ("2025", "123")),
        ("T2501000000123", ("2501000000123", "")),
        ("000/0000", ("0", "0")),
        ("A/12/7/2024", ("12", "2024")),
        ("ABC", ("", "")),
        ("", ("", "")),
    ],
)
def test_invoice_number_keys(number, keys):
    assert invoice_number_keys(number) == keys


@pytest.mark.parametrize(
    ("text", "orders"),
    [
        ("barone", ["barone"]),
        ("Edoardo Barone", ["edoardo barone", "barone edoardo"]),
        ("anna de luca", ["anna de luca", "de luca anna", "luca anna de"]),
        ("rossi rossi", ["rossi rossi"]),
        ("a b c d e f", ["a b c d e f"]),
    ],
)
def test_name_orders(text, orders):
    assert name_orders(text) == orders
