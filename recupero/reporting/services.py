"""Every write of the reporting app: the nightly snapshot, API tokens and webhook subscriptions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from recupero.core.domain.roles import VIEW_AGENCY_REPORTS
from recupero.core.models import Tenant, User
from recupero.core.permissions import service
from recupero.core.services import audit_record
from recupero.reporting import sql
from recupero.reporting.models import CollectionMonth, Snapshot, StepFigure


@dataclass(frozen=True)
class SnapshotBuilt:
    day: dt.date
    snapshot_rows: int
    month_rows: int
    step_rows: int


@service(VIEW_AGENCY_REPORTS)
@transaction.atomic
def snapshot_build(*, tenant: Tenant, actor: User, day: dt.date) -> SnapshotBuilt:
    """Build (or rebuild: the day's rows are replaced) the tenant's snapshot of `day`, set-based in SQL.

    Read-only figures, so the capability is the one that reads them; the audit row records who rebuilt what."""
    Snapshot.objects.filter(tenant=tenant, day=day).delete()
    CollectionMonth.objects.filter(tenant=tenant, day=day).delete()
    StepFigure.objects.filter(tenant=tenant, day=day).delete()
    d = sql.dialect(connection.vendor)
    params: dict[str, Any] = {
        "tenant": tenant.pk,
        "day": day,
        "next_day": _start_of(day + dt.timedelta(days=1)),
    }
    counts = []
    with connection.cursor() as cur:
        for statement in (sql.snapshot_insert(d), sql.months_insert(d), sql.steps_insert(d)):
            cur.execute(statement, params)
            counts.append(cur.rowcount)
    built = SnapshotBuilt(day, *counts)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="reporting.snapshot_build",
        object_type="snapshot",
        object_id=day.isoformat(),
        details={"rows": counts},
    )
    return built


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of `day` on the Italian clock (work items are stamped with aware datetimes)."""
    from recupero.core.clock import ROME

    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ROME)
