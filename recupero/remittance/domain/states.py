"""The states of a remittance and the one table that moves them (rule 7: no status set by hand).

issued: the period is locked (its lines hold the unique key of every ledger group they remit);
ready: its files (PDF, XLSX, pain.001, FatturaPA) are written. A remittance killed between the two is completed
by the next `remittance_issue` of the same creditor: the files are derived from the stored lines only.
"""

from __future__ import annotations

from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


class RemittanceStatus(StrEnum):
    ISSUED = "issued"
    READY = "ready"


LABELS = {
    RemittanceStatus.ISSUED: gettext_lazy("Emesso (documenti in preparazione)"),
    RemittanceStatus.READY: gettext_lazy("Emesso"),
}

TRANSITIONS: dict[RemittanceStatus, frozenset[RemittanceStatus]] = {
    RemittanceStatus.ISSUED: frozenset({RemittanceStatus.READY}),
    RemittanceStatus.READY: frozenset(),
}


def can_transition(source: str, target: RemittanceStatus) -> bool:
    return target in TRANSITIONS[RemittanceStatus(source)]


class LineKind(StrEnum):
    PAYMENT = "payment"
    REVERSAL = "reversal"  # a late reversal: a negative line in the next period
    MINIMUM = "minimum"  # the minimum commission per case


LINE_LABELS = {
    LineKind.PAYMENT: gettext_lazy("Incasso"),
    LineKind.REVERSAL: gettext_lazy("Storno"),
    LineKind.MINIMUM: gettext_lazy("Minimo provvigionale"),
}
