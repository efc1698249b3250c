"""The debtor's session: separate from staff sessions, short, and bound to one personal link.

After the second factor (`cases.access.access_verify`) the session holds the link id, the agency and two times;
`debtor_required` re-reads the link on every request (revoked, locked or expired since: the session ends), ends it
after `idle_seconds` of inactivity or `max_session_seconds` in all, and gives the view `request.debtor`: the
debtor principal (`actor=` of every service and selector), the link and the case it was opened from. No staff
login reaches a debtor page: a staff session carries no debtor key.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recupero.cases.access import access_policy, access_principal
from recupero.cases.domain.access import session_alive
from recupero.cases.models import AccessLink, Case
from recupero.core.clock import now
from recupero.core.models import User

SESSION_KEY = "recupero_debtor"
# `seen` is written back at most once a minute: a page read then saves no session row. The idle limit counts
# from a `seen` up to a minute old, so a session may end up to a minute early, never late.
SEEN_REFRESH_SECONDS = 60


@dataclass(frozen=True)
class DebtorAccess:
    """What a debtor view knows of who is asking: `actor` (the principal), the link and its case."""

    actor: User
    link: AccessLink

    @property
    def case(self) -> Case:
        return self.link.case

    @property
    def tenant_id(self) -> int:
        return self.link.tenant_id


def session_start(request: HttpRequest, link: AccessLink) -> None:
    """Start the debtor's session after the second factor (a new session key: no fixation)."""
    request.session.cycle_key()
    stamp = now().isoformat()
    request.session[SESSION_KEY] = {
        "link": link.pk,
        "tenant": link.tenant_id,
        "started": stamp,
        "seen": stamp,
    }


def session_end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def session_access(request: HttpRequest) -> DebtorAccess | None:
    """The debtor of this request, or None (no session, idle too long, link closed since); refreshes `seen`
    when it is a minute old."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    at = now()
    try:
        started, seen = dt.datetime.fromisoformat(data["started"]), dt.datetime.fromisoformat(data["seen"])
        alive = session_alive(started=started, last_seen=seen, now=at, policy=access_policy())
        found = access_principal(int(data["link"]), int(data["tenant"])) if alive else None
    except (KeyError, TypeError, ValueError):
        found = None
    if found is None:
        session_end(request)
        return None
    if (at - seen).total_seconds() >= SEEN_REFRESH_SECONDS:
        data["seen"] = at.isoformat()
        request.session[SESSION_KEY] = data
    request.session_clocked = True  # type: ignore[attr-defined]  # `seen` is the clock: no save per request
    actor, link = found
    return DebtorAccess(actor=actor, link=link)


def debtor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A debtor page: without a live debtor session, the page that says how to get back in (401)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access = session_access(request)
        if access is None:
            return render(request, "web/debtor/expired.html", status=401)
        request.debtor = access  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
