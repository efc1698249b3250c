"""Whole-database maintenance on the append-only books (test flushes, demo reset). Never used by the product."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def set_unlocked(unlocked: bool, reason: str = "maintenance") -> None:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ledger_unlock")
        if unlocked:
            cur.execute("INSERT INTO ledger_unlock (reason) VALUES (%s)", [reason])


@contextmanager
def unlocked(reason: str) -> Iterator[None]:
    set_unlocked(True, reason)
    try:
        yield
    finally:
        set_unlocked(False)
