"""Italian formatting for letters: money, rates and dates, done in Python so templates only print strings.

Money is `Decimal` end to end (never float): amounts are rounded half-up to the cent here, once, for display.
"""

from __future__ import annotations

import re
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


# "Licenza art. 115 T.U.L.P.S. n." in the ways agencies write it (TULPS, T.U.L.P.S., "ai sensi dell'art.", n°…).
_LICENCE_WORDS = re.compile(
    r"^\s*(?:(?:licenza|lic\.)\s*)?(?:(?:ai\s+sensi\s+dell['’]\s*)?art(?:icolo|\.)?\s*115\s*(?:del\s+)?"
    r"t\.?\s*u\.?\s*l\.?\s*p\.?\s*s\.?\s*)?(?:n(?:umero|r)?\s*[.°º]?\s*)?",
    re.IGNORECASE,
)
# Where the number ends: the issuing authority ("rilasciata dalla Questura di …") or a separator (" – ", ", ");
# a hyphen inside the number ("12-2020") is not one.
_LICENCE_AUTHORITY = re.compile(
    r"\s*(?:,\s*|\s[–—-]\s+)?(?:rilasciata\s+da(?:lla|l)?\s+)?(?=questura|prefettura)|\s*,\s*|\s+[–—-]\s+",
    re.IGNORECASE,
)


def licence_parts(text: str) -> tuple[str, str]:
    """(number, authority) of an art. 115 TULPS licence however it was stored, so a letter prints the words
    once: "Licenza art. 115 TULPS n. 2187/2019 rilasciata dalla Questura di Milano" → ("2187/2019", "Questura
    di Milano"); "2187/2019" → ("2187/2019", "")."""
    rest, previous = text.strip(), ""
    while rest != previous:  # the words may have been stored twice ("Licenza … n. Licenza … n. 9/2020")
        previous, rest = rest, _LICENCE_WORDS.sub("", rest, count=1).strip()
    parts = _LICENCE_AUTHORITY.split(rest, maxsplit=1)
    number = parts[0].strip(" .,;–—-")
    authority = parts[1].strip(" .,;") if len(parts) > 1 else ""
    return number, authority[:1].upper() + authority[1:]
