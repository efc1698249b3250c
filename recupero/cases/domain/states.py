"""The case state machine (rule 7: no status is assigned by hand, every change goes through this table)."""

from __future__ import annotations

from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


class CaseStatus(StrEnum):
    NEW = "new"
    WORKING = "working"
    PROMISE = "promise"
    PLAN = "plan"
    SETTLEMENT = "settlement"
    PAID = "paid"
    CLOSED = "closed"
    RETURNED = "returned"
    LEGAL = "legal"
    PRESCRIBED = "prescribed"
    DISPUTED = "disputed"


LABELS = {
    CaseStatus.NEW: gettext_lazy("Nuova"),
    CaseStatus.WORKING: gettext_lazy("In lavorazione"),
    CaseStatus.PROMISE: gettext_lazy("Promessa di pagamento"),
    CaseStatus.PLAN: gettext_lazy("Piano di rientro"),
    CaseStatus.SETTLEMENT: gettext_lazy("Saldo e stralcio"),
    CaseStatus.PAID: gettext_lazy("Pagata"),
    CaseStatus.CLOSED: gettext_lazy("Chiusa"),
    CaseStatus.RETURNED: gettext_lazy("Restituita"),
    CaseStatus.LEGAL: gettext_lazy("Affidata al legale"),
    CaseStatus.PRESCRIBED: gettext_lazy("Prescritta"),
    CaseStatus.DISPUTED: gettext_lazy("Contestata"),
}

# Badge colour family per status, for the interface.
TONES = {
    CaseStatus.NEW: "info",
    CaseStatus.WORKING: "primary",
    CaseStatus.PROMISE: "warning",
    CaseStatus.PLAN: "warning",
    CaseStatus.SETTLEMENT: "warning",
    CaseStatus.PAID: "success",
    CaseStatus.CLOSED: "muted",
    CaseStatus.RETURNED: "muted",
    CaseStatus.LEGAL: "danger",
    CaseStatus.PRESCRIBED: "danger",
    CaseStatus.DISPUTED: "danger",
}

S = CaseStatus
_EXITS = {S.CLOSED, S.RETURNED}
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.NEW: frozenset({S.WORKING, S.PAID, S.DISPUTED, S.PRESCRIBED, S.LEGAL} | _EXITS),
    S.WORKING: frozenset(
        {S.PROMISE, S.PLAN, S.SETTLEMENT, S.PAID, S.LEGAL, S.PRESCRIBED, S.DISPUTED} | _EXITS
    ),
    S.PROMISE: frozenset({S.WORKING, S.PLAN, S.SETTLEMENT, S.PAID, S.DISPUTED} | _EXITS),
    S.PLAN: frozenset({S.WORKING, S.PAID, S.LEGAL, S.DISPUTED} | _EXITS),
    S.SETTLEMENT: frozenset({S.WORKING, S.PAID} | _EXITS),
    S.DISPUTED: frozenset({S.WORKING} | _EXITS),
    S.LEGAL: frozenset({S.WORKING, S.PAID} | _EXITS),
    S.PRESCRIBED: frozenset(_EXITS),
    # back to work when the payment that settled it is reversed (a returned cheque, an SDD reject)
    S.PAID: frozenset({S.CLOSED, S.WORKING}),
    S.CLOSED: frozenset(),
    S.RETURNED: frozenset(),
}

OPEN_STATUSES = frozenset({S.NEW, S.WORKING, S.PROMISE, S.PLAN, S.SETTLEMENT, S.LEGAL, S.DISPUTED})


def can_transition(source: str, target: str) -> bool:
    return CaseStatus(target) in TRANSITIONS[CaseStatus(source)]
