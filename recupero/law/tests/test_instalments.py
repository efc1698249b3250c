"""Issue 10: an invoice paid in three instalments is three debts for the engine, each with its own due date —
never the whole invoice from the first due date. Figures to the cent, worked by hand in the comments (bundled
tables: legal rate 2.00 % in 2025; ECB 3.15 % in H1 2025 and 2.15 % in H2 2025, + 8 points; divisor 365)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from recupero.law.interest import CasePayment, InterestRequest, compute_case

UNTIL = dt.date(2025, 12, 31)
RATE_1, RATE_2, RATE_3 = dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30)
THREE = [("1", RATE_1), ("2", RATE_2), ("3", RATE_3)]


def _case(regime: str, parts, payments=()):
    requests = {
        key: InterestRequest(
            principal=Decimal("100.00"),
            due_date=due,
            until=UNTIL,
            regime=regime,
            flat_compensation=regime == "commercial" and i == 0,  # the invoice's €40, once
        )
        for i, (key, due) in enumerate(parts)
    }
    return compute_case(requests, list(payments))


CASES = [
    # (regime, payments, interest per instalment, principal outstanding per instalment, total due)
    # legal: 100 × 2 % × 275/365 = 1.5068; × 184/365 = 1.0082; × 92/365 = 0.5041
    ("legal", (), ("1.51", "1.01", "0.50"), ("100.00", "100.00", "100.00"), "303.02"),
    # commercial: 100 × (11.15 % × 91 + 10.15 % × 184)/365 = 2.7799 + 5.1167; 10.15 % × 184/365 = 5.1167;
    # × 92/365 = 2.5583; + €40 once
    ("commercial", (), ("7.90", "5.12", "2.56"), ("100.00", "100.00", "100.00"), "355.58"),
    # 150.00 paid on 15/07/2025, oldest first, interest before principal (art. 1193-1194): instalment 1 takes
    # 0.58 (106 days) + 100.00; instalment 2 takes 0.08 (15 days) + 49.34, leaving 50.66, which then accrues
    # 50.66 × 2 % × 169/365 = 0.4691 → 0.08 + 0.47 = 0.55 in all; instalment 3 untouched
    (
        "legal",
        (CasePayment(date=dt.date(2025, 7, 15), amount=Decimal("150.00")),),
        ("0.58", "0.55", "0.50"),
        ("0.00", "50.66", "100.00"),
        "151.63",
    ),
]


@pytest.mark.parametrize(("regime", "payments", "interest", "principal", "total"), CASES)
def test_three_instalments_to_the_cent(regime, payments, interest, principal, total):
    result = _case(regime, THREE, payments)
    assert tuple(str(result.claims[k].interest) for k, _ in THREE) == interest
    assert tuple(str(result.claims[k].principal_outstanding) for k, _ in THREE) == principal
    assert str(result.total_due) == total


@pytest.mark.parametrize(("regime", "whole"), [("legal", "4.52"), ("commercial", "23.69")])
def test_the_whole_invoice_from_the_first_due_date_would_overstate(regime, whole):
    """What summing the instalments into one due date gave: 300 from 31/03 (4.52 > 3.02; 23.69 > 15.58)."""
    one = compute_case(
        {"x": InterestRequest(principal=Decimal("300.00"), due_date=RATE_1, until=UNTIL, regime=regime)}, []
    )
    assert str(one.claims["x"].interest) == whole
    split = _case(regime, THREE)
    assert sum(r.interest for r in split.claims.values()) < one.claims["x"].interest
