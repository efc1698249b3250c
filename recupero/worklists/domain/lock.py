"""One collector at a time on an item: opening it takes a lock that expires by itself (a closed browser tab
must not hold a debtor's call forever). Pure: who holds it, until when, and whether somebody else may act."""

from __future__ import annotations

import datetime as dt

LOCK_MINUTES = 15


def lock_until(at: dt.datetime) -> dt.datetime:
    return at + dt.timedelta(minutes=LOCK_MINUTES)


def held_by_other(
    locked_by: int | None, locked_until: dt.datetime | None, actor_id: int | None, at: dt.datetime
) -> bool:
    """Whether the item is being worked by somebody else right now (an expired lock holds nothing)."""
    return locked_by is not None and locked_by != actor_id and locked_until is not None and locked_until > at
