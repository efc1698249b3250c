"""The daily run's raw SQL reads, set-based per chunk of cases: the cases joined to their debtor, the
creditors and mandates, the contact points, the claims' due dates, the prescription acts, the conversations."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from recupero.cases.domain.states import OPEN_STATUSES
from recupero.core.models import Tenant
from recupero.law.clock import ROME
from recupero.law.interest import PAYMENT_TERM_DAYS
from recupero.worklists.domain.items import CONVERSATIONS

USABLE_CONTACT = ("valid", "unverified")  # "wrong" and "unreachable" points are never used
TO_VERIFY = "to_verify"  # an address (or identity) flagged at intake: held by the planner's guards
ADDRESS_TO_VERIFY_BIT = 32  # an address flagged at intake: known, not usable until checked (planner guard)
_CONTACT_BITS = {"email": 1, "mobile": 2, "phone": 4, "pec": 8, "address": 16}
# Mandate presets in the database → contact-window presets in data/contact_windows.toml.
WINDOW_PRESETS = {"unirec": "unirec", "strict": "strict"}
_OPEN = tuple(sorted(s.value for s in OPEN_STATUSES))


@dataclass(frozen=True, slots=True)
class ContactRef:
    """The contact point a communication will use, and its snapshot for the record."""

    id: int
    value: str
    cap: str
    municipality: str
    province: str


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _creditors(tenant: Tenant) -> dict[int, tuple[str, str, str, str, int]]:
    """creditor id → (code, sector, window preset, mandate strategy code, telecom prescription years)."""
    out: dict[int, tuple[str, str, str, str, int]] = {}
    with connection.cursor() as cur:
        cur.execute("SELECT id, code, sector FROM parties_creditor WHERE tenant_id = %s", [tenant.pk])
        base = {row[0]: (row[1], row[2]) for row in cur.fetchall()}
        cur.execute(
            "SELECT creditor_id, contact_window, strategy_code, telecom_prescription_years FROM parties_mandate"
            " WHERE tenant_id = %s ORDER BY starts_on, id",
            [tenant.pk],
        )
        mandates = {row[0]: row[1:] for row in cur.fetchall()}  # the latest mandate wins
    for cid, (code, sector) in base.items():
        window, strategy, years = mandates.get(cid, ("unirec", "", 5))
        out[cid] = (code, sector, WINDOW_PRESETS.get(window, window), strategy or "", int(years or 5))
    return out


# The debtor's usable contact kinds as a bit mask, per row: a correlated lookup on the contact points'
# (debtor_id, kind, value) unique index — a few rows per debtor. (A chunk-wide `IN (subquery)` let PostgreSQL
# hash-join a sequential scan of every contact point of the tenant, once per chunk: quadratic at 1M cases.)
_CASE_SQL = (
    "SELECT c.id, c.status, c.creditor_id, c.claim_type, c.debtor_id, d.size, d.vulnerable, c.balance,"
    " c.first_due_on, c.opened_on, c.supply_active, c.first_invoice_default,"
    " (SELECT SUM(DISTINCT CASE WHEN cp.status = %s THEN (CASE cp.kind WHEN 'address' THEN 32 ELSE 0 END)"
    " ELSE (CASE cp.kind WHEN 'email' THEN 1 WHEN 'mobile' THEN 2"
    " WHEN 'phone' THEN 4 WHEN 'pec' THEN 8 WHEN 'address' THEN 16 ELSE 0 END) END) FROM parties_contactpoint cp"
    " WHERE cp.debtor_id = c.debtor_id AND cp.tenant_id = c.tenant_id AND cp.status IN (%s, %s, %s)),"
    " d.identity_status, d.channels_refused"
    " FROM cases_case c JOIN parties_debtor d ON d.id = c.debtor_id"
    " WHERE c.tenant_id = %s AND c.id > %s AND c.status IN ({marks}) ORDER BY c.id LIMIT %s"
)


def _case_rows(tenant: Tenant, after_id: int, size: int) -> list[tuple[Any, ...]]:
    assert set(_CONTACT_BITS) == {"email", "mobile", "phone", "pec", "address"}  # the CASE above
    with connection.cursor() as cur:
        cur.execute(
            _CASE_SQL.format(marks=", ".join(["%s"] * len(_OPEN))),
            [TO_VERIFY, *USABLE_CONTACT, TO_VERIFY, tenant.pk, after_id, *_OPEN, size],
        )
        return cur.fetchall()


def _contact_refs(tenant_id: int, wanted: Iterable[tuple[int, str]]) -> dict[tuple[int, str], ContactRef]:
    """The point of each wanted (debtor id, kind): one query per kind and 2,000 debtors, on the contact points'
    (debtor_id, kind, value) index — only the kind a communication uses, not every point of the debtor."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for debtor_id, kind in wanted:
        by_kind[kind].add(debtor_id)
    points: dict[tuple[int, str], ContactRef] = {}
    with connection.cursor() as cur:
        for kind, debtors in sorted(by_kind.items()):
            ordered = sorted(debtors)
            for start in range(0, len(ordered), 2000):
                part = ordered[start : start + 2000]
                cur.execute(
                    "SELECT debtor_id, id, value, cap, municipality, province FROM parties_contactpoint"
                    f" WHERE tenant_id = %s AND kind = %s AND debtor_id IN ({', '.join(['%s'] * len(part))})"
                    " AND status IN (%s, %s) ORDER BY debtor_id, CASE status WHEN 'valid' THEN 0 ELSE 1 END,"
                    " id DESC",
                    [tenant_id, kind, *part, *USABLE_CONTACT],
                )
                for debtor_id, pk, value, cap, municipality, province in cur.fetchall():
                    if (debtor_id, kind) not in points:
                        points[(debtor_id, kind)] = ContactRef(pk, value, cap, municipality, province)
    return points


def _claims(tenant: Tenant, lo: int, hi: int, as_date: Callable[[Any], dt.date]) -> dict[int, list[dt.date]]:
    """case id → the distinct due dates of its claims; with no agreed term a claim falls due 30 days after
    receipt (SdI delivery, else issue: `law.interest.due_date_from_receipt`, computed in SQL)."""
    if connection.vendor == "sqlite":
        due = "COALESCE(due_on, date(COALESCE(sdi_delivered_on, issued_on), %s))"
        term: Any = f"+{PAYMENT_TERM_DAYS} days"
    else:
        due = "COALESCE(due_on, COALESCE(sdi_delivered_on, issued_on) + %s)"
        term = PAYMENT_TERM_DAYS
    out: dict[int, list[dt.date]] = {}
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT DISTINCT case_id, {due} FROM cases_claim WHERE tenant_id = %s AND case_id BETWEEN %s AND %s",
            [term, tenant.pk, lo, hi],
        )
        for case_id, day in cur.fetchall():
            found = out.get(case_id)
            if found is None:
                out[case_id] = [as_date(day)]
            else:
                found.append(as_date(day))
    return out


def _local_day(when: str) -> dt.date:
    if "T" not in when:
        return dt.date.fromisoformat(when)
    moment = dt.datetime.fromisoformat(when)
    # A PEC delivery counts on its Italian calendar day (LEGAL.md §3), never the UTC one.
    return moment.astimezone(ROME).date() if moment.tzinfo else moment.date()


def _prescription_events(tenant: Tenant, lo: int, hi: int) -> dict[int, list[tuple[str, dt.date]]]:
    """Acts that may interrupt prescription: those recorded on the timeline, and partial payments."""
    out: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT case_id, data FROM cases_timelineevent WHERE tenant_id = %s AND case_id BETWEEN %s AND %s"
            " AND kind = 'prescription.event'",
            [tenant.pk, lo, hi],
        )
        for case_id, data in cur.fetchall():
            payload = json.loads(data) if isinstance(data, str) else data
            out[case_id].append((payload["event"], _local_day(payload["when"])))
        cur.execute(
            "SELECT DISTINCT case_id, posted_on FROM ledger_ledgerentry WHERE tenant_id = %s"
            " AND case_id BETWEEN %s AND %s AND kind = 'payment' AND debit_account = 'payments_received'",
            [tenant.pk, lo, hi],
        )
        for case_id, posted_on in cur.fetchall():
            day = _date(posted_on)
            assert day is not None
            out[case_id].append(("partial_payment", day))
    return out


def _param_ts(when: dt.datetime) -> Any:
    # Raw SQL on SQLite compares text: pass the UTC form Django stores; PostgreSQL takes the datetime.
    if connection.vendor == "sqlite":
        return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return when


def _conversations(tenant: Tenant, today: dt.date) -> dict[int, tuple[dt.date, ...]]:
    """debtor id → days of the last week with a conversation (all the debtor's cases: UNIREC limits)."""
    since = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(), tzinfo=ROME)
    outcomes = sorted(o.value for o in CONVERSATIONS)
    out: dict[int, list[dt.date]] = defaultdict(list)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.debtor_id, wi.done_at FROM worklists_workitem wi JOIN cases_case c ON c.id = wi.case_id"
            f" WHERE wi.tenant_id = %s AND wi.status = 'done' AND wi.outcome IN ({', '.join(['%s'] * len(outcomes))})"
            " AND wi.done_at >= %s",
            [tenant.pk, *outcomes, _param_ts(since)],
        )
        for debtor_id, done_at in cur.fetchall():
            moment = done_at if isinstance(done_at, dt.datetime) else dt.datetime.fromisoformat(str(done_at))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            out[debtor_id].append(moment.astimezone(ROME).date())
    return {k: tuple(sorted(v)) for k, v in out.items()}
