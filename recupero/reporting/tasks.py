"""Background jobs of the reporting app (registered in config/schedule.py)."""

from __future__ import annotations

import datetime as dt
import logging

from recupero.core.clock import today
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.reporting.services import (
    prescription_risk_build,
    snapshot_build,
    webhook_deliver_due,
    webhook_events_collect,
)

log = logging.getLogger(__name__)


def snapshot_build_all(day: dt.date | None = None) -> int:
    """Every tenant's snapshot of `day`, then its prescription-at-risk list (default: yesterday, the last whole
    Italian day). Idempotent."""
    day = day or today() - dt.timedelta(days=1)
    built = 0
    for tenant in Tenant.objects.order_by("pk"):
        result = snapshot_build(tenant=tenant, actor=system_actor(tenant), day=day)
        log.info("snapshot %s for %s: %s rows", day, tenant.code, result.snapshot_rows)
        risks = prescription_risk_build(tenant=tenant, actor=system_actor(tenant), day=day)
        log.info("prescription risks %s for %s: %s cases", day, tenant.code, risks)
        built += 1
    return built


def webhooks_run_all() -> int:
    """Every few minutes: new timeline events become webhook events, and due deliveries are sent."""
    delivered = 0
    for tenant in Tenant.objects.order_by("pk"):
        actor = system_actor(tenant)
        webhook_events_collect(tenant=tenant, actor=actor)
        delivered += webhook_deliver_due(tenant=tenant, actor=actor)
    return delivered


def monthly_reports_all(day: dt.date | None = None) -> dict[str, int]:
    """Every morning: each tenant's monthly reports whose day has come and that were not sent this month."""
    from recupero.reporting.monthly import monthly_reports_send_due

    day = day or today()
    totals = {"sent": 0, "failed": 0, "skipped": 0}
    for tenant in Tenant.objects.order_by("pk"):
        counts = monthly_reports_send_due(tenant=tenant, actor=system_actor(tenant), day=day)
        log.info("monthly reports %s for %s: %s", day, tenant.code, counts)
        for key, n in counts.items():
            totals[key] += n
    return totals
