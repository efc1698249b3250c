"""The four files of an issued remittance: the XMLs valid against their schemas, figures equal to the ledger's."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from recupero.core.permissions import system_actor
from recupero.remittance.outputs.data import draft_rows, parties_of, statement_data, stored_rows
from recupero.remittance.outputs.fatturapa import invoice_xml
from recupero.remittance.outputs.sepa import transfer_xml
from recupero.remittance.outputs.statement import _payload
from recupero.remittance.outputs.workbook import payments_xlsx
from recupero.remittance.outputs.xml import PAIN001, validate
from recupero.remittance.services import remittance_build, remittance_issue
from recupero.remittance.tests.world import AGENCY_IBAN, PAYOUT_IBAN, pay, ready, reverse
from tests.factories import TAX_CODES, make_case, make_debtor

pytestmark = pytest.mark.django_db
FATTURAPA = Path(__file__).resolve().parents[4] / "shared" / "samples" / "fatturapa" / "xsd"
FPR12_XSD = FATTURAPA / "Schema_del_file_xml_FatturaPA_v1.2.2.xsd"
P = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}"


@pytest.fixture
def issued(tenant, creditor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ready(tenant, creditor)
    a = make_case(
        tenant, creditor, make_debtor(tenant, TAX_CODES[0], last_name="=Rossi"), amounts=("500.00",)
    )
    b = make_case(
        tenant, creditor, make_debtor(tenant, TAX_CODES[1], last_name="Bianchi"), amounts=("300.00",)
    )
    pay(a, dt.date(2026, 3, 5), "200.00", interest="10.00")
    pay(b, dt.date(2026, 3, 9), "100.00")
    pay(b, dt.date(2026, 3, 12), "50.00", direct=True)
    return remittance_issue(
        tenant=tenant, actor=system_actor(tenant), creditor=creditor, until=dt.date(2026, 3, 31)
    )


def _read(field) -> bytes:
    with field.open("rb") as f:
        return f.read()


def test_the_sepa_transfer_is_valid_pain001_for_the_net(issued):
    # agency lines: 310.00 - 15 % (46.50) - VAT 10.23 = 253.27
    assert issued.net == D("253.27")
    xml = _read(issued.transfer)
    assert validate(xml, PAIN001) == []
    doc = etree.fromstring(xml)
    assert doc.findtext(f".//{P}InstdAmt") == "253.27"
    assert doc.findtext(f".//{P}CtrlSum") == "253.27"
    assert doc.findtext(f".//{P}DbtrAcct/{P}Id/{P}IBAN") == AGENCY_IBAN
    assert doc.findtext(f".//{P}CdtrAcct/{P}Id/{P}IBAN") == PAYOUT_IBAN


def test_a_broken_transfer_is_caught_by_the_schema():
    bad = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>'
    assert validate(bad, PAIN001) != []


@pytest.mark.skipif(not FPR12_XSD.exists(), reason="shared/samples/fatturapa/xsd not beside the repository")
def test_the_commission_invoice_is_valid_fatturapa_fpr12(issued):
    xml = _read(issued.invoice)
    assert validate(xml, FPR12_XSD) == []
    doc = etree.fromstring(xml)
    assert doc.get("versione") == "FPR12"
    assert doc.findtext(".//TipoDocumento") == "TD01"
    # commission 46.50 + 7.50 (direct) = 54.00; VAT 10.23 + 1.65 = 11.88
    assert doc.findtext(".//DatiRiepilogo/ImponibileImporto") == "54.00" == f"{issued.commission}"
    assert doc.findtext(".//DatiRiepilogo/Imposta") == "11.88" == f"{issued.vat}"
    assert doc.findtext(".//ImportoTotaleDocumento") == "65.88"
    payments = {
        d.findtext("ModalitaPagamento"): d.findtext("ImportoPagamento")
        for d in doc.iter("DettaglioPagamento")
    }
    assert payments == {"MP22": "56.73", "MP05": "9.15"}  # withheld from the transfer; owed by the creditor
    assert issued.to_invoice == D("9.15")


def test_the_workbook_lists_every_payment_with_text_neutralised(issued):
    book = load_workbook(io.BytesIO(_read(issued.workbook)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Pratica" and len(rows) == 1 + 3 + 1
    debtors = sorted(r[2] for r in rows[1:4])
    assert debtors == ["'=Rossi Mario", "Bianchi Mario", "Bianchi Mario"]
    total = rows[-1]
    assert total[0] == "Totale" and total[11] == D("360.00") and total[12] == D("54.00")


def test_the_statement_is_a_pdf_with_the_figures(issued):
    pdf = _read(issued.statement)
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for figure in ("360,00", "54,00", "11,88", "253,27", "9,15"):
        assert figure in text, figure


def _exact(rows):
    """Rows with every value's type and text: Decimal("0.00") is not Decimal("-0.00") or Decimal("0") here."""
    return [{k: (type(v).__name__, str(v)) for k, v in r.items()} for r in rows]


def _files(remittance, rows) -> tuple[object, ...]:
    data = statement_data(remittance, rows, parties_of(remittance))
    with zipfile.ZipFile(io.BytesIO(payments_xlsx(data))) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    return _payload(data), sheet, transfer_xml(data), invoice_xml(data)


def test_the_files_from_the_lines_just_stored_are_those_read_back(tenant, creditor, settings, tmp_path):
    """The issue writes the files from the draft it stored; a rerun after a crash from the stored lines: the
    same rows, the same files (late and same-period reversals, a direct payment, minimum top-ups, a company)."""
    settings.MEDIA_ROOT = tmp_path
    ready(tenant, creditor, minimum_per_case=D("25.00"))
    a = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("500.00",))
    b = make_case(
        tenant, creditor, make_debtor(tenant, TAX_CODES[1], last_name="Bianchi"), amounts=("900.00",)
    )
    company = make_debtor(tenant, TAX_CODES[2])
    company.company_name = "=Acme & <Figli>"
    company.save(update_fields=["company_name"])
    c = make_case(tenant, creditor, company, amounts=("90.00",))
    late = pay(a, dt.date(2026, 2, 5), "200.00", interest="20.00")
    pay(c, dt.date(2026, 2, 7), "30.00")
    actor = system_actor(tenant)
    remittance_issue(tenant=tenant, actor=actor, creditor=creditor, until=dt.date(2026, 2, 28))
    reverse(late)
    pay(a, dt.date(2026, 3, 3), "10.00")
    reverse(pay(b, dt.date(2026, 3, 5), "200.00"))
    pay(b, dt.date(2026, 3, 9), "100.00", direct=True)
    pay(b, dt.date(2026, 3, 9), "0.01", costs="40.00")
    pay(c, dt.date(2026, 3, 9), "60.00")
    draft = remittance_build(tenant=tenant, actor=actor, creditor=creditor, until=dt.date(2026, 3, 31))
    issued = remittance_issue(tenant=tenant, actor=actor, creditor=creditor, until=dt.date(2026, 3, 31))
    kinds = {r["kind"] for r in stored_rows(issued)}
    assert kinds == {"payment", "reversal", "minimum"}
    assert _exact(draft_rows(draft)) == _exact(stored_rows(issued))
    assert _files(issued, draft_rows(draft)) == _files(issued, stored_rows(issued))


@pytest.mark.parametrize("how", ["child", "no fork", "child too slow"])
def test_the_files_are_the_same_prepared_in_a_child_or_here(
    tenant, creditor, settings, tmp_path, monkeypatch, how
):
    """The issue prepares the files in a forked child; without fork, or when the child does not answer in time,
    they are made in the process: the same files."""
    import multiprocessing

    from recupero.remittance.outputs import rendering

    if how == "no fork":
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    if how == "child too slow":
        monkeypatch.setattr(rendering, "CHILD_TIMEOUT_S", 0)
    settings.MEDIA_ROOT = tmp_path
    ready(tenant, creditor)
    case = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[0]), amounts=("500.00",))
    pay(case, dt.date(2026, 3, 5), "200.00", interest="10.00")
    issued = remittance_issue(
        tenant=tenant, actor=system_actor(tenant), creditor=creditor, until=dt.date(2026, 3, 31)
    )
    assert issued.status == "ready"
    assert _files(issued, stored_rows(issued))[1:] == (
        zipfile.ZipFile(io.BytesIO(_read(issued.workbook))).read("xl/worksheets/sheet1.xml"),
        _read(issued.transfer),
        _read(issued.invoice),
    )
