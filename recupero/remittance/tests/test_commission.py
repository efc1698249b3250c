"""The commission engine to the cent: tables of plans, payments and the figures they must give."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from recupero.remittance.domain.commission import (
    Base,
    Collected,
    Figures,
    Phase,
    Plan,
    PlanError,
    Rate,
    marginal,
    minimum_topup,
    payment_figures,
    reversal_figures,
    tiers,
)

OUT, LEGAL = Phase.OUT_OF_COURT, Phase.LEGAL
FLAT = Plan(rates=(Rate(OUT, D("15")), Rate(LEGAL, D("20"))))
BANDED = Plan(
    rates=(
        Rate(OUT, D("10")),
        Rate(OUT, D("18"), min_age_days=365),
        Rate(OUT, D("12"), min_age_days=365, from_amount=D("1000")),
        Rate(LEGAL, D("25")),
    )
)
PRINCIPAL_ONLY = Plan(rates=(Rate(OUT, D("15")),), base=Base.PRINCIPAL)
KEEP_INTEREST = Plan(rates=(Rate(OUT, D("15")),), keep_interest=True)
NO_DIRECT = Plan(rates=(Rate(OUT, D("15")),), direct_commission=False)


def c(principal: str = "0", interest: str = "0", compensation: str = "0", costs: str = "0") -> Collected:
    return Collected(D(principal), D(interest), D(compensation), D(costs))


@pytest.mark.parametrize(
    (
        "plan",
        "collected",
        "phase",
        "age",
        "before",
        "direct",
        "base",
        "commission",
        "vat",
        "held",
        "remitted",
    ),
    [
        # 15 % of 100.00 = 15.00, VAT 22 % = 3.30, net 81.70
        (FLAT, c("100.00"), OUT, 30, "0", False, "100.00", "15.00", "3.30", "0.00", "81.70"),
        # legal phase: 20 % of 333.33 = 66.666 → 66.67; VAT 14.6674 → 14.67; net 251.99
        (FLAT, c("333.33"), LEGAL, 30, "0", False, "333.33", "66.67", "14.67", "0.00", "251.99"),
        # everything is the base: 15 % of 140.00 (100 + 40 €)
        (
            FLAT,
            c("100.00", compensation="40.00"),
            OUT,
            0,
            "0",
            False,
            "140.00",
            "21.00",
            "4.62",
            "0.00",
            "114.38",
        ),
        # principal only: 15 % of 100.00 although 150.00 came in
        (
            PRINCIPAL_ONLY,
            c("100.00", "10.00", "40.00"),
            OUT,
            0,
            "0",
            False,
            "100.00",
            "15.00",
            "3.30",
            "0.00",
            "131.70",
        ),
        # interest kept by the agency: held 10.00, base 140.00
        (
            KEEP_INTEREST,
            c("100.00", "10.00", "40.00"),
            OUT,
            0,
            "0",
            False,
            "140.00",
            "21.00",
            "4.62",
            "10.00",
            "114.38",
        ),
        # young claim: band 0 → 10 %
        (BANDED, c("500.00"), OUT, 364, "0", False, "500.00", "50.00", "11.00", "0.00", "439.00"),
        # old claim: band 365, first tier 18 % up to 1,000 then 12 %: 800 → 144.00
        (BANDED, c("800.00"), OUT, 365, "0", False, "800.00", "144.00", "31.68", "0.00", "624.32"),
        # crossing the tier: 600 after 700 already → 300 at 18 % + 300 at 12 % = 54 + 36 = 90.00
        (BANDED, c("600.00"), OUT, 400, "700.00", False, "600.00", "90.00", "19.80", "0.00", "490.20"),
        # entirely above the tier: 12 %
        (BANDED, c("250.00"), OUT, 400, "1000.00", False, "250.00", "30.00", "6.60", "0.00", "213.40"),
        # direct payment: the creditor holds 100.00 and owes 15.00 + 3.30 (to invoice)
        (FLAT, c("100.00"), OUT, 0, "0", True, "100.00", "15.00", "3.30", "100.00", "-18.30"),
        # direct payment, plan says no commission on direct payments
        (NO_DIRECT, c("100.00"), OUT, 0, "0", True, "100.00", "0.00", "0.00", "100.00", "0.00"),
        # half-up rounding of the commission: 15 % of 0.10 = 0.015 → 0.02; VAT 0.0044 → 0.00
        (FLAT, c("0.10"), OUT, 0, "0", False, "0.10", "0.02", "0.00", "0.00", "0.08"),
    ],
)
def test_payment_figures(plan, collected, phase, age, before, direct, base, commission, vat, held, remitted):
    f = payment_figures(plan, collected, phase=phase, age_days=age, base_before=D(before), direct=direct)
    assert (f.base, f.commission, f.vat, f.held, f.remitted) == (
        D(base),
        D(commission),
        D(vat),
        D(held),
        D(remitted),
    )
    assert f.collected.total == f.remitted + f.commission + f.vat + f.held


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [("0", "1000", "180"), ("900", "200", "30"), ("1000", "100", "12"), ("0", "0", "0"), ("0", "-5", "0")],
)
def test_marginal_tiers(start, amount, expected):
    assert marginal(tiers(BANDED, OUT, 400), D(start), D(amount)) == D(expected)


def test_a_phase_without_rate_is_refused():
    with pytest.raises(PlanError) as err:
        tiers(PRINCIPAL_ONLY, LEGAL, 0)
    assert err.value.code == "remittance.no_rate"


def test_a_payment_reversed_in_two_steps_nets_to_zero():
    original = payment_figures(
        FLAT, c("100.00", "33.33"), phase=OUT, age_days=0, base_before=D(0), direct=False
    )
    assert (original.commission, original.vat) == (D("20.00"), D("4.40"))
    first = reversal_figures(FLAT, original, c("100.00"), c(), Figures(), direct=False)
    # 100/133.33 of 20.00 = 15.0004 → 15.00; of 4.40 = 3.3001 → 3.30
    assert (first.commission, first.vat, first.remitted) == (D("-15.00"), D("-3.30"), D("-81.70"))
    second = reversal_figures(FLAT, original, c(interest="33.33"), c("100.00"), first, direct=False)
    assert (second.commission, second.vat) == (D("-5.00"), D("-1.10"))
    for field in ("commission", "vat", "remitted", "held", "base"):
        assert getattr(original, field) + getattr(first, field) + getattr(second, field) == 0, field
    for line in (first, second):
        assert line.collected.total == line.remitted + line.commission + line.vat + line.held


def test_a_direct_payment_reversed_gives_back_the_invoiced_commission():
    original = payment_figures(FLAT, c("50.00"), phase=OUT, age_days=0, base_before=D(0), direct=True)
    back = reversal_figures(FLAT, original, c("50.00"), c(), Figures(), direct=True)
    assert (back.commission, back.vat, back.held, back.remitted) == (
        D("-7.50"),
        D("-1.65"),
        D("-50.00"),
        D("9.15"),
    )


@pytest.mark.parametrize(
    ("minimum", "cum_base", "computed", "before", "expected"),
    [
        ("25.00", "100.00", "15.00", "0", "10.00"),  # topped up to the minimum
        ("25.00", "300.00", "45.00", "0", "0.00"),  # above the minimum: nothing
        ("25.00", "10.00", "1.50", "0", "8.50"),  # never beyond what the case yielded (10.00)
        ("25.00", "300.00", "45.00", "10.00", "-10.00"),  # an earlier top-up no longer needed is given back
        ("25.00", "0.00", "0.00", "10.00", "-10.00"),  # everything reversed: the top-up goes too
        ("0.00", "100.00", "15.00", "0", "0.00"),  # no minimum
    ],
)
def test_minimum_per_case(minimum, cum_base, computed, before, expected):
    plan = Plan(rates=FLAT.rates, minimum_per_case=D(minimum))
    assert minimum_topup(plan, cum_base=D(cum_base), computed=D(computed), topups_before=D(before)) == D(
        expected
    )
