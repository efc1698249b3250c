"""The creditor's integration API (with its token): push an assignment file and poll / commit it, push direct
payments; pull outcomes files and remittances (cases: `GET /api/cases`). Thin: parse, call one service or
selector, return. The services cut everything to the token's creditor (`reporting.push`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from recupero.core.models import Tenant, User
from recupero.remittance.selectors import FILES, remittance_file, remittances_visible
from recupero.reporting.downloads import outcomes_file
from recupero.reporting.push import assignment_push, assignment_push_commit, direct_payment_push, pushed_batch
from recupero.web.api.imports import BatchOut
from recupero.web.api.imports import _out as batch_out
from recupero.web.api.validation import ObjectId

router = Router(tags=["integrazione del committente"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _tenant(user: User) -> Tenant:
    return user.tenant  # type: ignore[return-value]  # authenticated users of the API belong to an agency


@router.post(
    "/assignments", response={201: BatchOut}, summary="Invia un affido (file multipart) dal proprio sistema"
)
def push_assignment(
    request: HttpRequest,
    files: File[list[UploadedFile]],
    assignment_code: Form[str] = "",
    received_on: Form[dt.date | None] = None,
) -> Status[dict[str, Any]]:
    user = _user(request)
    batch = assignment_push(
        tenant=user.tenant,  # type: ignore[arg-type]
        actor=user,
        files=[(f.name or "file", f) for f in files],
        assignment_code=assignment_code,
        received_on=received_on,
    )
    batch.refresh_from_db()
    return Status(201, batch_out(batch))


@router.get("/assignments/{batch_id}", response=BatchOut, summary="Stato e anteprima di un affido inviato")
def pushed_assignment(request: HttpRequest, batch_id: ObjectId) -> dict[str, Any]:
    user = _user(request)
    return batch_out(pushed_batch(user.tenant, user, batch_id))  # type: ignore[arg-type]


@router.post("/assignments/{batch_id}/commit", response={202: BatchOut}, summary="Conferma un affido inviato")
def pushed_assignment_commit(request: HttpRequest, batch_id: ObjectId) -> Status[dict[str, Any]]:
    user = _user(request)
    batch = assignment_push_commit(tenant=user.tenant, actor=user, batch_id=batch_id)  # type: ignore[arg-type]
    batch.refresh_from_db()
    return Status(202, batch_out(batch))


class DirectPaymentIn(Schema):
    case_code: str
    amount: Decimal
    value_date: dt.date
    reference: str = ""


class DirectPaymentOut(Schema):
    id: int
    case_code: str
    amount: Decimal
    value_date: dt.date
    reference: str
    created: bool


@router.post("/payments", response={201: DirectPaymentOut, 200: DirectPaymentOut},
             summary="Registra un pagamento diretto ricevuto dal committente")  # fmt: skip
def push_payment(request: HttpRequest, payload: DirectPaymentIn) -> Status[dict[str, Any]]:
    user = _user(request)
    payment, created = direct_payment_push(
        tenant=user.tenant,  # type: ignore[arg-type]
        actor=user,
        case_code=payload.case_code,
        amount=payload.amount,
        value_date=payload.value_date,
        reference=payload.reference,
    )
    out = {
        "id": payment.pk, "case_code": payment.case.code, "amount": payment.amount,
        "value_date": payment.value_date, "reference": payment.reference, "created": created,
    }  # fmt: skip
    return Status(201 if created else 200, out)


@router.get("/outcomes/{assignment_id}.{fmt}", summary="File degli esiti di un affido (csv o xlsx)")
def outcomes(request: HttpRequest, assignment_id: ObjectId, fmt: str) -> HttpResponse:
    user = _user(request)
    content, name, content_type = outcomes_file(
        tenant=_tenant(user),
        actor=user,
        assignment_id=assignment_id,
        fmt=fmt,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class RemittanceOut(Schema):
    id: int
    number: str
    until: dt.date
    issued_on: dt.date
    collected: Decimal
    commission: Decimal
    vat: Decimal
    net: Decimal
    to_invoice: Decimal
    files: list[str]


@router.get("/remittances", response=list[RemittanceOut], summary="Rendiconti emessi al committente")
def remittances(request: HttpRequest) -> list[dict[str, Any]]:
    user = _user(request)
    rows = remittances_visible(tenant=user.tenant, actor=user)[:100]  # type: ignore[arg-type]
    return [
        {
            "id": r.pk,
            "number": r.number,
            "until": r.until,
            "issued_on": r.issued_on,
            "collected": r.collected,
            "commission": r.commission,
            "vat": r.vat,
            "net": r.net,
            "to_invoice": r.to_invoice,
            "files": [fmt for fmt, (field, *_rest) in FILES.items() if getattr(r, field).name],
        }
        for r in rows
    ]


@router.get(
    "/remittances/{remittance_id}/files/{fmt}", summary="Un file del rendiconto: pdf, xlsx, sepa, fattura"
)
def remittance_download(request: HttpRequest, remittance_id: ObjectId, fmt: str) -> HttpResponse:
    user = _user(request)
    stored, name, content_type = remittance_file(
        tenant=_tenant(user),
        actor=user,
        remittance_id=remittance_id,
        fmt=fmt,
    )
    response: HttpResponse = FileResponse(stored.open("rb"), content_type=content_type, filename=name)  # type: ignore[assignment]
    return response
