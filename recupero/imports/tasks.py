"""Background work of intake (Django Tasks API, run by Huey). Tasks take ids and are idempotent: parsing twice
gives the same preview, a second commit of a committed batch does nothing."""

from __future__ import annotations

from django_tasks import task

from recupero.core.jobs import job_register
from recupero.imports import services


@task()
def parse_task(batch_id: int) -> str:
    return services.batch_parse(batch_id).status


@task()
def commit_task(batch_id: int) -> str:
    return services.batch_commit(batch_id).status


def parse_sweep() -> list[int]:
    """Batches whose parser stopped beating become failed (called every 5 minutes by config/schedule.py)."""
    return services.batch_fail_stalled()


job_register(services.PARSE_JOB, parse_task.enqueue)
job_register(services.COMMIT_JOB, commit_task.enqueue)
