"""The creditor portal's new figures at 1M cases on PostgreSQL: the promises/plans aggregate with its kept rate
(`reporting.arrangements_figures`) and the whole portal home, against a bare count of the same arrangements by
status in the same run.

    .venv/bin/python benchmarks/portal.py --template recupero_bench [--arrangements-every 5] [--repeat 20]
        [--keep] [--reuse] [--home]

Copies the demo database (CREATE DATABASE recupero_bench_portal TEMPLATE …; never touches the template), migrates
it, then with SQL one arrangement on every fifth case (200,000 at 1M): 60 % active, 15 % kept, 15 % broken, 10 %
pending approval, promises and plans alternately. Then, in a fresh process, p95 over --repeat calls of:
- baseline: `SELECT status, count(*) … GROUP BY status` over the tenant's arrangements (no scope, no sums);
- `arrangement_figures` for a creditor user (by kind: its creditor's cases only) and for a supervisor (all);
- with --home, `portal_home` for the creditor user (the page's data: snapshot + today, curves, phases,
  arrangements, approvals). Off by default: the copy has no snapshot, so the page aggregates the whole ledger
  (seconds per call at 1M); the page's p95 with a snapshot is the reporting benchmark's figure.
The LAST line is one JSON object. Target (issue 14): the portal home p95 ≤ 100 ms at 1M.
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
PG_NAME = "recupero_bench_portal"
URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"

SEED = """
SELECT setseed(0.14);
INSERT INTO arrangements_arrangement (tenant_id, case_id, creditor_id, kind, status, amount_due, total, down_payment,
    discount_percent, interest_treatment, frequency, channel, breaches, decision_reason, started_on, end_reason,
    grace_days, missed_to_break, paid_seen, note, created_at, ended_on)
SELECT t.tenant_id, t.id, t.creditor_id, CASE WHEN t.id %% 2 = 0 THEN 'plan' ELSE 'promise' END, t.status, 300.00, 300.00, 0, 0,
    'frozen', CASE WHEN t.id %% 2 = 0 THEN 'monthly' ELSE '' END, 'phone', '[]', '', DATE '2026-06-01', '', 5, 1,
    CASE WHEN t.status = 'kept' THEN 300.00 WHEN t.status = 'active' THEN 100.00 ELSE 0 END, '', now(),
    CASE WHEN t.status IN ('kept', 'broken') THEN DATE '2026-10-01' END
FROM (SELECT c.tenant_id, c.id, c.creditor_id, CASE WHEN r < 0.60 THEN 'active' WHEN r < 0.75 THEN 'kept'
             WHEN r < 0.90 THEN 'broken' ELSE 'pending_approval' END AS status
      FROM (SELECT tenant_id, id, creditor_id, random() AS r FROM cases_case WHERE id %% %(every)s = 0) c) t;
VACUUM ANALYZE arrangements_arrangement;
ANALYZE;
"""

MEASURE = r"""
import json, sys, time
import django
django.setup()
from django.db import connection
from recupero.core.models import Tenant, User
from recupero.core.domain.roles import Role
from recupero.core.permissions import system_actor
from recupero.reporting.arrangements_figures import arrangement_figures
from recupero.web.portal.pages import portal_home
repeat = int(sys.argv[1])
tenant = Tenant.objects.get(code="demo")
creditor_user = User.objects.get(username="client-utility")
supervisor = User.objects.filter(tenant=tenant, role=Role.SUPERVISOR.value).first() or system_actor(tenant)

def p95(fn):
    fn()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return round(samples[max(0, int(len(samples) * 0.95) - 1)], 1)

def bare():
    with connection.cursor() as cur:
        cur.execute("SELECT status, count(*) FROM arrangements_arrangement WHERE tenant_id = %s GROUP BY status",
                    [tenant.pk])
        cur.fetchall()

out = {}
with connection.cursor() as cur:
    cur.execute("SELECT count(*) FROM cases_case")
    out["cases"] = cur.fetchone()[0]
    cur.execute("SELECT count(*) FROM arrangements_arrangement")
    out["arrangements"] = cur.fetchone()[0]
out["baseline_bare_count_ms"] = p95(bare)
out["figures_creditor_user_ms"] = p95(lambda: arrangement_figures(tenant=tenant, actor=creditor_user, by="kind"))
out["figures_supervisor_ms"] = p95(lambda: arrangement_figures(tenant=tenant, actor=supervisor, by="taken_by_id"))
if sys.argv[2] == "home":  # the whole page's data: minutes at 1M without a snapshot (the reports' figure)
    out["portal_home_ms"] = p95(lambda: portal_home(tenant=tenant, actor=creditor_user))
f = arrangement_figures(tenant=tenant, actor=creditor_user)
out["creditor_kept_rate"] = str(f[None].kept_rate) if None in f else None
out["ratio_figures_to_baseline"] = round(
    out["figures_creditor_user_ms"] / max(out["baseline_bare_count_ms"], 0.1), 2
)
print(json.dumps(out))
"""


def build(template: str, every: int) -> float:
    started = time.perf_counter()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        for attempt in range(30):  # the template must have no other session: retry for a minute
            try:
                conn.execute(f"CREATE DATABASE {PG_NAME} TEMPLATE {template}")
                break
            except psycopg.errors.ObjectInUse:
                print(f"template busy, retry {attempt + 1}", flush=True)
                time.sleep(2)
        else:
            raise SystemExit("the template database stayed busy")
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    with psycopg.connect(URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DELETE FROM arrangements_instalment")
        conn.execute("DELETE FROM arrangements_acceptance")
        conn.execute("DELETE FROM arrangements_arrangement")
        for statement in SEED.split(";"):
            if statement.strip():
                conn.execute(statement, {"every": every})
    return round(time.perf_counter() - started, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--template", required=True, help="a built demo database (e.g. recupero_bench)")
    parser.add_argument("--arrangements-every", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the copy")
    parser.add_argument("--reuse", action="store_true", help="measure the copy a previous --keep left")
    parser.add_argument(
        "--home", action="store_true", help="also the whole portal home (slow without snapshot)"
    )
    args = parser.parse_args()
    build_seconds = 0.0
    if not args.reuse:
        print(f"copying {args.template} to {PG_NAME}, migrating, seeding arrangements …", flush=True)
        build_seconds = build(args.template, args.arrangements_every)
    print(f"built in {build_seconds} s; measuring …", flush=True)
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    done = subprocess.run(
        [PYTHON, "-c", MEASURE, str(args.repeat), "home" if args.home else "-"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["build_seconds"] = build_seconds
    result["load_average"] = os.getloadavg()[0]
    if not args.keep:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    print(json.dumps({"benchmark": "portal", **result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
