"""Is this instance able to work? The database answers a query and the task queue's storage is reachable.

Read by `/salute/` and `/api/health` (load balancers, monitoring, `recupero serve` smoke checks). It names
what is down and nothing else: no counts, no hosts, no error text (which may carry a DSN) reach the client.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connections

log = logging.getLogger(__name__)
OK, DOWN = "ok", "down"


def _database(alias: str = "default") -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "down": the reason goes to the log, not to the client
        log.exception("health: database %s unreachable", alias)
        connections[alias].close_if_unusable_or_obsolete()
        return DOWN
    return OK


def queue_backend() -> Any:
    from huey.contrib.djhuey import HUEY

    return HUEY


def _queue(huey: Any) -> str:
    """Huey's storage answers a read: Redis LLEN (so PING and the right database) or the SQLite queue file."""
    try:
        huey.storage.queue_size()
    except Exception:
        log.exception("health: task queue %s unreachable", type(huey.storage).__name__)
        return DOWN
    return OK


def health_check() -> dict[str, str]:
    """{"database": "ok"|"down", "queue": "ok"|"down"}."""
    return {"database": _database(), "queue": _queue(queue_backend())}


def is_healthy(report: dict[str, str]) -> bool:
    return all(state == OK for state in report.values())
