"""The daily check writes the same rows whichever path runs it (issue 12, the 1M speed work): the generic ORM
path, and on PostgreSQL the fast one (the candidates in one SQL query, id lists as array literals, the chunks in
two threads with a connection each). A small portfolio with every outcome (plans kept, broken and running, a
promise kept with a balance left, a reversed payment, a settlement written off, a proposal expired) is checked on
five days by the generic path, rolled back, then checked again by the default path: the counts of every day and
every row the check writes must be equal, and a second run of the last day changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal as D
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction

from recupero.arrangements import check as check_module
from recupero.arrangements.domain.schedule import Frequency
from recupero.arrangements.domain.states import Kind
from recupero.arrangements.models import Arrangement, Instalment
from recupero.arrangements.selectors import Terms
from recupero.arrangements.services import arrangement_propose, arrangements_check
from recupero.arrangements.tests.helpers import pay, reverse, world
from recupero.cases.models import Case, TimelineEvent
from recupero.core.clock import ROME
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.ledger.models import LedgerEntry
from tests import portfolio

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=ROME)
DAYS = [
    dt.date(2026, 3, 19),
    dt.date(2026, 4, 5),
    dt.date(2026, 4, 5),
    dt.date(2026, 5, 6),
    dt.date(2026, 6, 1),
]
# What the generic path counts on each day (and so must the fast one).
EXPECTED = [
    # the promise kept, the reversed one broken, the settlement kept, the down payment paid, the proposal expired
    {"expired": 1, "candidates": 4, "instalments_paid": 3, "instalments_missed": 1, "broken": 1, "kept": 2},
    # 1 + 2 + 1 + 2 instalments paid, the plan paid in full kept
    {"expired": 0, "candidates": 4, "instalments_paid": 6, "kept": 1},
    {"expired": 0, "candidates": 0},  # the same day again
    # the first plan's second instalment missed (grace to 5 May): broken; the 3-instalment plan kept
    {"expired": 0, "candidates": 2, "instalments_missed": 1, "instalments_paid": 2, "broken": 1, "kept": 1},
    {"expired": 0, "candidates": 1},  # an instalment due on 31 May, still within its grace days
]


def plan(count: int, down: str = "0") -> Terms:
    return Terms(
        Kind.PLAN,
        instalments=count,
        frequency=Frequency.MONTHLY,
        first_due=dt.date(2026, 3, 31),
        down_payment=D(down),
    )


def portfolio_with_every_outcome() -> Tenant:
    t, cr, first = world()
    cases = [first] + [portfolio.case(t, cr, portfolio.debtor(t), amount="1000.00") for _ in range(7)]
    actor = system_actor(t)
    terms = [
        plan(4),  # one instalment paid, the second missed: broken on 6 May
        plan(2),  # paid in full: kept, the case paid
        Terms(Kind.PROMISE, amount=D("300.00"), due=dt.date(2026, 3, 10)),  # kept, 700.00 left: working
        Terms(Kind.PROMISE, amount=D("200.00"), due=dt.date(2026, 3, 5)),  # paid, then reversed: broken
        Terms(Kind.SETTLEMENT, discount_percent=D("10"), first_due=dt.date(2026, 3, 18)),  # written off
        Terms(Kind.SETTLEMENT, discount_percent=D("25"), first_due=dt.date(2026, 3, 20)),  # expires
        plan(3),  # three paid on time, then kept
        plan(4, down="100.00"),  # the down payment and two instalments paid: still running
    ]
    made = [
        arrangement_propose(tenant=t, actor=actor, case=c, terms=x) for c, x in zip(cases, terms, strict=True)
    ]
    pay(t, cases[0], "250.00", dt.date(2026, 3, 30))
    pay(t, cases[1], "1000.00", dt.date(2026, 4, 1))
    pay(t, cases[2], "300.00", dt.date(2026, 3, 9))
    reverse(t, pay(t, cases[3], "200.00", dt.date(2026, 3, 4))[0])
    pay(t, cases[4], str(made[4].total), dt.date(2026, 3, 17))
    pay(t, cases[6], "333.33", dt.date(2026, 3, 31))
    pay(t, cases[6], "666.67", dt.date(2026, 5, 1))
    pay(t, cases[7], "100.00", dt.date(2026, 3, 2))
    pay(t, cases[7], "450.00", dt.date(2026, 4, 4))
    return t


def _text(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(
        "" if v is None else json.dumps(v, sort_keys=True) if isinstance(v, dict) else str(v) for v in row
    )


def snapshot() -> dict[str, list[tuple[str, ...]]]:
    """Every row the check writes, without the ids and times a second run cannot repeat."""
    tables: dict[str, Any] = {
        "arrangements": Arrangement.objects.values_list(
            "id", "status", "ended_on", "end_reason", "paid_seen"
        ),
        "instalments": Instalment.objects.values_list("id", "status"),
        "cases": Case.objects.values_list("id", "status", "closed_on"),
        "timeline": TimelineEvent.objects.values_list("case_id", "kind", "summary", "data"),
        "ledger": LedgerEntry.objects.values_list(
            "case_id", "kind", "posted_on", "debit_account", "credit_account", "amount", "idempotency_key"
        ),
    }
    return {name: sorted(_text(r) for r in rows) for name, rows in tables.items()}


class _Rollback(Exception):
    pass


def run(t: Tenant) -> list[dict[str, int]]:
    return [arrangements_check(tenant=t, actor=system_actor(t), day=day) for day in DAYS]


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW, tick=False)
def test_generic_and_fast_paths_write_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    t = portfolio_with_every_outcome()
    monkeypatch.setattr(check_module, "CHUNK", 2)  # several chunks: on PostgreSQL two threads share them
    monkeypatch.setattr(check_module, "FAST_PATH", False)
    with pytest.raises(_Rollback), transaction.atomic():
        generic = run(t)
        generic_rows = snapshot()
        raise _Rollback
    monkeypatch.setattr(check_module, "FAST_PATH", True)
    threads: set[str] = set()
    judge = check_module._judge_chunk

    def spy(*args: Any) -> None:
        threads.add(threading.current_thread().name.split("_")[0])
        judge(*args)

    monkeypatch.setattr(check_module, "_judge_chunk", spy)
    default = run(t)
    # days of more than one chunk go to the two workers on PostgreSQL; a single chunk stays in the caller
    assert threads == (
        {"MainThread", "arrangements-check"} if connection.vendor == "postgresql" else {"MainThread"}
    )
    assert generic == EXPECTED
    assert default == EXPECTED
    rows = snapshot()
    assert rows == generic_rows
    statuses = sorted(Arrangement.objects.values_list("status", flat=True))
    assert statuses == ["active", "broken", "broken", "expired", "kept", "kept", "kept", "kept"]
    settled = Arrangement.objects.get(kind=Kind.SETTLEMENT, status="kept")
    assert [r[5] for r in rows["ledger"] if r[1] == "write_off"] == [str(D("1000.00") - settled.total)]
    assert arrangements_check(tenant=t, actor=system_actor(t), day=DAYS[-1]) == EXPECTED[-1]
    assert snapshot() == rows
