"""Italian formatting for the interface: euro amounts and dates, exact (Decimal in, text out, never a float)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone

from recupero.law.money import format_eur

register = template.Library()

_CENT = Decimal("0.01")


def format_euro(value: object) -> str:
    """Decimal('1234.5') -> '1.234,50 €'. Anything that is not a number becomes an em dash."""
    if value is None or value == "":
        return "—"
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        amount = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return "—"
    return f"{format_eur(amount)} €"


@register.filter
def euro(value: object) -> str:
    return format_euro(value)


@register.filter
def data_it(value: object) -> str:
    """A date (or an aware datetime, in the local zone) as dd/mm/yyyy; missing -> em dash."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "—"


@register.filter
def percent_it(value: object) -> str:
    """Decimal('15.00') -> '15 %', Decimal('12.50') -> '12,5 %'."""
    if value is None:
        return "—"
    text = format(Decimal(str(value)).normalize(), "f").replace(".", ",")
    return f"{text} %"


@register.filter
def days_since(value: object, today: object) -> int | None:
    """Days from a past date to `today` (e.g. days past due); None when not yet due or unknown."""
    if not isinstance(value, dt.date) or not isinstance(today, dt.date):
        return None
    days = (today - value).days
    return days if days > 0 else None
