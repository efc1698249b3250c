"""Claim types and the checks on a claim's amount and dates (pure)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


class ClaimType(StrEnum):
    ORDINARY = "ordinary"  # one-off supply: 10 years
    PERIODIC = "periodic"  # periodic payments: 5 years
    ELECTRICITY = "electricity"
    GAS = "gas"
    WATER = "water"
    TELECOM = "telecom"


CLAIM_TYPE_LABELS = {
    ClaimType.ORDINARY: gettext_lazy("Fornitura una tantum"),
    ClaimType.PERIODIC: gettext_lazy("Prestazione periodica"),
    ClaimType.ELECTRICITY: gettext_lazy("Energia elettrica"),
    ClaimType.GAS: gettext_lazy("Gas"),
    ClaimType.WATER: gettext_lazy("Acqua"),
    ClaimType.TELECOM: gettext_lazy("Telecomunicazioni"),
}


def check_amount(value: Decimal | str) -> tuple[Decimal | None, str | None]:
    """(amount, None) or (None, error code). Never rounds: three decimals is an error, not a guess."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None, "case.bad_amount"
    if not amount.is_finite():
        return None, "case.bad_amount"
    if amount < 0:
        return None, "case.negative_amount"
    if amount == 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return None, "case.bad_amount"
    return amount.quantize(Decimal("0.01")), None


def check_dates(issued_on: dt.date, due_on: dt.date | None) -> str | None:
    if due_on is not None and due_on < issued_on:
        return "case.due_before_issue"
    return None
