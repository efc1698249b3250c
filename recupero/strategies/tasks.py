"""Background work of the strategies: the daily run of every tenant (called by config/schedule.py)."""

from __future__ import annotations

import logging

from recupero.core.clock import today
from recupero.core.errors import DomainError
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.strategies.reminders import instalment_notices_send
from recupero.strategies.services import strategy_run

log = logging.getLogger(__name__)


def strategy_run_all() -> dict[str, int]:
    """One run per tenant, for today's Italian date; a tenant whose run is still going is left alone."""
    out: dict[str, int] = {}
    for tenant in Tenant.objects.order_by("id"):
        try:
            report = strategy_run(tenant=tenant, actor=system_actor(tenant), run_date=today())
        except DomainError as exc:
            log.warning("strategy run skipped for %s: %s", tenant.code, exc.code)
            continue
        out[tenant.code] = report.steps_executed
        log.info("strategy run %s: %s", tenant.code, report.as_dict())
        notices = instalment_notices_send(tenant=tenant, actor=system_actor(tenant), day=today())
        log.info("instalment notices %s: %s", tenant.code, notices)
    return out
