"""Every periodic job of the platform, in one place (Huey periodic tasks, Europe/Rome wall clock)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="15", hour="2"))
def nightly_integrity_check() -> None:
    """Every night: verify that every ledger transaction still balances (a broken book must be seen at once)."""
    from recupero.ledger.tasks import ledger_verify_all

    ledger_verify_all()
