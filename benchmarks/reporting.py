"""The nightly snapshot and the dashboards over the demo agency (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/recupero_reporting_bench .venv/bin/python benchmarks/reporting.py \
        [--cases 1000000] [--repeat 20]

Loads the demo agency with --cases cases (reused when already there), then times in the same run:
the bare aggregate over the ledger (`SUM(amount) GROUP BY case_id` of the tenant: the baseline), the whole
`snapshot_build` (three INSERT … SELECT), and the p95 of the creditor portal's home (`portal_home` as the demo's
utility client) and of the agency reports (`agency_reports` as the supervisor), each after the snapshot.
The issue's targets at 1M cases: snapshot ≤ 60 s, each page p95 ≤ 100 ms. The LAST line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/recupero_reporting_bench")


def setup(cases: int):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from recupero.cases.models import Case
    from recupero.core.models import Tenant
    from recupero.demo.loader import demo_load

    call_command("migrate", verbosity=0)
    tenant = Tenant.objects.filter(code="demo").first()
    if tenant is None or Case.objects.filter(tenant=tenant).count() != cases:
        started = time.perf_counter()
        demo_load(cases=cases, seed=1, reset=True)
        print(f"demo loaded: {cases} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        tenant = Tenant.objects.get(code="demo")
    return tenant


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    from recupero.core.clock import today
    from recupero.core.models import User
    from recupero.core.permissions import system_actor
    from recupero.reporting.services import snapshot_build
    from recupero.web.backoffice.reports import agency_reports
    from recupero.web.portal.pages import portal_home

    tenant = setup(args.cases)
    day = today() - dt.timedelta(days=1)

    def bare() -> None:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT COUNT(*), SUM(s) FROM (SELECT case_id, SUM(amount) AS s FROM ledger_ledgerentry"
                " WHERE tenant_id = %s GROUP BY case_id) t",
                [tenant.pk],
            )
            cur.fetchall()

    baseline = timed(bare)
    snapshot = timed(lambda: snapshot_build(tenant=tenant, actor=system_actor(tenant), day=day))
    client = User.objects.get(tenant=tenant, username="client-utility")
    supervisor = User.objects.filter(tenant=tenant, role="supervisor").first() or User.objects.get(
        tenant=tenant, role="admin"
    )
    portal = [timed(lambda: portal_home(tenant=tenant, actor=client)) for _ in range(args.repeat)]
    reports = [timed(lambda: agency_reports(tenant=tenant, actor=supervisor)) for _ in range(args.repeat)]
    result = {
        "cases": args.cases,
        "database": connection.vendor,
        "bare_ledger_aggregate_s": round(baseline, 3),
        "snapshot_build_s": round(snapshot, 3),
        "snapshot_vs_bare": round(snapshot / baseline, 2) if baseline else None,
        "portal_home_p95_ms": round(p95(portal) * 1000, 1),
        "portal_home_median_ms": round(statistics.median(portal) * 1000, 1),
        "agency_reports_p95_ms": round(p95(reports) * 1000, 1),
        "agency_reports_median_ms": round(statistics.median(reports) * 1000, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
