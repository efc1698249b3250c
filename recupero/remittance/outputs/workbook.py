"""Every line of a remittance in one sheet (openpyxl, write-only: 50,000 rows in a few seconds)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from openpyxl import Workbook

from recupero.core.domain.sheets import safe_cell
from recupero.remittance.domain.commission import PHASE_LABELS, Phase
from recupero.remittance.domain.states import LINE_LABELS, LineKind

if TYPE_CHECKING:
    from recupero.remittance.outputs.data import StatementData

HEADER = (
    "Pratica", "Riferimento committente", "Debitore", "Data", "Tipo", "Pagamento diretto", "Fase",
    "Capitale", "Interessi", "Indennizzo 40 €", "Spese", "Incassato", "Provvigione", "IVA", "Trattenuto",
    "Da riversare",
)  # fmt: skip
MONEY = (
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


def payments_xlsx(data: StatementData) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"Rendiconto {data.remittance.number}".replace("/", "-")[:31])
    sheet.append(HEADER)
    for r in data.lines:
        phase = PHASE_LABELS[Phase(r["phase"])] if r["phase"] else ""
        sheet.append(
            [
                safe_cell(r["case__code"]),
                safe_cell(r["case__creditor_reference"]),
                safe_cell(r["debtor"]),
                r["posted_on"],
                LINE_LABELS[LineKind(r["kind"])],
                "sì" if r["direct"] else "no",
                phase,
                *(r[name] for name in MONEY),
            ]
        )
    sheet.append(["Totale", "", "", None, "", "", "", *(data.sum(name) for name in MONEY)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
