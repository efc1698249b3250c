"""Arrangements API: list and propose on a case (by its code), approve or reject a proposal beyond the mandate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from recupero.arrangements.models import Arrangement
from recupero.arrangements.selectors import arrangement_get, case_arrangements, case_by_code, terms_from_input
from recupero.arrangements.services import arrangement_approve, arrangement_propose, arrangement_reject
from recupero.core.models import User
from recupero.web.api.validation import ObjectId

router = Router(tags=["accordi"])


class InstalmentOut(Schema):
    number: int
    due: dt.date
    amount: Decimal
    status: str


class ArrangementOut(Schema):
    id: int
    case: str
    kind: str
    status: str
    amount_due: Decimal
    total: Decimal
    discount_percent: Decimal
    interest_treatment: str
    started_on: dt.date
    expires_on: dt.date | None
    breaches: list[dict[str, str]]
    decision_reason: str
    instalments: list[InstalmentOut]


class ProposeIn(Schema):
    kind: str = Field(..., max_length=12)
    amount: str = Field("", max_length=20)
    due: str = Field("", max_length=10)
    instalments: str = Field("1", max_length=4)
    frequency: str = Field("monthly", max_length=10)
    first_due: str = Field("", max_length=10)
    down_payment: str = Field("", max_length=20)
    discount: str = Field("", max_length=8)
    replace: bool = False
    note: str = Field("", max_length=300)


class DecisionIn(Schema):
    reason: str = Field(..., max_length=300)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _out(a: Arrangement, code: str) -> dict[str, Any]:
    return {
        "id": a.pk,
        "case": code,
        "kind": a.kind,
        "status": a.status,
        "amount_due": a.amount_due,
        "total": a.total,
        "discount_percent": a.discount_percent,
        "interest_treatment": a.interest_treatment,
        "started_on": a.started_on,
        "expires_on": a.expires_on,
        "breaches": a.breaches,
        "decision_reason": a.decision_reason,
        "instalments": [
            {"number": i.number, "due": i.due_on, "amount": i.amount, "status": i.status}
            for i in a.instalments.order_by("number")
        ],
    }


@router.get("/cases/{code}/arrangements", response=list[ArrangementOut], summary="Accordi di una pratica")
def arrangements_of_case(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    user = _user(request)
    case = case_by_code(tenant=user.tenant, actor=user, code=code)  # type: ignore[arg-type]
    return [_out(a, case.code) for a in case_arrangements(tenant=user.tenant, actor=user, case=case)]  # type: ignore[arg-type]


@router.post("/cases/{code}/arrangements", response={201: ArrangementOut}, summary="Proponi un accordo")
def arrangement_create(request: HttpRequest, code: str, payload: ProposeIn) -> Status[dict[str, Any]]:
    """Within the mandate's limits the arrangement is `active`; beyond them `pending_approval`."""
    user = _user(request)
    case = case_by_code(tenant=user.tenant, actor=user, code=code)  # type: ignore[arg-type]
    terms = terms_from_input(payload.dict(exclude={"replace", "note"}))
    a = arrangement_propose(
        tenant=user.tenant,  # type: ignore[arg-type]
        actor=user,
        case=case,
        terms=terms,
        channel="api",
        replace=payload.replace,
        note=payload.note,
    )
    return Status(201, _out(a, case.code))


@router.post(
    "/arrangements/{arrangement_id}/approve", response=ArrangementOut, summary="Approva oltre mandato"
)
def arrangement_approve_api(
    request: HttpRequest, arrangement_id: ObjectId, payload: DecisionIn
) -> dict[str, Any]:
    user = _user(request)
    a = arrangement_get(tenant=user.tenant, actor=user, arrangement_id=arrangement_id)  # type: ignore[arg-type]
    done = arrangement_approve(tenant=user.tenant, actor=user, arrangement=a, reason=payload.reason)  # type: ignore[arg-type]
    return _out(done, a.case.code)


@router.post(
    "/arrangements/{arrangement_id}/reject", response=ArrangementOut, summary="Respingi oltre mandato"
)
def arrangement_reject_api(
    request: HttpRequest, arrangement_id: ObjectId, payload: DecisionIn
) -> dict[str, Any]:
    user = _user(request)
    a = arrangement_get(tenant=user.tenant, actor=user, arrangement_id=arrangement_id)  # type: ignore[arg-type]
    done = arrangement_reject(tenant=user.tenant, actor=user, arrangement=a, reason=payload.reason)  # type: ignore[arg-type]
    return _out(done, a.case.code)
