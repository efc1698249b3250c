"""The daily run (esecuzione giornaliera): every open case one correct step along its strategy.

Set-based: the portfolio is read in chunks of ≈5,000 cases with a few queries each (`selectors.iter_chunks`),
`plan()` decides each case in Python, and each chunk's effects are written in bulk in one transaction —
StepExecutions, Communications (channels' service) and WorkItems (worklists' service) — with
`ON CONFLICT DO NOTHING` on the idempotency key. So a second run the same day inserts nothing (the planner
also says `already_done`), and a run that crashed half-way is resumed by running it again: the chunks already
committed are recognised, the rest is done. Sending starts after each chunk's commit, ≈500 per task.

Only one run per tenant at a time: a partial unique constraint on status='running'. A run whose heartbeat
is older than `STALE_AFTER` (its process died) is marked failed and taken over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from recupero.channels.services import CommunicationSpec, communications_queue_new
from recupero.channels.tasks import communications_dispatch_ids
from recupero.core.bulk import Bulk, commit_unflushed
from recupero.core.clock import now
from recupero.core.domain.i18n import gettext_lazy
from recupero.core.domain.roles import RUN_STRATEGIES, VIEW_STRATEGIES
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import check, require, service, system_actor
from recupero.core.pipeline import can_pipeline, writer
from recupero.core.services import audit_record
from recupero.law.batch import no_gc
from recupero.strategies.domain import (
    Decision,
    Execute,
    PlannerSettings,
    RunReport,
    Segmentation,
    Skip,
    Strategy,
    load_segmentation,
    plan,
    shipped_strategies,
)
from recupero.strategies.domain.effects import ACTION_KINDS, CHANNEL_KINDS, CONTACT_KIND
from recupero.strategies.domain.snapshot import EMPTY_HISTORY, CaseSnapshot, History, RecordStatus, StepRecord
from recupero.strategies.models import StepExecution, StrategyRun
from recupero.strategies.selectors import Chunk, ContactRef, iter_chunks
from recupero.worklists.services import WorkItemSpec, work_items_create

STALE_AFTER = dt.timedelta(minutes=15)
CHUNK = 5000
_STEP_COLUMNS = (
    "tenant_id",
    "case_id",
    "run_id",
    "strategy_code",
    "step_code",
    "action",
    "channel",
    "scheduled_for",
    "status",
    "idempotency_key",
    "detail",
    "created_at",
)


@dataclass(frozen=True)
class Catalogue:
    strategies: dict[str, Strategy]
    segmentation: Segmentation
    settings: PlannerSettings


def catalogue() -> Catalogue:
    """Strategies, segmentation and planner settings, read and checked from the data files."""
    strategies = dict(shipped_strategies())
    segmentation = load_segmentation()
    segmentation.check(strategies)
    return Catalogue(strategies, segmentation, PlannerSettings())


def strategies_catalogue(*, tenant: Tenant, actor: User) -> Catalogue:
    """The catalogue for the strategies page: the agency's ladders are its know-how, not its clients'."""
    check(actor, VIEW_STRATEGIES, tenant)
    return catalogue()


@dataclass(frozen=True, slots=True)
class Planned:
    """A case's decision for the day, and the final skips passed on the way to it (recorded as `skipped`)."""

    decision: Decision
    finals: tuple[Skip, ...] = ()


def plan_case(
    snapshot: CaseSnapshot, strategy: Strategy, history: History, today: dt.date, settings: PlannerSettings
) -> Planned:
    """`plan()`, and again after each final skip with that skip in the history: a step that does not apply
    today is passed over today, so the day's decision is complete after one run (a second run finds nothing)."""
    decision = plan(snapshot, strategy, history, today, settings)
    finals: list[Skip] = []
    for _ in strategy.steps:
        outcome = decision.outcome
        if not (isinstance(outcome, Skip) and outcome.final and outcome.step_code):
            break
        finals.append(outcome)
        action = strategy.step(outcome.step_code).action.value
        record = StepRecord(outcome.step_code, action, today, RecordStatus.SKIPPED, strategy.code)
        history = History((*history.steps, record), history.conversations)
        decision = plan(snapshot, strategy, history, today, settings)
    return Planned(decision, tuple(finals))


def decide(chunk: Chunk, cat: Catalogue, today: dt.date) -> list[Planned]:
    """The planner over one chunk: the mandate's strategy if it names a known one, else segmentation."""
    out = []
    strategies, pick, settings = cat.strategies, cat.segmentation.pick, cat.settings
    histories, chosen = chunk.histories, chunk.mandate_strategy
    for snapshot in chunk.snapshots:
        case_id = int(snapshot.case_id)
        strategy = strategies.get(chosen.get(case_id, "")) or strategies[pick(snapshot)]
        history = histories.get(case_id, EMPTY_HISTORY)
        out.append(plan_case(snapshot, strategy, history, today, settings))
    return out


def _report_add(report: RunReport, planned: Planned) -> None:
    report.add(planned.decision)
    for skip in planned.finals:  # passed over on the way: counted by reason, not as cases
        report.skipped[skip.reason] += 1


@service(RUN_STRATEGIES, VIEW_STRATEGIES)
def strategy_run(
    *, tenant: Tenant, actor: User, run_date: dt.date, dry_run: bool = False, chunk_size: int = CHUNK
) -> RunReport:
    """Run (or, with `dry_run`, only plan) the strategies of every open case on `run_date`."""
    require(actor, VIEW_STRATEGIES if dry_run else RUN_STRATEGIES)  # a preview writes nothing
    with no_gc():
        return _strategy_run(tenant, actor, run_date, dry_run, chunk_size)


def _strategy_run(
    tenant: Tenant, actor: User, run_date: dt.date, dry_run: bool, chunk_size: int
) -> RunReport:
    cat = catalogue()
    report = RunReport()
    threaded = can_pipeline()
    if dry_run:
        for chunk in iter_chunks(tenant=tenant, today=run_date, size=chunk_size, prefetch=threaded):
            for planned in decide(chunk, cat, run_date):
                _report_add(report, planned)
        return report
    run = _run_start(tenant, actor, run_date)

    def write(effects: Effects) -> None:
        _chunk_write(tenant, actor, run, effects, report)

    try:
        with writer(write, threaded=threaded, name="strategy-run-writer") as submit:
            for chunk in iter_chunks(tenant=tenant, today=run_date, size=chunk_size, prefetch=threaded):
                decisions = decide(chunk, cat, run_date)
                effects = chunk_effects(
                    tenant=tenant, run=run, chunk=chunk, decisions=decisions, cat=cat, today=run_date
                )
                submit(effects)
    except BaseException as exc:
        _run_end(run, report, error=f"{type(exc).__name__}: {exc}")
        raise
    _run_end(run, report)
    return report


def _chunk_write(tenant: Tenant, actor: User, run: StrategyRun, effects: Effects, report: RunReport) -> None:
    """One chunk's effects in one transaction; the report and the heartbeat move only when it commits."""
    with transaction.atomic():
        # Not waiting for the flush (≈ 18 s of fsync waits at 1M cases): a server crash may lose the last chunks
        # committed, whole, as a run that crashed before them; running again redoes them under the same
        # idempotency keys, and sending claims each queued communication once.
        commit_unflushed()
        chunk_record(tenant=tenant, actor=actor, effects=effects)
        merged = report.merge(effects.report)
        StrategyRun.objects.filter(pk=run.pk).update(heartbeat_at=now(), report=merged.as_dict())
    _report_replace(report, merged)


def _report_replace(report: RunReport, merged: RunReport) -> None:
    report.__dict__.update(merged.__dict__)


@service(VIEW_STRATEGIES)
def strategy_preview(*, tenant: Tenant, actor: User, on: dt.date) -> RunReport:
    """What the run of `on` (usually tomorrow) would do if nothing changes: the same code, no writes."""
    return strategy_run(tenant=tenant, actor=actor, run_date=on, dry_run=True)


def _run_start(tenant: Tenant, actor: User, run_date: dt.date) -> StrategyRun:
    moment = now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                run = StrategyRun.objects.create(
                    tenant=tenant,
                    run_date=run_date,
                    actor=actor if actor and actor.pk else None,
                    started_at=moment,
                    heartbeat_at=moment,
                )
                audit_record(
                    tenant=tenant,
                    actor=actor,
                    action="strategy.run_start",
                    obj=run,
                    details={"date": run_date.isoformat()},
                )
                return run
        except IntegrityError:
            running = StrategyRun.objects.filter(tenant=tenant, status=StrategyRun.Status.RUNNING).first()
            if running is None or running.heartbeat_at > moment - STALE_AFTER:
                raise DomainError(
                    "strategy.run_in_progress", gettext_lazy("Un'esecuzione delle strategie è già in corso.")
                ) from None
            # Its process died: record it as failed, and take over (the keys make the work resumable).
            StrategyRun.objects.filter(pk=running.pk, status=StrategyRun.Status.RUNNING).update(
                status=StrategyRun.Status.FAILED,
                finished_at=moment,
                error="abbandonata (processo interrotto)",
            )
    raise DomainError(
        "strategy.run_in_progress", gettext_lazy("Un'esecuzione delle strategie è già in corso.")
    )


def _run_end(run: StrategyRun, report: RunReport, error: str = "") -> None:
    status = StrategyRun.Status.FAILED if error else StrategyRun.Status.FINISHED
    StrategyRun.objects.filter(pk=run.pk).update(
        status=status, finished_at=now(), report=report.as_dict(), error=error[:2000]
    )
    audit_record(
        tenant=run.tenant,
        actor=run.actor or system_actor(run.tenant),
        action="strategy.run_end",
        obj=run,
        details={"status": status, "steps": report.steps_executed},
    )


@dataclass(frozen=True, slots=True)
class Effects:
    """A chunk's rows to write — step executions, communications, work items — and its part of the report."""

    steps: list[tuple[object, ...]]
    comms: list[CommunicationSpec]
    items: list[WorkItemSpec]
    report: RunReport


def chunk_effects(
    *,
    tenant: Tenant,
    run: StrategyRun | None,
    chunk: Chunk,
    decisions: list[Planned],
    cat: Catalogue,
    today: dt.date,
) -> Effects:
    """The rows one chunk's decisions write (reads the contact points the communications use; writes nothing)."""
    stamp = Bulk().ts_at(now())
    run_id = run.pk if run is not None else None
    day = today.isoformat()
    steps: list[tuple[object, ...]] = []
    comms: list[CommunicationSpec] = []
    items: list[WorkItemSpec] = []
    executes = [(int(p.decision.case_id), p.decision) for p in decisions if p.decision.executes]
    # Contact points are read only for what is sent, of the kind it is sent to (the planner needed only the
    # kinds).
    debtor_of = chunk.debtor_of
    points = chunk.contact_points(
        (debtor_of[case_id], CONTACT_KIND[str(ex.channel)])
        for case_id, d in executes
        for ex in d.executes
        if str(ex.channel) in CHANNEL_KINDS
    )
    for case_id, d in executes:
        for ex in d.executes:
            steps.append(_step_row(tenant, case_id, run_id, d.strategy_code, ex, stamp))
            _effect(case_id, debtor_of[case_id], ex, points, comms, items)
    report = RunReport()
    for planned in decisions:
        _report_add(report, planned)
        d = planned.decision
        case_id = int(d.case_id)
        outcome = d.outcome
        finals = (*planned.finals, outcome) if isinstance(outcome, Skip) and outcome.final else planned.finals
        for skip in finals:
            if not skip.step_code:
                continue
            action = cat.strategies[d.strategy_code].step(skip.step_code).action.value
            key = f"{case_id}:{d.strategy_code}:{skip.step_code}:skipped"
            steps.append(
                (
                    tenant.pk,
                    case_id,
                    run_id,
                    d.strategy_code,
                    skip.step_code,
                    action,
                    "",
                    day,
                    StepExecution.Status.SKIPPED.value,
                    key,
                    skip.reason[:200],
                    stamp,
                )
            )
    return Effects(steps, comms, items, report)


@service(RUN_STRATEGIES)
def chunk_record(*, tenant: Tenant, actor: User, effects: Effects) -> dict[str, int]:
    """Write one chunk's effects (`chunk_effects`) in bulk, inside the caller's transaction, and start sending
    on commit."""
    bulk = Bulk()
    new_comms = communications_queue_new(tenant=tenant, actor=actor, specs=effects.comms, bulk=bulk)
    written = {
        "steps": steps_write(effects.steps),
        "communications": sum(len(ids) for ids in new_comms.values()),
        "work_items": work_items_create(tenant=tenant, actor=actor, specs=effects.items, bulk=bulk),
    }
    if new_comms:  # only those this chunk inserted: all queued, their ids straight from the INSERT
        communications_dispatch_ids(tenant=tenant, ids_by_kind=new_comms)
    return written


def steps_write(steps: list[tuple[object, ...]]) -> int:
    """INSERT … ON CONFLICT DO NOTHING of the step rows. PostgreSQL checks a foreign key with one trigger call
    per row, queued to the COMMIT (the keys are deferred): ≈1.5M calls for a day's 500k steps. So the rows go
    through `Bulk(checked=True)` (decision 0004): where the role may, the row triggers are off and each key is
    checked in one statement on the distinct values, the parents locked as the trigger would; a missing parent
    refuses the chunk, like the trigger. Unique and CHECK constraints are no triggers: they stay on."""
    return Bulk(checked=True).write_ignore(
        "strategies_stepexecution", _STEP_COLUMNS, steps, "idempotency_key"
    )


def _step_row(
    tenant: Tenant, case_id: int, run_id: int | None, strategy: str, ex: Execute, stamp: str
) -> tuple[object, ...]:
    detail = ""
    if ex.window is not None:
        detail = f"{ex.window[0]:%H:%M}-{ex.window[1]:%H:%M}"
    elif ex.params:
        detail = ";".join(f"{k}={v}" for k, v in sorted(ex.params.items()))[:200]
    return (
        tenant.pk,
        case_id,
        run_id,
        strategy,
        ex.step_code,
        ex.action.__str__(),
        str(ex.channel),
        ex.scheduled_for.isoformat(),
        StepExecution.Status.DONE.value,
        ex.idempotency_key,
        detail,
        stamp,
    )


def _postal(ref: ContactRef) -> str:
    """ "Via Roma 1, 00184 Roma (RM)"; a part that is missing is left out with its punctuation (an address
    abroad has no CAP and no province: "Invalidenstraße 117, 10115 Berlin")."""
    town = " ".join(p for p in (ref.cap, ref.municipality, f"({ref.province})" if ref.province else "") if p)
    return ", ".join(p for p in (ref.value, town) if p)


def _effect(
    case_id: int,
    debtor_id: int,
    ex: Execute,
    points: dict[tuple[int, str], ContactRef],
    comms: list[CommunicationSpec],
    items: list[WorkItemSpec],
) -> None:
    channel = str(ex.channel)
    if channel in CHANNEL_KINDS:
        ref = points.get((debtor_id, CONTACT_KIND[channel]))
        address = ""
        if ref is not None:
            postal = channel in ("post", "registered")
            address = _postal(ref) if postal else ref.value
        comms.append(
            CommunicationSpec(
                case_id,
                CHANNEL_KINDS[channel].value,
                ex.template or "",
                ex.step_code,
                str(ex.action),
                ref.id if ref else None,
                address or "",
                ex.scheduled_for,
                ex.idempotency_key,
            )
        )
        return
    kind = ACTION_KINDS.get(str(ex.action))
    if kind is not None:
        items.append(
            WorkItemSpec(
                case_id,
                kind.value,
                ex.step_code,
                ex.template or "",
                ex.scheduled_for,
                ex.window,
                ex.idempotency_key,
            )
        )
