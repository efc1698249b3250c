"""Case codes: short, unique, printed on letters as the payment reference, with a check digit (Luhn)."""

from __future__ import annotations


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def case_code(seq: int) -> str:
    """`P` + 7-digit sequence + Luhn check digit, e.g. seq 1234 -> 'P00012344'. A typo in a bank transfer's
    causale is caught by the check digit instead of matching another debtor's case."""
    body = f"{seq:07d}"
    return f"P{body}{luhn_digit(body)}"


def is_case_code(value: str) -> bool:
    value = value.strip().upper()
    return (
        len(value) >= 9 and value[0] == "P" and value[1:].isdigit() and luhn_digit(value[1:-1]) == value[-1]
    )
