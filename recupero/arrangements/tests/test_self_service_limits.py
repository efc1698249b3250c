"""The debtor's own page: the self-service bands of a plan, table by table (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from recupero.arrangements.domain.limits import (
    COMPANY,
    PERSON,
    PlanBand,
    Proposal,
    Rules,
    rules_from_data,
    self_service_bands,
    self_service_breaches,
)
from recupero.arrangements.domain.schedule import Frequency, plan_schedule
from recupero.arrangements.domain.states import Kind

d = dt.date
START = d(2026, 3, 10)
# The collector may grant persons up to 12 monthly instalments of at least 50 € (no down payment asked).
COLLECTOR = Rules(plan_bands=(PlanBand(PERSON, None, 12, 12, D("50.00"), D("0")), PlanBand()))


def plan(total: str, count: int, down: str = "0", debtor: str = PERSON) -> Proposal:
    items = plan_schedule(
        total=D(total),
        count=count,
        frequency=Frequency.MONTHLY,
        first_due=d(2026, 4, 10),
        start=START,
        down_payment=D(down),
    )
    return Proposal(Kind.PLAN, debtor, D(total), START, tuple(items), down_payment=D(down))


def test_default_bands_halve_the_collector_ones() -> None:
    assert self_service_bands(COLLECTOR) == (
        PlanBand(PERSON, None, 6, 6, D("50.00"), D("10")),
        PlanBand("any", None, 6, 6, D("50.00"), D("10")),
    )


@pytest.mark.parametrize(
    ("proposal", "codes"),
    [
        # 1,200 €: 120 € down (10 %) and 6 monthly instalments of 180 €: within the self-service band.
        (plan("1200.00", 6, "120.00"), []),
        # 7 instalments: the collector could grant it, the page cannot (and 7 months > 6).
        (
            plan("1200.00", 7, "120.00"),
            ["arrangement.limit.max_instalments", "arrangement.limit.max_months"],
        ),
        # no down payment: the page asks for 10 % (120.00 €).
        (plan("1200.00", 6), ["arrangement.limit.min_down_payment"]),
        # 13 instalments of 30 €: beyond both bands; the collector's codes are not repeated.
        (
            plan("500.00", 13, "110.00"),
            [
                "arrangement.limit.max_instalments",
                "arrangement.limit.max_months",
                "arrangement.limit.min_instalment",
            ],
        ),
        # a company: the generic band, same halving.
        (plan("1000.00", 5, "100.00", COMPANY), []),
    ],
)
def test_self_service_breaches(proposal: Proposal, codes: list[str]) -> None:
    assert [b.code for b in self_service_breaches(COLLECTOR, proposal)] == codes


def test_figures_of_the_self_service_band_are_reported() -> None:
    found = self_service_breaches(COLLECTOR, plan("1200.00", 6))
    assert [(b.code, b.params) for b in found] == [
        ("arrangement.limit.min_down_payment", {"value": "0", "limit": "120.00"})
    ]


def test_a_looser_self_service_band_never_beats_the_collector() -> None:
    rules = rules_from_data(
        {
            "plan_bands": [{"max_instalments": 12, "max_months": 12, "min_instalment": "50"}],
            "self_service": {
                "plan_bands": [{"max_instalments": 24, "max_months": 24, "min_instalment": "10"}]
            },
        }
    )
    assert rules.self_service_plan_bands == (PlanBand("any", None, 24, 24, D("10"), D("0")),)
    assert [b.code for b in self_service_breaches(rules, plan("2000.00", 13))] == [
        "arrangement.limit.max_instalments",
        "arrangement.limit.max_months",
    ]
    assert self_service_breaches(rules, plan("2000.00", 12)) == []


def test_settlement_never_self_service_promise_has_no_band() -> None:
    settlement = Proposal(Kind.SETTLEMENT, PERSON, D("900.00"), START, discount_percent=D("5"))
    assert [b.code for b in self_service_breaches(COLLECTOR, settlement)] == ["arrangement.self_service.kind"]
    promise = Proposal(Kind.PROMISE, PERSON, D("900.00"), START)
    assert self_service_breaches(COLLECTOR, promise) == []
