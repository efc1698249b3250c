"""Payment methods, payment states and statement-entry states (rule 7: states change through these tables)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy
from recupero.law.money import format_eur


class Method(StrEnum):
    BANK_TRANSFER = "bank_transfer"  # bonifico
    POSTAL_SLIP = "postal_slip"  # bollettino postale
    PAGOPA = "pagopa"
    CHEQUE = "cheque"  # assegno
    CASH = "cash"  # contanti, with the number of the receipt given to the debtor
    CARD = "card"
    SDD = "sdd"  # SEPA direct debit (addebito diretto)


METHOD_LABELS = {
    Method.BANK_TRANSFER: gettext_lazy("Bonifico"),
    Method.POSTAL_SLIP: gettext_lazy("Bollettino postale"),
    Method.PAGOPA: gettext_lazy("pagoPA"),
    Method.CHEQUE: gettext_lazy("Assegno"),
    Method.CASH: gettext_lazy("Contanti"),
    Method.CARD: gettext_lazy("Carta"),
    Method.SDD: gettext_lazy("Addebito diretto SEPA"),
}

# Methods whose money can come back after it was booked: a returned cheque, an SDD reject, a chargeback.
REVERSIBLE = frozenset(Method)


class PaymentStatus(StrEnum):
    POSTED = "posted"
    REVERSED = "reversed"


PAYMENT_STATUS_LABELS = {
    PaymentStatus.POSTED: gettext_lazy("Registrato"),
    PaymentStatus.REVERSED: gettext_lazy("Stornato"),
}
PAYMENT_TRANSITIONS = {
    PaymentStatus.POSTED: frozenset({PaymentStatus.REVERSED}),
    PaymentStatus.REVERSED: frozenset(),
}


class EntryStatus(StrEnum):
    """Where each credit line of a bank statement ends: posted, waiting in review, or not ours."""

    NEW = "new"  # stored, not yet reconciled (an import stopped half-way resumes from these)
    REVIEW = "review"
    POSTED = "posted"
    NOT_OURS = "not_ours"
    DEBIT = "debit"  # a debit line (fees, refunds): read and kept, never matched


ENTRY_STATUS_LABELS = {
    EntryStatus.NEW: gettext_lazy("Da riconciliare"),
    EntryStatus.REVIEW: gettext_lazy("Da verificare"),
    EntryStatus.POSTED: gettext_lazy("Registrato"),
    EntryStatus.NOT_OURS: gettext_lazy("Non di nostra competenza"),
    EntryStatus.DEBIT: gettext_lazy("Addebito"),
}
ENTRY_TRANSITIONS = {
    EntryStatus.NEW: frozenset({EntryStatus.POSTED, EntryStatus.REVIEW, EntryStatus.DEBIT}),
    EntryStatus.REVIEW: frozenset({EntryStatus.POSTED, EntryStatus.NOT_OURS}),
    EntryStatus.NOT_OURS: frozenset({EntryStatus.REVIEW}),
    EntryStatus.POSTED: frozenset(),
    EntryStatus.DEBIT: frozenset(),
}


def can_move(table: dict, source: str, target: str) -> bool:  # type: ignore[type-arg]
    return target in {t.value for t in table.get(source, frozenset())}


def payment_summary(
    *, amount: Decimal, direct: bool, method: str, value_date: dt.date, overpayment: Decimal
) -> str:
    """The case timeline's line for a payment recorded (the one-by-one and the statement's bulk path alike)."""
    what = "Pagamento diretto al committente" if direct else "Pagamento"
    text = f"{what} di {format_eur(amount)} € ({METHOD_LABELS[Method(method)]}) del {value_date:%d/%m/%Y}"
    if overpayment:
        text += f"; eccedenza da rimborsare {format_eur(overpayment)} €"
    return text


def payment_details(
    case: str, amount: Decimal, method: str, direct: bool, groups: list[str]
) -> dict[str, object]:
    """The audit row of a payment recorded (both paths): one row for the act, naming the ledger groups it posted
    (interest booked as accrued, then the payment; those groups record no row of their own)."""
    return {"case": case, "amount": str(amount), "method": method, "direct": direct, "groups": groups}
