"""Rate tables as an argument of the engine: a table with a new period computes through it; a missing period
stops interest at the last published day but never leaves a payment out of the total."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from recupero.law import LawError
from recupero.law.batch import interest_batch
from recupero.law.cli import main
from recupero.law.interest import CasePayment, InterestRequest, Payment, compute_case, compute_interest
from recupero.law.rates import (
    ECB,
    LEGAL_KIND,
    RateRow,
    RateTable,
    default_rates,
    missing_rates,
    next_row,
    parse_rate,
    period_of,
)

GU = "Comunicato MEF in Gazzetta Ufficiale, GU n.160 del 12/7/2026"


def with_2026_h2(rate: str = "2.00") -> RateTable:
    base = default_rates()
    row = next_row(base, ECB, date(2026, 7, 1), D(rate), GU)
    return RateTable((*base.ecb, row), base.legal, "test", "1")


def test_bundled_table_stops_at_2026_h1():
    table = default_rates()
    assert (table.last_day(ECB), table.last_day(LEGAL_KIND), table.origin) == (
        date(2026, 6, 30),
        date(2026, 12, 31),
        "bundled",
    )


def test_a_table_with_the_new_half_year_computes_through_it():
    # 16/05-30/06/2026 46 d at 10.15 (2.15 + 8), 01/07-10/08 41 d at 10.00 (2.00 + 8):
    # 1000 × (0.1015×46 + 0.10×41)/365 = 8.769/365 = 24.0246… → 24.02; + €40 → 1064.02
    req = dict(principal=D("1000.00"), due_date=date(2026, 5, 15), until=date(2026, 8, 10))
    with pytest.raises(LawError) as refused:
        compute_interest(InterestRequest(**req))
    assert refused.value.code == "law.rate_missing"
    result = compute_interest(InterestRequest(**req, rates=with_2026_h2()))
    assert (result.interest, result.total_due) == (D("24.02"), D("1064.02"))
    assert [(s.start, s.days, s.rate) for s in result.segments] == [
        (date(2026, 5, 16), 46, D("10.15")),
        (date(2026, 7, 1), 41, D("10.00")),
    ]
    assert GU in result.segments[1].source


def test_batch_reads_the_table_it_is_given():
    cases = [(D("1000.00"), date(2026, 5, 15), date(2026, 8, 10), ())]
    assert interest_batch(cases, rates=with_2026_h2())[0].total_due == 106402
    with pytest.raises(LawError):
        interest_batch(cases)


def test_interest_until_stops_interest_but_deducts_later_payments():
    # Interest 16/05-30/06/2026 only: 1000 × 0.1015 × 46/365 = 12.7917… → 12.79. The payment of 500.00 on
    # 01/08 is still imputed (costs, €40, interest, principal): 40 + 12.79 + 447.21 → principal 552.79.
    req = InterestRequest(
        principal=D("1000.00"),
        due_date=date(2026, 5, 15),
        until=date(2026, 8, 10),
        payments=(Payment(date(2026, 8, 1), D("500.00")),),
        interest_until=date(2026, 6, 30),
    )
    result = compute_interest(req)
    assert (result.interest, result.principal_outstanding, result.total_due) == (
        D("12.79"),
        D("552.79"),
        D("552.79"),
    )
    assert result.segments[-1].end == date(2026, 6, 30)


def test_case_with_interest_until_deducts_payments_before_and_after_it():
    # a: 600.00 due 31/03, b: 400.00 due 30/04/2026; rate 10.15% up to 30/06, nothing after.
    # 15/06 pays 300.00 to a (oldest): interest 01/04-15/06 76 d: 600 × 0.1015 × 76/365 = 12.6805… → €40,
    #   12.68, principal 247.32 → a 352.68.
    # 20/07 pays 200.00 (after the last rate day): a accrues 16/06-30/06 only, 15 d on 352.68 = 1.4711…;
    #   a's interest 14.1516… → 14.15, 1.47 still owed → 1.47 interest, 198.53 principal → a 154.15.
    # b: 01/05-30/06 61 d: 400 × 0.1015 × 61/365 = 6.7852… → 6.79, + €40 → 446.79. Total 600.94.
    claims = {
        "a": InterestRequest(
            D("600.00"), date(2026, 3, 31), date(2026, 9, 1), interest_until=date(2026, 6, 30)
        ),
        "b": InterestRequest(
            D("400.00"), date(2026, 4, 30), date(2026, 9, 1), interest_until=date(2026, 6, 30)
        ),
    }
    result = compute_case(
        claims, [CasePayment(date(2026, 6, 15), D("300.00")), CasePayment(date(2026, 7, 20), D("200.00"))]
    )
    a, b = result.claims["a"], result.claims["b"]
    assert (a.principal_outstanding, a.interest, a.interest_outstanding, a.total_due) == (
        D("154.15"),
        D("14.15"),
        D("0.00"),
        D("154.15"),
    )
    assert (b.interest, b.total_due, result.total_due) == (D("6.79"), D("446.79"), D("600.94"))
    assert max(seg.end for r in (a, b) for seg in r.segments) == date(2026, 6, 30)


@pytest.mark.parametrize(
    ("kind", "start", "period"),
    [
        (ECB, date(2026, 7, 1), (date(2026, 7, 1), date(2026, 12, 31))),
        (ECB, date(2027, 1, 1), (date(2027, 1, 1), date(2027, 6, 30))),
        (LEGAL_KIND, date(2027, 1, 1), (date(2027, 1, 1), date(2027, 12, 31))),
    ],
)
def test_period_of(kind, start, period):
    assert period_of(kind, start) == period


@pytest.mark.parametrize(
    ("kind", "start", "code"),
    [
        (ECB, date(2026, 7, 2), "law.rate_bad_start"),
        (ECB, date(2026, 3, 1), "law.rate_bad_start"),
        (LEGAL_KIND, date(2027, 7, 1), "law.rate_bad_start"),
        ("euribor", date(2027, 1, 1), "law.rate_bad_kind"),
    ],
)
def test_period_of_refuses(kind, start, code):
    with pytest.raises(LawError) as refused:
        period_of(kind, start)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("text", "value"), [("2,15", D("2.15")), ("2.150", D("2.150")), ("0", D("0")), ("4,5%", D("4.5"))]
)
def test_parse_rate(text, value):
    assert parse_rate(text) == value


@pytest.mark.parametrize("text", ["", "abc", "-0.5", "100", "2.1234", "NaN", "Infinity"])
def test_parse_rate_refuses(text):
    with pytest.raises(LawError) as refused:
        parse_rate(text)
    assert refused.value.code == "law.bad_rate"


@pytest.mark.parametrize(
    ("kind", "start", "source", "code"),
    [
        (ECB, date(2026, 1, 1), GU, "law.rate_duplicate"),
        (ECB, date(2027, 1, 1), GU, "law.rate_not_next"),
        (LEGAL_KIND, date(2026, 1, 1), GU, "law.rate_duplicate"),
        (LEGAL_KIND, date(2028, 1, 1), GU, "law.rate_not_next"),
        (ECB, date(2026, 7, 1), "  ", "law.rate_no_source"),
    ],
)
def test_next_row_refuses(kind, start, source, code):
    with pytest.raises(LawError) as refused:
        next_row(default_rates(), kind, start, D("2.00"), source)
    assert refused.value.code == code


def test_next_row_for_the_next_year():
    assert next_row(default_rates(), LEGAL_KIND, date(2027, 1, 1), D("1.6"), GU) == RateRow(
        date(2027, 1, 1), date(2027, 12, 31), D("1.6"), GU
    )


@pytest.mark.parametrize(
    ("today", "missing"),
    [
        (date(2026, 7, 14), []),  # 14th day of the half-year: the notice may still be on its way
        (date(2026, 7, 15), [(ECB, date(2026, 7, 1))]),
        (date(2027, 1, 14), [(ECB, date(2026, 7, 1))]),
        (
            date(2027, 1, 15),
            [(ECB, date(2026, 7, 1)), (ECB, date(2027, 1, 1)), (LEGAL_KIND, date(2027, 1, 1))],
        ),
    ],
)
def test_missing_rates_from_the_15th_day(today, missing):
    assert [(m.kind, m.start) for m in missing_rates(default_rates(), today)] == missing


def test_missing_rate_label():
    (first,) = missing_rates(default_rates(), date(2026, 8, 1))
    assert first.label == "Tasso di riferimento BCE del 2º semestre 2026"


def test_cli_computes_with_the_table_it_is_given(capsys):
    argv = ["interest", "--amount", "1000.00", "--due", "2026-05-15", "--until", "2026-08-10", "--json"]
    assert main(argv) == 2
    assert "law.rate_missing" in capsys.readouterr().err
    assert main(argv, rates=with_2026_h2()) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["interest"], data["total_due"]) == ("24.02", "1064.02")
    assert data["rates"] == {
        "origin": "test",
        "version": "1",
        "ecb_until": "2026-12-31",
        "legal_until": "2026-12-31",
    }
