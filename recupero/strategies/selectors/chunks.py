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

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from recupero.core.models import Tenant
from recupero.core.pipeline import prefetched
from recupero.strategies.domain.snapshot import CaseSnapshot, Contacts, History
from recupero.strategies.selectors.deadlines import _deadlines, _Memo
from recupero.strategies.selectors.history import _history
from recupero.strategies.selectors.sql import (
    TO_VERIFY,
    ContactRef,
    _case_rows,
    _claims,
    _contact_refs,
    _conversations,
    _creditors,
    _prescription_events,
)

# 512 shared Contacts objects, one per combination: a million snapshots need no million of them. The low six
# bits are the usable points' kinds (sql._CASE_SQL), the next three the channels refused (Debtor.channels_refused:
# e-mail 1, SMS 2, calls 4, shifted by 6).
_CONTACTS = [
    Contacts(
        email=bool(m & 1),
        mobile=bool(m & 2),
        phone=bool(m & 4),
        pec=bool(m & 8),
        address=bool(m & 16),
        address_to_verify=bool(m & 32),
        email_refused=bool(m & 64),
        sms_refused=bool(m & 128),
        phone_refused=bool(m & 256),
    )
    for m in range(512)
]


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
    yield from prefetched(chunks, name="strategy-run-reader")


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
    claims = _claims(tenant, lo, hi, memo.date)
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
        refused,
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
                _CONTACTS[int(mask or 0) | (int(refused or 0) & 7) << 6],
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
