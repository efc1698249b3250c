"""Builders of valid Italian codes (codice fiscale of a person, partita IVA): the demo data and the tests. Pure Python.

The codice fiscale follows D.M. 23/12/1976: 3 letters from the surname, 3 from the name, year, month letter,
day (+40 for women), the municipality's Belfiore code and a check letter. Omocodia is never produced."""

from __future__ import annotations

import unicodedata
from functools import cache

_VOWELS = frozenset("AEIOU")
_MONTHS = "ABCDEHLMPRST"
_ODD = {
    **dict(zip("0123456789", (1, 0, 5, 7, 9, 13, 15, 17, 19, 21), strict=True)),
    **dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23),
            strict=True,
        )
    ),
}
_EVEN = {**{str(d): d for d in range(10)}, **{chr(65 + i): i for i in range(26)}}


def _letters(text: str) -> str:
    """Upper-case A-Z only: accents stripped, apostrophes and spaces dropped (D'Angelo -> DANGELO)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.upper() if "A" <= ch <= "Z")


@cache  # a few hundred distinct names: cached; _letters is not (it also sees every company name)
def surname_part(surname: str) -> str:
    letters = _letters(surname)
    consonants = [c for c in letters if c not in _VOWELS]
    vowels = [c for c in letters if c in _VOWELS]
    return "".join([*consonants, *vowels, "X", "X", "X"][:3])


@cache
def name_part(name: str) -> str:
    letters = _letters(name)
    consonants = [c for c in letters if c not in _VOWELS]
    if len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    vowels = [c for c in letters if c in _VOWELS]
    return "".join([*consonants, *vowels, "X", "X", "X"][:3])


def check_char(first15: str) -> str:
    total = sum(_ODD[c] if i % 2 == 0 else _EVEN[c] for i, c in enumerate(first15))
    return chr(65 + total % 26)


def tax_code(*, surname: str, name: str, year: int, month: int, day: int, female: bool, belfiore: str) -> str:
    body = (
        f"{surname_part(surname)}{name_part(name)}{year % 100:02d}{_MONTHS[month - 1]}"
        f"{day + 40 if female else day:02d}{belfiore}"
    )
    return body + check_char(body)


def luhn_check_digit(digits: str) -> str:
    """Check digit appended to `digits` (the partita IVA uses the Luhn algorithm)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def vat_number(serial: int, office: int) -> str:
    """Partita IVA: 7-digit serial (1-9999999), 3-digit office code (001-100: provincial offices), Luhn check digit."""
    if not 1 <= office <= 100:
        raise ValueError("office code must be 001-100")
    body = f"{serial % 9_999_999 + 1:07d}{office:03d}"  # serial 0000000 is not issued
    return body + luhn_check_digit(body)
