"""Every write of portfolio intake: upload, parse (preview), commit, discard; mapping profiles; assignment return.

    batch_upload ─(on commit: parse task)─▶ batch_parse ─▶ preview ─▶ batch_commit (one transaction) ─▶ committed
                                                     └──▶ refused (a file refused as a whole)

The parse reads and validates the files (recupero.imports.domain), stages the accepted rows as Parquet and
compares them with the database (planning) for the preview. The commit plans again inside its transaction, then
writes everything in bulk (writing): killed, cancelled or failed half-way it leaves nothing; run again it
completes; run after it completed it does nothing. A row lock on the batch keeps two commits apart.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, transaction

from recupero.cases.models import Assignment
from recupero.cases.services import assignment_create
from recupero.core.clock import now, today
from recupero.core.domain.roles import COMMIT_IMPORTS
from recupero.core.errors import DomainError, message_for
from recupero.core.jobs import job_enqueue_on_commit
from recupero.core.models import Tenant, User
from recupero.core.permissions import require_creditor, service, system_actor
from recupero.core.services import audit_record
from recupero.core.states import status_move
from recupero.imports import credits, frames, planning, sandbox, staging, writing
from recupero.imports.domain import IntakeError, MappingProfile, RawTable, validate
from recupero.imports.domain.errors import Notice
from recupero.imports.domain.limits import MB, Limits
from recupero.imports.domain.states import COMMIT_QUEUED, TRANSITIONS, BatchStatus
from recupero.imports.models import ImportBatch, MappingProfileRecord
from recupero.imports.originals import originals_attach
from recupero.imports.returns import ReturnResult, assignment_return
from recupero.parties.models import Creditor

__all__ = [
    "ReturnResult",
    "assignment_return",
    "batch_commit",
    "batch_discard",
    "batch_fail_stalled",
    "batch_mapping_set",
    "batch_parse",
    "batch_request_commit",
    "batch_upload",
    "profile_load",
    "profile_save",
]

log = logging.getLogger(__name__)
Echo = Callable[[str, int, int, float], None]
S = BatchStatus
EXAMPLES = 5
# Background jobs of intake, registered by `tasks.py` (tasks import services, never the reverse).
PARSE_JOB, COMMIT_JOB = "imports.parse", "imports.commit"


def _error(code: str, **params: Any) -> DomainError:
    return DomainError(code, **params)  # the Italian message is core.errors.CATALOGUE's


def _check(tenant: Tenant, actor: User, *objects: Any) -> None:
    """Same agency, and the creditor of each object (a creditor, a batch) within the actor's scope."""
    if any(o.tenant_id != tenant.pk for o in objects):
        raise DomainError("tenant.mismatch")
    for o in objects:
        creditor_id = o.pk if isinstance(o, Creditor) else o.creditor_id
        require_creditor(actor, COMMIT_IMPORTS, creditor_id, tenant.pk)


def _batch_move(batch: ImportBatch, target: BatchStatus, **fields: Any) -> bool:
    """Compare-and-set through the transition table (`core.states.status_move`): True if this call moved it."""
    return status_move(batch, target, TRANSITIONS, **fields)


# ---- mapping profiles --------------------------------------------------------------------------------------
@service(COMMIT_IMPORTS)
@transaction.atomic
def profile_save(
    *, tenant: Tenant, actor: User, creditor: Creditor, name: str, profile: MappingProfile
) -> MappingProfileRecord:
    _check(tenant, actor, creditor)
    try:
        profile.check()
    except ValueError as exc:
        raise _error("import.bad_profile", detail=str(exc)) from exc
    record, _ = MappingProfileRecord.objects.update_or_create(
        tenant=tenant, creditor=creditor, name=name.strip()[:80], defaults={"mapping": profile.to_dict()}
    )
    audit_record(tenant=tenant, actor=actor, action="import.profile_save", obj=record)
    return record


def profile_load(*, tenant: Tenant, creditor: Creditor, name: str) -> MappingProfile:
    record = MappingProfileRecord.objects.filter(tenant=tenant, creditor=creditor, name=name).first()
    if record is None:
        raise _error("import.profile_not_found", name=name)
    try:
        return MappingProfile.from_dict(record.mapping)
    except (TypeError, ValueError) as exc:
        raise _error("import.bad_profile", detail=str(exc)) from exc


# ---- upload ------------------------------------------------------------------------------------------------
@service(COMMIT_IMPORTS)
@transaction.atomic
def batch_upload(
    *,
    tenant: Tenant,
    actor: User,
    creditor: Creditor,
    files: Sequence[tuple[str, staging.Upload]],
    profile_name: str | None = None,
    assignment_code: str = "",
    received_on: dt.date | None = None,
    return_on: dt.date | None = None,
    enqueue: bool = True,
) -> ImportBatch:
    """Store the files and create the batch; the parse starts when this transaction commits. Each file is
    (name, content): bytes, a Path, or a file object (an upload, streamed from its temporary file)."""
    _check(tenant, actor, creditor)
    if not files:
        raise _error("import.no_files")
    received_on = received_on or today()
    mapping = (
        profile_load(tenant=tenant, creditor=creditor, name=profile_name).to_dict() if profile_name else {}
    )
    batch = ImportBatch.objects.create(
        tenant=tenant,
        creditor=creditor,
        assignment_code=(assignment_code.strip() or f"{creditor.code}-{received_on:%Y%m}")[:60],
        received_on=received_on,
        return_on=return_on,
        profile_name=profile_name or "",
        mapping=mapping,
        created_by=actor if actor.pk else None,
    )
    stored = []
    for index, (name, source) in enumerate(files):
        path, size = staging.store_file(batch.pk, index, name, source)
        stored.append({"name": staging.safe_name(name), "path": staging.relative(path), "size": size})
    batch.files = stored
    batch.save(update_fields=["files"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="import.upload",
        obj=batch,
        details={"files": [f["name"] for f in stored]},
    )
    if enqueue:
        job_enqueue_on_commit(PARSE_JOB, batch.pk)
    return batch


@service(COMMIT_IMPORTS)
@transaction.atomic
def batch_mapping_set(
    *, tenant: Tenant, actor: User, batch: ImportBatch, profile: MappingProfile, save_as: str = ""
) -> ImportBatch:
    """Change the mapping of a batch (the mapping editor) and parse it again; optionally save it as a profile."""
    _check(tenant, actor, batch)
    if not batch.may_reparse:
        raise _error("import.bad_status", status=batch.status_label)
    if save_as:
        profile_save(tenant=tenant, actor=actor, creditor=batch.creditor, name=save_as, profile=profile)
    batch.mapping = profile.to_dict()
    batch.profile_name = save_as
    batch.save(update_fields=["mapping", "profile_name"])
    job_enqueue_on_commit(PARSE_JOB, batch.pk)
    return batch


# ---- parse -------------------------------------------------------------------------------------------------
def batch_parse(batch_id: int, *, echo: Echo | None = None) -> ImportBatch:
    """Read, map, validate and compare with the database; write the preview. Idempotent: parsing again gives the
    same preview (for the same database)."""
    batch = ImportBatch.objects.select_related("creditor", "tenant").get(pk=batch_id)
    started = now()
    if not _batch_move(
        batch, S.PARSING, phase="lettura", started_at=started, updated_at=started, rows_done=0
    ):
        log.info("import batch %s: parse skipped in status %s", batch_id, batch.status)
        return batch
    progress = staging.Progress(batch.pk, echo)
    try:
        with staging.Heartbeat(batch.pk):
            _parse(batch, progress)
    except IntakeError as exc:
        _batch_move(batch, S.REFUSED, error_code=exc.code, error_message=exc.message, updated_at=now())
    except sandbox.ParserDied as exc:  # the worker lives on: the batch fails with what happened
        log.warning("import batch %s: parser died: %s", batch_id, exc)
        message = message_for(exc.code, **exc.params)
        _batch_move(batch, S.FAILED, error_code=exc.code, error_message=message, updated_at=now())
    except Exception as exc:
        _batch_move(
            batch, S.FAILED, error_code="import.parse_failed", error_message=str(exc)[:2000], updated_at=now()
        )
        raise
    return batch


def _parse(batch: ImportBatch, progress: staging.Progress) -> None:
    accepted, errors, notices, files, total = [], [], [], [], 0
    for index, meta in enumerate(batch.files):
        progress("lettura", total, total, force=True)
        table, fixed = _read(batch, index, meta)
        profile = fixed or (
            MappingProfile.from_dict(batch.mapping)
            if batch.mapping
            else MappingProfile.suggest(table.headers)
        )
        total += table.frame.height
        progress("validazione", total - table.frame.height, total, force=True)
        result = validate(table, profile, commit=True)
        staging.write_frame(table.frame, staging.raw_path(batch.pk, index))
        # hstack, not with_columns(pl.lit(...)): that would rechunk the validated chunks into a copy of them all
        file_column = pl.repeat(index, result.frame.height, dtype=pl.Int32, eager=True).alias("file")
        accepted.append(result.frame.hstack([file_column]))
        errors += [(index, e) for e in result.errors]
        notices += result.notices
        files.append({**meta, "format": table.kind, "rows": table.frame.height, "headers": table.headers})
        if index == 0:
            batch.format = table.kind
            batch.mapping = profile.to_dict()
        del table, result  # a million raw rows and their validation columns: not needed any more
        gc.collect()
    progress("confronto con l'archivio", total, total, force=True)
    rows, conflicts, more = planning.prepare(pl.concat(accepted), stand_in=batch.assignment_code)
    del accepted
    plan, closed = planning.plan(batch.tenant_id, batch.creditor_id, rows)
    errors_frame = staging.errors_frame(errors + conflicts).sort("file", "row", "field")
    staging.write_frame(errors_frame, staging.errors_path(batch.pk))
    staging.write_frame(rows, staging.accepted_path(batch.pk))
    preview = {
        **plan.counts,
        "rows": total,
        "rows_rejected": errors_frame.filter(pl.col("severity") == "error")
        .select(pl.struct("file", "row").n_unique())
        .item(),
        "files": [{k: f[k] for k in ("name", "format", "rows")} for f in files],
        **_grouped(errors_frame),
        "notices": [_notice(n) for n in [*notices, *more, *closed]],
    }
    progress("anteprima pronta", total, total, force=True)
    for index, meta in enumerate(files):
        batch.files[index] = meta
    _batch_move(
        batch,
        S.READY,
        preview=preview,
        files=batch.files,
        format=batch.format,
        mapping=batch.mapping,
        rows_total=total,
        rows_done=total,
        phase="anteprima pronta",
        updated_at=now(),
        error_code="",
        error_message="",
    )


def _read(batch: ImportBatch, index: int, meta: dict[str, Any]) -> tuple[RawTable, MappingProfile | None]:
    """File `index` read in a child process with a memory and a time limit (sandbox): whatever the file does
    to the reader, this worker goes on."""
    timeout = float(settings.IMPORTS_PARSE_TIMEOUT_SECONDS)
    job = sandbox.ReadJob(
        path=str(staging.absolute(meta["path"])),
        name=meta["name"],
        out=str(staging.read_path(batch.pk, index)),
        expected_seller_vat=batch.creditor.vat_number or None,
        limits=Limits(**settings.IMPORTS_LIMITS),
        memory_bytes=int(settings.IMPORTS_PARSE_MEMORY_MB) * MB,
        cpu_seconds=max(int(timeout), 1),
    )
    return sandbox.read_isolated(job, timeout=timeout)


def _notice(notice: Notice) -> dict[str, str]:
    return {"code": notice.code, "message": notice.message, "source": notice.source}


def _grouped(errors: pl.DataFrame) -> dict[str, Any]:
    """Errors by code with a count and up to 5 examples each, errors first, most frequent first."""
    groups = (
        errors.group_by("code", "severity")
        .agg(
            pl.len().alias("count"),
            pl.struct("file", "row", "field", "value", "message").head(EXAMPLES).alias("examples"),
        )
        .sort(pl.col("severity") != "error", -pl.col("count").cast(pl.Int64), "code")
    )
    result = []
    for group in groups.iter_rows(named=True):
        result.append(
            {
                "code": group["code"],
                "severity": group["severity"],
                "count": group["count"],
                "message": group["examples"][0]["message"],
                "examples": group["examples"],
            }
        )
    counts = dict(errors.group_by("severity").len().iter_rows())
    return {
        "errors": result,
        "error_count": counts.get("error", 0),
        "warning_count": counts.get("warning", 0),
    }


def batch_fail_stalled(*, stale_after: dt.timedelta | None = None) -> list[int]:
    """Batches left in `parsing` by a parser that died with its worker (killed, out of memory, machine
    restarted): no heartbeat for `stale_after` (IMPORTS_PARSE_STALE_MINUTES) -> failed, with an Italian
    message; they can then be read again or discarded. Run every few minutes by config/schedule.py."""
    stale_after = stale_after or dt.timedelta(minutes=int(settings.IMPORTS_PARSE_STALE_MINUTES))
    cutoff = now() - stale_after
    message = message_for("import.parse.stalled", minutes=int(stale_after.total_seconds() // 60))
    failed = []
    for batch in ImportBatch.objects.filter(status=S.PARSING, updated_at__lt=cutoff).select_related("tenant"):
        beat = staging.last_beat(batch.pk)
        if beat is not None and beat >= cutoff.timestamp():
            continue  # still beating: a long parse, not a dead one
        moved = status_move(
            batch,
            S.FAILED,
            TRANSITIONS,
            only_from={S.PARSING},
            error_code="import.parse.stalled",
            error_message=message,
            updated_at=now(),
        )
        if moved:
            audit_record(
                tenant=batch.tenant,
                actor=system_actor(batch.tenant),
                action="import.parse_stalled",
                obj=batch,
            )
            failed.append(batch.pk)
    return failed


# ---- commit ------------------------------------------------------------------------------------------------
@service(COMMIT_IMPORTS)
@transaction.atomic
def batch_request_commit(*, tenant: Tenant, actor: User, batch: ImportBatch) -> ImportBatch:
    """The consultant confirms the preview: the commit runs as a task once this transaction commits."""
    _check(tenant, actor, batch)
    if not batch.may_commit:
        raise _error("import.bad_status", status=batch.status_label)
    if not batch.has_writes:  # every row refused, or all already on file: "Importato" would be a lie
        raise _error("import.nothing_to_write", rejected=batch.preview.get("rows_rejected", 0))
    if batch.status == S.READY:
        ImportBatch.objects.filter(pk=batch.pk, status=S.READY).update(phase=COMMIT_QUEUED, updated_at=now())
        batch.phase = COMMIT_QUEUED
    job_enqueue_on_commit(COMMIT_JOB, batch.pk)
    return batch


def batch_commit(batch_id: int, *, echo: Echo | None = None) -> ImportBatch:
    """Write the batch in one transaction. A second call after success is a no-op; after a failure or a kill
    (status failed / committing) it starts over and completes."""
    batch = ImportBatch.objects.select_related("creditor", "tenant", "created_by").get(pk=batch_id)
    if batch.status == S.COMMITTED:
        return batch
    started = now()
    if not _batch_move(
        batch, S.COMMITTING, phase="importazione", started_at=started, updated_at=started, rows_done=0
    ):
        batch.refresh_from_db()
        if batch.status == S.COMMITTED:
            return batch
        raise _error("import.bad_status", status=batch.status_label)
    progress = staging.Progress(batch.pk, echo)
    progress("importazione", 0, batch.rows_total, force=True)
    try:
        with frames.commit_transaction():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status == S.COMMITTED:  # a twin commit finished while we waited for the lock
                return locked
            _commit(locked, progress)
    except Exception as exc:
        detail = getattr(exc, "message", None) or str(exc)
        _batch_move(
            batch,
            S.FAILED,
            error_code="import.commit_failed",
            error_message=str(detail)[:2000],
            updated_at=now(),
        )
        progress("non riuscito", 0, batch.rows_total, force=True)
        raise
    batch.refresh_from_db()
    progress("importato", batch.rows_total, batch.rows_total, force=True)
    return batch


def _commit(batch: ImportBatch, progress: staging.Progress) -> None:
    tenant, creditor = batch.tenant, batch.creditor
    # The commit acts for whoever asked for it (checked by batch_request_commit); a shell's batch for the agency.
    actor = batch.created_by or system_actor(tenant)
    if connection.vendor == "postgresql":
        # foreign keys checked row by row as COPY goes: deferred to commit, PostgreSQL would queue millions of
        # trigger events (as the demo loader notes)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    rows = pl.read_parquet(staging.accepted_path(batch.pk))
    plan, _ = planning.plan(tenant.pk, creditor.pk, rows)
    del rows
    assignment = Assignment.objects.filter(
        tenant=tenant, creditor=creditor, code=batch.assignment_code
    ).first()
    if assignment is None and plan.cases_new.height:
        assignment = assignment_create(
            tenant=tenant,
            actor=actor,
            creditor=creditor,
            code=batch.assignment_code,
            received_on=batch.received_on,
            return_on=batch.return_on,
        )
    moment = now()
    ctx = writing.Context(
        tenant=tenant,
        creditor_id=creditor.pk,
        assignment_id=assignment.pk if assignment else 0,
        assignment_code=batch.assignment_code,
        batch_id=batch.pk,
        actor=actor,
        opened_on=batch.received_on.isoformat(),
        now=staging.timestamp(connection.vendor, moment),
        progress=lambda phase, done, total: progress(phase, done, total),
    )
    written = writing.apply(plan, ctx)
    posted = credits.post(
        tenant=tenant, actor=actor, creditor_id=creditor.pk, credits=plan.credits, debtor_map=plan.debtor_map
    )
    originals = originals_attach(batch, actor)  # each claim's FatturaPA, kept by the cases app for the pack
    # "written" names tables (rows per table); credit notes go through the ledger's service, counted apart
    result = {**plan.counts, "written": written, "credit_notes_posted": posted}
    if originals:
        result["originals_kept"] = originals
    audit_record(tenant=tenant, actor=actor, action="import.commit", obj=batch, details=result)
    moved = _batch_move(
        batch,
        S.COMMITTED,
        result=result,
        assignment=assignment,
        committed_at=moment,
        updated_at=moment,
        phase="importato",
        rows_done=batch.rows_total,
        error_code="",
        error_message="",
    )
    assert moved, "the batch is locked in `committing` by batch_commit"


# ---- discard -----------------------------------------------------------------------------------------------
@service(COMMIT_IMPORTS)
@transaction.atomic
def batch_discard(*, tenant: Tenant, actor: User, batch: ImportBatch) -> ImportBatch:
    """Drop a batch that was not committed; its staged files are deleted, the uploaded ones kept for audit."""
    _check(tenant, actor, batch)
    if not _batch_move(batch, S.DISCARDED, updated_at=now(), phase="annullato"):
        raise _error("import.bad_status", status=batch.status_label)
    for path in (staging.accepted_path(batch.pk), staging.progress_path(batch.pk)):
        path.unlink(missing_ok=True)
    audit_record(tenant=tenant, actor=actor, action="import.discard", obj=batch)
    return batch
