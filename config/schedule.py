"""Every periodic job of the platform, in one place (Huey periodic tasks, Europe/Rome wall clock).

Each `recupero worker` runs Huey's scheduler, so with several workers on one Redis queue each of them enqueues
every periodic job: without a guard the 06:00 run would start once per worker. `once_per_day` lets the first
copy claim the day in Huey's storage (an atomic put-if-empty, shared by every consumer of the queue) and turns
the others into no-ops. Workers started with `--no-periodic` do not schedule at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

log = logging.getLogger(__name__)


def _rome_today() -> dt.date:
    from recupero.core.clock import today

    return today()


def once_per_day(job: Callable[[], Any]) -> Callable[[], Any]:
    """Run `job` at most once per Italian calendar day across every consumer of this queue."""

    @wraps(job)
    def guarded() -> Any:
        day = _rome_today()
        if not HUEY.put_if_empty(f"recupero.once.{job.__name__}.{day.isoformat()}", "1"):
            log.info("periodic %s for %s already taken by another worker: skipped", job.__name__, day)
            return None
        # Yesterday's claim is no longer needed: keep the store from growing one key a day forever.
        HUEY.get(f"recupero.once.{job.__name__}.{(day - dt.timedelta(days=1)).isoformat()}")
        return job()

    return guarded


@db_periodic_task(crontab(minute="15", hour="2"))
@once_per_day
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
@once_per_day
def daily_strategy_run() -> None:
    """Every morning at 06:00 (Europe/Rome): each tenant's open cases move one step along their strategy."""
    from recupero.strategies.tasks import strategy_run_all

    strategy_run_all()


@db_periodic_task(crontab(minute="*/5"))
def import_parse_sweep() -> None:
    """Every 5 minutes: an import batch left in `parsing` by a parser that died with its worker (no heartbeat
    for IMPORTS_PARSE_STALE_MINUTES) becomes failed, so it can be read again or discarded."""
    from recupero.imports.tasks import parse_sweep

    parse_sweep()


@db_periodic_task(at_rome(5, 30))
@once_per_day
def daily_arrangements_check() -> None:
    """Every morning at 05:30 (Europe/Rome), before the strategies' run: promises and instalments kept or
    broken by yesterday's payments, undecided proposals expired; a broken arrangement's case is back on the
    ladder in time for the 06:00 run."""
    from recupero.arrangements.tasks import arrangements_check_all

    arrangements_check_all()


@db_periodic_task(at_rome(1, 30))
@once_per_day
def nightly_reporting_snapshot() -> None:
    """Every night at 01:30 (Europe/Rome): each tenant's snapshot of the day just ended (dashboards read it)."""
    # Imported by name: reporting sits above imports, whose tests import this schedule (import-linter layers).
    import importlib

    importlib.import_module("recupero.reporting.tasks").snapshot_build_all()


@db_periodic_task(crontab(minute="*/2"))
def webhooks_run() -> None:
    """Every 2 minutes: creditors' webhooks — new events collected, due deliveries sent (retries back off)."""
    import importlib

    importlib.import_module("recupero.reporting.tasks").webhooks_run_all()


@db_periodic_task(at_rome(7, 0))
@once_per_day
def daily_monthly_reports() -> None:
    """Every morning at 07:00 (Europe/Rome), after the night's snapshot: the creditors' monthly reports whose
    day has come, each sent once per month (a claim per report × month; a failed one is sent again next day)."""
    import importlib

    importlib.import_module("recupero.reporting.tasks").monthly_reports_all()
