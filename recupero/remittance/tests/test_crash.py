"""kill -9 during `remittance issue` (a real process on a real database file): a consistent state, and the rerun
completes without a duplicate. Killed inside the transaction: nothing was written. Killed after the commit,
before the files: the rerun writes them and adds no line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RECUPERO = [sys.executable, "-c", "from recupero.cli import main; raise SystemExit(main())"]

SETUP = """
import datetime as dt, django
django.setup()
from recupero.core.models import Tenant
from recupero.remittance.tests.world import pay, ready
from tests.factories import TAX_CODES, make_case, make_creditor, make_debtor
tenant = Tenant.objects.create(code="crash", name="Agenzia Crash")
creditor = make_creditor(tenant, "CRASH")
ready(tenant, creditor)
for i in range(3):
    case = make_case(tenant, creditor, make_debtor(tenant, TAX_CODES[i]), amounts=("900.00",))
    pay(case, dt.date(2026, 3, 5 + i), "100.00", "10.00")
"""

COUNTS = """
import django, json
django.setup()
from recupero.remittance.models import Remittance, RemittanceLine
print(json.dumps({"remittances": list(Remittance.objects.values_list("number", "status")),
                  "lines": RemittanceLine.objects.count(),
                  "keys": RemittanceLine.objects.values("key").distinct().count()}))
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    var = tmp_path_factory.mktemp("crash")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        RECUPERO_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var}/db.sqlite3",
        DJANGO_SETTINGS_MODULE="config.settings.test",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run([*RECUPERO, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    return env


def _python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    return done.stdout


def _issue(env: dict[str, str], pause: str = "") -> subprocess.CompletedProcess[str] | None:
    args = [
        *RECUPERO,
        "remittance",
        "build",
        "--creditor",
        "CRASH",
        "--until",
        "2026-03-31",
        "--issue",
        "--json",
    ]
    if not pause:
        return subprocess.run(
            args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
        )
    proc = subprocess.Popen(args, env={**env, "RECUPERO_CRASH_PAUSE": pause}, cwd=ROOT, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:  # wait until it stands exactly at the crash point
        if line.strip() == f"pause:{pause}":
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return None


@pytest.mark.parametrize(
    ("pause", "after_kill"),
    [
        ("lines", {"remittances": [], "lines": 0, "keys": 0}),  # rolled back with the process
        ("files", {"remittances": [["2026/0001", "issued"]], "lines": 3, "keys": 3}),  # locked, files pending
    ],
)
def test_kill_during_issue_then_rerun(env, tmp_path, pause, after_kill):
    db = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    fresh = tmp_path / "db.sqlite3"
    fresh.write_bytes(db.read_bytes())  # a migrated, empty database per case
    env = {**env, "DATABASE_URL": f"sqlite:///{fresh}"}
    _python(SETUP, env)
    _issue(env, pause)
    state = json.loads(_python(COUNTS, env))
    year = state["remittances"][0][0][:4] if state["remittances"] else "2026"
    expected = json.loads(json.dumps(after_kill).replace("2026/", f"{year}/"))
    assert state == expected
    rerun = _issue(env)
    assert rerun is not None
    result = json.loads(rerun.stdout)
    assert (result["payments"], result["collected"], result["commission"], result["vat"], result["net"]) == (
        3, "330.00", "49.50", "10.89", "269.61",
    )  # fmt: skip
    assert len(result["files"]) == 4 and all(Path(f).exists() for f in result["files"])
    final = json.loads(_python(COUNTS, env))
    assert final == {"remittances": [[result["number"], "ready"]], "lines": 3, "keys": 3}
    again = json.loads(_issue(env).stdout)  # a third run finds nothing to remit
    assert again["issued"] is False and json.loads(_python(COUNTS, env)) == final
