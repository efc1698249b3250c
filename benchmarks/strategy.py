"""Daily strategy run over a demo portfolio: time to plan AND record (step executions, communications, work
items, sending tasks enqueued), against a bare SQL scan of the same open cases in the same process.

    .venv/bin/python benchmarks/strategy.py [--cases 1000000] [--only sqlite|postgresql] [--keep]
    .venv/bin/python benchmarks/strategy.py --database-url postgres://postgres@127.0.0.1:5432/COPY \
        --database-url sqlite:////tmp/COPY.sqlite3

`--database-url` (repeatable) reuses a database already built by `benchmarks/demo.py` / `recupero demo`
(migrated, the demo agency, no run yet on RUN_DATE) instead of building one: the run WRITES to it, so give it a
copy (PostgreSQL: CREATE DATABASE … TEMPLATE …; SQLite: cp).

Builds the portfolio with `recupero demo --cases N` into a temporary SQLite file and the PostgreSQL database
recupero_bench_strategy (127.0.0.1:5432, user postgres), then measures in a fresh subprocess: the bare scan,
the dry run (plan only) and the real run, and a second run the same day (must execute 0). The LAST line is
one JSON object with the figures. Target: ≤ 60 s on PostgreSQL at 1,000,000 open cases.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "recupero_bench_strategy"
RUN_DATE = "2026-11-23"  # the demo's today is 2026-11-22 (a Sunday): the run of the next Monday


def pg_recreate(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def build(url: str, cases: int, var_dir: Path, tree: Path = ROOT) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RECUPERO_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=tree, env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", "demo", "--cases", str(cases), "--json", "--no-migrate"],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return {"build_seconds": round(time.perf_counter() - started, 1)}


MEASURE = r"""
import datetime as dt, json, os, sys, time
import django
django.setup()
from django.db import connection
from recupero.core.models import Tenant
from recupero.cases.domain.states import OPEN_STATUSES
from recupero.core.permissions import system_actor
from recupero.strategies.services import strategy_run
tenant = Tenant.objects.get(code="demo")
actor = system_actor(tenant)  # services refuse a missing actor
day = dt.date.fromisoformat(sys.argv[1])
statuses = sorted(s.value for s in OPEN_STATUSES)
marks = ", ".join(["%s"] * len(statuses))
# The floor: the same open cases, same columns and join, same keyset chunks, rows fetched and dropped.
started = time.perf_counter()
last, rows = 0, 0
with connection.cursor() as cur:
    while True:
        cur.execute("SELECT c.id, c.status, c.creditor_id, c.claim_type, c.debtor_id, d.size, d.vulnerable, c.balance,"
                    " c.first_due_on, c.opened_on FROM cases_case c JOIN parties_debtor d ON d.id = c.debtor_id"
                    f" WHERE c.tenant_id = %s AND c.id > %s AND c.status IN ({marks}) ORDER BY c.id LIMIT 5000",
                    [tenant.pk, last, *statuses])
        chunk = cur.fetchall()
        if not chunk:
            break
        rows += len(chunk)
        last = chunk[-1][0]
scan = time.perf_counter() - started
started = time.perf_counter()
dry = strategy_run(tenant=tenant, actor=actor, run_date=day, dry_run=True)
plan_only = time.perf_counter() - started
started = time.perf_counter()
report = strategy_run(tenant=tenant, actor=actor, run_date=day)
run = time.perf_counter() - started
started = time.perf_counter()
again = strategy_run(tenant=tenant, actor=actor, run_date=day)
second = time.perf_counter() - started
print(json.dumps({"open_cases": rows, "scan_seconds": round(scan, 2), "plan_only_seconds": round(plan_only, 2),
                  "run_seconds": round(run, 2), "second_run_seconds": round(second, 2),
                  "steps_executed": report.steps_executed, "second_run_steps": again.steps_executed,
                  "by_action": dict(report.by_action), "skipped": dict(report.skipped),
                  "dry_steps": dry.steps_executed}))
"""


def measure(url: str, var_dir: Path, tree: Path = ROOT) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RECUPERO_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    out = subprocess.run(
        [PYTHON, "-c", MEASURE, RUN_DATE], cwd=tree, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(vendor: str, result: dict) -> None:
    result["run_over_scan"] = round(result["run_seconds"] / max(result["scan_seconds"], 1e-9), 1)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(
        f"{vendor:<10} {result['open_cases']:,} open cases: run {result['run_seconds']} s "
        f"(plan only {result['plan_only_seconds']} s, second run {result['second_run_seconds']} s, "
        f"{result['steps_executed']:,} steps)   bare scan {result['scan_seconds']} s   "
        f"run/scan = {result['run_over_scan']}   load {result['load_average']}",
        flush=True,
    )


def _copy(vendor: str, source: str, label: str, var_dir: Path) -> str:
    """A fresh copy of a built demo database (the run writes to it)."""
    if vendor == "sqlite":
        target = var_dir / f"{label}.sqlite3"
        shutil.copy(source.removeprefix("sqlite:///"), target)
        return f"sqlite:///{target}"
    name = f"{PG_NAME}_{label}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {source.rsplit('/', 1)[-1]}")
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def compare(cases: int, vendors: list[str], baseline: Path) -> dict:
    """The demo load and the daily run with the baseline's code and this checkout's: each tree builds its own demo
    (the load is compared too), then runs on a fresh copy of it, old/new alternated twice; new/old ratios."""
    out: dict = {"benchmark": "strategy_run old vs new", "cases": cases, "baseline": str(baseline)}
    trees = {"old": baseline, "new": ROOT}
    for vendor in vendors:
        var_dir = Path(tempfile.mkdtemp(prefix="recupero-bench-strategy-"))
        built, runs = {}, {"old": [], "new": []}
        for label, tree in trees.items():
            if vendor == "sqlite":
                url = f"sqlite:///{var_dir / f'built-{label}.sqlite3'}"
            else:
                pg_recreate(f"{PG_NAME}_built_{label}")
                url = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}_built_{label}"
            built[label] = (url, build(url, cases, var_dir, tree)["build_seconds"])
            print(f"{vendor:<10} {label}: demo load {built[label][1]} s", file=sys.stderr, flush=True)
        for _ in range(2):
            for label, tree in trees.items():
                result = measure(_copy(vendor, built[label][0], label, var_dir), var_dir, tree)
                runs[label].append(result)
                print(f"{vendor:<10} {label}: run {result['run_seconds']} s", file=sys.stderr, flush=True)
        assert [r["steps_executed"] for r in runs["old"]] == [r["steps_executed"] for r in runs["new"]]
        mean = {k: sum(r["run_seconds"] for r in v) / len(v) for k, v in runs.items()}
        out[vendor] = {
            "open_cases": runs["new"][0]["open_cases"],
            "steps": runs["new"][0]["steps_executed"],
            "run_seconds": {k: [r["run_seconds"] for r in v] for k, v in runs.items()},
            "run_ratio_new_old": round(mean["new"] / mean["old"], 3),
            "load_seconds": {k: v[1] for k, v in built.items()},
            "load_ratio_new_old": round(built["new"][1] / built["old"][1], 3),
        }
        print(
            f"{vendor:<10} new/old: run {out[vendor]['run_ratio_new_old']}, demo load "
            f"{out[vendor]['load_ratio_new_old']}",
            file=sys.stderr,
            flush=True,
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--database-url",
        action="append",
        default=[],
        help="measure this existing demo database instead of building one (repeatable; it is written to)",
    )
    parser.add_argument("--baseline", type=Path, help="a checkout of the code before: old vs new, alternated")
    args = parser.parse_args()
    if args.baseline:
        vendors = [args.only] if args.only else ["sqlite", "postgresql"]
        print(json.dumps(compare(args.cases, vendors, args.baseline)))
        return 0
    figures: dict[str, object] = {"benchmark": "strategy_run", "cases": args.cases, "run_date": RUN_DATE}
    if args.database_url:
        figures.pop("cases")
        for url in args.database_url:
            vendor = "sqlite" if url.startswith("sqlite") else "postgresql"
            var_dir = Path(tempfile.mkdtemp(prefix="recupero-bench-strategy-"))
            result = measure(url, var_dir)
            report(vendor, result)
            figures[vendor if vendor not in figures else f"{vendor}:{url.rsplit('/', 1)[-1]}"] = result
        print(json.dumps(figures))
        return 0
    for vendor in ("sqlite", "postgresql"):
        if args.only and args.only != vendor:
            continue
        var_dir = Path(tempfile.mkdtemp(prefix="recupero-bench-strategy-"))
        if vendor == "sqlite":
            url = f"sqlite:///{var_dir / 'bench.sqlite3'}"
        else:
            pg_recreate(PG_NAME)
            url = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
        result = {**build(url, args.cases, var_dir), **measure(url, var_dir)}
        report(vendor, result)
        figures[vendor] = result
        if not args.keep and vendor == "postgresql":
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
