"""Every line of a remittance in one sheet (`sheet.xlsx_bytes`: ~1 s for 50,000 lines, see there why)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recupero.remittance.domain.commission import PHASE_LABELS, Phase
from recupero.remittance.domain.states import LINE_LABELS, LineKind
from recupero.remittance.outputs.data import SUMS  # the money columns, in order
from recupero.remittance.outputs.sheet import xlsx_bytes

if TYPE_CHECKING:
    from recupero.remittance.outputs.data import StatementData

HEADER = (
    "Pratica", "Riferimento committente", "Debitore", "Data", "Tipo", "Pagamento diretto", "Fase",
    "Capitale", "Interessi", "Indennizzo 40 €", "Spese", "Incassato", "Provvigione", "IVA", "Trattenuto",
    "Da riversare",
)  # fmt: skip


def payments_xlsx(data: StatementData) -> bytes:
    rows = [
        [
            r["case__code"],
            r["case__creditor_reference"],
            r["debtor"],
            r["posted_on"],
            LINE_LABELS[LineKind(r["kind"])],
            r["direct"],
            PHASE_LABELS[Phase(r["phase"])] if r["phase"] else "",
            *(r[name] for name in SUMS),
        ]
        for r in data.lines
    ]
    rows.append(["Totale", "", "", None, "", "", "", *(data.sum(name) for name in SUMS)])
    return xlsx_bytes(f"Rendiconto {data.remittance.number}".replace("/", "-"), HEADER, rows)
