"""Background jobs by name: a service enqueues a job without importing the tasks module above it.

Tasks sit above services in every app (tasks → services), so a service that starts a task on commit names it
instead of importing it: each app's `tasks.py` registers its jobs (`job_register`), and the app's `ready()`
imports its tasks so that the names exist before any request or worker runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

_JOBS: dict[str, Callable[..., Any]] = {}


def job_register(name: str, enqueue: Callable[..., Any]) -> None:
    """`enqueue(*args)` starts the job `name` (a task's `.enqueue`); registering the same name again replaces it."""
    _JOBS[name] = enqueue


def job_enqueue_on_commit(name: str, *args: Any) -> None:
    """Start the job once the current transaction commits (at once outside one); an unknown name fails here,
    inside the service, not later in a worker."""
    enqueue = _JOBS.get(name)
    if enqueue is None:
        raise LookupError(f"no background job registered as {name!r}")
    transaction.on_commit(lambda: enqueue(*args))
