"""The outcome form read as an Italian writes it, and the limits of a promise and a call-back (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from recupero.law.contact_windows import load_contact_windows
from recupero.worklists.domain.form import (
    FormError,
    check_call_back,
    check_promise,
    parse_amount,
    parse_date,
    parse_time,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1234.56", Decimal("1234.56")),
        ("1.234", Decimal("1234.00")),
        ("1.234.567,8", Decimal("1234567.80")),
        ("€ 50", Decimal("50.00")),
        ("780,61", Decimal("780.61")),
        (" 0,01 ", Decimal("0.01")),
    ],
)
def test_amounts_as_italians_write_them(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text", ["", "x", "12,345", "1.2.3,00", "0", "-5", "1,2,3", "NaN", "Infinity", "12.345,678"]
)
def test_bad_amounts_are_refused_never_rounded(text):
    with pytest.raises(FormError) as err:
        parse_amount(text)
    assert (err.value.code, err.value.field) == ("worklist.bad_amount", "amount")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2026", dt.date(2026, 12, 31)),
        ("1/3/2026", dt.date(2026, 3, 1)),
        ("31-12-2026", dt.date(2026, 12, 31)),
        ("31.12.2026", dt.date(2026, 12, 31)),
        ("2026-12-31", dt.date(2026, 12, 31)),
    ],
)
def test_dates_italian_and_iso(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "31/02/2026", "12/31/2026", "2026/12/31", "domani", "31/12/26"])
def test_bad_dates(text):
    with pytest.raises(FormError) as err:
        parse_date(text)
    assert err.value.code == "worklist.bad_date"


@pytest.mark.parametrize(("text", "expected"), [("10:30", dt.time(10, 30)), ("9.05", dt.time(9, 5))])
def test_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "10:60", "10", "dieci"])
def test_bad_times(text):
    with pytest.raises(FormError) as err:
        parse_time(text)
    assert err.value.code == "worklist.bad_time"


TODAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("amount", "on", "code"),
    [
        ("780.61", TODAY, None),  # all of it, today
        ("780.61", TODAY + dt.timedelta(days=30), None),  # the horizon's last day
        ("780.62", TODAY, "worklist.promise_above_due"),
        ("99999.00", TODAY, "worklist.promise_above_due"),
        ("100.00", TODAY - dt.timedelta(days=1), "worklist.promise_in_past"),
        ("100.00", TODAY + dt.timedelta(days=31), "worklist.promise_beyond_horizon"),
    ],
)
def test_promise_limits(amount, on, code):
    call = lambda: check_promise(  # noqa: E731
        Decimal(amount), on, today=TODAY, due_today=Decimal("780.61"), horizon_days=30
    )
    if code is None:
        assert call() is None  # accepted: no error, nothing to correct
    else:
        with pytest.raises(FormError) as err:
            call()
        assert err.value.code == code


UNIREC = load_contact_windows()["unirec"]
NOW = dt.datetime(2026, 3, 2, 10, 0)  # Monday 10:00, Italian time


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        (dt.datetime(2026, 3, 2, 10, 30), None),
        (dt.datetime(2026, 3, 2, 21, 0), None),  # the window's last minute
        (dt.datetime(2026, 3, 7, 14, 59), None),  # Saturday until 15:00
        (dt.datetime(2026, 3, 2, 9, 59), "worklist.callback_in_past"),
        (dt.datetime(2026, 3, 2, 21, 1), "worklist.callback_outside_window"),
        (dt.datetime(2026, 3, 7, 15, 30), "worklist.callback_outside_window"),
        (dt.datetime(2026, 3, 8, 10, 0), "worklist.callback_outside_window"),  # Sunday
        (dt.datetime(2026, 4, 6, 10, 0), "worklist.callback_outside_window"),  # Easter Monday
        (dt.datetime(2026, 3, 3, 8, 0), "worklist.callback_outside_window"),  # before 08:30
    ],
)
def test_call_back_window(moment, code):
    if code is None:
        assert check_call_back(moment, now=NOW, window=UNIREC) is None  # accepted: no error
    else:
        with pytest.raises(FormError) as err:
            check_call_back(moment, now=NOW, window=UNIREC)
        assert err.value.code == code
