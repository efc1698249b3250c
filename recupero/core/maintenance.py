"""Whole-database maintenance on the append-only audit log (test flushes, demo reload). Never used by the product:
while `audit_unlock` holds a row, the triggers of migration 0002 let UPDATE, DELETE and TRUNCATE through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def set_unlocked(unlocked: bool, reason: str = "maintenance") -> None:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_unlock")
        if unlocked:
            cur.execute("INSERT INTO audit_unlock (reason) VALUES (%s)", [reason])


@contextmanager
def unlocked(reason: str) -> Iterator[None]:
    set_unlocked(True, reason)
    try:
        yield
    finally:
        set_unlocked(False)
