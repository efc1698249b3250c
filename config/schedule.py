"""Every periodic job of the platform, in one place (Huey periodic tasks, Europe/Rome wall clock)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="15", hour="2"))
def nightly_integrity_check() -> None:
    """Every night: verify that every ledger transaction still balances (a broken book must be seen at once)."""
    from recupero.ledger.tasks import ledger_verify_all

    ledger_verify_all()


@db_periodic_task(crontab(minute="30", hour="2"))
def nightly_audit_verify() -> None:
    """Every night: recompute each tenant's audit hash chain and record the verdict (the auditor's page shows it)."""
    from recupero.core.tasks import audit_verify_all

    audit_verify_all()


def at_rome(hour: int, minute: int):  # type: ignore[no-untyped-def]
    """A Huey schedule test on the Italian wall clock: Huey runs in UTC (HUEY["utc"]), Italy is UTC+1/+2."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    rome = ZoneInfo("Europe/Rome")

    def test(moment: dt.datetime) -> bool:
        local = (
            moment.replace(tzinfo=dt.UTC).astimezone(rome)
            if moment.tzinfo is None
            else moment.astimezone(rome)
        )
        return (local.hour, local.minute) == (hour, minute)

    return test


@db_periodic_task(at_rome(6, 0))
def daily_strategy_run() -> None:
    """Every morning at 06:00 (Europe/Rome): each tenant's open cases move one step along their strategy."""
    from recupero.strategies.tasks import strategy_run_all

    strategy_run_all()
