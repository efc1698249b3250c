"""FatturaPA: every real sample file with its expected outcome, p7m, zip archives, zip bombs, hostile XML."""

import base64
import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from recupero.imports.domain import IntakeError, Limits, read_any, validate
from recupero.imports.domain.fatturapa import FATTURAPA_PROFILE, invoices_to_table, read_fatturapa

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "fatturapa"
CREDITOR = "01234567890"

# file -> (number, date, total, debtor P.IVA, debtor CF, instalments (due, amount)) of each invoice, in order
PARSED = {
    "IT01234567890_FPA01.xml": [("123", "2017-01-18", "6.10", None, "09876543210", [("2017-02-18", "6.10")])],
    "IT01234567890_FPA02.xml": [
        ("123", "2017-01-18", "30.50", None, "09876543210", [("2017-03-30", "30.50")])
    ],
    "IT01234567890_FPA03.xml": [
        ("12", "2017-01-18", "30.50", None, "09876543210", [("2017-02-18", "30.50")]),
        ("456", "2017-01-20", "2440.00", None, "09876543210", [("2017-02-20", "2440.00")]),
    ],
    "IT01234567890_FPR01.xml": [("123", "2014-12-18", "6.10", None, "09876543210", [("2015-01-30", "6.10")])],
    "IT01234567890_FPR02.xml": [
        ("123", "2014-12-18", "30.50", None, "09876543210", [("2015-01-30", "30.50")])
    ],
    "IT01234567890_FPR03.xml": [
        ("123", "2014-12-18", "32.95", None, "09876543210", [("2015-01-30", "32.95")]),
        ("456", "2014-12-20", "2440.00", None, "09876543210", [("2015-01-28", "2440.00")]),
    ],
    "invoice-b2g.xml": [("SAMPLE-002", "2024-10-09", "265.00", "13029381004", None, [(None, "265.00")])],
    "invoice-hotel-private.xml": [
        (
            "SAMPLE-003",
            "2023-05-21",
            "876.00",
            "0000000",
            None,
            [(None, "29.00"), ("2023-03-02", "200.00"), ("2023-04-02", "200.00")],
        )
    ],
    "invoice-simple-iban.xml": [
        ("SAMPLE-001", "2023-03-02", "1388.40", "09876543217", None, [(None, "1388.40")])
    ],
    "invoice-windows1252.xml": [
        ("1", "2025-01-23", "169.14", "09876543217", "09876543217", [(None, "169.14")])
    ],
    "fenet_IT02182030391_31.xml.p7m": [
        ("2", "2018-06-08", "122.00", "01180680397", None, [(None, "122.00")])
    ],
    "oca_IT01234567890_FPR03.base64.xml.p7m": [
        ("123", "2014-12-18", "30.50", None, "03533590174", [("2015-01-30", "32.50")]),
        ("456", "2014-12-20", "2440.00", None, "03533590174", [("2015-01-28", "2440.00")]),
    ],
}
REFUSED = {
    "invalid/simevo_malformed.xml": "import.xml_malformed",
    "invalid/simevo_missing_CessionarioCommittente.xml": "import.fatturapa.no_debtor",
    "invalid/simevo_missing_DatiGenerali.xml": "import.fatturapa.no_general_data",
    "malicious/billion_laughs.xml": "import.xml_hostile",
    "malicious/entity_expansion.xml": "import.xml_hostile",
}


def _iso(value):
    return value.isoformat() if value else None


def test_every_sample_file_is_covered():
    files = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*") if p.is_file() and "xsd" not in p.parts}
    assert files == set(PARSED) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(PARSED))
def test_sample_parses(name):
    batch = read_fatturapa((SAMPLES / name).read_bytes(), name=name, expected_seller_vat=CREDITOR)
    got = [
        (
            i.number,
            _iso(i.date),
            str(i.total),
            i.debtor.vat_number,
            i.debtor.tax_code,
            [(_iso(x.due_date), str(x.amount)) for x in i.instalments],
        )
        for i in batch.invoices
    ]
    assert got == PARSED[name]
    assert all(i.document_type in ("TD01", "TD06") for i in batch.invoices)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_sample_refused(name):
    with pytest.raises(IntakeError) as exc:
        read_fatturapa((SAMPLES / name).read_bytes(), name=name)
    assert exc.value.code == REFUSED[name]
    assert exc.value.message  # Italian text for the consultant


def test_details_of_an_official_sample():
    batch = read_fatturapa((SAMPLES / "IT01234567890_FPR03.xml").read_bytes(), expected_seller_vat=CREDITOR)
    first = batch.invoices[0]
    assert first.format == "FPR12" and first.body_index == 1 and first.currency == "EUR"
    assert first.debtor.company_name == "BETA GAMMA"
    assert (
        first.debtor.address,
        first.debtor.cap,
        first.debtor.municipality,
        first.debtor.province,
        first.debtor.country,
    ) == ("VIA TORINO 38-B", "00145", "ROMA", "RM", "IT")
    assert first.contract_reference == "ordine 66685"
    assert first.description.startswith("LA DESCRIZIONE DELLA FORNITURA")
    assert first.recipient_code == "ABC1234"
    assert [n.code for n in first.notices] == ["import.fatturapa.total_computed"]  # 27.00 + 5.95


def test_seller_mismatch_is_a_warning_not_a_refusal():
    batch = read_fatturapa((SAMPLES / "invoice-b2g.xml").read_bytes(), expected_seller_vat="IT99999999999")
    assert [n.code for n in batch.invoices[0].notices] == ["import.seller_mismatch"]
    assert "12345678903" in batch.invoices[0].notices[0].message


def test_private_debtor_and_foreign_vat():
    invoice = read_fatturapa((SAMPLES / "invoice-hotel-private.xml").read_bytes()).invoices[0]
    assert (invoice.debtor.name, invoice.debtor.surname, invoice.debtor.country) == ("John", "Doe", "GB")
    table = invoices_to_table([invoice])
    row = table.rows()[0]
    assert (
        row["case_reference"] == "IdFiscaleIVA GB0000000" and row["vat_number"] == "GB0000000"
    )  # kept as given (issue 10)


def test_samples_through_validation():
    batch = read_fatturapa((SAMPLES / "oca_IT01234567890_FPR03.base64.xml.p7m").read_bytes())
    result = validate(invoices_to_table(batch.invoices), FATTURAPA_PROFILE)
    assert result.errors == []
    assert [
        (r.case_reference, r.invoice_number, r.due_date, r.amount, r.debtor_type) for r in result.records
    ] == [
        ("03533590174", "123", dt.date(2015, 1, 30), Decimal("32.50"), "business"),
        ("03533590174", "456", dt.date(2015, 1, 28), Decimal("2440.00"), "business"),
    ]
    # the Agenzia's examples use a debtor code with a wrong check digit: parsed, then flagged row by row
    official = read_fatturapa((SAMPLES / "IT01234567890_FPA01.xml").read_bytes())
    result = validate(invoices_to_table(official.invoices), FATTURAPA_PROFILE)
    assert [(e.row, e.field, e.code, e.value) for e in result.errors] == [
        (1, "tax_code", "import.row.bad_tax_code", "09876543210")
    ]


def _credit_note() -> bytes:
    text = (SAMPLES / "IT01234567890_FPR01.xml").read_text(encoding="utf-8")
    return text.replace("<TipoDocumento>TD01</TipoDocumento>", "<TipoDocumento>TD04</TipoDocumento>").encode()


def test_credit_note_is_negative_and_accepted_by_validation():
    invoice = read_fatturapa(_credit_note()).invoices[0]
    assert invoice.is_credit_note and invoice.total == Decimal("-6.10")
    assert invoice.instalments[0].amount == Decimal("-6.10")
    result = validate(invoices_to_table([invoice]), FATTURAPA_PROFILE)
    assert "import.row.negative_amount" not in {e.code for e in result.errors}


def test_unnamespaced_document_without_payment_data():
    xml = b"""<FatturaElettronica versione="FPR12"><FatturaElettronicaHeader><CedentePrestatore/>
    <CessionarioCommittente><DatiAnagrafici><CodiceFiscale>RSSMRA85T10A562S</CodiceFiscale><Anagrafica>
    <Nome>Mario</Nome><Cognome>Rossi</Cognome></Anagrafica></DatiAnagrafici></CessionarioCommittente>
    </FatturaElettronicaHeader><FatturaElettronicaBody><DatiGenerali><DatiGeneraliDocumento>
    <TipoDocumento>TD01</TipoDocumento><Data>2025-01-10</Data><Numero>A/7</Numero>
    <ImportoTotaleDocumento>99.90</ImportoTotaleDocumento></DatiGeneraliDocumento></DatiGenerali>
    </FatturaElettronicaBody></FatturaElettronica>"""
    invoice = read_fatturapa(xml).invoices[0]
    assert (invoice.number, invoice.total, invoice.debtor.surname) == ("A/7", Decimal("99.90"), "Rossi")
    assert [(i.due_date, i.amount) for i in invoice.instalments] == [(None, Decimal("99.90"))]
    assert [n.code for n in invoice.notices] == ["import.fatturapa.incomplete"]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_of_invoices_with_nested_p7m_zip_and_a_broken_member():
    inner = _zip({"signed.xml.p7m": (SAMPLES / "fenet_IT02182030391_31.xml.p7m").read_bytes()})
    archive = _zip(
        {
            "a.xml": (SAMPLES / "IT01234567890_FPR03.xml").read_bytes(),
            "b.xml.p7m": (SAMPLES / "oca_IT01234567890_FPR03.base64.xml.p7m").read_bytes(),
            "nested.zip": inner,
            "broken.xml": (SAMPLES / "invalid/simevo_malformed.xml").read_bytes(),
            "readme.txt": b"hello",
        }
    )
    batch = read_fatturapa(archive, name="lotto.zip")
    assert [(i.source, i.number) for i in batch.invoices] == [
        ("a.xml", "123"),
        ("a.xml", "456"),
        ("b.xml.p7m", "123"),
        ("b.xml.p7m", "456"),
        ("signed.xml.p7m", "2"),
    ]
    assert [(name, err.code) for name, err in batch.refused] == [("broken.xml", "import.xml_malformed")]
    assert [n.code for n in batch.notices] == ["import.zip_member_skipped"]
    table, profile = read_any("lotto.zip", archive)
    assert len(table) == 5 and profile is FATTURAPA_PROFILE
    assert "import.xml_malformed" in {n.code for n in table.notices}


def test_hostile_member_refuses_the_whole_zip():
    archive = _zip(
        {
            "a.xml": (SAMPLES / "IT01234567890_FPR01.xml").read_bytes(),
            "evil.xml": (SAMPLES / "malicious/billion_laughs.xml").read_bytes(),
        }
    )
    with pytest.raises(IntakeError) as exc:
        read_fatturapa(archive, name="lotto.zip")
    assert exc.value.code == "import.xml_hostile"


def test_zip_bomb_is_refused_without_inflating():
    buffer = io.BytesIO()
    zeros = b"\0" * (1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("fattura.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(200):  # 200 MB of zeros, about 200 KB compressed
            member.write(zeros)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    with pytest.raises(IntakeError) as exc:
        read_fatturapa(data, name="bomba.zip")
    assert exc.value.code == "import.zip_bomb"
    with pytest.raises(IntakeError) as exc:  # same defence for a workbook-shaped zip
        read_any("affido.xlsx", data)
    assert exc.value.code == "import.zip_bomb"


@pytest.mark.parametrize(
    ("limits", "members"),
    [
        (Limits(zip_max_members=2), {f"{i}.xml": b"<a/>" for i in range(3)}),
        (Limits(zip_max_total_bytes=10), {"a.xml": b"<a/>" * 2, "b.xml": b"<a/>" * 2}),
        (Limits(zip_max_member_bytes=10), {"a.xml": b"<a/>" * 3}),
    ],
)
def test_zip_limits(limits, members):
    with pytest.raises(IntakeError) as exc:
        read_fatturapa(_zip(members), name="lotto.zip", limits=limits)
    assert exc.value.code == "import.zip_bomb"


def test_hostile_xml_variants_refused_before_parsing():
    for payload in (
        b'<?xml version="1.0"?><!doctype x SYSTEM "http://evil/x.dtd"><x/>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode("utf-16"),
    ):
        with pytest.raises(IntakeError) as exc:
            read_fatturapa(payload)
        assert exc.value.code == "import.xml_hostile"


def test_p7m_variants():
    der = base64.b64decode((SAMPLES / "oca_IT01234567890_FPR03.base64.xml.p7m").read_bytes())
    assert [i.number for i in read_fatturapa(der, name="x.xml.p7m").invoices] == ["123", "456"]
    pem = b"-----BEGIN PKCS7-----\n" + base64.encodebytes(der) + b"-----END PKCS7-----\n"
    assert len(read_fatturapa(pem, name="x.xml.p7m").invoices) == 2
    with pytest.raises(IntakeError) as exc:
        read_fatturapa(b"\x30\x03\x02\x01\x01", name="x.xml.p7m")
    assert exc.value.code == "import.p7m_malformed"


def test_not_an_invoice_and_oversized():
    with pytest.raises(IntakeError) as exc:
        read_fatturapa(b"<Document/>")
    assert exc.value.code == "import.fatturapa.not_invoice"
    with pytest.raises(IntakeError) as exc:
        read_fatturapa(b"<a/>" * 10, limits=Limits(xml_max_bytes=8))
    assert exc.value.code == "import.file_too_large"
