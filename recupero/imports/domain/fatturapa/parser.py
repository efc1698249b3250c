"""FatturaPA (FPR12 / FPA12) invoices -> plain dataclasses: the debtor, and one claim per instalment.

Elements are matched by local name, so files with or without namespace prefixes on the children read the same.
Files slightly off the schema (no payment data, no total) still read: the missing part becomes a notice; only
a missing debtor or missing general data makes an invoice unusable for collection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree

from recupero.imports.domain.errors import IntakeError, Notice

CREDIT_NOTES = frozenset({"TD04", "TD08"})
DESCRIPTION_LINES = 3
DESCRIPTION_CHARS = 1000


@dataclass(slots=True)
class Party:
    vat_country: str | None = None
    vat_number: str | None = None  # IdFiscaleIVA/IdCodice
    tax_code: str | None = None  # CodiceFiscale
    company_name: str | None = None
    name: str | None = None
    surname: str | None = None
    address: str | None = None
    cap: str | None = None
    municipality: str | None = None
    province: str | None = None
    country: str | None = None


@dataclass(slots=True)
class Instalment:
    due_date: dt.date | None
    amount: Decimal | None


@dataclass(slots=True)
class Invoice:
    """One FatturaElettronicaBody with its header's parties. Credit notes carry negative amounts."""

    source: str
    body_index: int  # 1-based position in a lot
    format: str | None
    document_type: str | None
    number: str | None
    date: dt.date | None
    currency: str | None
    total: Decimal | None
    instalments: list[Instalment]
    description: str | None
    contract_reference: str | None
    seller: Party
    debtor: Party
    pec: str | None = None  # PECDestinatario
    recipient_code: str | None = None  # CodiceDestinatario
    notices: list[Notice] = field(default_factory=list)
    linked: str | None = None  # DatiFattureCollegate/IdDocumento: the invoice a credit note reduces

    @property
    def is_credit_note(self) -> bool:
        return self.document_type in CREDIT_NOTES


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def child(element: etree._Element | None, path: str) -> etree._Element | None:
    """The first descendant along 'A/B/C', by local names."""
    for name in path.split("/"):
        if element is None:
            return None
        element = next((c for c in element if local(c) == name), None)
    return element


def children(element: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if element is None else [c for c in element if local(c) == name]


def text(element: etree._Element | None, path: str) -> str | None:
    found = child(element, path)
    value = (found.text or "").strip() if found is not None else ""
    return value or None


def parse_invoices(
    root: etree._Element, source: str, expected_seller_vat: str | None = None
) -> list[Invoice]:
    """Every body of a FatturaElettronica document; IntakeError when none is collectable."""
    if local(root) != "FatturaElettronica":
        raise IntakeError("import.fatturapa.not_invoice", root=local(root))
    header = child(root, "FatturaElettronicaHeader")
    debtor_element = child(header, "CessionarioCommittente")
    if debtor_element is None:
        raise IntakeError("import.fatturapa.no_debtor")
    seller, debtor = party(child(header, "CedentePrestatore")), party(debtor_element)
    notices = _seller_notices(seller, expected_seller_vat, source)
    bodies = children(root, "FatturaElettronicaBody")
    if not bodies:
        raise IntakeError("import.fatturapa.no_general_data")
    invoices = [
        _invoice(body, index, root, header, seller, debtor, source)
        for index, body in enumerate(bodies, start=1)
    ]
    for invoice in invoices:
        invoice.notices[:0] = notices
    return invoices


def party(element: etree._Element | None) -> Party:
    data = child(element, "DatiAnagrafici")
    seat = child(element, "Sede")
    street = " ".join(v for v in (text(seat, "Indirizzo"), text(seat, "NumeroCivico")) if v) or None
    return Party(
        vat_country=text(data, "IdFiscaleIVA/IdPaese"),
        vat_number=text(data, "IdFiscaleIVA/IdCodice"),
        tax_code=text(data, "CodiceFiscale"),
        company_name=text(data, "Anagrafica/Denominazione"),
        name=text(data, "Anagrafica/Nome"),
        surname=text(data, "Anagrafica/Cognome"),
        address=street,
        cap=text(seat, "CAP"),
        municipality=text(seat, "Comune"),
        province=text(seat, "Provincia"),
        country=text(seat, "Nazione"),
    )


def _seller_notices(seller: Party, expected: str | None, source: str) -> list[Notice]:
    if not expected:
        return []
    wanted = expected.upper().removeprefix("IT").strip()
    found = (seller.vat_number or "").upper().removeprefix("IT")
    if found == wanted:
        return []
    return [Notice.of("import.seller_mismatch", source, found=found or "assente", expected=wanted)]


def _invoice(body, index, root, header, seller, debtor, source) -> Invoice:
    general = child(body, "DatiGenerali/DatiGeneraliDocumento")
    if general is None:
        raise IntakeError("import.fatturapa.no_general_data")
    notices: list[Notice] = []
    document_type = text(general, "TipoDocumento")
    sign = Decimal(-1) if document_type in CREDIT_NOTES else Decimal(1)
    total = _total(body, general, notices, source)
    invoice = Invoice(
        source=source,
        body_index=index,
        format=root.get("versione"),
        document_type=document_type,
        number=text(general, "Numero"),
        date=_date(text(general, "Data"), "Data", notices, source),
        currency=text(general, "Divisa"),
        total=None if total is None else total * sign,
        instalments=_instalments(body, total, sign, notices, source),
        description=_description(body, general),
        contract_reference=_references(body),
        seller=seller,
        debtor=debtor,
        pec=text(header, "DatiTrasmissione/PECDestinatario"),
        recipient_code=text(header, "DatiTrasmissione/CodiceDestinatario"),
        notices=notices,
        linked=text(child(body, "DatiGenerali"), "DatiFattureCollegate/IdDocumento"),
    )
    for label, value in (
        ("Numero", invoice.number),
        ("Data", invoice.date),
        ("TipoDocumento", document_type),
    ):
        if value is None:
            notices.append(Notice.of("import.fatturapa.incomplete", source, detail=f"manca {label}"))
    return invoice


def _total(body, general, notices: list[Notice], source: str) -> Decimal | None:
    declared = text(general, "ImportoTotaleDocumento")
    if declared is not None:
        return _amount(declared, "ImportoTotaleDocumento", notices, source)
    summary = children(child(body, "DatiBeniServizi"), "DatiRiepilogo")
    parts = [
        _amount(text(s, n), n, notices, source) for s in summary for n in ("ImponibileImporto", "Imposta")
    ]
    if not summary or any(p is None for p in parts):
        return None
    notices.append(Notice.of("import.fatturapa.total_computed", source))
    return sum((p for p in parts if p is not None), Decimal(0))


def _instalments(body, total, sign, notices, source) -> list[Instalment]:
    """One per DettaglioPagamento; none at all means one claim for the total with no due date."""
    details = [
        d for payment in children(body, "DatiPagamento") for d in children(payment, "DettaglioPagamento")
    ]
    result = []
    for detail in details:
        amount = _amount(text(detail, "ImportoPagamento"), "ImportoPagamento", notices, source)
        due = _date(text(detail, "DataScadenzaPagamento"), "DataScadenzaPagamento", notices, source)
        result.append(Instalment(due, None if amount is None else amount * sign))
    if not result:
        notices.append(Notice.of("import.fatturapa.incomplete", source, detail="mancano i dati di pagamento"))
        result.append(Instalment(None, None if total is None else total * sign))
    return result


def _description(body, general) -> str | None:
    lines = [text(line, "Descrizione") for line in children(child(body, "DatiBeniServizi"), "DettaglioLinee")]
    chosen = [line for line in lines if line][:DESCRIPTION_LINES]
    if not chosen:
        chosen = [c.text.strip() for c in children(general, "Causale") if c.text and c.text.strip()][:1]
    return "; ".join(chosen)[:DESCRIPTION_CHARS] or None


def _references(body) -> str | None:
    general = child(body, "DatiGenerali")
    refs = []
    for element, label in (
        ("DatiContratto", "contratto"),
        ("DatiOrdineAcquisto", "ordine"),
        ("DatiConvenzione", "convenzione"),
    ):
        for item in children(general, element):
            if number := text(item, "IdDocumento"):
                refs.append(f"{label} {number}")
    return "; ".join(dict.fromkeys(refs)) or None


def _amount(value: str | None, label: str, notices: list[Notice], source: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        notices.append(
            Notice.of("import.fatturapa.incomplete", source, detail=f"{label} non numerico «{value}»")
        )
        return None


def _date(value: str | None, label: str, notices: list[Notice], source: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        notices.append(
            Notice.of("import.fatturapa.incomplete", source, detail=f"{label} non valida «{value}»")
        )
        return None
