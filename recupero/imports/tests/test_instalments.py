"""Issue 10: the instalments of one invoice (rows with one number and different due dates, or several
DettaglioPagamento) become ONE claim with its instalments, each with its own due date for the law engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from recupero.cases.models import Case, Claim, ClaimInstalment
from recupero.imports.tests.conftest import csv_bytes, row
from recupero.ledger.position import case_position

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "fatturapa"
DUES = ("31/03/2025", "30/06/2025", "30/09/2025")


def test_three_rows_of_one_invoice_are_one_claim_with_three_instalments(run):
    rows = [row(issued="01/03/2025", due=due, amount="100,00", outstanding="100,00") for due in DUES]
    batch = run(("rate.csv", csv_bytes(*rows)), commit=False)
    assert (batch.preview["rows_rejected"], batch.preview["claims"]["new"]) == (0, 1)
    assert batch.preview["claims"]["instalments"] == 3
    assert any(n["code"] == "import.instalments" for n in batch.preview["notices"])
    from recupero.imports import services

    services.batch_commit(batch.pk)
    claim = Claim.objects.get()
    assert (claim.invoice_number, claim.amount, claim.due_on) == (
        "F-1",
        Decimal("300.00"),
        dt.date(2025, 3, 31),
    )
    parts = [(i.number, i.due_on.isoformat(), i.amount) for i in ClaimInstalment.objects.filter(claim=claim)]
    assert parts == [
        (1, "2025-03-31", Decimal("100.00")),
        (2, "2025-06-30", Decimal("100.00")),
        (3, "2025-09-30", Decimal("100.00")),
    ]
    case = Case.objects.get()
    assert (case.balance, case.commercial) == (Decimal("300.00"), False)
    position = case_position(case=case, today=dt.date(2025, 12, 31))
    (invoice,) = position.claims
    # the law engine's figures per instalment (recupero/law/tests/test_instalments.py): 1.51 + 1.01 + 0.50
    assert [(i.number, i.due_date, str(i.interest)) for i in invoice.instalments] == [
        (1, dt.date(2025, 3, 31), "1.51"),
        (2, dt.date(2025, 6, 30), "1.01"),
        (3, dt.date(2025, 9, 30), "0.50"),
    ]
    assert (str(invoice.interest), str(position.total_due)) == ("3.02", "303.02")
    deadlines = [i.prescription.deadline for i in invoice.instalments]
    assert deadlines == sorted(deadlines) and len(set(deadlines)) == 3  # each runs from its own due date
    assert invoice.prescription.deadline == deadlines[0]


def test_the_same_instalments_again_change_nothing(run):
    rows = [row(issued="01/03/2025", due=due, amount="100,00", outstanding="100,00") for due in DUES]
    run(("rate.csv", csv_bytes(*rows)))
    again = run(("rate.csv", csv_bytes(*rows)), code="AFF-2026-02")
    assert again.result["claims"] == {"new": 0, "updated": 0, "unchanged": 1}
    assert (Claim.objects.count(), ClaimInstalment.objects.count()) == (1, 3)


def test_fatturapa_payment_details_are_the_instalments(run):
    name = "invoice-hotel-private.xml"
    batch = run((name, (SAMPLES / name).read_bytes()))
    assert (batch.status, batch.result["claims"]["new"], batch.result["claims"]["instalments"]) == (
        "committed",
        1,
        3,
    )
    claim = Claim.objects.get()
    parts = [(i.number, i.due_on.isoformat(), i.amount) for i in claim.instalments.all()]
    # the detail without DataScadenzaPagamento falls due with the invoice (21/05/2023, after the other two)
    assert parts == [
        (1, "2023-03-02", Decimal("200.00")),
        (2, "2023-04-02", Decimal("200.00")),
        (3, "2023-05-21", Decimal("29.00")),
    ]
    assert claim.amount == Decimal("429.00") and claim.due_on == dt.date(2023, 3, 2)


def test_the_case_page_lists_each_instalment(run, client, consultant):
    rows = [row(issued="01/03/2025", due=due, amount="100,00", outstanding="100,00") for due in DUES]
    run(("rate.csv", csv_bytes(*rows)))
    case = Case.objects.get()
    client.force_login(consultant)
    page = client.get(f"/pratiche/{case.pk}/").content.decode()
    assert "Rata 1: 100,00 € scadenza 31/03/2025, interessi " in page  # interest to today: not asserted here
    assert "prescrizione 31/03/2027</li>" in page and "prescrizione 30/06/2027</li>" in page
    assert "Rata 3: 100,00 € scadenza 30/09/2025" in page
