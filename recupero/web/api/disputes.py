"""Disputes API (contestazioni): list a case's disputes, open one, decide or withdraw the open one. Thin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from recupero.cases.domain.disputes import DisputeReason, DisputeStatus
from recupero.cases.models import Dispute
from recupero.cases.selectors import case_disputes, case_get
from recupero.cases.services import dispute_open, dispute_withdraw
from recupero.core.errors import DomainError
from recupero.core.models import User
from recupero.strategies.desk import dispute_decide
from recupero.web.api.validation import ObjectId

router = Router(tags=["contestazioni"])


class DisputeOut(Schema):
    id: int
    reason: str
    status: str
    description: str
    channel: str
    opened_on: dt.date
    deadline: dt.date
    decided_on: dt.date | None
    decision_reason: str
    reduction: Decimal | None
    documents: int


class DisputeIn(Schema):
    reason: DisputeReason
    description: str = ""
    channel: str = ""
    deadline: dt.date | None = None


class DecisionIn(Schema):
    decision: Literal["upheld", "rejected", "withdrawn"]
    reason: str
    reduction: Decimal | None = None


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _out(d: Dispute) -> dict[str, Any]:
    return {
        "id": d.pk,
        "reason": d.reason,
        "status": d.status,
        "description": d.description,
        "channel": d.channel,
        "opened_on": d.opened_on,
        "deadline": d.deadline,
        "decided_on": d.decided_on,
        "decision_reason": d.decision_reason,
        "reduction": d.reduction,
        "documents": d.documents.count(),
    }


@router.get("/cases/{case_id}/disputes", response=list[DisputeOut], summary="Contestazioni di una pratica")
def disputes(request: HttpRequest, case_id: ObjectId) -> list[dict[str, Any]]:
    user = _user(request)
    case = case_get(tenant=user.tenant, actor=user, case_id=case_id)  # type: ignore[arg-type]
    return [_out(d) for d in case_disputes(case=case)]


@router.post("/cases/{case_id}/disputes", response={201: DisputeOut}, summary="Registra una contestazione")
def dispute_create(request: HttpRequest, case_id: ObjectId, body: DisputeIn) -> Status[dict[str, Any]]:
    user = _user(request)
    case = case_get(tenant=user.tenant, actor=user, case_id=case_id)  # type: ignore[arg-type]
    dispute = dispute_open(
        tenant=user.tenant,  # type: ignore[arg-type]
        actor=user,
        case=case,
        reason=body.reason,
        description=body.description,
        channel=body.channel,
        deadline=body.deadline,
    )
    return Status(201, _out(dispute))


@router.post(
    "/cases/{case_id}/disputes/decision", response=DisputeOut, summary="Decide la contestazione aperta"
)
def dispute_decision(request: HttpRequest, case_id: ObjectId, body: DecisionIn) -> dict[str, Any]:
    user = _user(request)
    case = case_get(tenant=user.tenant, actor=user, case_id=case_id)  # type: ignore[arg-type]
    dispute = Dispute.objects.filter(tenant=user.tenant, case=case, status=DisputeStatus.OPEN).first()
    if dispute is None:
        raise DomainError("dispute.closed")
    dispute.case = case
    if body.decision == "withdrawn":
        dispute = dispute_withdraw(tenant=user.tenant, actor=user, dispute=dispute, note=body.reason)  # type: ignore[arg-type]
    else:
        dispute = dispute_decide(
            tenant=user.tenant,  # type: ignore[arg-type]
            actor=user,
            dispute=dispute,
            upheld=body.decision == "upheld",
            reason=body.reason,
            reduction=body.reduction,
        )
    dispute.refresh_from_db()
    return _out(dispute)
