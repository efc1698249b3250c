"""The daily check of promises and plans (`arrangements_check`) over a demo portfolio on PostgreSQL, against a
bare scan of the same rows in the same process.

    .venv/bin/python benchmarks/arrangements.py [--cases 1000000] [--keep] [--reuse] [--template DB] [--name DB]

Builds the database recupero_bench_arrangements (or --name) (127.0.0.1:5432, user postgres): migrate, `recupero demo
--cases N`, then with SQL one ACTIVE plan on every fifth case (N/5 arrangements), six monthly instalments of
50.00 from 30 days after a start spread at random over the last 150 days; 95 % of them (channel "phone") paid
the instalments due by RUN_DATE in one payment and those of the next ten days three days after RUN_DATE; the
other 5 % (channel "visit") paid nothing: they break. With --template DB (an existing demo database such as
recupero_bench, built by benchmarks/case_search.py, nobody connected) the demo is copied with CREATE DATABASE
... TEMPLATE and migrated instead of loaded again (minutes saved at 1M); the seed is the same. Then measures, in a fresh process:
- the bare scan: the active arrangements with their instalments and the case's payment entries, fetched and
  dropped (the rows the check must at least read);
- run 1 on RUN_DATE: the catch-up (every arrangement with an instalment due is judged, instalments marked);
- run 2 the same day: must change nothing (idempotent) — the cost of a quiet day;
- run 3 a week later: the instalments that fell due in the week (paid, or missed and broken);
- run 4 the day after: one ordinary day.
The LAST line is one JSON object. Target (issue 12): ≤ 20 s at 1,000,000 cases / 200,000 arrangements.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "recupero_bench_arrangements"
URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"


def use(name: str) -> None:
    global PG_NAME, URL
    PG_NAME, URL = name, f"postgres://postgres@127.0.0.1:5432/{name}"


RUN_DATE = "2026-11-23"

SEED = """
SELECT setseed(0.42);
INSERT INTO arrangements_arrangement (tenant_id, case_id, creditor_id, kind, status, amount_due, total, down_payment,
    discount_percent, interest_treatment, frequency, channel, breaches, decision_reason, started_on, end_reason,
    grace_days, missed_to_break, paid_seen, note, created_at)
SELECT c.tenant_id, c.id, c.creditor_id, 'plan', 'active', 300.00, 300.00, 0, 0, 'frozen', 'monthly',
    CASE WHEN random() < 0.05 THEN 'visit' ELSE 'phone' END, '[]', '',
    %(day)s::date - 1 - floor(random() * 150)::int, '', 5, 1, 0, '', now()
FROM cases_case c WHERE c.id %% 5 = 0;
INSERT INTO arrangements_instalment (tenant_id, arrangement_id, number, due_on, amount, interest, status)
SELECT a.tenant_id, a.id, k, a.started_on + 30 * k, 50.00, 0, 'pending'
FROM arrangements_arrangement a CROSS JOIN generate_series(1, 6) AS k;
INSERT INTO ledger_ledgerentry (tenant_id, case_id, "group", kind, posted_on, debit_account, credit_account,
    amount, description, created_at)
SELECT a.tenant_id, a.case_id, gen_random_uuid(), 'payment', a.started_on + 1, 'payments_received', 'principal',
    50.00 * ((%(day)s::date - a.started_on) / 30), 'rate scadute', now()
FROM arrangements_arrangement a
WHERE a.channel = 'phone' AND (%(day)s::date - a.started_on) >= 30;
INSERT INTO ledger_ledgerentry (tenant_id, case_id, "group", kind, posted_on, debit_account, credit_account,
    amount, description, created_at)
SELECT a.tenant_id, a.case_id, gen_random_uuid(), 'payment', %(day)s::date + 3, 'payments_received', 'principal',
    50.00 * ((%(day)s::date + 10 - a.started_on) / 30 - (%(day)s::date - a.started_on) / 30), 'rata', now()
FROM arrangements_arrangement a
WHERE a.channel = 'phone' AND (%(day)s::date + 10 - a.started_on) / 30 > (%(day)s::date - a.started_on) / 30;
ANALYZE;
"""

MEASURE = r"""
import datetime as dt, json, sys, time
import django
django.setup()
from django.db import connection
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.arrangements.services import arrangements_check
tenant = Tenant.objects.get(code="demo")
actor = system_actor(tenant)
day = dt.date.fromisoformat(sys.argv[1])
started = time.perf_counter()
rows = 0
with connection.cursor() as cur:
    for sql in (
        "SELECT a.id, a.case_id, a.started_on, a.paid_seen FROM arrangements_arrangement a"
        " WHERE a.tenant_id = %s AND a.status = 'active'",
        "SELECT i.id, i.arrangement_id, i.due_on, i.amount, i.status FROM arrangements_instalment i"
        " JOIN arrangements_arrangement a ON a.id = i.arrangement_id WHERE a.tenant_id = %s AND a.status = 'active'",
        "SELECT e.case_id, e.posted_on, e.amount FROM ledger_ledgerentry e JOIN arrangements_arrangement a"
        " ON a.case_id = e.case_id WHERE a.tenant_id = %s AND a.status = 'active' AND e.kind = 'payment'"
        " AND e.debit_account = 'payments_received' AND e.posted_on >= a.started_on",
    ):
        cur.execute(sql, [tenant.pk])
        while chunk := cur.fetchmany(20000):
            rows += len(chunk)
scan = time.perf_counter() - started
out = {"scan_rows": rows, "scan_seconds": round(scan, 2)}
with connection.cursor() as cur:
    cur.execute("SELECT count(*) FROM arrangements_arrangement WHERE status = 'active'")
    out["active_arrangements"] = cur.fetchone()[0]
    cur.execute("SELECT count(*) FROM cases_case")
    out["cases"] = cur.fetchone()[0]
for name, on in (("run1", day), ("run2_same_day", day), ("run3_week_later", day + dt.timedelta(days=7)),
                 ("run4_next_day", day + dt.timedelta(days=8))):
    started, cpu = time.perf_counter(), time.process_time()
    counts = arrangements_check(tenant=tenant, actor=actor, day=on)
    out[name] = {"seconds": round(time.perf_counter() - started, 2),
                 "python_cpu_seconds": round(time.process_time() - cpu, 2), **counts}
print(json.dumps(out))
"""


def build(cases: int, template: str = "") -> dict[str, float]:
    started = time.perf_counter()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_NAME}" + (f" TEMPLATE {template}" if template else ""))
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if not template:
        started = time.perf_counter()
        subprocess.run(
            [PYTHON, "manage.py", "demo", "--cases", str(cases), "--json", "--no-migrate"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    demo = time.perf_counter() - started
    started = time.perf_counter()
    with psycopg.connect(URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        for statement in SEED.split(";"):
            if statement.strip():
                conn.execute(statement, {"day": RUN_DATE})
    return {"demo_seconds": round(demo, 1), "seed_seconds": round(time.perf_counter() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database already built (it is written)"
    )
    parser.add_argument("--template", default="", help="copy this demo database instead of loading the demo")
    parser.add_argument("--name", default=PG_NAME, help="the database to build and measure")
    args = parser.parse_args()
    use(args.name)
    figures: dict[str, object] = {"benchmark": "arrangements_check", "run_date": RUN_DATE}
    if args.template:
        figures["template"] = args.template
    if not args.reuse:
        figures["build"] = build(args.cases, args.template)
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    out = subprocess.run(
        [PYTHON, "-c", MEASURE, RUN_DATE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for run in ("run1", "run2_same_day", "run3_week_later", "run4_next_day"):
        result[run]["over_scan"] = round(result[run]["seconds"] / max(result["scan_seconds"], 1e-9), 1)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    figures.update(result)
    print(
        f"postgresql {result['cases']:,} cases, {result['active_arrangements']:,} active arrangements: "
        f"scan {result['scan_seconds']} s; run1 {result['run1']['seconds']} s; same day again "
        f"{result['run2_same_day']['seconds']} s; a week later {result['run3_week_later']['seconds']} s; "
        f"the day after {result['run4_next_day']['seconds']} s",
        flush=True,
    )
    if not args.keep:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
