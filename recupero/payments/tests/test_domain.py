"""Pure rules of payments, table-driven, no database: RF references, case codes in the causale, scoring and the
decision, the fit of an imputation to the books, a statement's totals."""

import datetime as dt
from decimal import Decimal

import pytest

from recupero.ledger.domain.accounts import Account
from recupero.payments.domain.imputation import Part, book_plan
from recupero.payments.domain.matching import Candidate, CandidateIndex, codes_in, decide, name_keys, score
from recupero.payments.domain.rf import creditor_reference, is_creditor_reference, printable, references_in
from recupero.payments.domain.statements import EntryData, StatementData, totals

D = Decimal


@pytest.mark.parametrize(
    ("body", "reference"),
    [
        ("P00012344", "RF41P00012344"),
        ("539007547034", "RF18539007547034"),
        ("P00000018", creditor_reference("P00000018")),
    ],
)
def test_rf_reference_iso_11649(body, reference):
    assert creditor_reference(body) == reference
    assert is_creditor_reference(reference)
    assert references_in(f"pagamento {printable(reference)} grazie") == [body]


@pytest.mark.parametrize(
    "bad", ["RF41P00012345", "RF42P00012344", "RF", "RF41", "XX41P00012344", "RF41P0001234!"]
)
def test_rf_reference_check_rejects_typos(bad):
    assert not is_creditor_reference(bad)
    assert references_in(bad) == []


@pytest.mark.parametrize(
    ("text", "good", "bad"),
    [
        ("saldo pratica P00012344", ["P00012344"], []),
        ("pratica p0001234 4 rata", [], []),
        ("P-00012344 e P00012345", ["P00012344"], ["P00012345"]),
        ("fattura 100012344", [], []),
    ],
)
def test_case_codes_in_the_causale_with_their_check_character(text, good, bad):
    entry = EntryData("R", D("1.00"), True, None, None, text)
    assert codes_in(entry) == (good, bad)


def test_name_keys_both_orders():
    assert name_keys("Mario ROSSI") == ["mario rossi", "rossi mario"]
    assert name_keys("") == []


def _c(case_id, code, debtor, name, due, open_=True):
    return Candidate(case_id, code, debtor, name, D(due), open_)


A = _c(1, "P00012344", 10, "Rossi Mario", "120.50")
B = _c(2, "P00000018", 20, "Verdi Luca", "60.00")
B2 = _c(3, "P00000026", 20, "Verdi Luca", "40.00")
CLOSED = _c(4, "P00000034", 30, "Neri Ada", "0.00", open_=False)
INDEX = CandidateIndex(
    by_code={c.code: c for c in (A, B, B2, CLOSED)},
    by_debtor={10: [A], 20: [B, B2], 30: [CLOSED]},
    debtors_by_iban={"IT02L1234512345123456789012": [20], "IT60X0542811101000000999999": [10]},
    debtors_by_name={"rossi mario": [10], "verdi luca": [20]},
)


@pytest.mark.parametrize(
    ("entry", "best", "confidence", "posted"),
    [
        # RF reference alone: posted
        (
            EntryData("1", D("5.00"), True, None, None, "", creditor_reference("P00012344")),
            "P00012344",
            0.97,
            True,
        ),
        # case code + name + amount
        (
            EntryData("2", D("120.50"), True, None, None, "pratica P00012344", payer_name="ROSSI MARIO"),
            "P00012344",
            0.968,
            True,
        ),
        # case code alone: 0.90, posted
        (EntryData("3", D("7.00"), True, None, None, "P00012344"), "P00012344", 0.9, True),
        # known IBAN of a debtor with one open case, amount equal: posted
        (
            EntryData("4", D("120.50"), True, None, None, "", payer_iban="IT60X0542811101000000999999"),
            "P00012344",
            0.87,
            True,
        ),
        # known IBAN, two open cases: review
        (
            EntryData("5", D("10.00"), True, None, None, "", payer_iban="IT02L1234512345123456789012"),
            "P00000018",
            0.45,
            False,
        ),
        # the bare name, amount equal: review
        (
            EntryData("6", D("120.50"), True, None, None, "", payer_name="Mario Rossi"),
            "P00012344",
            0.675,
            False,
        ),
        # a typo in the code: nothing found
        (EntryData("7", D("120.50"), True, None, None, "P00012345"), None, 0.0, False),
        # the code of a closed case: suggested, never posted by itself
        (EntryData("8", D("3.00"), True, None, None, "P00000034"), "P00000034", 0.9, False),
    ],
)
def test_scoring_and_decision(entry, best, confidence, posted):
    matches = score(entry, INDEX)
    assert (matches[0].candidate.code if matches else None) == best
    assert (matches[0].confidence if matches else 0.0) == confidence
    assert (decide(matches) is not None) is posted


@pytest.mark.parametrize(
    ("parts", "books", "accruals", "posted", "over"),
    [
        # interest not yet booked: accrued for what is paid
        (
            [("c", "interest", "10.00"), ("c", "principal", "5.00")],
            {"principal": "100.00"},
            {"late_interest": "10.00"},
            "15.00",
            "0.00",
        ),
        # interest already booked (a reversed payment left it): no second accrual
        ([("c", "interest", "10.00")], {"late_interest": "10.00"}, {}, "10.00", "0.00"),
        # principal beyond the books (a credit note): the excess is an overpayment
        ([("c", "principal", "50.00")], {"principal": "30.00"}, {}, "30.00", "20.00"),
        ([], {}, {}, "0.00", "25.00"),
    ],
)
def test_book_plan_conserves_every_cent(parts, books, accruals, posted, over):
    amount = sum((D(a) for _, _, a in parts), D("0.00")) + (D("25.00") if not parts else D("0.00"))
    plan = book_plan(
        amount, [Part(c, b, D(a)) for c, b, a in parts], {Account(k): D(v) for k, v in books.items()}
    )
    assert {k.value: str(v) for k, v in plan.accruals.items()} == accruals
    assert (plan.posted, plan.overpayment) == (D(posted), D(over))
    assert plan.posted + plan.overpayment == amount


def test_totals_reconcile_to_the_balances():
    day = dt.date(2026, 11, 30)
    lines = [EntryData("1", D("10.00"), True, day, day), EntryData("2", D("3.50"), False, day, day),
             EntryData("3", D("99.00"), True, day, day, status="PDNG")]  # fmt: skip
    ok = StatementData("camt.053", "001.08", "M", "S", "IT", "EUR", D("100.00"), D("106.50"), lines)
    assert (totals(ok).ok, totals(ok).credits, totals(ok).debits) == (True, D("10.00"), D("3.50"))
    wrong = StatementData("camt.053", "001.08", "M", "S", "IT", "EUR", D("100.00"), D("107.00"), lines)
    assert (totals(wrong).ok, totals(wrong).difference) == (False, D("0.50"))
    notice = StatementData("camt.054", "001.04", "M", "S", "IT", "EUR", None, None, lines)
    assert totals(notice).ok is None


def test_an_amount_an_agreement_expects_points_to_its_case():
    """A debtor with two open cases pays exactly the second instalment of one case's plan: that case comes
    first, with the reason in words; without the plan the two would be equal."""
    plan = Candidate(
        51, "P00000042", 40, "Bianchi Anna", D("500.00"), True, ((D("80.00"), "alla rata 2 dell'accordo"),)
    )
    other = _c(52, "P00000059", 40, "Bianchi Anna", "300.00")
    index = CandidateIndex(by_code={}, by_debtor={40: [plan, other]}, debtors_by_name={"bianchi anna": [40]})
    entry = EntryData("9", D("80.00"), True, None, None, "", payer_name="ANNA BIANCHI")
    first, second = score(entry, index)
    assert (first.candidate.code, second.candidate.code) == ("P00000042", "P00000059")
    assert "importo uguale alla rata 2 dell'accordo (80,00 €)" in [r.text for r in first.reasons]
    assert first.confidence > second.confidence
    plain = score(entry, CandidateIndex(by_debtor={40: [_c(51, "P00000042", 40, "Bianchi Anna", "500.00"), other]},
                                        debtors_by_name={"bianchi anna": [40]}))  # fmt: skip
    assert plain[0].confidence == plain[1].confidence


@pytest.mark.parametrize(
    ("confidence", "stored"),
    [(0.0, "0.000"), (0.821, "0.821"), (0.9999, "1.000"), (1.0, "1.000"), (0.5, "0.500")],
)
def test_a_confidence_is_stored_as_an_exact_decimal(confidence, stored):
    from decimal import Decimal

    from recupero.payments.domain.matching import score_decimal

    assert score_decimal(confidence) == Decimal(stored) and str(score_decimal(confidence)) == stored
