"""Worked examples derived by hand: days = last − first + 1, interest = principal × Σ(rate × days) / divisor."""

from datetime import date
from decimal import Decimal as D

import pytest

from recupero.law import LawError
from recupero.law.interest import (
    CasePayment,
    InterestRequest,
    Payment,
    compute_case,
    compute_interest,
    due_date_from_receipt,
)

PRINCIPAL_FIRST = ("principal", "interest", "flat_compensation", "costs")

# (id, request kwargs, interest, flat, total_due)
CASES = [
    # LEGAL.md worked example: 16/03-30/06/2023 107 d at 10.50, 01/07-31/12/2023 184 d at 12.00,
    # 01/01-10/02/2024 41 d at 12.50; 10000 × (0.105×107 + 0.12×184 + 0.125×41)/365 = 384400/365
    # = 1053.1506… → 1053.15; + €40 → 11093.15
    (
        "worked",
        dict(principal=D("10000.00"), due_date=date(2023, 3, 15), until=date(2024, 2, 10)),
        "1053.15",
        "40.00",
        "11093.15",
    ),
    # half-year boundary: 30/06/2023 1 d at 10.50, 01-02/07 2 d at 12.00:
    # 1000 × (0.105 + 0.24)/365 = 345/365 = 0.9452… → 0.95
    (
        "half-year",
        dict(principal=D("1000.00"), due_date=date(2023, 6, 29), until=date(2023, 7, 2)),
        "0.95",
        "40.00",
        "1040.95",
    ),
    # leap year, divisor 365: 01/02-01/03/2024 = 29 + 1 = 30 d at 12.50: 10000×0.125×30/365 = 37500/365 = 102.739…
    (
        "leap-365",
        dict(principal=D("10000.00"), due_date=date(2024, 1, 31), until=date(2024, 3, 1)),
        "102.74",
        "40.00",
        "10142.74",
    ),
    # same with divisor 366 in 2024: 37500/366 = 102.459… → 102.46
    (
        "leap-actual",
        dict(principal=D("10000.00"), due_date=date(2024, 1, 31), until=date(2024, 3, 1), divisor="actual"),
        "102.46",
        "40.00",
        "10142.46",
    ),
    # across the year, actual: 16-31/12/2023 16 d at 12% /365 = 19200/365 = 52.6027…;
    # 01-15/01/2024 15 d at 12.5% /366 = 18750/366 = 51.2295…; total 103.8322… → 103.83
    (
        "year-actual",
        dict(principal=D("10000.00"), due_date=date(2023, 12, 15), until=date(2024, 1, 15), divisor="actual"),
        "103.83",
        "40.00",
        "10143.83",
    ),
    # same with 365: 19200/365 + 18750/365 = 37950/365 = 103.972… → 103.97
    (
        "year-365",
        dict(principal=D("10000.00"), due_date=date(2023, 12, 15), until=date(2024, 1, 15)),
        "103.97",
        "40.00",
        "10143.97",
    ),
    # due Sunday 01/10/2023 → Monday 02/10 (art. 1187): 03-12/10 = 10 d at 12%: 12000/365 = 32.876… → 32.88
    (
        "sunday",
        dict(principal=D("10000.00"), due_date=date(2023, 10, 1), until=date(2023, 10, 12)),
        "32.88",
        "40.00",
        "10072.88",
    ),
    # due Saturday 30/09/2023 stays (Saturday is not festive): 01-10/10 = 10 d at 12% → 32.88
    (
        "saturday",
        dict(principal=D("10000.00"), due_date=date(2023, 9, 30), until=date(2023, 10, 10)),
        "32.88",
        "40.00",
        "10072.88",
    ),
    # due 25/04/2023 (Liberazione) → 26/04: 27/04-06/05 = 10 d at 10.5%: 10500/365 = 28.767… → 28.77
    (
        "holiday",
        dict(principal=D("10000.00"), due_date=date(2023, 4, 25), until=date(2023, 5, 6)),
        "28.77",
        "40.00",
        "10068.77",
    ),
    # due Easter Sunday 31/03/2024 → Easter Monday is a holiday too → 02/04: 03-12/04 = 10 d at 12.5%
    # 12500/365 = 34.246… → 34.25
    (
        "easter",
        dict(principal=D("10000.00"), due_date=date(2024, 3, 31), until=date(2024, 4, 12)),
        "34.25",
        "40.00",
        "10074.25",
    ),
    # contract of 2012 → +7: 10000 × (0.095×107 + 0.11×184 + 0.115×41)/365 = 351200/365 = 962.191… → 962.19, no €40
    (
        "pre-2013",
        dict(
            principal=D("10000.00"),
            due_date=date(2023, 3, 15),
            until=date(2024, 2, 10),
            contract_date=date(2012, 6, 1),
        ),
        "962.19",
        "0.00",
        "10962.19",
    ),
    # €40 waived by mandate: interest unchanged
    (
        "waived",
        dict(
            principal=D("10000.00"),
            due_date=date(2023, 3, 15),
            until=date(2024, 2, 10),
            flat_compensation=False,
        ),
        "1053.15",
        "0.00",
        "11053.15",
    ),
    # consumer, legal rate: 01/07-31/12/2023 184 d at 5%, 01/01-30/06/2024 182 d at 2.5%:
    # 5000 × (9.2 + 4.55)/365 = 68750/365 = 188.356… → 188.36, no €40
    (
        "legal",
        dict(principal=D("5000.00"), due_date=date(2023, 6, 30), until=date(2024, 6, 30), regime="legal"),
        "188.36",
        "0.00",
        "5188.36",
    ),
    # art. 1284 c.4 granted from filing 10/01/2024: 184 d at 5%, 01-09/01 9 d at 2.5%, 10/01-30/06 173 d at 12.5%:
    # 5000 × (9.2 + 0.225 + 21.625)/365 = 155250/365 = 425.342… → 425.34
    (
        "1284c4",
        dict(
            principal=D("5000.00"),
            due_date=date(2023, 6, 30),
            until=date(2024, 6, 30),
            regime="legal",
            filing_date=date(2024, 1, 10),
            title_grants_commercial_rate=True,
        ),
        "425.34",
        "0.00",
        "5425.34",
    ),
    # filing without the grant in the title: legal rate stays → 188.36
    (
        "1284c4-not-granted",
        dict(
            principal=D("5000.00"),
            due_date=date(2023, 6, 30),
            until=date(2024, 6, 30),
            regime="legal",
            filing_date=date(2024, 1, 10),
        ),
        "188.36",
        "0.00",
        "5188.36",
    ),
    # contractual 9%: 16/03/2023-10/02/2024 = 332 d: 10000×0.09×332/365 = 298800/365 = 818.630… → 818.63
    (
        "contractual",
        dict(
            principal=D("10000.00"),
            due_date=date(2023, 3, 15),
            until=date(2024, 2, 10),
            contractual_rate=D("9"),
        ),
        "818.63",
        "40.00",
        "10858.63",
    ),
    # legal, mora by demand received 10/07/2023: 11/07-31/12/2023 = 174 d at 5%: 1000×0.05×174/365 = 8700/365
    # = 23.835… → 23.84
    (
        "mora-start",
        dict(
            principal=D("1000.00"),
            due_date=date(2023, 6, 30),
            until=date(2023, 12, 31),
            regime="legal",
            mora_start=date(2023, 7, 10),
        ),
        "23.84",
        "0.00",
        "1023.84",
    ),
    # not late: computed on the due date itself
    (
        "on-time",
        dict(principal=D("1000.00"), due_date=date(2023, 3, 15), until=date(2023, 3, 15)),
        "0.00",
        "0.00",
        "1000.00",
    ),
    # costs are a bucket, bear no interest: 1000 + 40 + 25.50 + 0.95 (as "half-year" / 10 → 0.0945… → 0.09)
    (
        "costs",
        dict(principal=D("100.00"), due_date=date(2023, 6, 29), until=date(2023, 7, 2), costs=D("25.50")),
        "0.09",
        "40.00",
        "165.59",
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "interest", "flat", "total"), CASES, ids=[c[0] for c in CASES])
def test_worked_examples(name, kwargs, interest, flat, total):
    result = compute_interest(InterestRequest(**kwargs))
    assert (result.interest, result.flat_compensation, result.total_due) == (D(interest), D(flat), D(total))


def test_worked_example_segments():
    result = compute_interest(InterestRequest(D("10000.00"), date(2023, 3, 15), date(2024, 2, 10)))
    got = [(s.start, s.end, s.days, s.rate, s.amount) for s in result.segments]
    # 10000×0.105×107/365 = 307.808… ; ×0.12×184/365 = 604.931… ; ×0.125×41/365 = 140.410…
    assert got == [
        (date(2023, 3, 16), date(2023, 6, 30), 107, D("10.50"), D("307.81")),
        (date(2023, 7, 1), date(2023, 12, 31), 184, D("12.00"), D("604.93")),
        (date(2024, 1, 1), date(2024, 2, 10), 41, D("12.50"), D("140.41")),
    ]
    assert "GU n.14 del 18/1/2023" in result.segments[0].source


def test_sunday_due_date_is_reported():
    result = compute_interest(InterestRequest(D("10000.00"), date(2023, 10, 1), date(2023, 10, 12)))
    assert result.effective_due_date == date(2023, 10, 2)
    assert any("art. 1187" in reading for _p, reading in result.readings)


# Partial payment 2000.00 on 01/07/2023 of the worked example. Accrued to 01/07 (payment day included):
# 10000 × (0.105×107 + 0.12×1)/365 = 113550/365 = 311.0958… → 311.10. Imputed: €40, 311.10 interest,
# 1648.90 principal → 8351.10. Then 02/07-31/12 183 d at 12%, 01/01-10/02 41 d at 12.5%:
# 8351.10 × 27.085/365 = 226189.5435/365 = 619.6973… ; total exact 930.7932… → 930.79; outstanding
# 930.79 − 311.10 = 619.69; total 8351.10 + 619.69 = 8970.79.
def test_partial_payment_default_order():
    req = InterestRequest(
        D("10000.00"),
        date(2023, 3, 15),
        date(2024, 2, 10),
        payments=(Payment(date(2023, 7, 1), D("2000.00")),),
    )
    r = compute_interest(req)
    assert r.imputations[0].parts == (
        ("flat_compensation", D("40.00")),
        ("interest", D("311.10")),
        ("principal", D("1648.90")),
    )
    assert (r.interest, r.interest_paid, r.interest_outstanding) == (D("930.79"), D("311.10"), D("619.69"))
    assert (r.principal_outstanding, r.flat_outstanding, r.total_due) == (
        D("8351.10"),
        D("0.00"),
        D("8970.79"),
    )


# Principal first (agreed with the creditor): 8000 × 27.085/365 = 216680/365 = 593.6438…;
# total 311.0958… + 593.6438… = 904.7397… → 904.74; due 8000 + 904.74 + 40 = 8944.74.
def test_partial_payment_custom_order():
    req = InterestRequest(
        D("10000.00"),
        date(2023, 3, 15),
        date(2024, 2, 10),
        payments=(Payment(date(2023, 7, 1), D("2000.00")),),
        allocation_order=PRINCIPAL_FIRST,
    )
    r = compute_interest(req)
    assert (r.interest, r.principal_outstanding, r.flat_outstanding, r.total_due) == (
        D("904.74"),
        D("8000.00"),
        D("40.00"),
        D("8944.74"),
    )


# Overpayment: 1000 due 15/03/2023 paid 1100 on 25/03: 10 d at 10.5% = 1050/365 = 2.876… → 2.88;
# owed 40 + 2.88 + 1000 = 1042.88; excess 57.12 is the debtor's credit; nothing more accrues.
def test_overpayment_is_kept_as_credit():
    req = InterestRequest(
        D("1000.00"),
        date(2023, 3, 15),
        date(2023, 4, 30),
        payments=(Payment(date(2023, 3, 25), D("1100.00")),),
    )
    r = compute_interest(req)
    assert (r.interest, r.total_due, r.credit) == (D("2.88"), D("0.00"), D("57.12"))


def test_paid_on_due_date_owes_nothing():
    req = InterestRequest(
        D("1000.00"),
        date(2023, 3, 15),
        date(2023, 6, 30),
        payments=(Payment(date(2023, 3, 15), D("1000.00")),),
    )
    r = compute_interest(req)
    assert (r.interest, r.flat_compensation, r.total_due) == (D("0.00"), D("0.00"), D("0.00"))


# Two invoices, one payment of 1100 on 31/03/2023. A: 1000 due 31/01, 01/02-31/03 = 59 d at 10.5%:
# 6195/365 = 16.972… → 16.97. B: 500 due 28/02, 01-31/03 = 31 d: 1627.5/365 = 4.458… → 4.46.
# Oldest first: A takes 40 + 16.97 + 1000 = 1056.97; 43.03 left to B: 40 €, 3.03 interest → B owes
# 500 + 1.43 = 501.43. Designating B: B takes 40 + 4.46 + 500 = 544.46; 555.54 to A: 40 + 16.97 + 498.57
# → A owes 1000 − 498.57 = 501.43.
@pytest.mark.parametrize(
    ("designated", "owed_a", "owed_b"), [((), "0.00", "501.43"), (("B",), "501.43", "0.00")]
)
def test_case_oldest_first_or_designated(designated, owed_a, owed_b):
    until = date(2023, 3, 31)
    claims = {
        "A": InterestRequest(D("1000.00"), date(2023, 1, 31), until),
        "B": InterestRequest(D("500.00"), date(2023, 2, 28), until),
    }
    r = compute_case(claims, [CasePayment(until, D("1100.00"), designated)])
    assert (r.claims["A"].total_due, r.claims["B"].total_due) == (D(owed_a), D(owed_b))
    assert r.total_due == D(owed_a) + D(owed_b)


def test_due_date_from_receipt():
    # SdI delivery 31/01/2024 + 30 days = 01/03/2024 (2024 is leap: Feb has 29 days)
    assert due_date_from_receipt(date(2024, 1, 31)) == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("kwargs", "code", "fragment"),
    [
        (
            dict(principal=D("100.00"), due_date=date(2026, 5, 15), until=date(2026, 8, 10)),
            "law.rate_missing",
            "2º semestre 2026",
        ),
        (
            dict(principal=D("100.00"), due_date=date(2012, 11, 30), until=date(2013, 2, 1)),
            "law.rate_missing",
            "2º semestre 2012",
        ),
        (
            dict(principal=D("100.00"), due_date=date(2026, 11, 30), until=date(2027, 2, 1), regime="legal"),
            "law.rate_missing",
            "anno 2027",
        ),
        (
            dict(principal=D("-1.00"), due_date=date(2023, 1, 1), until=date(2023, 2, 1)),
            "law.negative_amount",
            "",
        ),
        (dict(principal=D("1.001"), due_date=date(2023, 1, 1), until=date(2023, 2, 1)), "law.bad_amount", ""),
        (
            dict(
                principal=D("1.00"),
                due_date=date(2023, 1, 1),
                until=date(2023, 2, 1),
                payments=(Payment(date(2022, 12, 31), D("1.00")),),
            ),
            "law.payment_before_due",
            "31/12/2022",
        ),
        (
            dict(principal=D("1.00"), due_date=date(2023, 1, 1), until=date(2023, 2, 1), regime="civil"),
            "law.unknown_regime",
            "",
        ),
        (
            dict(principal=D("1.00"), due_date=date(2023, 1, 1), until=date(2023, 2, 1), divisor="360"),
            "law.bad_divisor",
            "",
        ),
        (
            dict(
                principal=D("1.00"),
                due_date=date(2023, 1, 1),
                until=date(2023, 2, 1),
                allocation_order=("interest", "principal"),
            ),
            "law.bad_allocation_order",
            "",
        ),
    ],
)
def test_bad_input(kwargs, code, fragment):
    with pytest.raises(LawError) as caught:
        compute_interest(InterestRequest(**kwargs))
    assert caught.value.code == code
    assert fragment in caught.value.message
