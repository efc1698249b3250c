"""The opening posting of a case: one line per claim, its amount from the creditor's assigned claims to principal
(`ledger.services.opening_post`, the intake and the demo through `ledger.bulk`). One home for its accounts,
description and idempotency keys, so that a bulk-opened case's later `opening_post` is a no-op."""

from __future__ import annotations

import datetime as dt

from recupero.ledger.domain.accounts import Account, EntryKind

KIND = EntryKind.OPENING
DEBIT = Account.PRINCIPAL
CREDIT = Account.ASSIGNED
DESCRIPTION = "Fattura {number} del {issued}"  # issued as dd/mm/yyyy
DESCRIPTION_MAX = 200
KEY = "opening:{case}"  # the group's key; line i is f"{KEY}#{i}"


def description(number: str, issued: dt.date) -> str:
    return DESCRIPTION.format(number=number, issued=f"{issued:%d/%m/%Y}")[:DESCRIPTION_MAX]


def group_key(case_id: int) -> str:
    return KEY.format(case=case_id)


def line_key(case_id: int, index: int) -> str:
    return f"{group_key(case_id)}#{index}"
