"""Whole-database maintenance on the append-only tables (test flushes, demo reload). Never used by the product.

One mechanism for every append-only table: its triggers let UPDATE, DELETE and TRUNCATE through only while its
`<name>_unlock` table holds a row. The audit log uses `audit_unlock`; the ledger its `ledger_unlock`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from django.db import connection

AUDIT_UNLOCK = "audit_unlock"


def switch(table: str, unlocked: bool, reason: str = "maintenance") -> None:
    """Lift (`unlocked=True`) or restore the append-only triggers guarded by the switch table `table`."""
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table}")  # a constant of the code, never input
        if unlocked:
            cur.execute(f"INSERT INTO {table} (reason) VALUES (%s)", [reason])


@contextmanager
def switched(table: str, reason: str) -> Iterator[None]:
    switch(table, True, reason)
    try:
        yield
    finally:
        switch(table, False)


def set_unlocked(unlocked: bool, reason: str = "maintenance") -> None:
    switch(AUDIT_UNLOCK, unlocked, reason)


def unlocked(reason: str) -> AbstractContextManager[None]:
    return switched(AUDIT_UNLOCK, reason)
