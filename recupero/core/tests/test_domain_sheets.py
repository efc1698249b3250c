"""safe_cell: what every spreadsheet or CSV the product writes for people does to a cell (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from recupero.core.domain.sheets import safe_cell, safe_row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # formulas and their DDE cousins become text
        ('=HYPERLINK("http://x","clic")', '\'=HYPERLINK("http://x","clic")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("+39 333 1234567", "'+39 333 1234567"),
        ("-12,50 €", "'-12,50 €"),
        # a number written as text stays readable
        ("-12,50", "-12,50"),
        ("-1.234,56", "-1.234,56"),
        ("+393331234567", "+393331234567"),
        ("-.5", "-.5"),
        # ordinary text, and formula characters after the first one
        ("Rossi Mario", "Rossi Mario"),
        ("a=b", "a=b"),
        (" =1+1", " =1+1"),
        ("", ""),
        # characters XML forbids would make openpyxl refuse the workbook
        ("Ros\x00si", "Ros\ufffdsi"),
        ("=A1\x07", "'=A1\ufffd"),
        ("riga\nseconda\tcolonna", "riga\nseconda\tcolonna"),
        # numbers, dates and None are kept as they are (typed cells in XLSX)
        (Decimal("-12.50"), Decimal("-12.50")),
        (-3, -3),
        (2.5, 2.5),
        (True, True),
        (None, None),
        (dt.date(2026, 1, 31), dt.date(2026, 1, 31)),
        (dt.datetime(2026, 1, 31, 9, 30), dt.datetime(2026, 1, 31, 9, 30)),
    ],
)
def test_safe_cell(value, expected):
    result = safe_cell(value)
    assert result == expected
    assert type(result) is type(expected)


def test_other_objects_are_written_as_their_text():
    class Code:
        def __str__(self) -> str:
            return "=1+1"

    assert safe_cell(Code()) == "'=1+1"
    assert safe_row(["=x", Decimal("1.00"), None]) == ["'=x", Decimal("1.00"), None]
