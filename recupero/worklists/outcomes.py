"""What the desk's outcomes do beyond the item itself, each through the owner's services: a dispute opens a
`cases.Dispute` (the ladder waits), a debtor who moved gets a skip-trace item, the lock of an item is checked.

Building blocks of `services.work_item_complete` (which checked the actor on the item and the case)."""

from __future__ import annotations

from typing import Any

from recupero.cases.domain.disputes import DisputeReason, DisputeStatus
from recupero.cases.domain.states import CaseStatus, can_transition
from recupero.cases.models import Dispute
from recupero.cases.services import dispute_record
from recupero.core.clock import now
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.worklists.domain.items import ItemKind
from recupero.worklists.domain.lock import held_by_other
from recupero.worklists.models import WorkItem


def check_lock(item: WorkItem, actor: User) -> None:
    """Refuse an act on an item another collector has open (until the lock expires)."""
    if held_by_other(item.locked_by_id, item.locked_until, actor.pk, now()):
        holder = item.locked_by
        assert item.locked_until is not None
        raise DomainError(
            "desk.locked",
            user=holder.get_full_name() or holder.username if holder else "un collega",
            until=f"{item.locked_until.astimezone():%H:%M}",
        )


def case_follows(status: str, target: str) -> bool:
    """Whether an outcome's target applies: "working" only takes a new case into work (a refusal never pulls a
    case out of legal or an arrangement); any other target whenever the transition table allows it."""
    if target == CaseStatus.WORKING:
        return status == CaseStatus.NEW
    return status != target and (can_transition(status, target) or can_transition(status, CaseStatus.WORKING))


def dispute_from_item(
    tenant: Tenant, actor: User, item: WorkItem, data: dict[str, Any], note: str
) -> dict[str, Any]:
    """The debtor disputes on the phone or at the door: a dispute with its reason (other when not given)."""
    open_one = Dispute.objects.filter(case_id=item.case_id, status=DisputeStatus.OPEN).first()
    if open_one is not None:
        return {"dispute": open_one.pk}
    try:
        reason = DisputeReason(str(data.get("reason") or DisputeReason.OTHER.value))
    except ValueError:
        raise DomainError("dispute.bad_reason", value=str(data.get("reason"))[:40]) from None
    channel = "visita" if item.kind == ItemKind.VISIT else "telefono"
    dispute = dispute_record(
        tenant=tenant, actor=actor, case=item.case, reason=reason, description=note, channel=channel
    )
    return {"dispute": dispute.pk, "reason": reason.value}


def skip_trace_from_visit(tenant: Tenant, item: WorkItem) -> dict[str, Any]:
    """The debtor no longer lives at the address: a skip-trace item (rintraccio) for the back office."""
    trace, _ = WorkItem.objects.get_or_create(
        idempotency_key=f"moved:{item.pk}",
        defaults={
            "tenant": tenant,
            "case": item.case,
            "kind": ItemKind.SKIP_TRACE.value,
            "step_code": item.step_code,
            "due_on": item.due_on,
            "priority": item.priority,
            "created_at": now(),
        },
    )
    return {"skip_trace": trace.pk}
