"""Italian time: the one definition of "today" and of the Italian zone for the whole platform.

A day that happened (a case closed, a payment received, an affido dated) is the calendar day in Italy, never the
UTC date of the moment: between midnight and 01:00 (02:00 in summer) in Italy the UTC date is still yesterday.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")


def italian_today(now: dt.datetime | None = None) -> dt.date:
    """The calendar date in Italy at `now` (an aware moment; the machine's clock when omitted)."""
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        raise ValueError("italian_today needs an aware datetime")
    return moment.astimezone(ROME).date()


def italian_day(moment: dt.datetime) -> dt.date:
    """The Italian calendar day of an aware moment (a receipt's time, a payment's timestamp)."""
    return italian_today(moment)
