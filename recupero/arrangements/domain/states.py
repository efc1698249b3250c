"""Transition tables of arrangements and instalments (rule 7: no status is set by hand)."""

from __future__ import annotations

from enum import StrEnum

from recupero.core.domain.i18n import gettext_noop


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
    Kind.PROMISE: gettext_noop("Promessa di pagamento"),
    Kind.PLAN: gettext_noop("Piano di rientro"),
    Kind.SETTLEMENT: gettext_noop("Saldo e stralcio"),
}

LABELS = {
    ArrangementStatus.PENDING_APPROVAL: gettext_noop("In attesa di approvazione"),
    ArrangementStatus.ACTIVE: gettext_noop("Attivo"),
    ArrangementStatus.REJECTED: gettext_noop("Respinto"),
    ArrangementStatus.EXPIRED: gettext_noop("Scaduto senza decisione"),
    ArrangementStatus.KEPT: gettext_noop("Rispettato"),
    ArrangementStatus.BROKEN: gettext_noop("Non rispettato"),
    ArrangementStatus.REPLACED: gettext_noop("Sostituito"),
    ArrangementStatus.CANCELLED: gettext_noop("Annullato"),
}

INSTALMENT_LABELS = {
    InstalmentStatus.PENDING: gettext_noop("Da pagare"),
    InstalmentStatus.PAID: gettext_noop("Pagata"),
    InstalmentStatus.MISSED: gettext_noop("Non pagata"),
    InstalmentStatus.CANCELLED: gettext_noop("Annullata"),
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
