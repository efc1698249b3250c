"""kill -9 during a statement import (a real process on a real SQLite file, and on a PostgreSQL database of its own
where a helper process reconciles beside it): what was committed is whole — every posted line has exactly one
payment and its ledger group, nothing half-posted — the helper dies with the import, and the rerun of the same
file completes the rest without posting anything twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASES = 120

SETUP = f"""
import django; django.setup()
from decimal import Decimal
import datetime as dt
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.payments.services import collection_account_register
from recupero.payments.domain.camt_write import camt053
from recupero.payments.domain.statements import EntryData
from tests.factories import make_case, make_creditor, make_debtor
t = Tenant.objects.create(code="kill", name="Agenzia kill")
collection_account_register(tenant=t, actor=system_actor(t), iban="IT60X0542811101000000123456")
creditor = make_creditor(t, "UTIL")
debtor = make_debtor(t)
day = dt.date(2025, 2, 10)
lines = []
for i in range({CASES}):
    case = make_case(t, creditor, debtor, amounts=("50.00",))
    lines.append(EntryData(f"K{{i}}", Decimal("50.00"), True, day, day, f"pratica {{case.code}}"))
open(__import__("sys").argv[1], "wb").write(camt053(iban="IT60X0542811101000000123456", entries=lines))
"""

CHECK = """
import django, json; django.setup()
from collections import Counter
from recupero.ledger.models import LedgerEntry
from recupero.payments.models import Payment, StatementEntry
entries = Counter(StatementEntry.objects.values_list("status", flat=True))
per_entry = Counter(Payment.objects.values_list("entry_id", flat=True))
posted = set(StatementEntry.objects.filter(status="posted").values_list("pk", flat=True))
whole = all(
    sum(e.amount for e in LedgerEntry.objects.filter(group=p.ledger_group)) + p.overpayment == p.amount
    for p in Payment.objects.all()
)
print(json.dumps({
    "entries": dict(entries), "payments": Payment.objects.count(), "max_per_entry": max(per_entry.values(), default=0),
    "paid_entries_posted": set(per_entry) == posted, "groups_whole": whole,
    "orphan_groups": LedgerEntry.objects.filter(kind="payment").exclude(
        group__in=Payment.objects.values("ledger_group")).count(),
}))
"""


def _env(var: Path) -> dict[str, str]:
    env = {**os.environ, "RECUPERO_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "config.settings.base",
           "RECUPERO_PAYMENTS_CHUNK": "10", "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("DATABASE_URL", None)  # the file of this test, whatever the suite runs on
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def _posted_sqlite(path: Path) -> Callable[[], int]:
    db = sqlite3.connect(path, timeout=30)

    def count() -> int:
        try:
            return int(
                db.execute("SELECT count(*) FROM payments_statemententry WHERE status='posted'").fetchone()[0]
            )
        except sqlite3.OperationalError:
            return 0

    return count


def _posted_pg(url: str) -> Callable[[], int]:
    import psycopg

    db = psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True)

    def count() -> int:
        return int(
            db.execute("SELECT count(*) FROM payments_statemententry WHERE status='posted'").fetchone()[0]
        )

    return count


def _helpers_of(pid: int) -> list[str]:
    """The command lines of the reconciliation helpers the import `pid` started (Linux /proc)."""
    out = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "recupero.payments.helper" in cmdline and f"--parent {pid} " in cmdline:
            out.append(cmdline)
    return out


def test_kill_during_statement_import_then_rerun(tmp_path):
    _kill_then_rerun(tmp_path, _env(tmp_path), lambda: _posted_sqlite(tmp_path / "recupero.sqlite3"))


@pytest.fixture
def own_pg_database(django_db_setup):  # a database test: CI runs it in its PostgreSQL pass
    """A PostgreSQL database of the test's own (the import and its helper commit for real), dropped after."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the helper processes run on PostgreSQL only")
    name = f"recupero_kill_{os.getpid()}"
    admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_kill_during_statement_import_with_a_helper_then_rerun(tmp_path, own_pg_database):
    env = {**_env(tmp_path), "DATABASE_URL": own_pg_database, "RECUPERO_PAYMENTS_WORKERS": "2"}
    helpers = _kill_then_rerun(tmp_path, env, lambda: _posted_pg(own_pg_database))
    assert helpers, "no helper process was reconciling when the import was killed"


def _kill_then_rerun(
    tmp_path: Path, env: dict[str, str], posted_counter: Callable[[], Callable[[], int]]
) -> list[str]:
    assert _run(env, "-m", "recupero.cli", "migrate", "--no-input").returncode == 0
    statement = tmp_path / "statement.xml"
    setup = _run(env, "-c", SETUP, str(statement))
    assert setup.returncode == 0, setup.stderr[-2000:]
    cmd = [sys.executable, "-m", "recupero.cli", "payments", "import", str(statement), "--json"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    posted = posted_counter()
    deadline = time.monotonic() + 300
    helpers: list[str] = []
    while time.monotonic() < deadline and proc.poll() is None:
        if posted() >= 15:  # at least one chunk committed, the next ones under way
            helpers = _helpers_of(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    assert proc.wait(timeout=60) == -signal.SIGKILL, "the import ended before it could be killed"
    deadline = time.monotonic() + 3
    while _helpers_of(proc.pid) and time.monotonic() < deadline:  # the kernel kills them with their parent
        time.sleep(0.05)
    assert _helpers_of(proc.pid) == []
    after_kill = json.loads(_run(env, "-c", CHECK).stdout)
    assert after_kill["entries"].get("new", 0) > 0  # stopped half-way
    assert (
        after_kill["max_per_entry"] == 1 and after_kill["paid_entries_posted"] and after_kill["groups_whole"]
    )
    assert after_kill["orphan_groups"] == 0
    rerun = _run(env, *cmd[1:])
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    figures = json.loads(rerun.stdout)
    assert (figures["entries"], figures["duplicates"]) == (CASES, CASES)
    assert figures["matched"] == after_kill["entries"]["new"]
    final = json.loads(_run(env, "-c", CHECK).stdout)
    assert final["entries"] == {"posted": CASES}
    assert (final["payments"], final["max_per_entry"], final["orphan_groups"]) == (CASES, 1, 0)
    assert final["paid_entries_posted"] and final["groups_whole"]
    return helpers
