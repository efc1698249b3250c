"""Reads of communications for the interfaces (tenant-scoped)."""

from __future__ import annotations

from recupero.channels.models import Communication, PrintBatch
from recupero.core.errors import DomainError
from recupero.core.models import Tenant


def communication_get(*, tenant: Tenant, communication_id: int) -> Communication:
    found = Communication.objects.filter(tenant=tenant, pk=communication_id).select_related("case").first()
    if found is None:
        raise DomainError("auth.not_found")
    return found


def case_communications(*, tenant: Tenant, case_id: int) -> list[Communication]:
    return list(
        Communication.objects.filter(tenant=tenant, case_id=case_id).order_by("-scheduled_for", "-id")
    )


def print_batches(*, tenant: Tenant, limit: int = 30) -> list[PrintBatch]:
    return list(PrintBatch.objects.filter(tenant=tenant).order_by("-on", "-seq")[:limit])
