"""A bank statement as read from the bank's file (camt.053, camt.054, CBI `BkToCstmrStmt`): pure data.

The reader (`recupero.imports.domain.camt`, the intake's hardened XML) fills these; payments stores, matches and
posts them. `reference` is the bank's own key of a line (AcctSvcrRef, else NtryRef, else EndToEndId, else a
digest of its content): the same line read twice, from the same statement or an overlapping one, has the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class EntryData:
    reference: str
    amount: Decimal
    credit: bool
    booking_date: dt.date | None
    value_date: dt.date | None
    remittance: str = ""  # free text (Ustrd), the causale
    structured: str = ""  # CdtrRefInf/Ref (an RF reference, or a national one)
    end_to_end: str = ""
    payer_name: str = ""
    payer_iban: str = ""
    status: str = "BOOK"  # BOOK, PDNG, INFO: only booked lines move money


@dataclass(frozen=True)
class StatementData:
    kind: str  # "camt.053", "camt.054", "cbi"
    version: str  # e.g. "001.08"
    message_id: str
    statement_id: str
    account_iban: str
    currency: str
    opening: Decimal | None
    closing: Decimal | None
    entries: list[EntryData] = field(default_factory=list)
    file_name: str = ""

    @property
    def credits(self) -> list[EntryData]:
        return [e for e in self.entries if e.credit and e.status == "BOOK"]

    @property
    def credits_total(self) -> Decimal:
        return sum((e.amount for e in self.credits), ZERO)

    @property
    def debits_total(self) -> Decimal:
        return sum((e.amount for e in self.entries if not e.credit and e.status == "BOOK"), ZERO)


@dataclass(frozen=True)
class Totals:
    opening: Decimal | None
    credits: Decimal
    debits: Decimal
    closing: Decimal | None
    expected_closing: Decimal | None
    ok: bool | None  # None: a notification (camt.054) has no balances to reconcile

    @property
    def difference(self) -> Decimal:
        if self.closing is None or self.expected_closing is None:
            return ZERO
        return self.closing - self.expected_closing


def totals(statement: StatementData) -> Totals:
    """Opening + credits − debits must equal the closing balance (the statement reconciles to its balances)."""
    credits, debits = statement.credits_total, statement.debits_total
    if statement.opening is None or statement.closing is None:
        return Totals(statement.opening, credits, debits, statement.closing, None, None)
    expected = statement.opening + credits - debits
    return Totals(
        statement.opening, credits, debits, statement.closing, expected, expected == statement.closing
    )


def content_reference(*parts: object) -> str:
    """A stable key for a line that carries none of the bank's references."""
    text = "|".join(str(p) for p in parts)
    return "H" + hashlib.sha256(text.encode()).hexdigest()[:39]
