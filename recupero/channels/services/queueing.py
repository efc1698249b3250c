"""Queueing: the daily run inserts communications as `queued`, in bulk, once per step key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from recupero.channels.domain.states import CommStatus
from recupero.core.bulk import Bulk
from recupero.core.clock import now
from recupero.core.domain.roles import RUN_STRATEGIES, SEND_COMMUNICATIONS
from recupero.core.models import Tenant, User
from recupero.core.permissions import service

TASK_CHUNK = 500  # communications per background task (rule 8)
_COLUMNS = (
    "tenant_id",
    "case_id",
    "kind",
    "template",
    "step_code",
    "action",
    "contact_id",
    "address",
    "status",
    "scheduled_for",
    "provider",
    "provider_message_id",
    "document",
    "tracking_number",
    "error",
    "idempotency_key",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class CommunicationSpec:
    case_id: int
    kind: str
    template: str
    step_code: str
    action: str
    contact_id: int | None
    address: str
    scheduled_for: dt.date
    idempotency_key: str


@service(RUN_STRATEGIES, SEND_COMMUNICATIONS)
def communications_queue(
    *, tenant: Tenant, actor: User, specs: list[CommunicationSpec], bulk: Bulk | None = None
) -> int:
    """Insert communications as `queued`; one whose key exists is left alone (the same step is never sent
    twice). Returns how many were new."""
    new = communications_queue_new(tenant=tenant, actor=actor, specs=specs, bulk=bulk)
    return sum(len(ids) for ids in new.values())


@service(RUN_STRATEGIES, SEND_COMMUNICATIONS)
def communications_queue_new(
    *, tenant: Tenant, actor: User, specs: list[CommunicationSpec], bulk: Bulk | None = None
) -> dict[str, list[int]]:
    """`communications_queue`, returning the ids of the communications actually inserted by kind (what
    `tasks.communications_dispatch_ids` sends) — from the INSERT itself, no second query on the keys."""
    bulk = bulk or Bulk()
    stamp = bulk.ts_at(now())
    queued = CommStatus.QUEUED.value
    rows = [
        (
            tenant.pk,
            s.case_id,
            s.kind,
            s.template,
            s.step_code,
            s.action,
            s.contact_id,
            s.address[:300],
            queued,
            s.scheduled_for.isoformat(),
            "",
            "",
            "",
            "",
            "",
            s.idempotency_key,
            stamp,
            stamp,
        )
        for s in specs
    ]
    new = bulk.write_ignore_returning(
        "channels_communication", _COLUMNS, rows, "idempotency_key", ("kind", "id")
    )
    ids_by_kind: dict[str, list[int]] = {}
    for kind, pk in new:
        ids_by_kind.setdefault(str(kind), []).append(int(pk))  # type: ignore[call-overload]
    return ids_by_kind
