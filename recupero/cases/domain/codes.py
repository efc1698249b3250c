"""Case codes: short, unique, printed on letters as the payment reference, with a check digit (Luhn)."""

from __future__ import annotations

from recupero.law.codegen import luhn_check_digit  # the one check-digit function (law)


def case_code(seq: int) -> str:
    """`P` + 7-digit sequence + Luhn check digit, e.g. seq 1234 -> 'P00012344'. A typo in a bank transfer's
    causale is caught by the check digit instead of matching another debtor's case."""
    body = f"{seq:07d}"
    return f"P{body}{luhn_check_digit(body)}"


def is_case_code(value: str) -> bool:
    value = value.strip().upper()
    return (
        len(value) >= 9
        and value[0] == "P"
        and value[1:].isdigit()
        and luhn_check_digit(value[1:-1]) == value[-1]
    )
