"""Reads of the work queues (tenant-scoped): what a collector, a field agent or a skip tracer does today."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.worklists.domain.items import ItemKind, ItemStatus
from recupero.worklists.models import WorkItem


def _open(tenant: Tenant, kind: ItemKind, today: dt.date) -> QuerySet[WorkItem]:
    return WorkItem.objects.filter(
        tenant=tenant, kind=kind, status=ItemStatus.OPEN, due_on__lte=today
    ).select_related("case", "case__debtor", "case__creditor", "assigned_to")


def call_queue(
    *, tenant: Tenant, actor: User | None, today: dt.date, at: dt.time, limit: int = 100
) -> list[WorkItem]:
    """Calls due today or earlier whose contact window contains `at` (the Italian time now), largest balance
    first, the collector's own items and unassigned ones."""
    qs = _open(tenant, ItemKind.CALL, today).filter(
        Q(window_start__isnull=True) | Q(window_start__lte=at, window_end__gte=at)
    )
    if actor is not None and actor.role == "collector":
        qs = qs.filter(Q(assigned_to__isnull=True) | Q(assigned_to=actor))
    return list(qs.order_by("-case__balance", "due_on", "id")[:limit])


def visit_queue(*, tenant: Tenant, actor: User | None, today: dt.date, limit: int = 100) -> list[WorkItem]:
    qs = _open(tenant, ItemKind.VISIT, today)
    if actor is not None and actor.role == "field_agent":
        qs = qs.filter(Q(assigned_to__isnull=True) | Q(assigned_to=actor))
    return list(qs.order_by("case__province", "-case__balance", "id")[:limit])


def skip_trace_queue(*, tenant: Tenant, today: dt.date, limit: int = 100) -> list[WorkItem]:
    return list(_open(tenant, ItemKind.SKIP_TRACE, today).order_by("due_on", "id")[:limit])


def item_get(*, tenant: Tenant, item_id: int) -> WorkItem:
    found = WorkItem.objects.filter(tenant=tenant, pk=item_id).select_related("case").first()
    if found is None:
        raise DomainError("auth.not_found")
    return found


def case_items(*, tenant: Tenant, case_id: int) -> list[WorkItem]:
    return list(WorkItem.objects.filter(tenant=tenant, case_id=case_id).order_by("-due_on", "-id"))
