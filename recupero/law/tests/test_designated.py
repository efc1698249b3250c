"""Art. 1193 c.c.: a payment the debtor designated to one debt pays that debt first — its costs, €40, interest and
principal in the art. 1194 order — and the rest goes oldest first; `compute_case_paying` gives exactly the two
`compute_case` runs (without and with the payment) from one replay of the history.

Worked by hand (bundled tables: commercial rate for H1 2023 = ECB 2.50 % + 8 points = 10.50 %; divisor 365).
A: 1,000.00 due 31/01/2023, B: 500.00 due 28/02/2023, calculated on 31/03/2023. A's interest
1,000 × 10.5 % × 59/365 = 16.972… → 16.97; B's 500 × 10.5 % × 31/365 = 4.458… → 4.46; €40 each; A carries the
case's 50.00 costs when the case has any.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from recupero.law.interest import CasePayment, InterestRequest, compute_case, compute_case_paying

UNTIL = date(2023, 3, 31)


def _claims(costs: str = "0.00") -> dict[str, InterestRequest]:
    return {
        "A": InterestRequest(D("1000.00"), date(2023, 1, 31), UNTIL, costs=D(costs)),
        "B": InterestRequest(D("500.00"), date(2023, 2, 28), UNTIL),
    }


def _paid(result, claim):  # what the payments paid on one debt, per component
    r = result.claims[claim]
    req = r.request
    return (
        str(req.costs - r.costs_outstanding),
        str(r.flat_compensation - r.flat_outstanding),
        str(r.interest_paid),
        str(req.principal - r.principal_outstanding),
    )


NONE = ("0.00", "0.00", "0.00", "0.00")
CASES = [
    # (costs on A, amount, designated, paid on A (costs, €40, interest, principal), on B, A owes, B owes)
    # oldest first: A takes 50 + 40 + 16.97 + 993.03 = 1,100.00; B untouched (500 + 40 + 4.46)
    (
        "50.00",
        "1100.00",
        (),
        ("50.00", "40.00", "16.97", "993.03"),
        NONE,
        "6.97",
        "544.46",
    ),
    # B designated: B whole (40 + 4.46 + 500 = 544.46), the 555.54 left to A: 50 + 40 + 16.97 + 448.57
    (
        "50.00",
        "1100.00",
        ("B",),
        ("50.00", "40.00", "16.97", "448.57"),
        ("0.00", "40.00", "4.46", "500.00"),
        "551.43",
        "0.00",
    ),
    # B designated, less than B owes: B's €40 and interest, then its principal; A untouched
    (
        "50.00",
        "300.00",
        ("B",),
        NONE,
        ("0.00", "40.00", "4.46", "255.54"),
        "1106.97",
        "244.46",
    ),
    # no costs, B designated (the existing worked example): A owes 1,000 − 498.57 = 501.43
    (
        "0.00",
        "1100.00",
        ("B",),
        ("0.00", "40.00", "16.97", "498.57"),
        ("0.00", "40.00", "4.46", "500.00"),
        "501.43",
        "0.00",
    ),
    # A designated is oldest first anyway
    (
        "0.00",
        "600.00",
        ("A",),
        ("0.00", "40.00", "16.97", "543.03"),
        NONE,
        "456.97",
        "544.46",
    ),
]


@pytest.mark.parametrize(("costs", "amount", "designated", "on_a", "on_b", "owes_a", "owes_b"), CASES)
def test_designated_debt_first_then_oldest_to_the_cent(costs, amount, designated, on_a, on_b, owes_a, owes_b):
    result = compute_case(_claims(costs), [CasePayment(UNTIL, D(amount), designated)])
    assert (_paid(result, "A"), _paid(result, "B")) == (on_a, on_b)
    assert (str(result.claims["A"].total_due), str(result.claims["B"].total_due)) == (owes_a, owes_b)


HISTORIES = [
    (),
    (CasePayment(date(2023, 2, 15), D("100.00")),),
    (CasePayment(date(2023, 3, 1), D("200.00"), ("B",)), CasePayment(date(2023, 3, 31), D("10.00"))),
]


@pytest.mark.parametrize("history", HISTORIES)
@pytest.mark.parametrize(("costs", "amount", "designated"), [case[:3] for case in CASES])
def test_one_replay_gives_both_runs(history, costs, amount, designated):
    paying = CasePayment(UNTIL, D(amount), designated)
    before, after = compute_case_paying(_claims(costs), history, paying)
    assert before == compute_case(_claims(costs), list(history))
    assert after == compute_case(_claims(costs), [*history, paying])


def _totals(result):  # every figure but the prospetto's detail (segments, imputations, readings)
    return (
        result.total_due,
        result.credit,
        {
            k: (r.interest, r.interest_paid, r.interest_outstanding, r.flat_compensation, r.flat_outstanding,
                r.costs_outstanding, r.principal_outstanding, r.total_due, r.credit)
            for k, r in result.claims.items()
        },
    )  # fmt: skip


@pytest.mark.parametrize("history", HISTORIES)
@pytest.mark.parametrize(("costs", "amount", "designated"), [case[:3] for case in CASES])
def test_without_detail_the_same_totals(history, costs, amount, designated):
    """`detail=False` (a statement's bulk imputation) skips the segments, imputations and readings, nothing else."""
    paying = CasePayment(UNTIL, D(amount), designated)
    full = compute_case_paying(_claims(costs), history, paying)
    bare = compute_case_paying(_claims(costs), history, paying, detail=False)
    assert [_totals(r) for r in bare] == [_totals(r) for r in full]
    assert all(r.segments == r.imputations == r.readings == () for res in bare for r in res.claims.values())
    assert any(r.segments for res in full for r in res.claims.values())
