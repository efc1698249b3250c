"""Reads of the daily run: the portfolio as planner snapshots, chunk by chunk, with a few set-based queries.

One chunk (≈5,000 open cases in id order) costs five queries whatever its size: the cases joined to their
debtor; the debtors' contact points; the claims; the prescription acts and partial payments; the step history
joined to the effects' outcomes. Prescription deadlines come from the law engine's batch path
(`law.batch.prescription_batch`), per claim, the earliest per case (every claim, paid or not: conservative —
a fully paid claim may make a case look closer to prescription than `case_position` says).

Guards read the case status as the only source for disputes and arrangements: there are no dispute or
arrangement tables yet, so `disputed` → open dispute, `promise`/`plan`/`settlement` → active arrangement.
Facts the database does not hold yet are left at the planner's neutral default: `first_invoice_default`
(False), `score_band` (None), `supply_active` (None: treated as not active, so no ARERA suspension notice).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from recupero.cases.domain.states import OPEN_STATUSES
from recupero.channels.domain.states import history_status
from recupero.core.models import Tenant
from recupero.law.batch import prescription_batch
from recupero.law.errors import LawError
from recupero.law.interest import due_date_from_receipt
from recupero.law.prescription import INTERRUPTING, PrescriptionSettings
from recupero.parties.domain.debtors import law_debtor_type
from recupero.strategies.domain.snapshot import CaseSnapshot, Contacts, History, RecordStatus, StepRecord
from recupero.strategies.models import StepExecution, StrategyRun
from recupero.worklists.domain.items import CONVERSATIONS

ROME = ZoneInfo("Europe/Rome")
USABLE_CONTACT = ("valid", "unverified")  # "wrong" and "unreachable" points are never used
_CONTACT_BITS = {"email": 1, "mobile": 2, "phone": 4, "pec": 8, "address": 16}
# 32 shared Contacts objects, one per combination: a million snapshots need no million of them.
_CONTACTS = [
    Contacts(email=bool(m & 1), mobile=bool(m & 2), phone=bool(m & 4), pec=bool(m & 8), address=bool(m & 16))
    for m in range(32)
]
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


@dataclass
class Chunk:
    """One slice of the portfolio, ready for the planner."""

    snapshots: list[CaseSnapshot]
    histories: dict[int, History]
    mandate_strategy: dict[int, str]  # case id → the mandate's strategy code, when it names one
    contacts: dict[tuple[int, str], ContactRef]  # (case id, kind) → the point to use
    last_id: int = 0
    debtor_of: dict[int, int] = field(default_factory=dict)


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


def iter_chunks(*, tenant: Tenant, today: dt.date, size: int = 5000, after_id: int = 0) -> Iterator[Chunk]:
    """The open cases of the tenant as planner snapshots, `size` at a time, in case id order."""
    creditors = _creditors(tenant)
    conversations = _conversations(tenant, today)
    last = after_id
    while True:
        rows = _case_rows(tenant, last, size)
        if not rows:
            return
        chunk = _chunk(tenant, rows, creditors, conversations, today)
        last = chunk.last_id
        yield chunk


def _case_rows(tenant: Tenant, after_id: int, size: int) -> list[tuple[Any, ...]]:
    marks = ", ".join(["%s"] * len(_OPEN))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.id, c.status, c.creditor_id, c.claim_type, c.debtor_id, d.size, d.vulnerable, c.balance,"
            " c.first_due_on, c.opened_on FROM cases_case c JOIN parties_debtor d ON d.id = c.debtor_id"
            f" WHERE c.tenant_id = %s AND c.id > %s AND c.status IN ({marks}) ORDER BY c.id LIMIT %s",
            [tenant.pk, after_id, *_OPEN, size],
        )
        return cur.fetchall()


def _chunk(
    tenant: Tenant,
    rows: list[tuple[Any, ...]],
    creditors: dict[int, tuple[str, str, str, str, int]],
    conversations: dict[int, tuple[dt.date, ...]],
    today: dt.date,
) -> Chunk:
    lo, hi = rows[0][0], rows[-1][0]
    debtor_ids = sorted({r[4] for r in rows})
    masks, points = _contacts(tenant, debtor_ids)
    claims = _claims(tenant, lo, hi)
    events = _prescription_events(tenant, lo, hi)
    steps = _history(tenant, lo, hi)
    telecom_years = {cid: c[4] for cid, c in creditors.items()}
    deadlines = _deadlines(rows, claims, events, telecom_years, today)
    snapshots: list[CaseSnapshot] = []
    histories: dict[int, History] = {}
    mandate_strategy: dict[int, str] = {}
    contacts: dict[tuple[int, str], ContactRef] = {}
    debtor_of: dict[int, int] = {}
    for (
        case_id,
        status,
        creditor_id,
        claim_type,
        debtor_id,
        size,
        vulnerable,
        balance,
        first_due,
        opened,
    ) in rows:
        code, sector, window, strategy, _years = creditors[creditor_id]
        deadline, interruption, earliest_due = deadlines.get(case_id, (None, None, None))
        due = _date(first_due) or earliest_due or _date(opened)
        assert due is not None
        snapshots.append(
            CaseSnapshot(
                case_id=case_id,
                status=status,
                creditor_code=code,
                sector=sector,
                claim_type=claim_type,
                debtor_type=size,
                balance=Decimal(balance),
                first_due_date=due,
                opened_on=_date(opened) or due,
                contacts=_CONTACTS[masks.get(debtor_id, 0)],
                prescription_deadline=deadline,
                last_interruption=interruption,
                vulnerable=bool(vulnerable),
                open_dispute=status == "disputed",
                active_arrangement=status in ("promise", "plan", "settlement"),
                contact_window=window,
            )
        )
        history = steps.get(case_id)
        talks = conversations.get(debtor_id, ())
        if history or talks:
            histories[case_id] = History(tuple(history or ()), talks)
        if strategy:
            mandate_strategy[case_id] = strategy
        for kind in ("email", "mobile", "phone", "pec", "address"):
            ref = points.get((debtor_id, kind))
            if ref is not None:
                contacts[(case_id, kind)] = ref
        debtor_of[case_id] = debtor_id
    return Chunk(snapshots, histories, mandate_strategy, contacts, hi, debtor_of)


def _contacts(
    tenant: Tenant, debtor_ids: list[int]
) -> tuple[dict[int, int], dict[tuple[int, str], ContactRef]]:
    """Usable contact points of the debtors: a bit mask per debtor, and the point to use per kind
    (valid before unverified, then the most recent)."""
    masks: dict[int, int] = defaultdict(int)
    points: dict[tuple[int, str], ContactRef] = {}
    with connection.cursor() as cur:
        for start in range(0, len(debtor_ids), 2000):
            part = debtor_ids[start : start + 2000]
            cur.execute(
                "SELECT debtor_id, kind, id, value, cap, municipality, province FROM parties_contactpoint"
                f" WHERE tenant_id = %s AND debtor_id IN ({', '.join(['%s'] * len(part))})"
                " AND status IN (%s, %s) ORDER BY debtor_id, kind, CASE status WHEN 'valid' THEN 0 ELSE 1 END,"
                " id DESC",
                [tenant.pk, *part, *USABLE_CONTACT],
            )
            for debtor_id, kind, pk, value, cap, municipality, province in cur.fetchall():
                masks[debtor_id] |= _CONTACT_BITS.get(kind, 0)
                points.setdefault((debtor_id, kind), ContactRef(pk, value, cap, municipality, province))
    return masks, points


def _claims(tenant: Tenant, lo: int, hi: int) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """case id → [(due date, issue date)]; with no agreed term a claim falls due 30 days after receipt."""
    out: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT case_id, due_on, issued_on, sdi_delivered_on FROM cases_claim"
            " WHERE tenant_id = %s AND case_id BETWEEN %s AND %s",
            [tenant.pk, lo, hi],
        )
        for case_id, due_on, issued_on, sdi in cur.fetchall():
            issued = _date(issued_on)
            assert issued is not None
            due = _date(due_on) or due_date_from_receipt(_date(sdi) or issued)
            out[case_id].append((due, issued))
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


def _deadlines(
    rows: list[tuple[Any, ...]],
    claims: dict[int, list[tuple[dt.date, dt.date]]],
    events: dict[int, list[tuple[str, dt.date]]],
    telecom_years: dict[int, int],
    today: dt.date,
) -> dict[int, tuple[dt.date | None, dt.date | None, dt.date | None]]:
    """case id → (earliest prescription deadline of its claims, last interruption, earliest due date)."""
    requests: dict[int, list[tuple[int, tuple[str, str, dt.date, list[tuple[str, dt.date]]]]]] = defaultdict(
        list
    )
    last_act: dict[int, dt.date | None] = {}
    for case_id, _s, creditor_id, claim_type, _d, size, *_rest in rows:
        acts = [e for e in events.get(case_id, ()) if e[1] <= today]
        interrupting = [day for kind, day in acts if kind in INTERRUPTING]
        last_act[case_id] = max(interrupting) if interrupting else None
        debtor = law_debtor_type(size)
        for due, _issued in claims.get(case_id, ()):
            own = [e for e in acts if e[1] >= due]  # an act before the due date interrupts nothing
            requests[telecom_years.get(creditor_id, 5)].append((case_id, (claim_type, debtor, due, own)))
    out: dict[int, tuple[dt.date | None, dt.date | None, dt.date | None]] = {}
    for years, items in requests.items():
        results = _batch([r for _c, r in items], today, years)
        for (case_id, request), found in zip(items, results, strict=True):
            deadline = found[0] if found else None
            prev, _li, earliest = out.get(case_id, (None, last_act.get(case_id), None))
            if deadline is not None and (prev is None or deadline < prev):
                prev = deadline
            claim_due = request[2]
            if earliest is None or claim_due < earliest:
                earliest = claim_due
            out[case_id] = (prev, last_act.get(case_id), earliest)
    return out


def _batch(
    requests: list[tuple[str, str, dt.date, list[tuple[str, dt.date]]]], today: dt.date, years: int
) -> list[tuple[dt.date, str] | None]:
    settings = PrescriptionSettings(telecom_years=years)
    try:
        return list(prescription_batch(requests, today=today, settings=settings))
    except LawError:
        # One odd claim (an unknown type) must not stop the run: retry one by one, None for the odd ones.
        out: list[tuple[dt.date, str] | None] = []
        for request in requests:
            try:
                out.append(prescription_batch([request], today=today, settings=settings)[0])
            except LawError:
                out.append(None)
        return out


def _history(tenant: Tenant, lo: int, hi: int) -> dict[int, list[StepRecord]]:
    """The steps recorded for the cases, with the outcome of their effect (letter bounced, call done…)."""
    out: dict[int, list[StepRecord]] = defaultdict(list)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT se.case_id, se.strategy_code, se.step_code, se.action, se.scheduled_for, se.status,"
            " cm.status, wi.status, wi.outcome FROM strategies_stepexecution se"
            " LEFT JOIN channels_communication cm ON cm.idempotency_key = se.idempotency_key"
            " LEFT JOIN worklists_workitem wi ON wi.idempotency_key = se.idempotency_key"
            " WHERE se.tenant_id = %s AND se.case_id BETWEEN %s AND %s ORDER BY se.scheduled_for, se.id",
            [tenant.pk, lo, hi],
        )
        for case_id, strategy, step, action, on, status, comm, item, outcome in cur.fetchall():
            record = _record(strategy, step, action, _date(on), status, comm, item, outcome)
            if record is not None:
                out[case_id].append(record)
    return out


def _record(
    strategy: str,
    step: str,
    action: str,
    on: dt.date | None,
    status: str,
    comm: str | None,
    item: str | None,
    outcome: str | None,
) -> StepRecord | None:
    assert on is not None
    if status == StepExecution.Status.SKIPPED:
        return StepRecord(step, action, on, RecordStatus.SKIPPED, strategy)
    if action == "skip_trace":
        # A skip-trace task is no ladder step: it moves the ladder only when it ends without a contact.
        if item == "done" and outcome == "not_found":
            return StepRecord(step, action, on, RecordStatus.SKIPPED, strategy)
        return None
    if comm is not None:
        return StepRecord(step, action, on, history_status(comm), strategy)
    return StepRecord(step, action, on, RecordStatus.DONE, strategy)


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


# --- pages ------------------------------------------------------------------------------------------------


def runs_recent(*, tenant: Tenant, limit: int = 20) -> list[StrategyRun]:
    return list(StrategyRun.objects.filter(tenant=tenant).order_by("-started_at", "-id")[:limit])


def case_steps(*, tenant: Tenant, case_id: int) -> list[StepExecution]:
    return list(StepExecution.objects.filter(tenant=tenant, case_id=case_id).order_by("scheduled_for", "id"))
