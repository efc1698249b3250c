"""Who is acting and from where, for the audit log. Set per request by the middleware, per task by the task."""

from __future__ import annotations

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
