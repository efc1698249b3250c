"""A FatturaPA body as a person reads it: supplier, customer, document, lines, VAT summary, payment terms.

The verification pack prints the original invoice readably (a table, not the raw XML). The view is built here,
where FatturaPA is understood, from the tree the hardened parser returned; it is plain JSON (strings as written in
the XML: amounts with a dot, dates ISO) so the cases app keeps it beside the XML and the pack lays it out.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from recupero.imports.domain.fatturapa.parser import Party, child, children, party, text

# Tipo documento and modalità di pagamento: the codes the pack spells out (the rest print as their code).
DOCUMENT_TYPES = {
    "TD01": "Fattura",
    "TD02": "Acconto/anticipo su fattura",
    "TD03": "Acconto/anticipo su parcella",
    "TD04": "Nota di credito",
    "TD05": "Nota di debito",
    "TD06": "Parcella",
    "TD24": "Fattura differita",
    "TD25": "Fattura differita (art. 21, c. 4, lett. b)",
}
PAYMENT_CONDITIONS = {"TP01": "a rate", "TP02": "pagamento completo", "TP03": "anticipo"}
PAYMENT_MODES = {
    "MP01": "contanti",
    "MP02": "assegno",
    "MP05": "bonifico",
    "MP08": "carta di pagamento",
    "MP12": "RIBA",
    "MP19": "SEPA Direct Debit",
    "MP23": "PagoPA",
}
MAX_LINES = 60  # a pack is read by a person: a longer invoice shows its first lines and says how many more


def _party(p: Party) -> dict[str, str]:
    name = p.company_name or " ".join(v for v in (p.name, p.surname) if v)
    vat = f"{p.vat_country or ''}{p.vat_number}" if p.vat_number else ""
    place = " ".join(v for v in (p.cap, p.municipality, f"({p.province})" if p.province else None) if v)
    return {
        "name": name or "",
        "vat": vat,
        "tax_code": p.tax_code or "",
        "address": ", ".join(v for v in (p.address, place) if v),
    }


def _lines(body: etree._Element) -> tuple[list[dict[str, str]], int]:
    rows = children(child(body, "DatiBeniServizi"), "DettaglioLinee")
    out = [
        {
            "number": text(r, "NumeroLinea") or "",
            "description": (text(r, "Descrizione") or "")[:300],
            "quantity": text(r, "Quantita") or "",
            "unit": text(r, "UnitaMisura") or "",
            "unit_price": text(r, "PrezzoUnitario") or "",
            "total": text(r, "PrezzoTotale") or "",
            "vat_rate": text(r, "AliquotaIVA") or "",
        }
        for r in rows[:MAX_LINES]
    ]
    return out, max(len(rows) - MAX_LINES, 0)


def _vat(body: etree._Element) -> list[dict[str, str]]:
    return [
        {
            "rate": text(r, "AliquotaIVA") or "",
            "nature": text(r, "Natura") or "",
            "taxable": text(r, "ImponibileImporto") or "",
            "tax": text(r, "Imposta") or "",
            "collectability": text(r, "EsigibilitaIVA") or "",
        }
        for r in children(child(body, "DatiBeniServizi"), "DatiRiepilogo")
    ]


def _payments(body: etree._Element) -> list[dict[str, str]]:
    out = []
    for terms in children(body, "DatiPagamento"):
        condition = text(terms, "CondizioniPagamento") or ""
        for d in children(terms, "DettaglioPagamento"):
            mode = text(d, "ModalitaPagamento") or ""
            out.append(
                {
                    "condition": PAYMENT_CONDITIONS.get(condition, condition),
                    "mode": PAYMENT_MODES.get(mode, mode),
                    "due": text(d, "DataScadenzaPagamento") or "",
                    "amount": text(d, "ImportoPagamento") or "",
                    "iban": text(d, "IBAN") or "",
                }
            )
    return out


def invoice_view(root: etree._Element, body_index: int) -> dict[str, Any]:
    """The `body_index`-th body (1-based) of a FatturaElettronica document, readable. KeyError if it has none."""
    bodies = children(root, "FatturaElettronicaBody")
    if not 1 <= body_index <= len(bodies):
        raise KeyError(body_index)
    body = bodies[body_index - 1]
    header = child(root, "FatturaElettronicaHeader")
    general = child(body, "DatiGenerali/DatiGeneraliDocumento")
    kind = text(general, "TipoDocumento") or ""
    lines, more = _lines(body)
    return {
        "format": root.get("versione") or "",
        "supplier": _party(party(child(header, "CedentePrestatore"))),
        "customer": _party(party(child(header, "CessionarioCommittente"))),
        "document_type": DOCUMENT_TYPES.get(kind, kind),
        "number": text(general, "Numero") or "",
        "date": text(general, "Data") or "",
        "currency": text(general, "Divisa") or "",
        "total": text(general, "ImportoTotaleDocumento") or "",
        "causale": " ".join(c.text.strip() for c in children(general, "Causale") if c.text)[:600],
        "lines": lines,
        "more_lines": more,
        "vat": _vat(body),
        "payments": _payments(body),
    }
