"""The chart of accounts of a case's books and how a balance is read from them.

Each ledger entry moves one amount from a credit account to a debit account, so every entry sums to zero by
construction (debit +amount, credit -amount) and the database checks it. What the debtor owes lives on the
receivable accounts (debit balances); their counterparts record where each amount came from.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from recupero.core.domain.i18n import gettext_lazy


class Account(StrEnum):
    # Receivables: what the debtor owes, by bucket (art. 1194: costs, interest, principal are separate).
    PRINCIPAL = "principal"
    LATE_INTEREST = "late_interest"
    FLAT_COMPENSATION = "flat_compensation"  # €40, art. 6 D.Lgs. 231/2002
    COLLECTION_COSTS = "collection_costs"
    # Counterparts.
    ASSIGNED = "assigned"  # the creditor's claim entrusted to the agency
    INTEREST_ACCRUED = "interest_accrued"
    COMPENSATION_ACCRUED = "compensation_accrued"
    COSTS_CHARGED = "costs_charged"
    PAYMENTS_RECEIVED = "payments_received"
    WRITE_OFFS = "write_offs"
    CREDITS = "credits"  # credit notes and other reductions granted by the creditor
    PAID_TO_CREDITOR = "paid_to_creditor"  # pagamento diretto: paid to the creditor, reported to us


RECEIVABLES = (Account.PRINCIPAL, Account.LATE_INTEREST, Account.FLAT_COMPENSATION, Account.COLLECTION_COSTS)

LABELS = {
    Account.PRINCIPAL: gettext_lazy("Capitale"),
    Account.LATE_INTEREST: gettext_lazy("Interessi di mora"),
    Account.FLAT_COMPENSATION: gettext_lazy("Indennizzo forfettario (40 €)"),
    Account.COLLECTION_COSTS: gettext_lazy("Spese di recupero"),
    Account.ASSIGNED: gettext_lazy("Crediti affidati"),
    Account.INTEREST_ACCRUED: gettext_lazy("Interessi maturati"),
    Account.COMPENSATION_ACCRUED: gettext_lazy("Indennizzi maturati"),
    Account.COSTS_CHARGED: gettext_lazy("Spese addebitate"),
    Account.PAYMENTS_RECEIVED: gettext_lazy("Pagamenti ricevuti"),
    Account.WRITE_OFFS: gettext_lazy("Stralci"),
    Account.CREDITS: gettext_lazy("Note di credito"),
    Account.PAID_TO_CREDITOR: gettext_lazy("Pagamenti diretti al creditore"),
}


class EntryKind(StrEnum):
    OPENING = "opening"
    INTEREST = "interest"
    FLAT_COMPENSATION = "flat_compensation"
    COSTS = "costs"
    PAYMENT = "payment"
    WRITE_OFF = "write_off"
    CREDIT = "credit"
    REVERSAL = "reversal"


def balances(rows: list[tuple[str, str, Decimal]]) -> dict[Account, Decimal]:
    """Balance per account (debits minus credits) from (debit_account, credit_account, amount) rows."""
    out = {a: Decimal("0.00") for a in Account}
    for debit, credit, amount in rows:
        out[Account(debit)] += amount
        out[Account(credit)] -= amount
    return out


def total_due(balance: dict[Account, Decimal]) -> Decimal:
    return sum((balance[a] for a in RECEIVABLES), Decimal("0.00"))
