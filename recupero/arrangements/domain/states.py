"""Transition tables of arrangements and instalments (rule 7: no status is set by hand)."""

from __future__ import annotations

from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


class Kind(StrEnum):
    PROMISE = "promise"  # promessa di pagamento
    PLAN = "plan"  # piano di rientro
    SETTLEMENT = "settlement"  # saldo e stralcio


class ArrangementStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    ACTIVE = "active"
    REJECTED = "rejected"
    EXPIRED = "expired"
    KEPT = "kept"
    BROKEN = "broken"
    REPLACED = "replaced"
    CANCELLED = "cancelled"


class InstalmentStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    MISSED = "missed"
    CANCELLED = "cancelled"


KIND_LABELS = {
    Kind.PROMISE: gettext_lazy("Promessa di pagamento"),
    Kind.PLAN: gettext_lazy("Piano di rientro"),
    Kind.SETTLEMENT: gettext_lazy("Saldo e stralcio"),
}

LABELS = {
    ArrangementStatus.PENDING_APPROVAL: gettext_lazy("In attesa di approvazione"),
    ArrangementStatus.ACTIVE: gettext_lazy("Attivo"),
    ArrangementStatus.REJECTED: gettext_lazy("Respinto"),
    ArrangementStatus.EXPIRED: gettext_lazy("Scaduto senza decisione"),
    ArrangementStatus.KEPT: gettext_lazy("Rispettato"),
    ArrangementStatus.BROKEN: gettext_lazy("Non rispettato"),
    ArrangementStatus.REPLACED: gettext_lazy("Sostituito"),
    ArrangementStatus.CANCELLED: gettext_lazy("Annullato"),
}

INSTALMENT_LABELS = {
    InstalmentStatus.PENDING: gettext_lazy("Da pagare"),
    InstalmentStatus.PAID: gettext_lazy("Pagata"),
    InstalmentStatus.MISSED: gettext_lazy("Non pagata"),
    InstalmentStatus.CANCELLED: gettext_lazy("Annullata"),
}

A = ArrangementStatus
TRANSITIONS: dict[ArrangementStatus, frozenset[ArrangementStatus]] = {
    A.PENDING_APPROVAL: frozenset({A.ACTIVE, A.REJECTED, A.EXPIRED, A.REPLACED, A.CANCELLED}),
    A.ACTIVE: frozenset({A.KEPT, A.BROKEN, A.REPLACED, A.CANCELLED}),
    A.REJECTED: frozenset(),
    A.EXPIRED: frozenset(),
    A.KEPT: frozenset(),
    A.BROKEN: frozenset(),
    A.REPLACED: frozenset(),
    A.CANCELLED: frozenset(),
}

# The statuses of an arrangement still open on its case (one per case: a database constraint keeps it).
OPEN = frozenset({A.PENDING_APPROVAL, A.ACTIVE})

I = InstalmentStatus  # noqa: E741
INSTALMENT_TRANSITIONS: dict[InstalmentStatus, frozenset[InstalmentStatus]] = {
    I.PENDING: frozenset({I.PAID, I.MISSED, I.CANCELLED}),
    # A missed instalment paid late, while the plan still runs (the mandate tolerates some misses).
    I.MISSED: frozenset({I.PAID, I.CANCELLED}),
    I.PAID: frozenset(),
    I.CANCELLED: frozenset(),
}


def can_transition(source: str, target: str) -> bool:
    return ArrangementStatus(target) in TRANSITIONS[ArrangementStatus(source)]


def can_instalment_transition(source: str, target: str) -> bool:
    return InstalmentStatus(target) in INSTALMENT_TRANSITIONS[InstalmentStatus(source)]
