"""Whole-database maintenance on the append-only books (test flushes, demo reset). Never used by the product.
The switch itself is core's (`core.maintenance.switch`), shared with the audit log."""

from __future__ import annotations

from contextlib import AbstractContextManager

from recupero.core.maintenance import switch, switched

LEDGER_UNLOCK = "ledger_unlock"


def set_unlocked(unlocked: bool, reason: str = "maintenance") -> None:
    switch(LEDGER_UNLOCK, unlocked, reason)


def unlocked(reason: str) -> AbstractContextManager[None]:
    return switched(LEDGER_UNLOCK, reason)
