"""The platform's notion of now and today: today is the Italian calendar date (Europe/Rome), never the UTC one,
whatever TIME_ZONE the settings carry. Every "day it happened" (`closed_on`, `received_on`, an affido's date, the
outcomes file) comes from `today()`; `law.clock` holds the rule so the law engine and its CLI share it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from recupero.law.clock import ROME, italian_today

__all__ = ["ROME", "now", "today"]


def today() -> dt.date:
    return italian_today(timezone.now())


def now() -> dt.datetime:
    return timezone.now()
