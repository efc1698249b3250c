"""Background work of arrangements: the daily check of every tenant (called by config/schedule.py)."""

from __future__ import annotations

import logging

from recupero.arrangements.services import arrangements_check
from recupero.core.clock import today
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor

log = logging.getLogger(__name__)


def arrangements_check_all() -> dict[str, dict[str, int]]:
    """One check per tenant for today's Italian date (idempotent: a second run the same day changes nothing)."""
    out: dict[str, dict[str, int]] = {}
    for tenant in Tenant.objects.order_by("id"):
        out[tenant.code] = arrangements_check(tenant=tenant, actor=system_actor(tenant), day=today())
        log.info("arrangements check %s: %s", tenant.code, out[tenant.code])
    return out
