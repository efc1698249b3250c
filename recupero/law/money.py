"""Money helpers shared by the whole platform: one rounding rule, one strict parser, Italian formatting.

Money is always `Decimal`, never float. Amounts carry at most two decimals: an input with more is refused
(`law.bad_amount`) rather than rounded, because a silent rounding would change what the creditor claims.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from recupero.law.errors import LawError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_cents(value: Decimal) -> Decimal:
    """Round to the cent, half-up (arrotondamento commerciale): the one rounding function of the platform."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def check_amount(value: Decimal, *, field: str = "importo", allow_negative: bool = False) -> Decimal:
    """Validate an amount already held as Decimal: finite, at most 2 decimals, not negative unless allowed."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise LawError("law.bad_amount", f"{field.capitalize()} non valido: «{value}».", value=value)
    cents = value.quantize(CENT)  # exact for two decimals or fewer: it differs only if a third one is not 0
    if cents != value:
        raise LawError(
            "law.bad_amount",
            f"{field.capitalize()} con più di due decimali: «{value}» (nessun arrotondamento implicito).",
            value=value,
        )
    if value < 0 and not allow_negative:
        raise LawError("law.negative_amount", f"{field.capitalize()} negativo: «{value}».", value=value)
    return cents


def parse_amount(text: str, *, field: str = "importo", allow_negative: bool = False) -> Decimal:
    """Parse `"1053.15"` (or `"1053,15"`) into `Decimal("1053.15")`; refuse thousands dots and >2 decimals."""
    raw = (text or "").strip()
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise LawError("law.bad_amount", f"{field.capitalize()} non valido: «{text}».", value=text) from None
    return check_amount(value, field=field, allow_negative=allow_negative)


def to_cents(amount: Decimal) -> int:
    """Exact integer cents of an amount with at most 2 decimals (validated first)."""
    return int(check_amount(amount, allow_negative=True).scaleb(2))


def from_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def format_eur(amount: Decimal) -> str:
    """Italian number format: `1.053,15` (dot for thousands, comma for decimals)."""
    text = format(round_cents(amount), ",.2f")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_rate(rate: Decimal) -> str:
    """A percentage in Italian style, at least two decimals: `10,50%`, `0,01%`, `9,875%`."""
    text = format(rate.normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{whole},{frac.ljust(2, '0')}%"
