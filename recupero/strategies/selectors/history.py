"""The steps already recorded for a chunk's cases, with the outcome of their effects (letter bounced, call
done…), as the planner's history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection

from recupero.core.models import Tenant
from recupero.strategies.domain.effects import record_status
from recupero.strategies.domain.snapshot import RecordStatus, StepRecord
from recupero.strategies.models import StepExecution
from recupero.strategies.selectors.sql import _date


def _history(tenant: Tenant, lo: int, hi: int) -> dict[int, list[StepRecord]]:
    """The steps recorded for the cases, with the outcome of their effect (letter bounced, call done…).

    The effects are read by case range on their (tenant, case) indexes and matched to the steps by key in
    Python — rows stored in case order, read in order — rather than joined on the key: a join probes the key
    indexes in random order (a second run at 1M cases on SQLite spent most of its time there)."""
    out: dict[int, list[StepRecord]] = defaultdict(list)
    where = "WHERE tenant_id = %s AND case_id BETWEEN %s AND %s"
    with connection.cursor() as cur:
        cur.execute(
            "SELECT case_id, strategy_code, step_code, action, scheduled_for, status, idempotency_key"
            f" FROM strategies_stepexecution {where} ORDER BY scheduled_for, id",
            [tenant.pk, lo, hi],
        )
        steps = cur.fetchall()
        if not steps:
            return out
        # A key names its case (`{case_id}:…`), so an effect of one of these steps is of a case in the range.
        cur.execute(
            f"SELECT idempotency_key, status FROM channels_communication {where}", [tenant.pk, lo, hi]
        )
        comms = dict(cur.fetchall())
        cur.execute(
            f"SELECT idempotency_key, status, outcome FROM worklists_workitem {where}", [tenant.pk, lo, hi]
        )
        items = {key: (status, outcome) for key, status, outcome in cur.fetchall()}
    no_item = (None, None)
    for case_id, strategy, step, action, on, status, key in steps:
        item, outcome = items.get(key, no_item)
        record = _record(strategy, step, action, _date(on), status, comms.get(key), item, outcome)
        if record is not None:
            out[case_id].append(record)
    return out


def _record(
    strategy: str,
    step: str,
    action: str,
    on: dt.date | None,
    status: str,
    comm: str | None,
    item: str | None,
    outcome: str | None,
) -> StepRecord | None:
    assert on is not None
    if status == StepExecution.Status.SKIPPED:
        return StepRecord(step, action, on, RecordStatus.SKIPPED, strategy)
    if action == "verify_data":
        return None  # a verification task is no ladder step: the guard that asked for it decides
    if action == "skip_trace":
        # A skip-trace task is no ladder step: it moves the ladder only when it ends without a contact.
        if item == "done" and outcome == "not_found":
            return StepRecord(step, action, on, RecordStatus.SKIPPED, strategy)
        return None
    if comm is not None:
        return StepRecord(step, action, on, record_status(comm), strategy)
    return StepRecord(step, action, on, RecordStatus.DONE, strategy)
