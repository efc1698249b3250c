"""Pure rules of arrangements, table by table: schedules to the cent, limits, states, kept or broken."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from recupero.arrangements.domain.evaluate import DueItem, evaluate
from recupero.arrangements.domain.limits import (
    COMPANY,
    PERSON,
    PlanBand,
    Proposal,
    Rules,
    SettlementBand,
    breaches,
    promise_refusal,
    rules_from_data,
)
from recupero.arrangements.domain.schedule import (
    Frequency,
    InterestTreatment,
    ScheduleError,
    add_months,
    base_total,
    months_spanned,
    plan_schedule,
    schedule_total,
    settlement_amount,
    split,
)
from recupero.arrangements.domain.states import (
    ArrangementStatus as A,
)
from recupero.arrangements.domain.states import (
    InstalmentStatus as I,
)
from recupero.arrangements.domain.states import (
    Kind,
    can_instalment_transition,
    can_transition,
)

d = dt.date


@pytest.mark.parametrize(
    ("anchor", "months", "expected"),
    [
        (d(2026, 1, 31), 1, d(2026, 2, 28)),
        (d(2028, 1, 31), 1, d(2028, 2, 29)),
        (d(2026, 1, 31), 2, d(2026, 3, 31)),
        (d(2026, 1, 31), 3, d(2026, 4, 30)),
        (d(2026, 11, 30), 3, d(2027, 2, 28)),
        (d(2026, 12, 15), 1, d(2027, 1, 15)),
        (d(2026, 5, 10), 0, d(2026, 5, 10)),
    ],
)
def test_add_months(anchor: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(anchor, months) == expected


@pytest.mark.parametrize(
    ("amount", "count", "parts"),
    [
        (D("1000.00"), 3, [D("333.33"), D("333.33"), D("333.34")]),
        (D("200.00"), 3, [D("66.67"), D("66.67"), D("66.66")]),
        (D("100.00"), 4, [D("25.00")] * 4),
        (D("0.05"), 2, [D("0.03"), D("0.02")]),
        (D("1234.56"), 1, [D("1234.56")]),
    ],
)
def test_split_puts_the_remainder_on_the_last(amount: D, count: int, parts: list[D]) -> None:
    assert split(amount, count) == parts
    assert sum(parts) == amount


SCHEDULES = [
    # total, down, count, frequency, first due, start, rate → [(number, due, amount, interest)]
    (
        D("1000.00"),
        D("0"),
        3,
        Frequency.MONTHLY,
        d(2026, 1, 31),
        d(2026, 1, 10),
        None,
        [
            (1, d(2026, 1, 31), D("333.33"), D("0")),
            (2, d(2026, 2, 28), D("333.33"), D("0")),
            (3, d(2026, 3, 31), D("333.34"), D("0")),
        ],
    ),
    (
        D("1000.00"),
        D("100.00"),
        2,
        Frequency.WEEKLY,
        d(2026, 3, 2),
        d(2026, 2, 27),
        None,
        [
            (0, d(2026, 2, 27), D("100.00"), D("0")),
            (1, d(2026, 3, 2), D("450.00"), D("0")),
            (2, d(2026, 3, 9), D("450.00"), D("0")),
        ],
    ),
    (
        # running at 1.60% a year: 1200 open 31 days → 1.63; 600 open 28 days → 0.74
        D("1200.00"),
        D("0"),
        2,
        Frequency.MONTHLY,
        d(2026, 2, 1),
        d(2026, 1, 1),
        D("1.60"),
        [(1, d(2026, 2, 1), D("601.63"), D("1.63")), (2, d(2026, 3, 1), D("600.74"), D("0.74"))],
    ),
]


@pytest.mark.parametrize(("total", "down", "count", "freq", "first", "start", "rate", "expected"), SCHEDULES)
def test_plan_schedule(total, down, count, freq, first, start, rate, expected) -> None:  # type: ignore[no-untyped-def]
    got = plan_schedule(
        total=total,
        count=count,
        frequency=freq,
        first_due=first,
        start=start,
        down_payment=down,
        legal_rate=rate,
    )
    assert [(i.number, i.due, i.amount, i.interest) for i in got] == expected
    interest = sum(e[3] for e in expected)
    assert schedule_total(got) == total + interest


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"total": D("0")}, "arrangement.bad_total"),
        ({"down_payment": D("1000.00")}, "arrangement.bad_down_payment"),
        ({"down_payment": D("-1")}, "arrangement.bad_down_payment"),
        ({"count": 0}, "arrangement.bad_instalments"),
        ({"first_due": d(2026, 1, 1)}, "arrangement.first_due_in_past"),
    ],
)
def test_plan_schedule_refusals(kwargs: dict, code: str) -> None:  # type: ignore[type-arg]
    args = {
        "total": D("1000.00"),
        "count": 3,
        "frequency": Frequency.MONTHLY,
        "first_due": d(2026, 2, 1),
        "start": d(2026, 1, 10),
    } | kwargs
    with pytest.raises(ScheduleError) as exc:
        plan_schedule(**args)
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("start", "last", "months"),
    [
        (d(2026, 1, 10), d(2026, 1, 10), 0),
        (d(2026, 1, 10), d(2026, 2, 10), 1),
        (d(2026, 1, 10), d(2026, 2, 11), 2),
        (d(2026, 1, 31), d(2026, 2, 28), 1),
        (d(2026, 1, 10), d(2027, 1, 10), 12),
    ],
)
def test_months_spanned(start: dt.date, last: dt.date, months: int) -> None:
    assert months_spanned(start, last) == months


@pytest.mark.parametrize(
    ("due", "discount", "pays"),
    [
        (D("1000.00"), D("20"), D("800.00")),
        (D("333.33"), D("15"), D("283.33")),
        (D("99.99"), D("0"), D("99.99")),
    ],
)
def test_settlement_amount(due: D, discount: D, pays: D) -> None:
    assert settlement_amount(due, discount) == pays


@pytest.mark.parametrize(
    ("treatment", "expected"),
    [
        (InterestTreatment.WAIVED, D("1000.00")),
        (InterestTreatment.FROZEN, D("1042.17")),
        (InterestTreatment.RUNNING, D("1042.17")),
    ],
)
def test_base_total_by_interest_treatment(treatment: InterestTreatment, expected: D) -> None:
    assert base_total(treatment, D("1042.17"), D("42.17")) == expected


RULES = Rules(
    plan_bands=(
        PlanBand(PERSON, D("2000.00"), 6, 6, D("50.00"), D("0")),
        PlanBand(PERSON, None, 12, 12, D("100.00"), D("10")),
        PlanBand(COMPANY, None, 10, 10, D("200.00"), D("20")),
    ),
    settlement_bands=(
        SettlementBand(365, None, D("10")),
        SettlementBand(None, D("5000.00"), D("30")),
        SettlementBand(None, None, D("20")),
    ),
    settlement_max_instalments=2,
)


def _plan(debtor: str, due: D, count: int, down: D = D("0"), start: dt.date = d(2026, 1, 10)) -> Proposal:
    items = plan_schedule(
        total=due,
        count=count,
        frequency=Frequency.MONTHLY,
        first_due=start + dt.timedelta(days=20),
        start=start,
        down_payment=down,
    )
    return Proposal(Kind.PLAN, debtor, due, start, tuple(items), down)


@pytest.mark.parametrize(
    ("proposal", "codes"),
    [
        (_plan(PERSON, D("1200.00"), 6), []),
        (
            _plan(PERSON, D("1200.00"), 7),
            ["arrangement.limit.max_instalments", "arrangement.limit.max_months"],
        ),
        (_plan(PERSON, D("240.00"), 6), ["arrangement.limit.min_instalment"]),
        (_plan(PERSON, D("3000.00"), 10, D("300.00")), []),
        (_plan(PERSON, D("3000.00"), 10, D("299.99")), ["arrangement.limit.min_down_payment"]),
        (_plan(COMPANY, D("3000.00"), 10, D("600.00")), []),
        (
            _plan(COMPANY, D("3000.00"), 11, D("1000.00")),
            [
                "arrangement.limit.max_instalments",
                "arrangement.limit.max_months",
                "arrangement.limit.min_instalment",
            ],
        ),
        (
            Proposal(
                Kind.SETTLEMENT,
                PERSON,
                D("4000.00"),
                d(2026, 1, 10),
                discount_percent=D("10"),
                claim_age_days=300,
            ),
            [],
        ),
        (
            Proposal(
                Kind.SETTLEMENT,
                PERSON,
                D("4000.00"),
                d(2026, 1, 10),
                discount_percent=D("11"),
                claim_age_days=300,
            ),
            ["arrangement.limit.max_discount"],
        ),
        (
            Proposal(
                Kind.SETTLEMENT,
                PERSON,
                D("4000.00"),
                d(2026, 1, 10),
                discount_percent=D("30"),
                claim_age_days=400,
            ),
            [],
        ),
        (
            Proposal(
                Kind.SETTLEMENT,
                PERSON,
                D("6000.00"),
                d(2026, 1, 10),
                discount_percent=D("25"),
                claim_age_days=400,
            ),
            ["arrangement.limit.max_discount"],
        ),
        (Proposal(Kind.PROMISE, PERSON, D("6000.00"), d(2026, 1, 10)), []),
    ],
)
def test_breaches(proposal: Proposal, codes: list[str]) -> None:
    assert [b.code for b in breaches(RULES, proposal)] == codes


def test_settlement_in_too_many_parts() -> None:
    items = plan_schedule(
        total=D("900.00"), count=3, frequency=Frequency.MONTHLY, first_due=d(2026, 2, 1), start=d(2026, 1, 10)
    )
    p = Proposal(
        Kind.SETTLEMENT, PERSON, D("1000.00"), d(2026, 1, 10), tuple(items), discount_percent=D("10")
    )
    assert [(b.code, b.params) for b in breaches(RULES, p)] == [
        ("arrangement.limit.settlement_instalments", {"value": "3", "limit": "2"})
    ]


def test_rules_from_data_keeps_defaults_for_missing_keys() -> None:
    rules = rules_from_data(
        {
            "plan_bands": [
                {
                    "debtor": "person",
                    "max_amount": "1000",
                    "max_instalments": 4,
                    "max_months": 4,
                    "min_instalment": "25.00",
                }
            ],
            "grace_days": 3,
        },
        Rules(approval_days=7),
    )
    assert rules.plan_bands == (PlanBand(PERSON, D("1000"), 4, 4, D("25.00"), D("0")),)
    assert (rules.grace_days, rules.approval_days, rules.missed_to_break) == (3, 7, 1)
    assert rules.settlement_bands == (SettlementBand(),)


@pytest.mark.parametrize(
    ("amount", "on", "code"),
    [
        (D("100.00"), d(2026, 1, 10), None),
        (D("500.00"), d(2026, 2, 9), None),
        (D("500.01"), d(2026, 1, 20), "arrangement.promise_above_due"),
        (D("0"), d(2026, 1, 20), "arrangement.bad_total"),
        (D("100.00"), d(2026, 1, 9), "arrangement.date_in_past"),
        (D("100.00"), d(2026, 2, 10), "arrangement.promise_beyond_horizon"),
    ],
)
def test_promise_refusal(amount: D, on: dt.date, code: str | None) -> None:
    assert promise_refusal(amount, on, today=d(2026, 1, 10), due_today=D("500.00"), horizon_days=30) == code


@pytest.mark.parametrize(
    ("source", "target", "ok"),
    [
        (A.PENDING_APPROVAL, A.ACTIVE, True),
        (A.PENDING_APPROVAL, A.REJECTED, True),
        (A.PENDING_APPROVAL, A.EXPIRED, True),
        (A.PENDING_APPROVAL, A.KEPT, False),
        (A.ACTIVE, A.KEPT, True),
        (A.ACTIVE, A.BROKEN, True),
        (A.ACTIVE, A.REPLACED, True),
        (A.ACTIVE, A.REJECTED, False),
        (A.KEPT, A.BROKEN, False),
        (A.BROKEN, A.ACTIVE, False),
        (A.REJECTED, A.ACTIVE, False),
        (A.EXPIRED, A.ACTIVE, False),
    ],
)
def test_arrangement_transitions(source: A, target: A, ok: bool) -> None:
    assert can_transition(source, target) is ok


@pytest.mark.parametrize(
    ("source", "target", "ok"),
    [
        (I.PENDING, I.PAID, True),
        (I.PENDING, I.MISSED, True),
        (I.MISSED, I.PAID, True),
        (I.PAID, I.MISSED, False),
        (I.CANCELLED, I.PAID, False),
    ],
)
def test_instalment_transitions(source: I, target: I, ok: bool) -> None:
    assert can_instalment_transition(source, target) is ok


PLAN = [DueItem(1, d(2026, 2, 1), D("100.00")), DueItem(2, d(2026, 3, 1), D("100.00"))]


@pytest.mark.parametrize(
    ("payments", "day", "missed_to_break", "outcome", "statuses"),
    [
        ([], d(2026, 2, 6), 1, A.ACTIVE, [I.PENDING, I.PENDING]),  # within the 5 grace days
        ([], d(2026, 2, 7), 1, A.BROKEN, [I.MISSED, I.PENDING]),
        ([], d(2026, 2, 7), 2, A.ACTIVE, [I.MISSED, I.PENDING]),
        ([(d(2026, 2, 6), D("100.00"))], d(2026, 2, 7), 1, A.ACTIVE, [I.PAID, I.PENDING]),
        ([(d(2026, 2, 6), D("99.99"))], d(2026, 2, 7), 1, A.BROKEN, [I.MISSED, I.PENDING]),
        ([(d(2026, 2, 8), D("100.00"))], d(2026, 2, 9), 2, A.ACTIVE, [I.PAID, I.PENDING]),  # late, tolerated
        ([(d(2026, 1, 20), D("200.00"))], d(2026, 1, 21), 1, A.KEPT, [I.PAID, I.PAID]),
        (
            [(d(2026, 2, 1), D("100.00")), (d(2026, 3, 6), D("100.00"))],
            d(2026, 3, 7),
            1,
            A.KEPT,
            [I.PAID, I.PAID],
        ),
        (
            [(d(2026, 2, 1), D("100.00")), (d(2026, 3, 7), D("100.00"))],
            d(2026, 3, 7),
            1,
            A.BROKEN,
            [I.PAID, I.PAID],
        ),
    ],
)
def test_evaluate(payments, day, missed_to_break, outcome, statuses) -> None:  # type: ignore[no-untyped-def]
    verdict = evaluate(PLAN, payments, day=day, grace_days=5, missed_to_break=missed_to_break)
    assert verdict.outcome is outcome
    assert [verdict.statuses[1], verdict.statuses[2]] == statuses
