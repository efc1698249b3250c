"""The nightly snapshot and the dashboards over the demo agency (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/recupero_reporting_bench .venv/bin/python benchmarks/reporting.py \
        [--cases 1000000] [--repeat 20] [--template recupero_bench]

With --template DB the database of DATABASE_URL is dropped and copied from DB (an existing 1M demo) first.

Loads the demo agency with --cases cases (reused when already there), then times in the same run:
the bare aggregate over the ledger (`SUM(amount) GROUP BY case_id` of the tenant: the baseline), the whole
`snapshot_build` (three INSERT … SELECT), and the p95 of the creditor portal's home (`portal_home` as the demo's
utility client) and of the agency reports (`agency_reports` as the supervisor), each after the snapshot, and
the same two pages whole through Django's stack (`/portale/`, `/report/`: middleware, template, audit row).
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


def copy_template(template: str) -> None:
    import psycopg

    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://")
    name = url.rsplit("/", 1)[1]
    assert name != template and name.startswith("recupero_"), "copy into a database of your own"
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        for attempt in range(30):  # refused while somebody is connected to the template
            try:
                conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
                break
            except psycopg.errors.ObjectInUse:
                time.sleep(5)
    print(f"copied {template} into {name} ({attempt + 1} attempt(s))", file=sys.stderr)


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


def builds(tenant, day: dt.date, bare) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The baseline, then the nightly snapshot and the prescription-at-risk list, timed."""
    from recupero.core.permissions import system_actor
    from recupero.reporting.services import prescription_risk_build, snapshot_build

    baseline = timed(bare)
    built = []
    snapshot = timed(lambda: built.append(snapshot_build(tenant=tenant, actor=system_actor(tenant), day=day)))
    print(f"snapshot: {built[0]} in {snapshot:.1f} s", file=sys.stderr)
    risks: list[int] = []
    risk_build = timed(
        lambda: risks.append(prescription_risk_build(tenant=tenant, actor=system_actor(tenant), day=day))
    )
    print(f"prescription risks: {risks[0]} cases in {risk_build:.1f} s", file=sys.stderr)
    return {
        "bare_ledger_aggregate_s": round(baseline, 3),
        "snapshot_build_s": round(snapshot, 3),
        "snapshot_vs_bare": round(snapshot / baseline, 2) if baseline else None,
        "snapshot_rows": list(built[0].__dict__.values())[1:],
        "prescription_risk_build_s": round(risk_build, 3),
        "prescription_risk_cases": risks[0],
    }


def http_pages(client, supervisor, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The whole pages through Django's stack (middleware, session, second factor, template, the audit row of
    what was shown), as `django.test.Client` requests them: p95 of `/portale/` as the creditor user and of
    `/report/` as the supervisor, after one warm-up each."""
    from django.test import Client

    from tests.builders import otp_verify_session

    out: dict[str, float] = {}
    for name, user, url in (("portal_page", client, "/portale/"), ("reports_page", supervisor, "/report/")):
        browser = Client()
        browser.force_login(user)
        otp_verify_session(browser, user)
        assert browser.get(url).status_code == 200, url
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = browser.get(url)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, url
        out[f"{name}_http_p95_ms"] = round(p95(samples) * 1000, 1)
        out[f"{name}_http_median_ms"] = round(statistics.median(samples) * 1000, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--template", default="", help="copy this demo database first (e.g. recupero_bench)")
    parser.add_argument(
        "--pages-only", action="store_true", help="time the pages over the snapshot already built"
    )
    args = parser.parse_args()
    if args.template:
        copy_template(args.template)
    import django

    django.setup()
    from django.db import connection

    from recupero.core.clock import today
    from recupero.core.models import Tenant, User
    from recupero.reporting.selectors import prescription_at_risk
    from recupero.web.backoffice.reports import agency_reports
    from recupero.web.portal.pages import portal_home

    tenant = setup(args.cases)
    client = User.objects.get(tenant=tenant, username="client-utility")
    supervisor = User.objects.filter(tenant=tenant, role="supervisor").first() or User.objects.get(
        tenant=tenant, role="admin"
    )
    day = today() - dt.timedelta(days=1)

    def bare() -> None:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT COUNT(*), SUM(s) FROM (SELECT case_id, SUM(amount) AS s FROM ledger_ledgerentry"
                " WHERE tenant_id = %s GROUP BY case_id) t",
                [tenant.pk],
            )
            cur.fetchall()

    result: dict[str, object] = {"cases": args.cases, "database": connection.vendor}
    if not args.pages_only:
        result.update(builds(tenant, day, bare))
    # A request's Tenant object is new: the run memo lives for one request (one SnapshotRun read per page).
    fresh = lambda: Tenant.objects.get(pk=tenant.pk)  # noqa: E731
    risk_page = [
        timed(lambda: prescription_at_risk(tenant=fresh(), actor=supervisor, on=today(), days=90))
        for _ in range(args.repeat)
    ]
    portal = [timed(lambda: portal_home(tenant=fresh(), actor=client)) for _ in range(args.repeat)]
    reports = [timed(lambda: agency_reports(tenant=fresh(), actor=supervisor)) for _ in range(args.repeat)]
    pages = http_pages(client, supervisor, args.repeat)
    result.update({
        **pages,
        "portal_home_p95_ms": round(p95(portal) * 1000, 1),
        "portal_home_median_ms": round(statistics.median(portal) * 1000, 1),
        "agency_reports_p95_ms": round(p95(reports) * 1000, 1),
        "agency_reports_median_ms": round(statistics.median(reports) * 1000, 1),
        "prescription_page_p95_ms": round(p95(risk_page) * 1000, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    })  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    main()
