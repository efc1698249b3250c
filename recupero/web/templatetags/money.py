"""Amounts, dates and percentages for the interface, in the user's language (exact: Decimal in, text out, never a
float). Italian: `1.234,56 €`, `03/12/2026`, `12,5 %`. English: `€1,234.56`, `3 Dec 2026` (the month in words: a
dd/mm date misleads a reader used to mm/dd), `12.5%`. The filter names stay (`data_it` predates English)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import dateformat, timezone, translation

from recupero.law.money import format_eur

register = template.Library()

_CENT = Decimal("0.01")


def _english() -> bool:
    return (translation.get_language() or "it").startswith("en")


def format_euro(value: object) -> str:
    """Decimal('1234.5') -> '1.234,50 €' (Italian) or '€1,234.50' (English). Not a number -> em dash."""
    if value is None or value == "":
        return "—"
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        amount = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return "—"
    if _english():
        return f"-€{-amount:,.2f}" if amount < 0 else f"€{amount:,.2f}"
    return f"{format_eur(amount)} €"


@register.filter
def euro(value: object) -> str:
    return format_euro(value)


@register.filter
def data_it(value: object) -> str:
    return format_date(value)


def format_date(value: object) -> str:
    """A date (or an aware datetime, in the local zone): 03/12/2026 in Italian, 3 Dec 2026 in English;
    missing -> em dash."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if isinstance(value, dt.date):
        return dateformat.format(value, "j M Y") if _english() else value.strftime("%d/%m/%Y")
    return "—"


@register.filter
def percent_it(value: object) -> str:
    """Decimal('15.00') -> '15 %', Decimal('12.50') -> '12,5 %' (Italian); '15%', '12.5%' (English)."""
    if value is None:
        return "—"
    text = format(Decimal(str(value)).normalize(), "f")
    return f"{text}%" if _english() else f"{text.replace('.', ',')} %"


@register.filter
def days_since(value: object, today: object) -> int | None:
    """Days from a past date to `today` (e.g. days past due); None when not yet due or unknown."""
    if not isinstance(value, dt.date) or not isinstance(today, dt.date):
        return None
    days = (today - value).days
    return days if days > 0 else None
