"""What a collector types in the outcome form, read as an Italian would write it, and the rules a promise and a
call-back must meet. Pure: strings and dates in, values or a stable error code out.

Errors carry the field they belong to, so the form shows the message next to it and keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from recupero.core.errors import RecuperoError
from recupero.law.contact_windows import ContactWindow


class FormError(RecuperoError, ValueError):
    """A typed value a person must correct: the code (`worklist.bad_date`), the field and what was typed."""

    def __init__(self, code: str, field: str, value: str = "") -> None:
        self.field, self.value = field, value
        super().__init__(code, field=field, value=value)


_DATE_IT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_date(text: str, *, field: str = "date") -> dt.date:
    """`31/12/2026`, `31-12-2026`, `31.12.2026` or the browser's `2026-12-31`."""
    raw = (text or "").strip()
    iso, it = _DATE_ISO.match(raw), _DATE_IT.match(raw)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if it:
            return dt.date(int(it[3]), int(it[2]), int(it[1]))
    except ValueError:
        pass
    raise FormError("worklist.bad_date", field, raw)


def parse_time(text: str, *, field: str = "time") -> dt.time:
    """`10:30` or `10.30`."""
    raw = (text or "").strip()
    m = _TIME.match(raw)
    if m and int(m[1]) < 24 and int(m[2]) < 60:
        return dt.time(int(m[1]), int(m[2]))
    raise FormError("worklist.bad_time", field, raw)


def parse_amount(text: str, *, field: str = "amount") -> Decimal:
    """`1.234,56`, `1234,56`, `1234.56`, `1.234` (one thousand two hundred thirty-four) or `€ 50`.

    A comma is the decimal mark; dots are then thousands separators in groups of three. Without a comma, dots in
    groups of three are thousands, a single dot with one or two digits is the decimal mark. More than two
    decimals is refused, never rounded."""
    raw = (text or "").replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
    if "," in raw:
        whole, _, cents = raw.rpartition(",")
        if whole and "." in whole and not _THOUSANDS.match(whole):
            raise FormError("worklist.bad_amount", field, text)
        normal = whole.replace(".", "") + "." + cents
    elif _THOUSANDS.match(raw):
        normal = raw.replace(".", "")
    else:
        normal = raw
    try:
        value = Decimal(normal)
    except InvalidOperation:
        raise FormError("worklist.bad_amount", field, text) from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise FormError("worklist.bad_amount", field, text)
    return value.quantize(Decimal("0.01"))


def check_promise(
    amount: Decimal, on: dt.date, *, today: dt.date, due_today: Decimal, horizon_days: int
) -> None:
    """A promise (promessa di pagamento): at most what is due today, from today to the mandate's horizon."""
    if amount > due_today:
        raise FormError("worklist.promise_above_due", "amount", str(amount))
    if on < today:
        raise FormError("worklist.promise_in_past", "date", on.isoformat())
    if on > today + dt.timedelta(days=horizon_days):
        raise FormError("worklist.promise_beyond_horizon", "date", on.isoformat())


def check_call_back(moment: dt.datetime, *, now: dt.datetime, window: ContactWindow) -> None:
    """A call-back (richiamare): later than now, inside the mandate's contact window (Italian time, naive)."""
    if moment <= now:
        raise FormError("worklist.callback_in_past", "date", moment.isoformat())
    if not window.admits(moment):
        raise FormError("worklist.callback_outside_window", "time", moment.time().isoformat("minutes"))


# The time slots a debtor picks for a call back on their page (the mandate's window cuts them).
CALL_BACK_SLOTS = (
    (dt.time(9), dt.time(12)),
    (dt.time(12), dt.time(15)),
    (dt.time(15), dt.time(18)),
    (dt.time(18), dt.time(21)),
)
CALL_BACK_HORIZON_DAYS = 14


def debtor_call_back(
    on: dt.date, start: dt.time, end: dt.time, *, now: dt.datetime, window: ContactWindow
) -> tuple[dt.time, dt.time]:
    """The part of the debtor's slot [start, end) in which the agency may call on `on` (the mandate's window),
    from tomorrow up to `CALL_BACK_HORIZON_DAYS` ahead; a slot with no callable minute is refused."""
    if not now.date() < on <= now.date() + dt.timedelta(days=CALL_BACK_HORIZON_DAYS) or start >= end:
        raise FormError("debtor.bad_window", "date", on.isoformat())
    hours = window.on(on)
    if hours is None or max(start, hours[0]) >= min(end, hours[1]):
        raise FormError("debtor.bad_window", "time", f"{start:%H:%M}-{end:%H:%M}")
    return max(start, hours[0]), min(end, hours[1])
