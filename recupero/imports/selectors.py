"""Reads of intake for the interfaces: batches, live progress, error reports, profiles."""

from __future__ import annotations

import io
import time
from typing import Any

import polars as pl
from django.db.models import QuerySet
from openpyxl import Workbook

from recupero.core.audit import audit_shown
from recupero.core.domain.roles import COMMIT_IMPORTS, VIEW_IMPORTS, can
from recupero.core.domain.sheets import safe_row
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import check, creditor_q
from recupero.imports import staging
from recupero.imports.domain.errors import RowError
from recupero.imports.domain.report import report_rows, write_csv, write_xlsx
from recupero.imports.domain.states import BUSY
from recupero.imports.domain.table import RawTable
from recupero.imports.models import ImportBatch, MappingProfileRecord
from recupero.parties.models import Creditor


def batches_visible(*, tenant: Tenant, actor: User) -> QuerySet[ImportBatch]:
    """The batches of the creditors the actor reaches (a consultant's assigned ones, a creditor user's own)."""
    check(actor, VIEW_IMPORTS, tenant)
    return ImportBatch.objects.filter(tenant=tenant).filter(creditor_q(actor, "creditor_id"))


def import_creditors(*, tenant: Tenant, actor: User) -> QuerySet[Creditor]:
    """The creditors the actor may upload an affido for (none for those who only watch the intake)."""
    check(actor, VIEW_IMPORTS, tenant)
    if not can(actor.role, COMMIT_IMPORTS):
        return Creditor.objects.none()
    return Creditor.objects.filter(tenant=tenant).filter(creditor_q(actor)).order_by("name")


def batch_get(*, tenant: Tenant, actor: User, batch_id: int) -> ImportBatch:
    try:
        qs = batches_visible(tenant=tenant, actor=actor)
    except DomainError as exc:
        raise DomainError("auth.not_found") from exc
    batch = qs.select_related("creditor", "assignment").filter(pk=batch_id).first()
    if batch is None:
        raise DomainError("auth.not_found")
    audit_shown(others=[f"imports.importbatch#{batch.pk}"])  # its preview carries the file's raw cells
    return batch


def batch_list(*, tenant: Tenant, actor: User, limit: int = 50) -> QuerySet[ImportBatch]:
    qs = batches_visible(tenant=tenant, actor=actor)
    return qs.select_related("creditor").order_by("-created_at")[:limit]


def profiles_of(
    *, tenant: Tenant, actor: User, creditor_id: int | None = None
) -> QuerySet[MappingProfileRecord]:
    check(actor, VIEW_IMPORTS, tenant)
    qs = MappingProfileRecord.objects.filter(tenant=tenant).filter(creditor_q(actor, "creditor_id"))
    qs = qs.select_related("creditor").order_by("name")
    return qs.filter(creditor_id=creditor_id) if creditor_id else qs


def batch_progress(batch: ImportBatch) -> dict[str, Any]:
    """Phase, rows done / total, rows per second and seconds left. While the batch is busy the live figures come
    from its progress file (the commit's transaction cannot publish them through the database)."""
    live = staging.read_progress(batch.pk) if batch.status in BUSY else None
    if live is None:
        done, total, phase = batch.rows_done, batch.rows_total, batch.phase
        started = batch.started_at.timestamp() if batch.started_at else None
        updated = batch.updated_at.timestamp() if batch.updated_at else None
    else:
        done, total, phase = live["rows_done"], live["rows_total"], live["phase"]
        started, updated = live["started_at"], time.time()
    elapsed = (updated - started) if started and updated else 0.0
    rate = done / elapsed if elapsed > 0 and done else 0.0
    left = (total - done) / rate if rate and total > done else 0.0
    return {
        "status": batch.status,
        "status_label": batch.status_label,
        "phase": phase,
        "rows_done": done,
        "rows_total": total,
        "percent": round(100 * done / total) if total else 0,
        "rows_per_second": round(rate),
        "seconds_left": round(left),
        "elapsed": round(elapsed, 1),
    }


def _errors_of(frame: pl.DataFrame) -> list[RowError]:
    return [
        RowError(r["row"], r["field"], r["code"], r["message"], r["value"] or "", r["severity"])
        for r in frame.iter_rows(named=True)
    ]


def _table(batch: ImportBatch, index: int) -> RawTable:
    frame = pl.read_parquet(staging.raw_path(batch.pk, index))
    headers = batch.files[index].get("headers") or [c for c in frame.columns if c != "__row__"]
    return RawTable(headers=headers, frame=frame, source=batch.files[index]["name"])


def batch_report(batch: ImportBatch, fmt: str) -> tuple[str, bytes]:
    """The error report (one line per error, the creditor's own row beside it) as CSV or XLSX; with several files
    the CSV has one section per file and the XLSX one sheet per file."""
    audit_shown(others=[f"imports.importbatch#{batch.pk}"])  # the creditor's own rows, debtor cells included
    errors = staging.read_errors(batch.pk)
    name = f"errori-{staging.safe_name(batch.assignment_code)}.{fmt}"
    indexes = [i for i, f in enumerate(batch.files) if staging.raw_path(batch.pk, i).exists()]
    if len(indexes) == 1:
        only = _errors_of(errors)
        table = _table(batch, indexes[0])
        return name, (write_xlsx(only, table) if fmt == "xlsx" else write_csv(only, table))
    if fmt == "csv":
        parts = [write_csv(_errors_of(errors.filter(pl.col("file") == i)), _table(batch, i)) for i in indexes]
        return name, b"".join(p if n == 0 else p.removeprefix(b"\xef\xbb\xbf") for n, p in enumerate(parts))
    workbook = Workbook(write_only=True)
    for i in indexes:
        sheet = workbook.create_sheet(f"File {i + 1}")
        for row in report_rows(_errors_of(errors.filter(pl.col("file") == i)), _table(batch, i)):
            sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return name, buffer.getvalue()
