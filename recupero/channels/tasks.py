"""Background work of the channels: render and send a chunk of communications (ids in, idempotent)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django_tasks import task

from recupero.channels.domain.states import CommStatus
from recupero.channels.models import Communication
from recupero.channels.services import TASK_CHUNK, communications_send
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor


@task()
def communications_send_task(tenant_id: int, ids: list[int]) -> dict[str, int]:
    """≈500 communications of one kind; a retry takes only those still `queued` (never sends twice)."""
    tenant = Tenant.objects.get(pk=tenant_id)
    return communications_send(tenant_id=tenant_id, actor=system_actor(tenant), ids=ids)


def communications_dispatch(*, tenant: Tenant, keys: list[str]) -> int:
    """After commit, start the sending tasks (≈500 communications each, grouped by kind) for the queued
    communications among `keys`. Returns how many will be processed."""
    ids_by_kind: dict[str, list[int]] = {}
    for start in range(0, len(keys), 5000):
        part = keys[start : start + 5000]
        rows = Communication.objects.filter(
            tenant=tenant, status=CommStatus.QUEUED, idempotency_key__in=part
        ).values_list("kind", "id")
        for kind, pk in rows:
            ids_by_kind.setdefault(kind, []).append(pk)
    return communications_dispatch_ids(tenant=tenant, ids_by_kind=ids_by_kind)


def communications_dispatch_ids(*, tenant: Tenant, ids_by_kind: dict[str, list[int]]) -> int:
    """`communications_dispatch` for ids already known (those `services.communications_queue_new` just
    inserted, so queued): the tasks are enqueued on commit. Returns how many will be processed."""
    total = 0
    for ids in ids_by_kind.values():
        ordered = sorted(ids)
        for start in range(0, len(ordered), TASK_CHUNK):
            chunk = ordered[start : start + TASK_CHUNK]
            total += len(chunk)
            transaction.on_commit(partial(communications_send_task.enqueue, tenant.pk, chunk))
    return total
