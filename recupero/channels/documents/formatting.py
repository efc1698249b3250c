"""Italian formatting for letters: money, rates and dates, done in Python so templates only print strings.

Money is `Decimal` end to end (never float): amounts are rounded half-up to the cent here, once, for display.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date

from recupero.law.money import format_eur as law_format_eur

CENT = Decimal("0.01")


def format_amount(value: Decimal) -> str:
    """`Decimal("1053.15")` → `"1.053,15"`: Italian grouping, two decimals, no currency sign."""
    if not isinstance(value, Decimal):
        raise TypeError("Gli importi devono essere Decimal, mai float.")
    return law_format_eur(value)  # the platform's one Italian money format (recupero.law.money)


def format_eur(value: Decimal) -> str:
    """`Decimal("1053.15")` → `"1.053,15 €"` (Italian usage puts the sign after the amount)."""
    return f"{format_amount(value)} €"


def format_rate(percent: Decimal) -> str:
    """`Decimal("10.15")` → `"10,15%"`; a rate keeps its own precision (rates are published with 2-3 decimals)."""
    text = format(percent.normalize(), "f")
    if "." not in text:
        text += ".00"
    whole, frac = text.split(".")
    return f"{whole},{frac.ljust(2, '0')}%"


def format_date_short(value: date) -> str:
    """`date(2025, 3, 7)` → `"07/03/2025"`."""
    return value.strftime("%d/%m/%Y")


def format_date_long(value: date) -> str:
    """`date(2025, 3, 7)` → `"7 marzo 2025"`, as a letter is dated."""
    return format_date(value, "d MMMM y", locale="it")
