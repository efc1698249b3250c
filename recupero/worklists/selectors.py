"""Reads of the work queues, cut to the actor: the cases the role reaches, the kinds it may work or watch, and for
roles that work only their own items (collectors, field agents) the items assigned to them or to nobody."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from recupero.core.audit import audit_shown
from recupero.core.domain.roles import VIEW_CASES, can
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, check, own_items_only
from recupero.worklists.domain.items import QUEUE_CAPABILITIES, ItemKind, ItemStatus
from recupero.worklists.models import WorkItem


def items_visible(*, tenant: Tenant, actor: User, kind: ItemKind) -> QuerySet[WorkItem]:
    """The items of one kind this actor may see. Every work-item read for an interface starts here."""
    held = [c for c in QUEUE_CAPABILITIES[kind] if can(actor.role, c)]
    check(actor, held[0] if held else QUEUE_CAPABILITIES[kind][0], tenant)
    qs = WorkItem.objects.filter(tenant=tenant, kind=kind).filter(case_q(actor, "case__"))
    if all(own_items_only(actor, c) for c in held):
        qs = qs.filter(Q(assigned_to__isnull=True) | Q(assigned_to=actor))
    return qs


def _open(tenant: Tenant, actor: User, kind: ItemKind, today: dt.date) -> QuerySet[WorkItem]:
    return (
        items_visible(tenant=tenant, actor=actor, kind=kind)
        .filter(status=ItemStatus.OPEN, due_on__lte=today)
        .select_related("case", "case__debtor", "case__creditor", "assigned_to")
    )


def _shown(items: list[WorkItem]) -> list[WorkItem]:
    """A queue shows each item's debtor: noted for the request's audit row (core/audit.py)."""
    audit_shown(debtor_ids=[i.case.debtor_id for i in items], case_ids=[i.case_id for i in items])
    return items


def call_queue(
    *, tenant: Tenant, actor: User, today: dt.date, at: dt.time, limit: int = 100
) -> list[WorkItem]:
    """Calls due today or earlier whose contact window contains `at` (the Italian time now), largest balance
    first."""
    qs = _open(tenant, actor, ItemKind.CALL, today).filter(
        Q(window_start__isnull=True) | Q(window_start__lte=at, window_end__gte=at)
    )
    return _shown(list(qs.order_by("-case__balance", "due_on", "id")[:limit]))


def visit_queue(*, tenant: Tenant, actor: User, today: dt.date, limit: int = 100) -> list[WorkItem]:
    qs = _open(tenant, actor, ItemKind.VISIT, today)
    return _shown(list(qs.order_by("case__province", "-case__balance", "id")[:limit]))


def skip_trace_queue(
    *, tenant: Tenant, actor: User, today: dt.date, limit: int = 100, kind: ItemKind = ItemKind.SKIP_TRACE
) -> list[WorkItem]:
    """The office's desk work: skip tracing, or (kind verify_data) the data verifications asked by the planner."""
    if kind not in (ItemKind.SKIP_TRACE, ItemKind.VERIFY_DATA):
        raise DomainError("auth.not_found")
    return _shown(list(_open(tenant, actor, kind, today).order_by("due_on", "id")[:limit]))


def item_get(*, tenant: Tenant, actor: User, item_id: int) -> WorkItem:
    """One item the actor may see, or "not found" (never "forbidden": a foreign id says nothing)."""
    kind = WorkItem.objects.filter(tenant=tenant, pk=item_id).values_list("kind", flat=True).first()
    if kind is None:
        raise DomainError("auth.not_found")
    try:
        qs = items_visible(tenant=tenant, actor=actor, kind=ItemKind(kind))
    except DomainError as exc:
        raise DomainError("auth.not_found") from exc
    found = qs.filter(pk=item_id).select_related("case").first()
    if found is None:
        raise DomainError("auth.not_found")
    return found


def case_items(*, tenant: Tenant, actor: User, case_id: int) -> list[WorkItem]:
    """The items of a case the actor may see through the case (cases.view on it)."""
    check(actor, VIEW_CASES, tenant)
    qs = WorkItem.objects.filter(tenant=tenant, case_id=case_id).filter(case_q(actor, "case__"))
    return list(qs.order_by("-due_on", "-id"))
