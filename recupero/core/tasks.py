"""Background work of the shared kernel."""

from __future__ import annotations

import logging

from recupero.core.domain.chain import Verdict
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.core.services import audit_verify_record

log = logging.getLogger(__name__)


def audit_verify_all() -> dict[str, Verdict]:
    """Nightly: verify every tenant's audit chain and record the verdict in it (the auditor's page reads it;
    a broken chain is logged as an error so that monitoring sees it at once)."""
    verdicts = {}
    for tenant in Tenant.objects.order_by("code"):
        verdict = verdicts[tenant.code] = audit_verify_record(tenant=tenant, actor=system_actor(tenant))
        if not verdict.ok and verdict.broken is not None:
            log.error(
                "audit: chain of %s broken at row %s (id %s): %s",
                tenant.code,
                verdict.broken.seq,
                verdict.broken.row_id,
                verdict.broken.reason,
            )
    return verdicts
