"""Periodic jobs run once a day however many workers schedule them (each `recupero worker` runs a scheduler)."""

from __future__ import annotations

import datetime as dt

import pytest
from huey import MemoryHuey, RedisHuey

import config.schedule as schedule


@pytest.fixture(params=["memory", "redis"])
def huey(request, monkeypatch):
    if request.param == "memory":
        queue = MemoryHuey("schedule-test")
    else:
        redis = pytest.importorskip("redis")
        try:
            redis.Redis(socket_connect_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("Redis non raggiungibile")
        queue = RedisHuey("schedule-test-" + str(id(request)), url="redis://127.0.0.1:6379/0")
    monkeypatch.setattr(schedule, "HUEY", queue)
    yield queue
    queue.storage.flush_all()


def test_a_daily_job_runs_once_per_day_across_workers(huey, monkeypatch):
    runs: list[dt.date] = []
    day = dt.date(2026, 11, 23)
    monkeypatch.setattr(schedule, "_rome_today", lambda: day)

    @schedule.once_per_day
    def job() -> str:
        runs.append(day)
        return "done"

    assert job() == "done"
    assert job() is None  # the copy enqueued by the second worker's scheduler
    assert job() is None
    day = dt.date(2026, 11, 24)
    assert job() == "done"
    assert runs == [dt.date(2026, 11, 23), dt.date(2026, 11, 24)]
    assert huey.get("recupero.once.job.2026-11-23", peek=True) is None  # yesterday's claim was dropped


def test_the_real_periodic_jobs_are_guarded(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(schedule, "HUEY", MemoryHuey("schedule-real"))
    monkeypatch.setattr("recupero.strategies.tasks.strategy_run_all", lambda: calls.append("run"))
    monkeypatch.setattr("recupero.ledger.tasks.ledger_verify_all", lambda: calls.append("verify"))
    for _worker in range(2):
        schedule.daily_strategy_run.call_local()
        schedule.nightly_integrity_check.call_local()
    assert calls == ["run", "verify"]
