"""Issue 10: zero and negative documents are skipped with a notice, never refused; a credit note reduces the
invoice it names (in the file or on file) by a ledger CREDIT entry, once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from recupero.cases.models import Case, Claim
from recupero.imports.tests.conftest import HEADERS, csv_bytes, row
from recupero.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "fatturapa"
LINKED = [*HEADERS, "Fattura collegata"]


def _csv(*rows):
    return ("affido.csv", csv_bytes(*rows, headers=LINKED))


def _notices(batch):
    return {n["code"]: n["message"] for n in batch.preview["notices"]}


def test_credit_note_in_the_same_file_reduces_its_invoice_and_a_zero_document_is_skipped(run):
    invoice = [*row(amount="100,00", outstanding="100,00"), ""]
    credit = [*row(number="NC-1", issued="10/01/2025", amount="-30,00", outstanding="-30,00"), "F-1"]
    zero = [*row(number="F-0", amount="0,00", outstanding="0,00"), ""]
    batch = run(_csv(invoice, credit, zero), commit=False)
    assert (batch.status, batch.preview["rows_rejected"], batch.preview["claims"]["new"]) == ("ready", 0, 1)
    notices = _notices(batch)
    assert notices["import.document_zero"].startswith("1 documenti di importo zero")
    assert notices["import.credit_note_applied"].startswith("1 note di credito (totale 30,00 €)")
    assert (batch.preview["credit_notes"], batch.preview["credit_total"]) == (1, "30.00")
    from recupero.imports import services

    services.batch_commit(batch.pk)
    case = Case.objects.get()
    assert case.balance == Decimal("70.00")
    entry = LedgerEntry.objects.get(kind="credit")
    assert (entry.amount, entry.debit_account, entry.credit_account, entry.posted_on.isoformat()) == (
        Decimal("30.00"),
        "credits",
        "principal",
        "2025-01-10",
    )
    claim = Claim.objects.get()
    assert (claim.invoice_number, claim.amount, claim.reported_outstanding) == (
        "F-1",
        Decimal("100.00"),
        Decimal("70.00"),
    )
    assert case.timeline.filter(kind="ledger.credit").get().summary == (
        "Nota di credito NC-1 del 10/01/2025: -30,00 € sulla fattura F-1"
    )


def test_credit_note_in_a_later_file_reduces_the_invoice_on_file_once(run):
    run(_csv([*row(amount="100,00", outstanding="100,00"), ""]))
    # next month: another affido, no case reference column matters — the same debtor's invoice F-1
    credit = [*row(number="NC-2", issued="15/02/2025", amount="-40,00", outstanding="-40,00"), "F-1"]
    later = run(_csv(credit), code="AFF-2026-02")
    assert later.status == "committed"
    assert later.result["credit_notes_posted"] == 1
    assert Case.objects.get().balance == Decimal("60.00")
    again = run(_csv(credit), code="AFF-2026-03")
    assert again.result["credit_notes_posted"] == 0
    assert Case.objects.get().balance == Decimal("60.00")
    assert LedgerEntry.objects.filter(kind="credit").count() == 1


def test_a_credit_note_without_its_invoice_is_a_notice_and_nothing_to_write(run, tenant, consultant):
    from recupero.core.errors import DomainError
    from recupero.imports import services

    credit = [*row(number="NC-9", amount="-10,00", outstanding="-10,00"), "F-404"]
    batch = run(_csv(credit), commit=False)
    assert (batch.preview["rows_rejected"], batch.preview["credit_unmatched"]) == (0, 1)
    assert "import.credit_note_unmatched" in _notices(batch)
    with pytest.raises(DomainError) as exc:
        services.batch_request_commit(tenant=tenant, actor=consultant, batch=batch)
    assert exc.value.code == "import.nothing_to_write"


def test_a_negative_row_without_a_linked_column_names_its_own_number(run):
    run(("a.csv", csv_bytes(row(amount="100,00", outstanding="100,00"))))
    storno = row(issued="20/01/2025", due="20/01/2025", amount="-100,00", outstanding="-100,00")
    batch = run(("b.csv", csv_bytes(storno)), code="AFF-2026-02")
    assert batch.result["credit_notes_posted"] == 1
    assert Case.objects.get().balance == Decimal("0.00")


def _fatturapa_credit_note() -> bytes:
    text = (SAMPLES / "IT01234567890_FPR01.xml").read_text(encoding="utf-8")
    text = text.replace("<TipoDocumento>TD01</TipoDocumento>", "<TipoDocumento>TD04</TipoDocumento>")
    text = text.replace("<Numero>123</Numero>", "<Numero>NC-7</Numero>", 1)
    text = text.replace(
        "</DatiContratto>",
        "</DatiContratto><DatiFattureCollegate><IdDocumento>123</IdDocumento></DatiFattureCollegate>",
    )
    return text.replace(
        "<ImportoPagamento>6.10</ImportoPagamento>", "<ImportoPagamento>2.10</ImportoPagamento>"
    ).encode()


def test_fatturapa_td04_reduces_the_invoice_it_names(run):
    invoice = run(("IT01234567890_FPR01.xml", (SAMPLES / "IT01234567890_FPR01.xml").read_bytes()))
    assert invoice.status == "committed" and Case.objects.get().balance == Decimal("6.10")
    note = run(("IT01234567890_NC.xml", _fatturapa_credit_note()), code="AFF-2026-02")
    assert (note.status, note.preview["rows_rejected"], note.preview["credit_notes"]) == ("committed", 0, 1)
    assert Case.objects.get().balance == Decimal("4.00")
