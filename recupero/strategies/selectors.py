"""Reads of the daily run: the portfolio as planner snapshots, chunk by chunk, with a few set-based queries.

One chunk (≈5,000 open cases in id order) costs five queries whatever its size: the cases joined to their
debtor; the debtors' contact points; the claims; the prescription acts and partial payments; the step history
joined to the effects' outcomes. Prescription deadlines come from the law engine's batch path
(`law.batch.prescription_batch`), per claim, the earliest per case (every claim, paid or not: conservative —
a fully paid claim may make a case look closer to prescription than `case_position` says).

Guards read the case status as the only source for disputes and arrangements: there are no dispute or
arrangement tables yet, so `disputed` → open dispute, `promise`/`plan`/`settlement` → active arrangement.
The creditor's facts stated at intake come from the case row: `supply_active` (None when not stated: treated as
not active, so no ARERA suspension notice) and `first_invoice_default` (None: False); `score_band` is None until
cases have a score.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import queue
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, connections, transaction

from recupero.cases.domain.states import OPEN_STATUSES
from recupero.channels.domain.states import history_status
from recupero.core.domain.roles import VIEW_CASES, VIEW_STRATEGIES
from recupero.core.models import Tenant, User
from recupero.core.permissions import case_q, check
from recupero.law.batch import prescription_batch
from recupero.law.errors import LawError
from recupero.law.interest import PAYMENT_TERM_DAYS
from recupero.law.prescription import INTERRUPTING, PrescriptionSettings
from recupero.parties.domain.debtors import law_debtor_type
from recupero.strategies.domain.snapshot import CaseSnapshot, Contacts, History, RecordStatus, StepRecord
from recupero.strategies.models import StepExecution, StrategyRun
from recupero.worklists.domain.items import CONVERSATIONS

ROME = ZoneInfo("Europe/Rome")
USABLE_CONTACT = ("valid", "unverified")  # "wrong" and "unreachable" points are never used
TO_VERIFY = "to_verify"  # an address (or identity) flagged at intake: held by the planner's guards
_CONTACT_BITS = {"email": 1, "mobile": 2, "phone": 4, "pec": 8, "address": 16}
ADDRESS_TO_VERIFY_BIT = 32  # an address flagged at intake: known, not usable until checked (planner guard)
# 64 shared Contacts objects, one per combination: a million snapshots need no million of them.
_CONTACTS = [
    Contacts(
        email=bool(m & 1),
        mobile=bool(m & 2),
        phone=bool(m & 4),
        pec=bool(m & 8),
        address=bool(m & 16),
        address_to_verify=bool(m & 32),
    )
    for m in range(64)
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
    last_id: int = 0
    debtor_of: dict[int, int] = field(default_factory=dict)  # case id → debtor id
    tenant_id: int = 0

    def contact_points(self, wanted: Iterable[tuple[int, str]]) -> dict[tuple[int, str], ContactRef]:
        """(debtor id, kind) → the usable point a communication will use: valid before unverified, then the
        most recent. Read only for what is sent (the planner needs only the kinds)."""
        return _contact_refs(self.tenant_id, wanted)


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


def iter_chunks(
    *, tenant: Tenant, today: dt.date, size: int = 5000, after_id: int = 0, prefetch: bool = False
) -> Iterator[Chunk]:
    """The open cases of the tenant as planner snapshots, `size` at a time, in case id order.

    `prefetch`: read in a second thread (its own connection; only outside the caller's transaction, which
    another connection could not see), at most one chunk ahead — the next chunk's queries wait on the database
    while this thread plans the last one."""
    chunks = _read_chunks(tenant, today, size, after_id)
    if not prefetch:
        yield from chunks
        return
    yield from _prefetched(chunks)


def _read_chunks(tenant: Tenant, today: dt.date, size: int, after_id: int) -> Iterator[Chunk]:
    creditors = _creditors(tenant)
    conversations = _conversations(tenant, today)
    memo = _Memo(today)  # shared by the chunks: deadlines and parsed dates repeat across the portfolio
    last = after_id
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Keyset pages of a few thousand rows: parallel workers cost more to start and merge than they
                # save (measured 37 ms → 12 ms a page at 1M), and they compete with the run for the cores.
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            rows = _case_rows(tenant, last, size)
            if not rows:
                return
            chunk = _chunk(tenant, rows, creditors, conversations, today, memo)
        last = chunk.last_id
        yield chunk


_END = object()


def _prefetched(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
    """The chunks of `chunks`, produced by a reader thread one ahead; its error is raised here; stopping early
    (an error in the consumer) stops the reader after the chunk it is reading."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def read() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        ready.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it
            ready.put(exc)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=read, name="strategy-run-reader", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # let a reader blocked on a full queue see the stop
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)
        thread.join()


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
    " d.identity_status"
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


class _Memo:
    """Caches of one run (one `today`): parsed dates, law debtor types, the prescription deadline of a claim
    per (telecom years, claim type, debtor type, due date, acts) — with no act, one table per (telecom years,
    claim type, debtor type): due date → deadline. A million cases share a few thousand of them."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.dates: dict[Any, dt.date] = {}
        self.debtor_types: dict[str, str] = {}
        self.deadlines: dict[tuple[Any, ...], dt.date | None] = {}
        self.tables: dict[tuple[int, str, str], dict[dt.date, dt.date | None]] = {}

    def date(self, value: Any) -> dt.date:
        if type(value) is dt.date:  # PostgreSQL: already a date; SQLite: ISO text, parsed once per value
            return value
        found = self.dates.get(value)
        if found is None:
            found = self.dates[value] = _date(value)  # type: ignore[assignment]
            assert found is not None
        return found

    def debtor_type(self, size: str) -> str:
        found = self.debtor_types.get(size)
        if found is None:
            found = self.debtor_types[size] = law_debtor_type(size)
        return found


def _chunk(
    tenant: Tenant,
    rows: list[tuple[Any, ...]],
    creditors: dict[int, tuple[str, str, str, str, int]],
    conversations: dict[int, tuple[dt.date, ...]],
    today: dt.date,
    memo: _Memo | None = None,
) -> Chunk:
    memo = memo or _Memo(today)
    lo, hi = rows[0][0], rows[-1][0]
    claims = _claims(tenant, lo, hi, memo)
    events = _prescription_events(tenant, lo, hi)
    steps = _history(tenant, lo, hi)
    telecom_years = {cid: c[4] for cid, c in creditors.items()}
    deadlines = _deadlines(rows, claims, events, telecom_years, today, memo)
    snapshots: list[CaseSnapshot] = []
    histories: dict[int, History] = {}
    mandate_strategy: dict[int, str] = {}
    debtor_of: dict[int, int] = {}
    append = snapshots.append
    as_date = memo.date
    no_deadline = (None, None, None)
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
        supply_active,
        first_invoice,
        mask,
        identity,
    ) in rows:
        code, sector, window, strategy, _years = creditors[creditor_id]
        deadline, interruption, earliest_due = deadlines.get(case_id, no_deadline)
        opened_on = None if opened is None else as_date(opened)
        due = (None if first_due is None else as_date(first_due)) or earliest_due or opened_on
        assert due is not None
        append(
            CaseSnapshot(
                case_id,
                status,
                code,
                sector,
                claim_type,
                size,
                balance if type(balance) is Decimal else Decimal(balance),
                due,
                opened_on or due,
                _CONTACTS[int(mask or 0)],
                deadline,
                interruption,
                bool(vulnerable),
                status == "disputed",
                status in _ARRANGED,
                bool(first_invoice),  # not stated: not the first invoice
                None,  # no score yet
                None if supply_active is None else bool(supply_active),
                window,
                identity == TO_VERIFY,
            )
        )
        history = steps.get(case_id)
        talks = conversations.get(debtor_id, ())
        if history or talks:
            histories[case_id] = History(tuple(history or ()), talks)
        if strategy:
            mandate_strategy[case_id] = strategy
        debtor_of[case_id] = debtor_id
    return Chunk(snapshots, histories, mandate_strategy, hi, debtor_of, tenant.pk)


_ARRANGED = frozenset({"promise", "plan", "settlement"})


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


def _claims(tenant: Tenant, lo: int, hi: int, memo: _Memo) -> dict[int, list[dt.date]]:
    """case id → the distinct due dates of its claims; with no agreed term a claim falls due 30 days after
    receipt (SdI delivery, else issue: `law.interest.due_date_from_receipt`, computed in SQL)."""
    if connection.vendor == "sqlite":
        due = "COALESCE(due_on, date(COALESCE(sdi_delivered_on, issued_on), %s))"
        term: Any = f"+{PAYMENT_TERM_DAYS} days"
    else:
        due = "COALESCE(due_on, COALESCE(sdi_delivered_on, issued_on) + %s)"
        term = PAYMENT_TERM_DAYS
    out: dict[int, list[dt.date]] = {}
    as_date = memo.date
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


def _deadlines(
    rows: list[tuple[Any, ...]],
    claims: dict[int, list[dt.date]],
    events: dict[int, list[tuple[str, dt.date]]],
    telecom_years: dict[int, int],
    today: dt.date,
    memo: _Memo | None = None,
) -> dict[int, tuple[dt.date | None, dt.date | None, dt.date | None]]:
    """case id → (earliest prescription deadline of its claims, last interruption, earliest due date).

    Each claim's deadline is `law.batch.prescription_batch` of (claim type, debtor type, due date, the acts
    on or after it), under the creditor's telecom term; the same request gives the same answer, so it is
    computed once per run (`memo`) and the chunk sends only the requests it has not seen to the law engine."""
    memo = memo or _Memo(today)
    known, tables = memo.deadlines, memo.tables
    out: dict[int, tuple[dt.date | None, dt.date | None, dt.date | None]] = {}
    plain: list[tuple[int, dt.date | None, list[dt.date], dict[dt.date, dt.date | None]]] = []
    acting: list[tuple[int, dt.date | None, list[tuple[Any, ...]]]] = []
    missing: dict[int, dict[tuple[Any, ...], tuple[str, str, dt.date, list[tuple[str, dt.date]]]]] = {}
    debtor_type = memo.debtor_type
    for case_id, _s, creditor_id, claim_type, _d, size, *_rest in rows:
        dues = claims.get(case_id)
        if not dues:
            continue  # no claim: no deadline, no due date from the claims (the case row's dates are used)
        years = telecom_years.get(creditor_id, 5)
        acts_all = events.get(case_id)
        last: dt.date | None = None
        acts: list[tuple[str, dt.date]] = []
        if acts_all:
            acts = [e for e in acts_all if e[1] <= today]
            interrupting = [day for kind, day in acts if kind in INTERRUPTING]
            last = max(interrupting) if interrupting else None
        debtor = debtor_type(size)
        # With no act, the deadline depends on the due date only: one table per telecom term, claim type and
        # debtor type.
        table = tables.get((years, claim_type, debtor))
        if table is None:
            table = tables[(years, claim_type, debtor)] = {}
        if not acts:
            for due in dues:
                if due not in table:
                    missing.setdefault(years, {})[(years, claim_type, debtor, due, ())] = (
                        claim_type,
                        debtor,
                        due,
                        [],
                    )
            plain.append((case_id, last, dues, table))
            continue
        keys = []
        for due in dues:
            own = [e for e in acts if e[1] >= due]  # an act before the due date interrupts nothing
            key = (years, claim_type, debtor, due, tuple(own))
            keys.append(key)
            if (key not in known) if own else (due not in table):
                missing.setdefault(years, {})[key] = (claim_type, debtor, due, own)
        acting.append((case_id, last, keys))
    for years, requests in missing.items():
        results = _batch(list(requests.values()), today, years)
        for key, result in zip(requests, results, strict=True):
            deadline = result[0] if result else None
            if key[4]:
                known[key] = deadline
            else:
                tables[key[:3]][key[3]] = deadline
    for case_id, last, dues, table in plain:
        deadline = None
        for due in dues:
            day = table[due]
            if day is not None and (deadline is None or day < deadline):
                deadline = day
        out[case_id] = (deadline, last, min(dues))
    for case_id, last, keys in acting:
        deadline = None
        for key in keys:
            day = known[key] if key[4] else tables[key[:3]][key[3]]
            if day is not None and (deadline is None or day < deadline):
                deadline = day
        out[case_id] = (deadline, last, min(key[3] for key in keys))
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
    """The steps recorded for the cases, with the outcome of their effect (letter bounced, call done…).

    The effects are read by case range on their (tenant, case) indexes and matched to the steps by key in
    Python — rows stored in case order, read in order — rather than joined on the key: a join probes the key
    indexes in random order (a second run at 1M cases on SQLite spent most of its time there)."""
    out: dict[int, list[StepRecord]] = defaultdict(list)
    where = "WHERE tenant_id = %s AND case_id BETWEEN %s AND %s"
    with connection.cursor() as cur:
        cur.execute(
            "SELECT case_id, strategy_code, step_code, action, scheduled_for, status, idempotency_key"
            f" FROM strategies_stepexecution {where} ORDER BY scheduled_for, id",
            [tenant.pk, lo, hi],
        )
        steps = cur.fetchall()
        if not steps:
            return out
        # A key names its case (`{case_id}:…`), so an effect of one of these steps is of a case in the range.
        cur.execute(
            f"SELECT idempotency_key, status FROM channels_communication {where}", [tenant.pk, lo, hi]
        )
        comms = dict(cur.fetchall())
        cur.execute(
            f"SELECT idempotency_key, status, outcome FROM worklists_workitem {where}", [tenant.pk, lo, hi]
        )
        items = {key: (status, outcome) for key, status, outcome in cur.fetchall()}
    no_item = (None, None)
    for case_id, strategy, step, action, on, status, key in steps:
        item, outcome = items.get(key, no_item)
        record = _record(strategy, step, action, _date(on), status, comms.get(key), item, outcome)
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
    if action == "verify_data":
        return None  # a verification task is no ladder step: the guard that asked for it decides
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


def runs_recent(*, tenant: Tenant, actor: User, limit: int = 20) -> list[StrategyRun]:
    check(actor, VIEW_STRATEGIES, tenant)
    return list(StrategyRun.objects.filter(tenant=tenant).order_by("-started_at", "-id")[:limit])


def case_steps(*, tenant: Tenant, actor: User, case_id: int) -> list[StepExecution]:
    check(actor, VIEW_CASES, tenant)
    qs = StepExecution.objects.filter(tenant=tenant, case_id=case_id).filter(case_q(actor, "case__"))
    return list(qs.order_by("scheduled_for", "id"))
