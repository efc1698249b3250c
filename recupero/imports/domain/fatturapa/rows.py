"""Invoices -> a `RawTable` whose columns are already the affido fields, so the same validation applies.

One row per instalment. The case reference is the debtor's P.IVA, else its codice fiscale: an invoice does not
carry the creditor's customer code, and the debtor's code is what groups its invoices into one case.
"""

from __future__ import annotations

import polars as pl

from recupero.imports.domain.fatturapa.parser import Instalment, Invoice
from recupero.imports.domain.mapping import FIELDS, MappingProfile
from recupero.imports.domain.table import ROW, RawTable

EXTRA = ("document_type", "source_document", "body_index", "instalment")
FATTURAPA_PROFILE = MappingProfile(
    columns={f: f for f in FIELDS},
    decimal_separator=".",
    date_format="%Y-%m-%d",
    required=("amount",),
)


def invoices_to_table(invoices: list[Invoice], source: str = "") -> RawTable:
    records = [_row(inv, inst, n) for inv in invoices for n, inst in enumerate(inv.instalments, start=1)]
    headers = [*FIELDS, *EXTRA]
    data = {ROW: pl.Series(ROW, range(1, len(records) + 1), dtype=pl.Int64)}
    data.update({h: pl.Series(h, [r.get(h) for r in records], dtype=pl.String) for h in headers})
    notices = [n for inv in invoices for n in inv.notices]
    return RawTable(
        headers=headers, frame=pl.DataFrame(data), source=source, kind="fatturapa", notices=notices
    )


def _row(invoice: Invoice, instalment: Instalment, number: int) -> dict[str, str | None]:
    debtor = invoice.debtor
    italian_vat = debtor.vat_number if (debtor.vat_country or "IT") == "IT" else None
    foreign_vat = (
        f"IdFiscaleIVA {debtor.vat_country}{debtor.vat_number}"
        if debtor.vat_number and not italian_vat
        else None
    )
    notes = "; ".join(n for n in (foreign_vat, _recipient(invoice)) if n) or None
    return {
        "case_reference": italian_vat or debtor.tax_code or foreign_vat,
        "debtor_type": "business" if italian_vat or debtor.company_name else "consumer",
        "tax_code": debtor.tax_code,
        # a foreign IdFiscaleIVA with its country prefix: an EU VAT number is checked, any other kept as given
        "vat_number": italian_vat or (f"{debtor.vat_country}{debtor.vat_number}" if foreign_vat else None),
        "name": debtor.name,
        "surname": debtor.surname,
        "company_name": debtor.company_name,
        "address": debtor.address,
        "cap": debtor.cap,
        "municipality": debtor.municipality,
        "province": debtor.province,
        "country": debtor.country,
        "pec": invoice.pec,
        "invoice_number": invoice.number,
        "invoice_date": _iso(invoice.date),
        "due_date": _iso(instalment.due_date),
        "amount": _text(instalment.amount),
        "outstanding": _text(instalment.amount),
        "contract_reference": invoice.contract_reference,
        "description": invoice.description,
        "notes": notes,
        "linked_invoice": invoice.linked,
        "document_type": invoice.document_type,
        "source_document": invoice.source,
        "body_index": str(invoice.body_index),
        "instalment": str(number),
    }


def _recipient(invoice: Invoice) -> str | None:
    code = invoice.recipient_code
    return f"Codice destinatario {code}" if code and code != "0000000" else None


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _text(value) -> str | None:
    return None if value is None else str(value)
