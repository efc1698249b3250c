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
from recupero.remittance.outputs.data import SUMS  # the money columns, in order

if TYPE_CHECKING:
    from recupero.remittance.outputs.data import StatementData

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "statement.typ"
# Typst lays a row out in ~1 ms (12 cells shaped): above this many cases the statement keeps its totals and the
# note that the per-case detail is in the workbook (a 1,000-page PDF helps nobody; the XLSX has every line).
STATEMENT_CASES_MAX = 2000


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
        "note": _note(len(data.cases)),
        "cases": [
            [c["code"], c["debtor"], str(c["lines"]), *(format_eur(c[name]) for name in SUMS)]
            for c in data.cases[:STATEMENT_CASES_MAX]
        ],
        "footer": ["Totale", "", str(len(data.lines)), *(format_eur(data.sum(name)) for name in SUMS)],
    }  # fmt: skip


def _note(cases: int) -> str:
    note = (
        "Incassato = da riversare + provvigioni + IVA + trattenuto. Gli storni tardivi compaiono come righe "
        "negative; i pagamenti diretti al committente restano presso di lui e ne è dovuta la sola provvigione."
    )
    if cases > STATEMENT_CASES_MAX:
        note += (
            f" Il rendiconto riguarda {cases} pratiche: qui le prime {STATEMENT_CASES_MAX} per codice, "
            "il dettaglio completo di ogni pagamento è nel file XLSX allegato."
        )
    return note


def statement_pdf(data: StatementData) -> bytes:
    inputs = {"payload": json.dumps(_payload(data), ensure_ascii=False, separators=(",", ":"))}
    try:
        # Without PDF tags (accessibility structure): ~4x smaller and faster for long statements (as the letters).
        pdf = typst.compile(
            str(TEMPLATE), root=str(TEMPLATE.parent), sys_inputs=inputs, format="pdf", pdf_tags=False
        )
    except RuntimeError as exc:
        raise StatementFailed(str(exc)) from exc
    if not isinstance(pdf, bytes):
        raise StatementFailed("Typst non ha prodotto un PDF.")
    return pdf
