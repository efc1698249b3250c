"""Status changes of an arrangement and of its case: building blocks of the services (which checked the actor).

Both go through transition tables: the arrangement's (`domain/states.py`) and the case's (`cases.services`).
"""

from __future__ import annotations

import datetime as dt

from recupero.arrangements.domain.states import (
    LABELS,
    OPEN,
    ArrangementStatus,
    InstalmentStatus,
    Kind,
    can_transition,
)
from recupero.arrangements.models import Arrangement, Instalment
from recupero.cases.domain.states import CaseStatus
from recupero.cases.domain.states import can_transition as case_can
from recupero.cases.models import Case
from recupero.cases.services import case_move
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User

CASE_STATUS_OF = {
    Kind.PROMISE: CaseStatus.PROMISE,
    Kind.PLAN: CaseStatus.PLAN,
    Kind.SETTLEMENT: CaseStatus.SETTLEMENT,
}


def case_follow(
    tenant: Tenant, actor: User, case: Case, target: CaseStatus, reason: str, on: dt.date | None = None
) -> Case:
    """Move the case to `target` through the table, via "working" when the table asks for it; a move the
    table refuses leaves the case where it is (a case handed to the lawyer keeps its status)."""
    case = Case.objects.get(pk=case.pk)
    if case.status == target.value:
        return case
    if not case_can(case.status, target) and case_can(case.status, CaseStatus.WORKING):
        case = case_move(
            tenant=tenant, actor=actor, case=case, target=CaseStatus.WORKING, reason=reason, on=on
        )
    if case_can(case.status, target):
        case = case_move(tenant=tenant, actor=actor, case=case, target=target, reason=reason, on=on)
    return case


def arrangement_move(
    arrangement: Arrangement, target: ArrangementStatus, *, on: dt.date, reason: str = ""
) -> None:
    """The arrangement's status through its table (a building block: the caller checked the actor)."""
    if not can_transition(arrangement.status, target):
        raise DomainError(
            "arrangement.bad_transition",
            source=LABELS[ArrangementStatus(arrangement.status)],
            target=LABELS[target],
        )
    arrangement.status = target.value
    fields = ["status"]
    if target not in OPEN:
        arrangement.ended_on, arrangement.end_reason = on, reason[:300]
        fields += ["ended_on", "end_reason"]
        Instalment.objects.filter(arrangement=arrangement, status=InstalmentStatus.PENDING).update(
            status=InstalmentStatus.CANCELLED
        )
    arrangement.save(update_fields=fields)
