"""The platform's notion of today: the Italian calendar date (Europe/Rome), never the UTC one."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def now() -> dt.datetime:
    return timezone.now()
