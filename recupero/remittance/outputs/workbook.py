"""Every line of a remittance in one sheet (`sheet.xlsx_bytes` by column kind: ~0.5 s for 90,000 lines)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recupero.remittance.domain.commission import PHASE_LABELS, Phase
from recupero.remittance.domain.states import LINE_LABELS, LineKind
from recupero.remittance.outputs.data import SUMS  # the money columns, in order
from recupero.remittance.outputs.sheet import DATE, LABEL, MONEY, TEXT, xlsx_bytes

if TYPE_CHECKING:
    from recupero.remittance.outputs.data import StatementData

HEADER = (
    "Pratica", "Riferimento committente", "Debitore", "Data", "Tipo", "Pagamento diretto", "Fase",
    "Capitale", "Interessi", "Indennizzo 40 €", "Spese", "Incassato", "Provvigione", "IVA", "Trattenuto",
    "Da riversare",
)  # fmt: skip
KINDS = (TEXT, TEXT, TEXT, DATE, LABEL, LABEL, LABEL, *(MONEY for _ in SUMS))


def payments_xlsx(data: StatementData) -> bytes:
    # The labels translated once, not once a line (gettext costs ~10 µs a call).
    kinds = {k.value: str(LINE_LABELS[k]) for k in LineKind}
    phases = {"": "", **{p.value: str(PHASE_LABELS[p]) for p in Phase}}
    rows = [
        (
            r["case__code"],
            r["case__creditor_reference"],
            r["debtor"],
            r["posted_on"],
            kinds[r["kind"]],
            r["direct"],
            phases[r["phase"]],
            *[r[name] for name in SUMS],
        )
        for r in data.lines
    ]
    footer = ["Totale", "", "", None, "", "", "", *(data.sum(name) for name in SUMS)]
    title = f"Rendiconto {data.remittance.number}".replace("/", "-")
    return xlsx_bytes(title, HEADER, rows, kinds=KINDS, footer=footer)
