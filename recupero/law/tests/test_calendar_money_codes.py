from datetime import date, timedelta
from decimal import Decimal as D

import holidays
import pytest

from recupero.law import LawError
from recupero.law.business_days import (
    add_working_days,
    easter_sunday,
    holidays_in,
    is_festive,
    is_holiday,
    is_working_day,
    next_working_day,
    roll_to_non_festive,
    roll_to_working_day,
)
from recupero.law.codes import (
    is_valid_tax_code,
    is_valid_vat_number,
    normalize_pagopa_notice,
    normalize_tax_code,
    normalize_vat_number,
    pagopa_check_digits,
    tax_code_gender,
)
from recupero.law.money import format_eur, format_rate, parse_amount, round_cents

# (day, holiday, festive (art. 2963), working day)
DAYS = [
    (date(2024, 4, 1), True, True, False),  # Easter Monday 2024 (Easter 31/03)
    (date(2025, 4, 21), True, True, False),  # Easter Monday 2025
    (date(2025, 10, 4), False, False, False),  # 4 Oct 2025: a Saturday, and not yet a holiday
    (date(2026, 10, 4), True, True, False),  # 4 Oct from 2026 (a Sunday anyway)
    (date(2027, 10, 4), True, True, False),  # 4 Oct 2027: Monday, holiday
    (date(2025, 11, 4), False, False, True),  # National Unity Day is not a public holiday
    (date(2025, 3, 15), False, False, False),  # Saturday: not festive, not working
    (date(2025, 3, 16), False, True, False),  # Sunday
    (date(2025, 3, 17), False, False, True),  # Monday
    (date(2025, 12, 26), True, True, False),
]


@pytest.mark.parametrize(("day", "holiday", "festive", "working"), DAYS)
def test_day_kinds(day, holiday, festive, working):
    assert (is_holiday(day), is_festive(day), is_working_day(day)) == (holiday, festive, working)


@pytest.mark.parametrize("year", range(2000, 2041))
def test_holidays_match_the_package(year):
    # the package also lists Easter Sunday and "National Unity Day" (a Sunday, not a public holiday);
    # in 2000 it lists Republic Day on the first Sunday of June, festive anyway as a Sunday
    theirs = {
        d
        for d, name in holidays.Italy(years=year).items()
        if not set(name.split("; ")) <= {"Easter Sunday", "National Unity Day"} and d.weekday() != 6
    }
    assert {d for d in holidays_in(year) if d.weekday() != 6} == theirs


def test_easter():
    assert [easter_sunday(y) for y in (2024, 2025, 2026)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
    ]


@pytest.mark.parametrize(
    ("fn", "day", "expected"),
    [
        (roll_to_non_festive, date(2024, 3, 31), date(2024, 4, 2)),  # Easter Sunday + Monday
        (roll_to_non_festive, date(2025, 3, 15), date(2025, 3, 15)),  # Saturday stays
        (roll_to_non_festive, date(2025, 12, 25), date(2025, 12, 27)),  # 25, 26 → Saturday 27
        (next_working_day, date(2025, 12, 24), date(2025, 12, 29)),  # 25, 26 holidays, 27-28 weekend
        (next_working_day, date(2025, 3, 17), date(2025, 3, 18)),
        (roll_to_working_day, date(2025, 3, 17), date(2025, 3, 17)),
        (roll_to_working_day, date(2025, 3, 15), date(2025, 3, 17)),
    ],
)
def test_rolls(fn, day, expected):
    assert fn(day) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2025, 12, 23), 2, date(2025, 12, 29)),
        (date(2025, 12, 29), -2, date(2025, 12, 23)),
        (date(2025, 3, 17), 0, date(2025, 3, 17)),
        (date(2025, 3, 14), 5, date(2025, 3, 21)),
    ],
)
def test_add_working_days(day, n, expected):
    assert add_working_days(day, n) == expected


def test_working_days_never_land_on_weekend_or_holiday():
    d = date(2024, 1, 1)
    for _ in range(400):
        d = next_working_day(d)
        assert d.weekday() < 5 and not is_holiday(d)
    assert d - date(2024, 1, 1) < timedelta(days=600)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.0049", "0.00"),
        ("2.675", "2.68"),
        ("1053.150684931", "1053.15"),
        ("-0.005", "-0.01"),
    ],
)
def test_round_cents_half_up(value, rounded):
    assert round_cents(D(value)) == D(rounded)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10000.00", "10000.00"), ("10000", "10000.00"), ("1053,15", "1053.15"), (" 7.5 ", "7.50")],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == D(expected)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1.001", "law.bad_amount"),
        ("abc", "law.bad_amount"),
        ("1.053,15", "law.bad_amount"),
        ("-5.00", "law.negative_amount"),
        ("NaN", "law.bad_amount"),
        ("", "law.bad_amount"),
    ],
)
def test_parse_amount_refuses(text, code):
    with pytest.raises(LawError) as caught:
        parse_amount(text)
    assert caught.value.code == code


def test_italian_formats():
    assert format_eur(D("1053.15")) == "1.053,15"
    assert format_eur(D("1234567.5")) == "1.234.567,50"
    assert format_rate(D("10.50")) == "10,50%"
    assert format_rate(D("0.01")) == "0,01%"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("RSSMRA85T10A562S", True),
        ("rssmra85t10a562s", True),
        ("RSSMRA85T1LA562V", True),  # omocodia, check V
        ("RSSMRA85T10A562A", False),
        ("", False),
        ("01234567", False),
    ],
)
def test_tax_code(value, valid):
    assert is_valid_tax_code(value) is valid


def test_tax_code_normalized_and_gender():
    assert normalize_tax_code(" rssmra85t10a562s ") == "RSSMRA85T10A562S"
    assert tax_code_gender("RSSMRA85T1LA562V") == "M"  # L → 0: day 10, male
    assert tax_code_gender("RSSMRA85T50A562?") == "F"  # day 50 = 10 + 40


@pytest.mark.parametrize(
    ("value", "valid"),
    # 1234567 + office 001 + Luhn check 7; office 789 is not allocated
    [("12345670017", True), ("IT12345670017", True), ("12345677897", False), ("12345670018", False)],
)
def test_vat_number(value, valid):
    assert is_valid_vat_number(value) is valid


def test_vat_number_errors():
    assert normalize_vat_number("IT 1234567 0017") == "12345670017"
    with pytest.raises(LawError) as caught:
        normalize_vat_number("12345670018")
    assert caught.value.code == "codes.bad_vat_number"


def test_pagopa():
    # 3 01 0000000000001 = 3010000000000001 = 93 × 32365591397849 + 44 → check digits "44"
    assert pagopa_check_digits("01", "0000000000001") == "44"
    assert normalize_pagopa_notice("301000000000000144") == "301000000000000144"
    with pytest.raises(LawError):
        normalize_pagopa_notice("301000000000000145")
