"""Notice before the first negative report of a consumer to a credit bureau (SIC, e.g. CRIF) — LEGAL.md §5."""

from __future__ import annotations

from datetime import date, timedelta

# "At least 15 days from sending": 15 full days must pass after the sending day, so the safe reading is
# sending day + 16 (⚠️ the safer of the two readings).
NOTICE_FULL_DAYS = 15


def bureau_notice_earliest_report(sent: date) -> date:
    """Earliest day the first delay of a consumer may become visible in a SIC: sending date + 16 days."""
    return sent + timedelta(days=NOTICE_FULL_DAYS + 1)
