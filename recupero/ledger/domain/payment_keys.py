"""The keys of a payment's ledger groups, and the claim the debtor designated (art. 1193 c.1 c.c.) read back from
them: the books alone re-impute a designated payment to its claim every time the position is derived
(docs/decisions/0003), without reading the payments app above the ledger.

`payment:<id>` — a payment imputed oldest first; `payment:<id>:1193:<claim id>` — a payment the debtor designated
to that claim (its costs, interest and principal first, the rest oldest first); `payment:<id>:accrued` — the
interest and €40 the payment pays, booked as accrued first. Line i of a group is `<key>#<i>`.
"""

from __future__ import annotations

import re

DESIGNATED = re.compile(r"^payment:\d+:1193:(\d+)#")


def payment_key(payment_id: int, designated_claim: int | None = None) -> str:
    return f"payment:{payment_id}" + (f":1193:{designated_claim}" if designated_claim else "")


def accrued_key(payment_id: int) -> str:
    return f"payment:{payment_id}:accrued"


def designated_of(line_key: str | None) -> tuple[str, ...]:
    """The designated claim's id (as the engine's debt key of a whole invoice) of a payment line's key, or ()."""
    found = DESIGNATED.match(line_key or "")
    return (found.group(1),) if found else ()
