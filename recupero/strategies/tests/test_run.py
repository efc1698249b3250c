"""The daily run through the database: idempotency, crash-resume, guards, the lock, the command line."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from recupero.cases.domain.claims import ClaimType
from recupero.cases.domain.states import CaseStatus
from recupero.cases.services import case_transition
from recupero.channels.models import Communication
from recupero.channels.providers.fake import FakeProvider
from recupero.core.clock import now
from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.core.pipeline import can_pipeline
from recupero.strategies import services
from recupero.strategies.models import StepExecution, StrategyRun
from recupero.strategies.services import strategy_run
from recupero.worklists.domain.items import Outcome
from recupero.worklists.models import WorkItem
from recupero.worklists.services import work_item_complete
from tests import portfolio as b

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture(autouse=True)
def _outbox():
    FakeProvider.outbox.clear()
    yield
    FakeProvider.outbox.clear()


@pytest.fixture
def portfolio():
    t = b.tenant()
    cr = b.creditor(t)
    cases = [b.case(t, cr, b.debtor(t, email=True)) for _ in range(3)]
    return t, cr, cases


def test_run_twice_same_day_sends_once(portfolio, django_capture_on_commit_callbacks):
    t, _cr, _cases = portfolio
    with django_capture_on_commit_callbacks(execute=True):
        first = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY)
    assert first.cases_seen == 3
    assert first.steps_executed == 3
    assert dict(first.by_action) == {"email_reminder": 3}
    assert len(FakeProvider.outbox) == 3
    assert set(Communication.objects.values_list("status", flat=True)) == {"sent"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY)
    assert second.steps_executed == 0
    assert dict(second.skipped) == {"already_done": 3}
    assert callbacks == []
    assert len(FakeProvider.outbox) == 3
    assert StepExecution.objects.count() == 3
    assert Communication.objects.count() == 3
    assert list(StrategyRun.objects.values_list("status", flat=True)) == ["finished", "finished"]


def test_crash_half_way_then_resume(monkeypatch, django_capture_on_commit_callbacks):
    t = b.tenant()
    cr = b.creditor(t)
    for _ in range(7):
        b.case(t, cr, b.debtor(t, email=True))
    real = services.chunk_record
    calls = {"n": 0}

    def crashing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom")
        return real(**kwargs)

    monkeypatch.setattr(services, "chunk_record", crashing)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        strategy_run(tenant=t, actor=system_actor(t), run_date=DAY, chunk_size=3)
    assert StepExecution.objects.count() == 3  # the first chunk committed, the second rolled back
    assert StrategyRun.objects.get().status == "failed"
    monkeypatch.setattr(services, "chunk_record", real)
    with django_capture_on_commit_callbacks(execute=True):
        resumed = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY, chunk_size=3)
    assert resumed.steps_executed == 4
    assert resumed.skipped["already_done"] == 3
    assert StepExecution.objects.count() == 7
    assert Communication.objects.count() == 7
    assert len(FakeProvider.outbox) == 7
    assert len({m.to for m in FakeProvider.outbox}) == 7


def test_disputed_case_is_skipped():
    t = b.tenant()
    cr = b.creditor(t)
    c = b.case(t, cr, b.debtor(t, email=True))
    case_transition(tenant=t, actor=system_actor(t), case=c, target=CaseStatus.DISPUTED, reason="contesta")
    report = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY)
    assert dict(report.skipped) == {"dispute_open": 1}
    assert StepExecution.objects.count() == 0 and Communication.objects.count() == 0


def _history(t, c, strategy, steps, on):
    for code, action, channel in steps:
        StepExecution.objects.create(
            tenant=t,
            case=c,
            strategy_code=strategy,
            step_code=code,
            action=action,
            channel=channel,
            scheduled_for=on,
            idempotency_key=f"{c.pk}:{strategy}:{code}",
            created_at=now(),
        )


TELCO_BEFORE_VISIT = [
    ("reminder", "sms_reminder", "sms"),
    ("letter_1", "reminder_letter_1", "post"),
    ("call_1", "phone_call", "phone"),
    ("call_2", "phone_call", "phone"),
    ("letter_2", "reminder_letter_2", "post"),
]


def test_vulnerable_debtor_gets_no_visit_and_the_other_does():
    t = b.tenant()
    cr = b.creditor(t, sector="telco")
    weak = b.case(t, cr, b.debtor(t, vulnerable=True), amount="800.00", claim_type=ClaimType.TELECOM)
    other = b.case(t, cr, b.debtor(t), amount="800.00", claim_type=ClaimType.TELECOM)
    for c in (weak, other):
        _history(t, c, "telco", TELCO_BEFORE_VISIT, DAY - dt.timedelta(days=20))
    report = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY)
    assert report.skipped["vulnerable_no_visit"] == 1
    assert report.by_action["home_visit"] == 1
    visit = WorkItem.objects.get(kind="visit")
    assert visit.case_id == other.pk and visit.due_on == DAY
    skipped = StepExecution.objects.get(case=weak, step_code="home_visit")
    assert skipped.status == "skipped" and skipped.detail == "vulnerable_no_visit"


def test_no_contact_gives_a_skip_trace_item():
    t = b.tenant()
    cr = b.creditor(t)
    c = b.case(t, cr, b.debtor(t, address=False))
    _history(t, c, "utility-consumer", [("reminder", "email_reminder", "email")], DAY - dt.timedelta(days=20))
    report = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY)
    assert report.skipped["no_contact"] == 1
    assert report.by_action["skip_trace"] == 1
    item = WorkItem.objects.get()
    assert (item.kind, item.step_code, item.case_id) == ("skip_trace", "letter_1", c.pk)
    again = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY + dt.timedelta(days=1))
    assert again.by_action["skip_trace"] == 1 and WorkItem.objects.count() == 1  # same key: no second item


def test_one_run_at_a_time_and_a_dead_run_is_taken_over():
    t = b.tenant()
    StrategyRun.objects.create(tenant=t, run_date=DAY, started_at=now(), heartbeat_at=now())
    with pytest.raises(DomainError) as exc:
        strategy_run(tenant=t, actor=system_actor(t), run_date=DAY)
    assert exc.value.code == "strategy.run_in_progress"
    StrategyRun.objects.update(heartbeat_at=now() - dt.timedelta(hours=1))
    strategy_run(tenant=t, actor=system_actor(t), run_date=DAY)
    assert sorted(StrategyRun.objects.values_list("status", flat=True)) == ["failed", "finished"]


def test_dry_run_writes_nothing():
    t, _cr, _cases = b.tenant(), None, None
    cr = b.creditor(t)
    b.case(t, cr, b.debtor(t, email=True))
    report = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY, dry_run=True)
    assert report.steps_executed == 1
    assert StepExecution.objects.count() == 0 and StrategyRun.objects.count() == 0


def test_command_line_json(portfolio):
    out = io.StringIO()
    call_command("strategy", "run", "--date", DAY.isoformat(), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["cases_seen"] == 3 and data["steps_executed"] == 3
    assert data["by_action"] == {"email_reminder": 3}
    assert data["skipped"] == {}
    out = io.StringIO()
    call_command("strategy", "run", "--date", DAY.isoformat(), "--json", stdout=out)
    assert json.loads(out.getvalue())["skipped"] == {"already_done": 3}


def _call_item(t, c):
    from recupero.worklists.services import WorkItemSpec, work_items_create

    work_items_create(
        tenant=t, actor=system_actor(t), specs=[WorkItemSpec(c.pk, "call", "call_1", "", DAY, None, "d1")]
    )
    return WorkItem.objects.get(idempotency_key="d1")


def test_dispute_outcome_stops_the_ladder():
    t = b.tenant()
    cr = b.creditor(t)
    c = b.case(t, cr, b.debtor(t, mobile=True, email=True))
    work_item_complete(
        tenant=t, actor=system_actor(t), item=_call_item(t, c), outcome=Outcome.DISPUTE, note="già pagato"
    )
    c.refresh_from_db()
    assert c.status == "disputed"
    assert dict(strategy_run(tenant=t, actor=system_actor(t), run_date=DAY).skipped) == {"dispute_open": 1}
    assert WorkItem.objects.get().done_at <= now()


# --- the pipelined run (PostgreSQL, outside a transaction; the threads are tested in core) -------------------


@pytest.mark.django_db(transaction=True)
def test_pipelined_run_is_idempotent_and_resumable(monkeypatch):
    """Outside a transaction, PostgreSQL writes in a second thread: same report, same rows, a crash in the
    writer leaves the committed chunks, the rerun does the rest and a second run sends nothing."""
    from django.db import connection

    t = b.tenant()
    cr = b.creditor(t)
    for _ in range(7):
        b.case(t, cr, b.debtor(t, email=True))
    assert can_pipeline() == (connection.vendor == "postgresql")
    real = services.chunk_record
    calls = {"n": 0}

    def crashing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom")
        return real(**kwargs)

    monkeypatch.setattr(services, "chunk_record", crashing)
    with pytest.raises(RuntimeError):
        strategy_run(tenant=t, actor=system_actor(t), run_date=DAY, chunk_size=3)
    assert StepExecution.objects.count() == 3
    failed = StrategyRun.objects.get()
    assert failed.status == "failed"
    assert failed.report["steps_executed"] == 3  # the report of the committed chunks only
    monkeypatch.setattr(services, "chunk_record", real)
    resumed = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY, chunk_size=3)
    assert (resumed.steps_executed, dict(resumed.skipped)) == (4, {"already_done": 3})
    assert StepExecution.objects.count() == 7
    assert Communication.objects.count() == 7
    assert len(FakeProvider.outbox) == 7
    again = strategy_run(tenant=t, actor=system_actor(t), run_date=DAY, chunk_size=3)
    assert (again.steps_executed, dict(again.skipped)) == (0, {"already_done": 7})
    assert len(FakeProvider.outbox) == 7
    assert StrategyRun.objects.filter(status="finished").count() == 2


def test_step_rows_keys_checked_without_triggers(portfolio):
    """PostgreSQL with the privilege: step rows written with the row triggers off, their keys checked in one
    statement each — a row for a case that does not exist is refused like the trigger would refuse it."""
    from django.db import IntegrityError, connection, transaction

    from recupero.core.bulk import Bulk

    t, _cr, cases = portfolio
    run = StrategyRun.objects.create(tenant=t, run_date=DAY, started_at=now(), heartbeat_at=now())
    stamp = Bulk().ts_at(now())

    def row(case_id, key):
        return (t.pk, case_id, run.pk, "s", "x", "a", "", DAY.isoformat(), "done", key, "", stamp)

    with transaction.atomic():
        assert services.steps_write([row(cases[0].pk, "k1"), row(cases[1].pk, "k2")]) == 2
        assert services.steps_write([row(cases[0].pk, "k1")]) == 0  # the key: nothing twice
    assert StepExecution.objects.filter(run=run).count() == 2
    if connection.vendor != "postgresql":
        return  # SQLite checks its deferred keys at the commit, which a test's transaction never reaches
    from recupero.core.bulk import may_skip_triggers

    assert may_skip_triggers()  # the tests connect as a superuser
    with pytest.raises(IntegrityError), transaction.atomic():
        services.steps_write([row(cases[2].pk, "k3"), row(max(c.pk for c in cases) + 1000, "k4")])
    assert StepExecution.objects.filter(run=run).count() == 2


def test_outcomes_read_back_a_bounced_email_is_retried_and_a_failed_trace_moves_on(
    portfolio, django_capture_on_commit_callbacks
):
    """The history matches each step to its effect by key: an e-mail that bounced is sent again under `#2`
    the next working day; a skip-trace task closed `not_found` records the optional step as passed."""
    t, cr, cases = portfolio
    lost = b.case(t, cr, b.debtor(t, address=False))  # letter_1 with no address: a skip-trace task
    _history(
        t, lost, "utility-consumer", [("reminder", "email_reminder", "email")], DAY - dt.timedelta(days=20)
    )
    with django_capture_on_commit_callbacks(execute=True):
        strategy_run(tenant=t, actor=system_actor(t), run_date=DAY)
    bounced = Communication.objects.get(case=cases[0])
    Communication.objects.filter(pk=bounced.pk).update(status="bounced")
    trace = WorkItem.objects.get(case=lost)
    WorkItem.objects.filter(pk=trace.pk).update(status="done", outcome="not_found", done_at=now())
    next_day = DAY + dt.timedelta(days=1)
    chunks = list(services.iter_chunks(tenant=t, today=next_day, size=2))
    histories = {cid: h for c in chunks for cid, h in c.histories.items()}
    assert [r.status for r in histories[cases[0].pk].steps] == ["failed"]
    assert [r.status for r in histories[cases[1].pk].steps] == ["sent"]
    assert [(r.step_code, r.action, r.status) for r in histories[lost.pk].steps] == [
        ("reminder", "email_reminder", "done"),
        ("letter_1", "skip_trace", "skipped"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        strategy_run(tenant=t, actor=system_actor(t), run_date=next_day)
    retried = StepExecution.objects.get(case=cases[0], scheduled_for=next_day)
    assert (retried.step_code, retried.idempotency_key) == (
        "reminder",
        f"{cases[0].pk}:utility-consumer:reminder#2",
    )
