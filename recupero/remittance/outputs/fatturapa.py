"""The agency's commission invoice to the creditor as FatturaPA FPR12 (B2B), one per remittance.

Two lines: commission on the money the agency received (already withheld from the transfer: paid "MP22,
trattenuta su somme già riscosse") and commission on the direct payments (to be paid by bank transfer, MP05,
to the agency's IBAN). VAT is the sum of the lines' VAT, so the invoice agrees to the cent with the statement.
A remittance whose reversals outweigh its payments gives a credit note (TD04) with the same figures unsigned.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from recupero.remittance.outputs.xml import latin, sub

if TYPE_CHECKING:
    from recupero.remittance.outputs.data import StatementData

NS = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
DS = "http://www.w3.org/2000/09/xmldsig#"


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _address(parent: etree._Element, street: str, cap: str, municipality: str, province: str) -> None:
    sede = sub(parent, "Sede")
    sub(sede, "Indirizzo", latin(street, 60))
    sub(sede, "CAP", cap)
    sub(sede, "Comune", latin(municipality, 60))
    sub(sede, "Provincia", province)
    sub(sede, "Nazione", "IT")


def _header(root: etree._Element, data: StatementData) -> None:
    r, tenant, creditor, payout, agency = (
        data.remittance,
        data.tenant,
        data.creditor,
        data.payout,
        data.agency,
    )
    head = sub(root, "FatturaElettronicaHeader")
    tx = sub(head, "DatiTrasmissione")
    ident = sub(tx, "IdTrasmittente")
    sub(ident, "IdPaese", "IT")
    sub(ident, "IdCodice", tenant.vat_number or agency.tax_code)
    sub(tx, "ProgressivoInvio", f"R{r.pk:05d}"[-10:])
    sub(tx, "FormatoTrasmissione", "FPR12")
    sub(tx, "CodiceDestinatario", payout.sdi_code)
    if payout.sdi_code == "0000000" and creditor.pec:
        sub(tx, "PECDestinatario", creditor.pec)
    seller = sub(head, "CedentePrestatore")
    who = sub(seller, "DatiAnagrafici")
    vat = sub(who, "IdFiscaleIVA")
    sub(vat, "IdPaese", "IT")
    sub(vat, "IdCodice", tenant.vat_number)
    if agency.tax_code:
        sub(who, "CodiceFiscale", agency.tax_code)
    sub(sub(who, "Anagrafica"), "Denominazione", latin(tenant.name, 80))
    sub(who, "RegimeFiscale", agency.tax_regime)
    _address(seller, agency.street, agency.cap, agency.municipality, agency.province)
    buyer = sub(head, "CessionarioCommittente")
    who = sub(buyer, "DatiAnagrafici")
    if creditor.vat_number:
        vat = sub(who, "IdFiscaleIVA")
        sub(vat, "IdPaese", "IT")
        sub(vat, "IdCodice", creditor.vat_number)
    else:
        sub(who, "CodiceFiscale", creditor.tax_code)
    sub(sub(who, "Anagrafica"), "Denominazione", latin(creditor.name, 80))
    _address(buyer, payout.street, payout.cap, payout.municipality, payout.province)


def invoice_xml(data: StatementData) -> bytes | None:
    r = data.remittance
    if r.commission == 0:
        return None
    sign = Decimal(1) if r.commission > 0 else Decimal(-1)
    root = etree.Element(f"{{{NS}}}FatturaElettronica", versione="FPR12", nsmap={"p": NS, "ds": DS})
    _header(root, data)
    body = sub(root, "FatturaElettronicaBody")
    doc = sub(sub(body, "DatiGenerali"), "DatiGeneraliDocumento")
    sub(doc, "TipoDocumento", "TD01" if sign > 0 else "TD04")
    sub(doc, "Divisa", "EUR")
    sub(doc, "Data", r.issued_on.isoformat())
    sub(doc, "Numero", f"PR{r.number}")
    sub(doc, "ImportoTotaleDocumento", _money(sign * (r.commission + r.vat)))
    sub(doc, "Causale", latin(f"Provvigioni su incassi del rendiconto {r.number} al {r.until:%d/%m/%Y}", 200))
    goods = sub(body, "DatiBeniServizi")
    rows = [
        ("Provvigioni su incassi ricevuti dall'agenzia", data.sum("commission", direct=False)),
        ("Provvigioni su pagamenti diretti al committente", data.sum("commission", direct=True)),
    ]
    n = 0
    for text, amount in rows:
        if amount == 0:
            continue
        n += 1
        line = sub(goods, "DettaglioLinee")
        sub(line, "NumeroLinea", str(n))
        sub(line, "Descrizione", latin(f"{text} - rendiconto {r.number}", 1000))
        sub(line, "PrezzoUnitario", _money(sign * amount))
        sub(line, "PrezzoTotale", _money(sign * amount))
        sub(line, "AliquotaIVA", _money(r.vat_percent))
    summary = sub(goods, "DatiRiepilogo")
    sub(summary, "AliquotaIVA", _money(r.vat_percent))
    sub(summary, "ImponibileImporto", _money(sign * r.commission))
    sub(summary, "Imposta", _money(sign * r.vat))
    sub(summary, "EsigibilitaIVA", "I")
    _payment(body, data, sign)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


def _payment(body: etree._Element, data: StatementData, sign: Decimal) -> None:
    """Withheld from the transfer (MP22) and owed by bank transfer (MP05), as far as each is not zero."""
    r = data.remittance
    withheld = sign * (data.sum("commission", direct=False) + data.sum("vat", direct=False))
    owed = sign * (data.sum("commission", direct=True) + data.sum("vat", direct=True))
    parts = [(code, amount) for code, amount in (("MP22", withheld), ("MP05", owed)) if amount != 0]
    if not parts:
        return
    pay = sub(body, "DatiPagamento")
    sub(pay, "CondizioniPagamento", "TP02")
    for code, amount in parts:
        detail = sub(pay, "DettaglioPagamento")
        sub(detail, "ModalitaPagamento", code)
        sub(detail, "ImportoPagamento", _money(amount))
        if code == "MP05":
            sub(detail, "IBAN", r.agency_iban)
