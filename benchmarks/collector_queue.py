"""One collector's queue page (/code/mia/) at N cases, against the same page with an empty queue in the same run.

    .venv/bin/python benchmarks/collector_queue.py [--cases 100000] [--database-url URL] [--requests 200]
                                                   [--share 0.02] [--keep] [--template DB]

Builds a fresh database with the demo loader (`recupero demo --cases N`; default PostgreSQL database
recupero_bench_desk on 127.0.0.1:5432), gives every open case an open call item due today (the daily run's shape,
written by `work_items_create`) and assigns `share` of them (spread over the portfolio) to one collector, half of
the rest to a team the collector is not in. Then a worker subprocess logs in as that collector with
django.test.Client and requests the page `--requests` times, and the same page as a collector with nothing
assigned (the floor: layout, session, navigation, the empty scoped query). Prints p50/p95 of both, the ratio, the
EXPLAIN of the queue's query, and as the LAST line one JSON object. With --template DB (an existing demo database
such as recupero_bench built by benchmarks/case_search.py, nobody connected) the database is a CREATE DATABASE
... TEMPLATE copy of it, migrated, instead of a fresh demo load (minutes saved at 1M; --cases is then only a label). Target (issue 12): p95 <= 150 ms at 1M cases.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import demo as demo_bench  # noqa: E402  (benchmarks/demo.py: database creation and the demo loader)

TARGET_P95_MS = 150.0
PG_NAME = "recupero_bench_desk"


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# ---- worker: runs inside Django with the chosen database --------------------------------------------------
def prepare(share: float) -> dict:
    import django

    django.setup()
    from django.db import transaction

    from recupero.cases.domain.states import OPEN_STATUSES
    from recupero.cases.models import Case
    from recupero.core.clock import today
    from recupero.core.domain.roles import Role
    from recupero.core.models import Tenant, User
    from recupero.core.permissions import system_actor
    from recupero.worklists.models import Team, WorkItem
    from recupero.worklists.services import WorkItemSpec, work_items_create

    tenant = Tenant.objects.get(code="demo")
    day = today()
    ids = list(
        Case.objects.filter(tenant=tenant, status__in=[s.value for s in OPEN_STATUSES])
        .order_by("id")
        .values_list("id", flat=True)
    )
    started = time.perf_counter()
    for start in range(0, len(ids), 20_000):
        chunk = ids[start : start + 20_000]
        with transaction.atomic():
            work_items_create(
                tenant=tenant,
                actor=system_actor(tenant),
                specs=[WorkItemSpec(pk, "call", "bench", "", day, None, f"bench:{pk}") for pk in chunk],
            )
    users = {}
    for name in ("bench_collector", "bench_idle"):
        user, _ = User.objects.get_or_create(
            username=name, defaults={"tenant": tenant, "role": Role.COLLECTOR.value, "is_active": True}
        )
        users[name] = user
    team, _ = Team.objects.get_or_create(tenant=tenant, name="bench-altro")
    step = max(1, round(1 / share))
    items = WorkItem.objects.filter(tenant=tenant, idempotency_key__startswith="bench:")
    mine = [pk for i, pk in enumerate(ids) if i % step == 0]
    theirs = [pk for i, pk in enumerate(ids) if i % step == 1]
    for start in range(0, len(mine), 20_000):
        items.filter(case_id__in=mine[start : start + 20_000]).update(assigned_to=users["bench_collector"])
    for start in range(0, len(theirs), 20_000):
        items.filter(case_id__in=theirs[start : start + 20_000]).update(team=team)
    from django.db import connection

    with connection.cursor() as cur:  # what autovacuum does after a day's writes: fresh planner statistics
        cur.execute("ANALYZE worklists_workitem")
    return {
        "open_cases": len(ids),
        "items": len(ids),
        "assigned_to_collector": len(mine),
        "prepare_seconds": round(time.perf_counter() - started, 1),
    }


def worker(requests: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from recupero.core.models import User

    url = reverse("backoffice:my_queue")
    timings: dict[str, list[float]] = {}
    sql = ""
    for name in ("bench_idle", "bench_collector"):
        client = Client()
        client.force_login(User.objects.get(username=name))
        client.get(url)  # warm: session, templates, caches
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        timings[name] = times
        if name == "bench_collector":
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            sql = max(
                (q["sql"] for q in ctx.captured_queries),
                key=lambda s: ("worklists_workitem" in s and "LIMIT" in s, len(s)),
            )
    explain = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("EXPLAIN ANALYZE " + sql)
            explain = "\n".join(r[0] for r in cur.fetchall())
    full, empty = timings["bench_collector"], timings["bench_idle"]
    return {
        "vendor": connection.vendor,
        "p50_ms": round(p(full, 0.5), 1),
        "p95_ms": round(p(full, 0.95), 1),
        "empty_p50_ms": round(p(empty, 0.5), 1),
        "empty_p95_ms": round(p(empty, 0.95), 1),
        "ratio_p95": round(p(full, 0.95) / p(empty, 0.95), 2),
        "explain": explain,
    }


def _run(mode: str, url: str, var_dir: Path, arg: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RECUPERO_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    out = subprocess.run(
        [sys.executable, __file__, f"--{mode}", arg],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def copy_template(template: str, url: str, var_dir: Path) -> dict:
    import psycopg

    with psycopg.connect(demo_bench.PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_NAME} TEMPLATE {template}")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RECUPERO_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return {"wall_seconds": round(time.perf_counter() - started, 1), "template": template}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--share", type=float, default=0.02)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--template", default="", help="copy this demo database instead of loading the demo")
    parser.add_argument("--prepare", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        print(json.dumps(prepare(args.prepare)))
        return 0
    if args.worker is not None:
        print(json.dumps(worker(args.worker)))
        return 0
    url = args.database_url or f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    var_dir = Path(tempfile.mkdtemp(prefix="recupero-desk-bench-"))
    started = time.perf_counter()
    if args.template:
        loaded = copy_template(args.template, url, var_dir)
    else:
        if not args.database_url:
            demo_bench.pg_recreate(PG_NAME)
        loaded = demo_bench.run_demo(url, args.cases, var_dir)
    prepared = _run("prepare", url, var_dir, str(args.share))
    measured = _run("worker", url, var_dir, str(args.requests))
    print(measured.pop("explain"))
    result = {
        "cases": args.cases,
        "load_seconds": loaded.get("wall_seconds"),
        **prepared,
        **measured,
        "target_p95_ms": TARGET_P95_MS,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    print(
        f"{result['vendor']}: queue of {prepared['assigned_to_collector']} items among {prepared['items']}: "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms; empty queue p95 {result['empty_p95_ms']} ms; "
        f"ratio {result['ratio_p95']}"
    )
    if not args.keep and (args.template or not args.database_url):
        demo_bench.pg_drop(PG_NAME)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
