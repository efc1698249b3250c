"""Status changes of a communication, through `domain.states` only, and the timeline event of each."""

from __future__ import annotations

from typing import Any

from recupero.cases.services import timeline_append
from recupero.channels.domain.states import TRANSITIONS, CommStatus
from recupero.channels.models import Communication
from recupero.core.clock import now
from recupero.core.models import User
from recupero.core.states import status_move


def _comm_move(comm: Communication, target: CommStatus, **fields: Any) -> bool:
    """Through the transition table only (`core.states.status_move`); a refused move (a late, out-of-order
    receipt) changes nothing."""
    return status_move(comm, target, TRANSITIONS, updated_at=now(), **fields)


def _claim(comm: Communication, **fields: Any) -> bool:
    """queued → rendered as one conditional UPDATE: of two workers given the same id, exactly one wins."""
    return status_move(
        comm, CommStatus.RENDERED, TRANSITIONS, only_from={CommStatus.QUEUED}, updated_at=now(), **fields
    )


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
