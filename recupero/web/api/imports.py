"""Intake API: upload an affido, follow its progress and preview, confirm it. Thin: parse, call, return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from recupero.core.errors import DomainError
from recupero.core.models import User
from recupero.imports import selectors, services
from recupero.imports.models import ImportBatch
from recupero.web.api.validation import ObjectId

router = Router(tags=["importazioni"])


class BatchOut(Schema):
    id: int
    status: str
    status_label: str
    creditor: str
    assignment_code: str
    assignment_id: int | None
    progress: dict[str, Any]
    preview: dict[str, Any]
    error: dict[str, str] | None


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _out(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": batch.status_label,
        "creditor": batch.creditor.code,
        "assignment_code": batch.assignment_code,
        "assignment_id": batch.assignment_id,
        "progress": selectors.batch_progress(batch),
        "preview": batch.preview,
        "error": {"code": batch.error_code, "message": batch.error_message} if batch.error_code else None,
    }


@router.post("", response={201: BatchOut}, summary="Carica un affido (file multipart) e ne avvia la lettura")
def upload(
    request: HttpRequest,
    files: File[list[UploadedFile]],
    creditor: Form[str],
    profile: Form[str] = "",
    assignment_code: Form[str] = "",
    received_on: Form[dt.date | None] = None,
    return_on: Form[dt.date | None] = None,
) -> Status[dict[str, Any]]:
    user = _user(request)
    found = selectors.import_creditors(tenant=user.tenant, actor=user).filter(code=creditor).first()  # type: ignore[arg-type]
    if found is None:
        raise DomainError("auth.not_found")
    batch = services.batch_upload(
        tenant=user.tenant,  # type: ignore[arg-type]
        actor=user,
        creditor=found,
        files=[(f.name or "file", f) for f in files],  # streamed from the upload's temporary file
        profile_name=profile or None,
        assignment_code=assignment_code,
        received_on=received_on,
        return_on=return_on,
    )
    batch.refresh_from_db()
    return Status(201, _out(batch))


@router.get("/{batch_id}", response=BatchOut, summary="Stato, avanzamento e anteprima di un lotto")
def detail(request: HttpRequest, batch_id: ObjectId) -> dict[str, Any]:
    user = _user(request)
    return _out(selectors.batch_get(tenant=user.tenant, actor=user, batch_id=batch_id))  # type: ignore[arg-type]


@router.post("/{batch_id}/commit", response={202: BatchOut}, summary="Conferma l'importazione del lotto")
def commit(request: HttpRequest, batch_id: ObjectId) -> Status[dict[str, Any]]:
    user = _user(request)
    batch = selectors.batch_get(tenant=user.tenant, actor=user, batch_id=batch_id)  # type: ignore[arg-type]
    services.batch_request_commit(tenant=user.tenant, actor=user, batch=batch)  # type: ignore[arg-type]
    batch.refresh_from_db()
    return Status(202, _out(batch))
