"""Italian identification codes: codice fiscale, partita IVA, pagoPA notice numbers (LEGAL.md §8).

Each `normalize_*` returns the canonical form or raises `LawError` with a stable code; nothing is guessed.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from stdnum.it import iva

from recupero.law.codegen import _MONTHS, check_char
from recupero.law.errors import LawError

_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")
# Same rules as python-stdnum's codicefiscale.validate (shape, check character, real birth date), written out
# because intake checks a million codes per file and stdnum's generic path costs ~20 µs a code.
_SHAPE = re.compile(
    r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$"
)


def _tax_code_ok(code: str) -> bool:
    if not _SHAPE.match(code):
        return False
    if check_char(code[:15]) != code[15]:
        return False
    digits = code.translate(_OMOCODIA)
    year = int(digits[6:8]) + 1900
    year = year + 100 if year < 1920 else year  # stdnum reads two-digit years in 1920-2019
    try:
        date(year, _MONTHS.index(code[8]) + 1, int(digits[9:11]) % 40)
    except ValueError:
        return False
    return True


def _clean(value: str) -> str:
    return "".join(value.split()).upper()


@lru_cache(maxsize=65536)
def normalize_tax_code(value: str) -> str:
    """Codice fiscale of a person (16 characters, omocodia allowed) or of a company (11 digits)."""
    code = _clean(value or "")
    if len(code) == 11 and code.isdigit():
        return normalize_vat_number(code, field="codice fiscale")
    if len(code) != 16 or not _tax_code_ok(code):
        raise LawError("codes.bad_tax_code", f"Codice fiscale non valido: «{value}».", value=value)
    return code


def normalize_vat_number(value: str, *, field: str = "partita IVA") -> str:
    """Partita IVA: 11 digits, Luhn check digit, office 001-100, 120, 121, 888, 999. 'IT' prefix allowed."""
    code = _clean(value or "")
    if code.startswith("IT"):
        code = code[2:]
    if len(code) != 11 or not code.isdigit() or not iva.is_valid(code):
        raise LawError("codes.bad_vat_number", f"{field.capitalize()} non valida: «{value}».", value=value)
    return code


def is_valid_tax_code(value: str) -> bool:
    try:
        normalize_tax_code(value)
    except LawError:
        return False
    return True


def is_valid_vat_number(value: str) -> bool:
    try:
        normalize_vat_number(value)
    except LawError:
        return False
    return True


def tax_code_is_person(code: str) -> bool:
    return len(code) == 16


def tax_code_gender(code: str) -> str:
    """'M' or 'F'. Reads the day digits after undoing omocodia (python-stdnum's get_gender crashes there)."""
    day = int(code[9:11].translate(_OMOCODIA))
    return "F" if day > 40 else "M"


def pagopa_check_digits(segregation_code: str, iuv_base: str) -> str:
    """The two check digits of a pagoPA notice number `3<seg><base><check>` (aux digit 3): number mod 93."""
    if not (segregation_code.isdigit() and len(segregation_code) == 2):
        raise LawError(
            "codes.bad_pagopa", "Codice di segregazione pagoPA non valido.", value=segregation_code
        )
    if not (iuv_base.isdigit() and len(iuv_base) == 13):
        raise LawError("codes.bad_pagopa", "Base IUV pagoPA non valida.", value=iuv_base)
    return f"{int('3' + segregation_code + iuv_base) % 93:02d}"


def normalize_pagopa_notice(value: str) -> str:
    code = _clean(value or "")
    if len(code) != 18 or not code.isdigit() or code[0] != "3":
        raise LawError("codes.bad_pagopa", f"Numero avviso pagoPA non valido: «{value}».", value=value)
    if pagopa_check_digits(code[1:3], code[3:16]) != code[16:]:
        raise LawError("codes.bad_pagopa", f"Numero avviso pagoPA non valido: «{value}».", value=value)
    return code
