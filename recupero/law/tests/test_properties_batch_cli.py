"""Hypothesis properties, batch == single-case, and the command line."""

import json
from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from recupero.law.allocation import ClaimBalance, allocate_payment
from recupero.law.batch import interest_batch, prescription_batch
from recupero.law.cli import main
from recupero.law.interest import InterestRequest, Payment, compute_interest
from recupero.law.money import to_cents
from recupero.law.prescription import CLAIM_TYPES, Event, PrescriptionRequest, compute_prescription

FIRST, LAST = date(2013, 1, 1), date(2026, 6, 30)  # commercial rates available
cents = st.integers(min_value=0, max_value=10**9).map(lambda c: D(c).scaleb(-2))
days = st.integers(min_value=0, max_value=(LAST - FIRST).days)


def req(amount, due, until, **kw):
    return InterestRequest(amount, due, until, **kw)


@settings(max_examples=150, deadline=None)
@given(cents, days, days, days)
def test_interest_grows_with_time(amount, a, b, c):
    due, t1, t2 = (FIRST + timedelta(days=x) for x in sorted((a, b, c)))
    assert compute_interest(req(amount, due, t1)).interest <= compute_interest(req(amount, due, t2)).interest


@settings(max_examples=150, deadline=None)
@given(cents, cents, days, days)
def test_interest_grows_with_amount(x, y, a, b):
    due, until = (FIRST + timedelta(days=v) for v in sorted((a, b)))
    small, large = sorted((x, y))
    assert (
        compute_interest(req(small, due, until)).interest <= compute_interest(req(large, due, until)).interest
    )


@settings(max_examples=150, deadline=None)
@given(cents, days, days, days, st.sampled_from(["365", "actual"]))
def test_splitting_a_period_moves_at_most_one_cent(amount, a, b, c, divisor):
    due, middle, until = (FIRST + timedelta(days=v) for v in sorted((a, b, c)))
    whole = compute_interest(req(amount, due, until, divisor=divisor))
    middle = max(middle, whole.effective_due_date)
    until = max(until, middle)
    whole = compute_interest(req(amount, due, until, divisor=divisor))
    first = compute_interest(req(amount, due, middle, divisor=divisor))
    second = compute_interest(req(amount, due, until, divisor=divisor, mora_start=middle))
    assert abs(first.interest + second.interest - whole.interest) <= D("0.01")


balances = st.builds(
    ClaimBalance,
    st.sampled_from(["A", "B", "C"]),
    st.dates(date(2020, 1, 1), date(2024, 1, 1)),
    cents,
    cents,
    cents,
    cents,
)


@settings(max_examples=200, deadline=None)
@given(
    cents,
    st.lists(balances, max_size=3, unique_by=lambda b: b.claim_id),
    st.permutations(["costs", "flat_compensation", "interest", "principal"]),
)
def test_allocation_conserves_every_cent(amount, claims, order):
    result = allocate_payment(amount, claims, order=tuple(order))
    assert sum((line.amount for line in result.lines), D(0)) + result.unallocated == amount
    for claim in claims:  # no bucket receives more than it is owed
        for bucket, owed in claim.owed_cents().items():
            assert to_cents(result.total(claim_id=claim.claim_id, bucket=bucket)) <= owed


def test_allocation_oldest_first_unless_designated():
    a = ClaimBalance("A", date(2023, 1, 31), D("100.00"), D("5.00"))
    b = ClaimBalance("B", date(2022, 5, 31), D("100.00"), D("5.00"))
    assert allocate_payment(D("50.00"), [a, b]).total(claim_id="B") == D("50.00")
    assert allocate_payment(D("50.00"), [a, b], designated=["A"]).total(claim_id="A") == D("50.00")
    # interest before principal (art. 1194): 5.00 to interest, 45.00 to principal
    assert allocate_payment(D("50.00"), [a, b]).total(bucket="interest") == D("5.00")


case = st.tuples(
    cents,
    days,
    days,
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 10**7)), max_size=3),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(case, min_size=1, max_size=5), st.sampled_from(["365", "actual"]), st.booleans())
def test_batch_equals_single(cases, divisor, flat):
    batch_cases, singles = [], []
    for amount, a, b, raw_payments in cases:
        due, until = (FIRST + timedelta(days=v) for v in sorted((a, b)))
        span = (until - due).days
        payments = tuple((due + timedelta(days=int(f * span)), D(c).scaleb(-2)) for f, c in raw_payments)
        batch_cases.append((amount, due, until, payments))
        singles.append(
            compute_interest(
                req(
                    amount,
                    due,
                    until,
                    divisor=divisor,
                    flat_compensation=flat,
                    payments=tuple(Payment(d, x) for d, x in payments),
                )
            )
        )
    got = interest_batch(batch_cases, divisor=divisor, flat_compensation=flat)
    want = [
        (
            to_cents(r.interest),
            to_cents(r.flat_compensation),
            to_cents(r.principal_outstanding),
            to_cents(r.total_due),
        )
        for r in singles
    ]
    assert [tuple(g) for g in got] == want


kinds = st.sampled_from(
    [
        "demand_received",
        "registered_held_notice",
        "acknowledgment",
        "partial_payment",
        "final_judgment",
        "pec_accepted",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(CLAIM_TYPES),
    st.sampled_from(["consumer", "micro", "professional", "business"]),
    st.dates(date(2015, 1, 1), date(2025, 12, 31)),
    st.lists(st.tuples(kinds, st.integers(0, 4000)), max_size=3),
    st.dates(date(2018, 1, 1), date(2040, 1, 1)),
)
def test_prescription_batch_equals_single(claim_type, debtor, due, raw_events, today):
    events = [(k, due + timedelta(days=n)) for k, n in raw_events]
    single = compute_prescription(
        PrescriptionRequest(
            claim_type,
            debtor,
            due,
            events=tuple(Event(k, _pec(d) if k.startswith("pec_") else d) for k, d in events),
            today=today,
        )
    )
    assert prescription_batch([(claim_type, debtor, due, events)], today=today) == [
        (single.deadline, single.status)
    ]


def _pec(d):
    from datetime import datetime

    from recupero.law.prescription import ROME

    return datetime(d.year, d.month, d.day, 12, tzinfo=ROME)


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_interest_json(capsys):
    code, out, _ = run_cli(
        capsys,
        "interest",
        "--amount",
        "10000.00",
        "--due",
        "2023-03-15",
        "--until",
        "2024-02-10",
        "--regime",
        "commercial",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert (
        data["interest"],
        data["flat_compensation"],
        data["principal_outstanding"],
        data["total_due"],
    ) == ("1053.15", "40.00", "10000.00", "11093.15")
    assert data["segments"][0] == {
        "from": "2023-03-16",
        "to": "2023-06-30",
        "days": "107",
        "rate": "10.50",
        "source": data["segments"][0]["source"],
        "principal": "10000.00",
        "amount": "307.81",
    }


def test_cli_interest_payment_and_options(capsys):
    code, out, _ = run_cli(
        capsys,
        "interest",
        "--amount",
        "10000.00",
        "--due",
        "2023-03-15",
        "--until",
        "2024-02-10",
        "--payment",
        "2023-07-01:2000.00",
        "--no-flat-compensation",
        "--divisor",
        "actual",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["flat_compensation"] == "0.00"
    assert data["payments"][0]["parts"] == {"interest": "311.10", "principal": "1688.90"}


def test_cli_interest_text(capsys):
    code, out, _ = run_cli(
        capsys, "interest", "--amount", "10000.00", "--due", "2023-03-15", "--until", "2024-02-10"
    )
    assert code == 0
    assert "16/03/2023  30/06/2023     107  10,50%  10.000,00     307,81" in out
    assert "TOTALE DOVUTO" in out and "11.093,15" in out


def test_cli_prescription(capsys):
    code, out, _ = run_cli(
        capsys,
        "prescription",
        "--claim-type",
        "periodic",
        "--debtor",
        "consumer",
        "--due",
        "2020-03-17",
        "--event",
        "pec_delivered:2025-03-17T23:00:03Z",
        "--today",
        "2025-06-01",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert (data["deadline"], data["status"]) == ("2025-03-17", "expired")
    assert data["events"][0]["date"] == "2025-03-18" and data["events"][0]["interrupted"] is False
    assert data["events"][0]["reason"]
    code, out, _ = run_cli(
        capsys,
        "prescription",
        "--claim-type",
        "periodic",
        "--debtor",
        "consumer",
        "--due",
        "2020-03-17",
        "--today",
        "2025-06-01",
    )
    assert code == 0 and "PROSPETTO DELLA PRESCRIZIONE" in out and "17/03/2025" in out


def test_cli_bureau(capsys):
    code, out, _ = run_cli(capsys, "bureau-notice", "--sent", "2025-01-10", "--json")
    assert (code, json.loads(out)) == (0, {"sent": "2025-01-10", "earliest_report": "2025-01-26"})


def test_cli_errors(capsys):
    for argv, code in [
        (["interest", "--amount", "1.001", "--due", "2023-03-15", "--until", "2024-02-10"], "law.bad_amount"),
        (["interest", "--amount", "100", "--due", "2026-05-15", "--until", "2026-08-10"], "law.rate_missing"),
        (
            [
                "interest",
                "--amount",
                "100",
                "--due",
                "2023-05-15",
                "--until",
                "2023-08-10",
                "--payment",
                "2023-05-01:10",
            ],
            "law.payment_before_due",
        ),
        (
            ["prescription", "--claim-type", "lease", "--debtor", "consumer", "--due", "2020-01-01"],
            "law.unknown_claim_type",
        ),
        (
            [
                "prescription",
                "--claim-type",
                "ordinary",
                "--debtor",
                "consumer",
                "--due",
                "2020-01-01",
                "--event",
                "summons:2021-01-01",
            ],
            "law.unknown_event",
        ),
        (
            [
                "prescription",
                "--claim-type",
                "ordinary",
                "--debtor",
                "consumer",
                "--due",
                "2020-01-01",
                "--event",
                "acknowledgment:2019-01-01",
            ],
            "law.event_before_due",
        ),
        (["bureau-notice", "--sent", "10/01/2025"], "law.bad_date"),
        (["bureau-notice"], "cli.bad_arguments"),
    ]:
        status, _out, err = run_cli(capsys, *argv)
        assert status == 2
        assert err.startswith(f"errore [{code}]: ")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-400, max_value=(LAST - FIRST).days + 400), st.integers(min_value=0, max_value=3000),
       st.sampled_from(["commercial", "legal"]), st.booleans())  # fmt: skip
def test_span_weight_is_the_pieces_weight(offset, length, kind, actual):
    """The totals-only path sums a stretch's weight from prefix sums: the same integer as the pieces, the same
    refusal of a day without a rate (before the table, or after its last published day)."""
    from recupero.law.errors import LawError
    from recupero.law.rates import commercial_schedule, legal_schedule

    schedule = commercial_schedule(8, actual) if kind == "commercial" else legal_schedule(actual)
    after = FIRST + timedelta(days=offset)
    until = after + timedelta(days=length)
    try:
        expected = schedule.weight(after, until)
    except LawError as exc:
        try:
            schedule.span_weight(after, until)
        except LawError as same:
            assert (same.code, same.params) == (exc.code, exc.params)
            return
        raise AssertionError("span_weight accepted a day without a rate") from None
    assert schedule.span_weight(after, until) == expected
