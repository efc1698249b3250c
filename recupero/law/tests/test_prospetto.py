from datetime import date
from decimal import Decimal as D

from recupero.law.interest import InterestRequest, compute_interest
from recupero.law.prescription import PrescriptionRequest, compute_prescription
from recupero.law.prospetto import prospetto_rows, render_prospetto


def test_interest_rows_are_italian():
    rows = prospetto_rows(
        compute_interest(InterestRequest(D("10000.00"), date(2023, 3, 15), date(2024, 2, 10)))
    )
    assert rows[0] | {"fonte": ""} == {
        "dal": "16/03/2023",
        "al": "30/06/2023",
        "giorni": "107",
        "tasso": "10,50%",
        "capitale": "10.000,00",
        "interessi": "307,81",
        "fonte": "",
    }
    assert len(rows) == 3


def test_prescription_statement_flags_saturday():
    result = compute_prescription(
        PrescriptionRequest("ordinary", "consumer", date(2015, 3, 15), today=date(2025, 1, 1))
    )
    text = render_prospetto(result)
    assert "Prescrizione: 15/03/2025 (sabato)" in text
    assert "sabato ⚠️" in text
    assert prospetto_rows(result) == []
