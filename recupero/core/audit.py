"""Audited reads: what a request showed of debtors' personal data, written as ONE audit row when it succeeds.

The scoped selectors that return debtor data call `audit_shown(...)` with the ids they return; no view or API
endpoint decides whether to audit. `AuditShownMiddleware` opens a collector for each request and, at the end of
a successful one (2xx), asks `must_record` and appends one `debtor.view` row: the actor, the address, the path,
how many debtors and cases were shown and their ids. Outside a request (commands, tasks) there is no collector
and `audit_shown` does nothing: those are audited by the service they call.

Who leaves a row:
- a creditor's user, for every response that showed any debtor or case (lists, search, queues, documents, API);
- a debtor on their personal page (`web/debtor`, the principal of their link), for every response that showed
  their case;
- an agency user, for every case they open (case page, case API detail, case document): `opened=True`. Lists
  and queues of agency users are their daily work on the agency's own portfolio and are not logged one by one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse

from recupero.core.bulk import commit_unflushed
from recupero.core.domain.roles import Role
from recupero.core.models import Tenant, User
from recupero.core.services import audit_record

VIEW_ACTION = "debtor.view"
PATH_LIMIT = 500


@dataclass
class Shown:
    """What one request has shown so far."""

    debtor_ids: set[int] = field(default_factory=set)
    case_ids: set[int] = field(default_factory=set)
    others: set[str] = field(
        default_factory=set
    )  # e.g. "imports.importbatch#12": raw cells of an intake file
    opened: bool = False

    @property
    def empty(self) -> bool:
        return not (self.debtor_ids or self.case_ids or self.others)


_shown: ContextVar[Shown | None] = ContextVar("audit_shown", default=None)


def audit_shown(
    *,
    debtor_ids: Iterable[int | None] = (),
    case_ids: Iterable[int | None] = (),
    others: Iterable[str] = (),
    opened: bool = False,
) -> None:
    """Note that the current request shows these debtors / cases (`opened`: a single case the user opened)."""
    shown = _shown.get()
    if shown is None:
        return
    shown.debtor_ids.update(int(d) for d in debtor_ids if d is not None)
    shown.case_ids.update(int(c) for c in case_ids if c is not None)
    shown.others.update(others)
    shown.opened = shown.opened or opened


@contextmanager
def collecting() -> Iterator[Shown]:
    """A collector for one request (or one test)."""
    shown = Shown()
    token = _shown.set(shown)
    try:
        yield shown
    finally:
        _shown.reset(token)


def must_record(role: str, shown: Shown) -> bool:
    """The one rule: creditor users for anything shown, agency users for a case they opened."""
    if shown.empty:
        return False
    return role in (Role.CREDITOR_USER, Role.DEBTOR) or shown.opened


def record_shown(*, tenant: Tenant, actor: User, shown: Shown, method: str, path: str) -> None:
    debtors, cases = sorted(shown.debtor_ids), sorted(shown.case_ids)
    details: dict[str, Any] = {
        "method": method,
        "path": path[:PATH_LIMIT],
        "debtors": debtors,
        "cases": cases,
        "n_debtors": len(debtors),
        "n_cases": len(cases),
    }
    if shown.others:
        details["others"] = sorted(shown.others)
    record = functools.partial(
        audit_record,
        tenant=tenant,
        actor=actor,
        action=VIEW_ACTION,
        object_type="parties.debtor",
        object_id=str(debtors[0]) if len(debtors) == 1 else "",
        details=details,
        debtor_ids=debtors,
        case_ids=cases,
    )
    if connection.in_atomic_block:  # inside a caller's transaction: its commit
        record()
        return
    with transaction.atomic():  # a transaction of its own (the middleware, after the view)
        # Its commit does not wait for the flush: the tenant's chain is locked from the head read to the commit,
        # and a flush inside the lock queued every debtor's page behind every other (40–80 ms, issue 15). Only a
        # server crash within a fraction of a second could lose the row, with every later one: the chain stays
        # whole. Writes' audit rows, and rows inside a caller's transaction, keep the caller's commit.
        commit_unflushed()
        record()


class AuditShownMiddleware:
    """One audit row per successful request that showed personal data (after AuthenticationMiddleware).

    If the row cannot be written the response is not sent (the exception propagates): an unaudited view of a
    debtor is the very thing this prevents."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with collecting() as shown:
            response = self.get_response(request)
            # A debtor on their own page (web/debtor) is not a logged-in user: their principal is the actor.
            debtor = getattr(request, "debtor", None)
            user = debtor.actor if debtor is not None else getattr(request, "user", None)
            if (
                200 <= response.status_code < 300
                and user is not None
                and user.is_authenticated
                and user.tenant_id is not None
                and must_record(user.role, shown)
            ):
                record_shown(
                    tenant=user.tenant,
                    actor=user,
                    shown=shown,
                    method=request.method or "",
                    path=request.get_full_path(),
                )
        return response
