"""Background work of the books."""

from __future__ import annotations

import logging

from recupero.ledger.selectors import unbalanced_cases

log = logging.getLogger(__name__)


def ledger_verify_all() -> list[int]:
    """Nightly: list cases whose cached balance drifted from their entries (logged as an error)."""
    bad = unbalanced_cases()
    if bad:
        log.error("ledger: %d cases out of balance, e.g. %s", len(bad), bad[:10])
    return bad
