"""The remittance statement as PDF, composed by Typst from `templates/statement.typ`.

Our own small compile call (not channels' letter renderer: channels sits above this app in the layers). Every
amount is formatted here in Italian; the template only lays out. One compile per statement: statements are a
few a month, so no compiler is kept per process.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typst

from recupero.law.money import format_eur

if TYPE_CHECKING:
    from recupero.remittance.outputs.data import StatementData

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "statement.typ"
COLUMNS = (
    "principal",
    "interest",
    "compensation",
    "costs",
    "collected",
    "commission",
    "vat",
    "held",
    "remitted",
)


class StatementFailed(RuntimeError):
    """Typst refused the template or the data: a bug, reported with typst's own message."""


def _payload(data: StatementData) -> dict[str, Any]:
    r, a, p = data.remittance, data.agency, data.payout
    totals = [
        ("Pagamenti rendicontati", str(r.payments), False),
        ("Incassato", format_eur(r.collected), False),
        ("Provvigioni", format_eur(r.commission), False),
        (f"IVA sulle provvigioni ({format_eur(r.vat_percent)} %)", format_eur(r.vat), False),
        ("Trattenuto (interessi, pagamenti diretti)", format_eur(r.held), False),
        ("Da fatturare (pagamenti diretti)", format_eur(r.to_invoice), False),
        ("Netto da riversare", format_eur(r.net), True),
    ]
    return {
        "number": r.number,
        "until": f"{r.until:%d/%m/%Y}",
        "issued_on": f"{r.issued_on:%d/%m/%Y}",
        "agency": {
            "name": data.tenant.name, "vat_number": data.tenant.vat_number, "iban": r.agency_iban,
            "address": f"{a.street}, {a.cap} {a.municipality} ({a.province})",
        },
        "creditor": {
            "name": data.creditor.name, "vat_number": data.creditor.vat_number or data.creditor.tax_code,
            "iban": r.payout_iban, "address": f"{p.street}, {p.cap} {p.municipality} ({p.province})",
        },
        "totals": [{"label": label, "value": value, "strong": strong} for label, value, strong in totals],
        "note": (
            "Incassato = da riversare + provvigioni + IVA + trattenuto. Gli storni tardivi compaiono come righe "
            "negative; i pagamenti diretti al committente restano presso di lui e ne è dovuta la sola provvigione."
        ),
        "cases": [
            [c["code"], c["debtor"], str(c["lines"]), *(format_eur(c[name]) for name in COLUMNS)]
            for c in data.cases
        ],
        "footer": ["Totale", "", str(len(data.lines)), *(format_eur(data.sum(name)) for name in COLUMNS)],
    }  # fmt: skip


def statement_pdf(data: StatementData) -> bytes:
    inputs = {"payload": json.dumps(_payload(data), ensure_ascii=False, separators=(",", ":"))}
    try:
        pdf = typst.compile(str(TEMPLATE), root=str(TEMPLATE.parent), sys_inputs=inputs, format="pdf")
    except RuntimeError as exc:
        raise StatementFailed(str(exc)) from exc
    if not isinstance(pdf, bytes):
        raise StatementFailed("Typst non ha prodotto un PDF.")
    return pdf
