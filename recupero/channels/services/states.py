"""Status changes of a communication, through `domain.states` only, and the timeline event of each."""

from __future__ import annotations

from typing import Any

from recupero.cases.services import timeline_append
from recupero.channels.domain.states import CommStatus, can_transition
from recupero.channels.models import Communication
from recupero.core.clock import now
from recupero.core.models import User


def _move(comm: Communication, target: CommStatus, **fields: Any) -> bool:
    """Through the transition table only; a refused move (a late, out-of-order receipt) changes nothing."""
    if comm.status == target.value or not can_transition(comm.status, target):
        return False
    comm.status = target.value
    for name, value in fields.items():
        setattr(comm, name, value)
    comm.save(update_fields=["status", "updated_at", *fields])
    return True


def _claim(comm: Communication, **fields: Any) -> bool:
    """queued → rendered as one conditional UPDATE: of two workers given the same id, exactly one wins."""
    assert can_transition(CommStatus.QUEUED, CommStatus.RENDERED)
    won = Communication.objects.filter(pk=comm.pk, status=CommStatus.QUEUED).update(
        status=CommStatus.RENDERED.value, updated_at=now(), **fields
    )
    if won:
        comm.status = CommStatus.RENDERED.value
    return bool(won)


def _timeline(comm: Communication, actor: User, summary: str, **extra: Any) -> None:
    data = {
        "communication": comm.pk,
        "kind": comm.kind,
        "status": comm.status,
        "template": comm.template,
        # a fact, not a link: the interface that shows the event builds the link (channels sits below web)
        "document": bool(comm.document),
        **extra,
    }
    timeline_append(
        tenant=comm.tenant,
        actor=actor,
        case=comm.case,
        kind=f"communication.{comm.status}",
        summary=summary,
        data=data,
    )
