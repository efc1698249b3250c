"""Case search latency at a million cases: the real list view (/pratiche/?q=...) against the bare indexed SQL.

    .venv/bin/python benchmarks/case_search.py [--cases 1000000] [--database-url URL] [--requests 200]

Without --database-url, both databases of benchmarks/demo.py are used (SQLite file in $TMPDIR/recupero-bench,
PostgreSQL recupero_bench); an empty or missing one is built first with the demo loader. For each database a
worker subprocess (DATABASE_URL set before Django starts) logs in as `supervisor` with django.test.Client and
requests the list for ~200 codici fiscali, ~200 surname prefixes, ~200 full names typed first name first
("Edoardo Barone" for "barone edoardo") and ~200 pieces of invoice numbers ("47985" of "47985/2025", "123" of
"2025E000000123") picked from the data; the same lookups run as raw SQL on the same connection (CF -> debtor ->
cases, LIMIT 51). Also the list view for a query that finds nothing (the page's own floor). Prints p50/p95, the
ratios view/SQL and view/empty view, the EXPLAIN of the selector's queries, and as the LAST line one JSON object.
Targets: p95 <= 150 ms, ratio <= 5.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import demo as demo_bench  # noqa: E402  (benchmarks/demo.py: database locations and the builder)

TARGET_P95_MS = 150.0
TARGET_RATIO = 5.0
LABELS = ("cf", "surname", "name_reversed", "invoice_piece")


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# ---- worker: runs inside Django with the chosen database --------------------------------------------------
def worker(requests: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from recupero.core.models import Tenant, User

    tenant = Tenant.objects.get(code="demo")
    user = User.objects.get(username="supervisor")
    vendor = connection.vendor
    rng = random.Random(42)
    with connection.cursor() as cur:
        cur.execute("SELECT MIN(id), MAX(id) FROM parties_debtor WHERE tenant_id = %s", [tenant.pk])
        low, high = cur.fetchone()
        codes, prefixes, reversed_names = [], [], []
        while len(codes) < requests or len(prefixes) < requests or len(reversed_names) < requests:
            cur.execute(
                "SELECT tax_code, last_name, kind, first_name FROM parties_debtor WHERE id = %s",
                [rng.randint(low, high)],
            )
            row = cur.fetchone()
            if row is None:
                continue
            if len(codes) < requests:
                codes.append(row[0])
            if row[2] == "person" and len(prefixes) < requests:
                prefixes.append(row[1].lower()[: rng.choice((3, 4, 5, len(row[1])))])
            if row[2] == "person" and len(reversed_names) < requests:
                reversed_names.append(f"{row[3]} {row[1]}")  # "Edoardo Barone" for "barone edoardo"
        pieces = invoice_pieces(cur, tenant.pk, rng, requests)
    client = Client()
    client.force_login(user)
    # a supervisor passes a second step (TOTP) at login: the forced login stands for a completed one
    from django_otp import DEVICE_ID_SESSION_KEY

    from recupero.core.accounts import otp_device_of

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = otp_device_of(user).persistent_id  # the demo's device
    session.save()

    def view(q: str) -> float:
        started = time.perf_counter()
        response = client.get("/pratiche/", {"q": q})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed

    def bare(sql: str, params: list) -> float:
        started = time.perf_counter()
        with connection.cursor() as c:
            c.execute(sql, params)
            rows = c.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        assert rows is not None
        return elapsed

    cols = (
        "c.id, c.code, c.status, c.balance, c.first_due_on, c.province, d.id, d.company_name, d.last_name, "
        "d.first_name, d.tax_code, cr.id, cr.name"
    )
    joins = (
        "FROM cases_case c JOIN parties_debtor d ON d.id = c.debtor_id "
        "JOIN parties_creditor cr ON cr.id = c.creditor_id"
    )
    by_cf = f"SELECT {cols} {joins} WHERE c.tenant_id = %s AND d.tenant_id = c.tenant_id AND d.tax_code = %s ORDER BY c.id DESC LIMIT 51"
    if vendor == "postgresql":
        by_name = (
            f"SELECT {cols} {joins} WHERE c.tenant_id = %s AND d.tenant_id = c.tenant_id AND d.search_name LIKE %s "
            # Byte order, the order of the varchar_pattern_ops index that serves LIKE 'x%'.
            'ORDER BY d.search_name COLLATE "C", c.id LIMIT 51'
        )
    else:
        by_name = (
            f"SELECT {cols} {joins} WHERE c.tenant_id = %s AND d.tenant_id = c.tenant_id AND d.search_name >= %s AND d.search_name < %s "
            "ORDER BY d.search_name, c.id LIMIT 51"
        )

    def name_params(prefix: str) -> list:
        if vendor == "postgresql":
            return [tenant.pk, prefix.replace("%", r"\%").replace("_", r"\_") + "%"]
        return [tenant.pk, prefix, prefix + "\U0010ffff"]

    def stored_order(name: str) -> list:
        first, _, last = name.partition(" ")  # the bare SQL reads the order the name is stored in
        return name_params(f"{last} {first}".lower())

    # The selector finds the cases of the claims, then the page of cases: the same two steps, bare.
    by_piece = (
        f"SELECT {cols} {joins} WHERE c.tenant_id = %s AND c.id IN (SELECT case_id FROM cases_claim "
        "WHERE tenant_id = %s AND (number_head = %s OR number_tail = %s) LIMIT 200) ORDER BY c.id DESC LIMIT 51"
    )
    for q in codes[:20] + prefixes[:20] + reversed_names[:20] + pieces[:20]:  # warm-up: caches, templates
        view(q)
    # The floor of the page itself: the same list view for a query that finds nothing (no rows to render).
    empty_ms = [view(f"zzqx{n}") for n in range(requests)]
    out: dict[str, object] = {"vendor": vendor, "empty": _figures(empty_ms)}
    for label, queries, sql, params in (
        ("cf", codes, by_cf, lambda q: [tenant.pk, q]),
        ("surname", prefixes, by_name, name_params),
        ("name_reversed", reversed_names, by_name, stored_order),
        ("invoice_piece", pieces, by_piece, lambda q: [tenant.pk, tenant.pk, q, q]),
    ):
        view_ms = [view(q) for q in queries]
        sql_ms = [bare(sql, params(q)) for q in queries]
        out[label] = {
            "requests": len(queries),
            **_figures(view_ms),
            "sql_p50_ms": round(p(sql_ms, 0.5), 3),
            "sql_p95_ms": round(p(sql_ms, 0.95), 3),
            "ratio_p95": round(p(view_ms, 0.95) / p(sql_ms, 0.95), 1),
            "ratio_p50": round(p(view_ms, 0.5) / p(sql_ms, 0.5), 1),
            "ratio_to_empty_p95": round(p(view_ms, 0.95) / p(empty_ms, 0.95), 2),
        }
    out["examples"] = {"name_reversed": reversed_names[:3], "invoice_piece": pieces[:3]}
    out["plans"] = explain_selector(
        client,
        {
            "cf": codes[0],
            "surname": prefixes[0],
            "name_reversed": reversed_names[0],
            "invoice_piece": pieces[0],
        },
        vendor,
        connection,
        CaptureQueriesContext,
    )
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM cases_case WHERE tenant_id = %s", [tenant.pk])
        out["cases"] = cur.fetchone()[0]
    return out


def _figures(ms: list[float]) -> dict[str, float]:
    return {"view_p50_ms": round(p(ms, 0.5), 2), "view_p95_ms": round(p(ms, 0.95), 2)}


def invoice_pieces(cur, tenant_id: int, rng: random.Random, requests: int) -> list[str]:
    """What a person types of an invoice number, half and half: the number before the slash ("47985" of
    "47985/2025", the suppliers' numbers) and the tail without its zeros ("123" of "2025E000000123")."""
    cur.execute("SELECT MIN(id), MAX(id) FROM cases_claim WHERE tenant_id = %s", [tenant_id])
    low, high = cur.fetchone()
    pieces: list[str] = []
    for tries in range(requests * 400):
        want_slash = len(pieces) % 2 == 0 and tries < requests * 200  # fall back to tails if too rare
        cur.execute(
            "SELECT invoice_number, number_head, number_tail FROM cases_claim WHERE id = %s",
            [rng.randint(low, high)],
        )
        row = cur.fetchone()
        if row is None or not row[2] or ("/" in row[0]) != want_slash:
            continue
        pieces.append(row[1] if want_slash else row[2])
        if len(pieces) == requests:
            break
    return pieces


def explain_selector(client, queries: dict[str, str], vendor: str, connection, capture) -> dict[str, str]:
    """EXPLAIN (QUERY PLAN) of every query of a real request (the probes and the page), captured."""
    plans = {}
    prefix_sql = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN "
    for label, q in queries.items():
        with capture(connection) as ctx:
            client.get("/pratiche/", {"q": q})
        searched = [
            x["sql"]
            for x in ctx.captured_queries
            if x["sql"].startswith("SELECT")
            and ('"cases_claim"' in x["sql"] or '"parties_debtor"' in x["sql"] or '"cases_case"' in x["sql"])
            and "django_session" not in x["sql"]
            and "core_user" not in x["sql"]
        ]
        parts = []
        for sql in searched:
            with connection.cursor() as cur:
                cur.execute(prefix_sql + sql)
                rows = cur.fetchall()
            plan = "\n".join(str(r[-1]) if vendor == "sqlite" else r[0] for r in rows)
            parts.append(f"{sql[:240]}\n{plan}")
        plans[label] = "\n\n".join(parts)
    return plans


# ---- driver ------------------------------------------------------------------------------------------------
def has_demo(url: str, var_dir: Path) -> bool:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RECUPERO_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    code = (
        "import django; django.setup(); from recupero.cases.models import Case; "
        "print(Case.objects.filter(tenant__code='demo').count())"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    return out.returncode == 0 and out.stdout.strip().isdigit() and int(out.stdout.strip()) > 0


def ensure_built(url: str, cases: int, var_dir: Path) -> None:
    if has_demo(url, var_dir):
        return
    print(f"building {cases:,} demo cases in {url} ...", flush=True)
    if url.startswith("postgres"):
        demo_bench.pg_recreate(url.rsplit("/", 1)[1])
    else:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    demo_bench.run_demo(url, cases, var_dir)


def run_worker(url: str, requests: int, var_dir: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RECUPERO_VAR_DIR": str(var_dir),
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    out = subprocess.run(
        [sys.executable, __file__, "--worker", "--requests", str(requests)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url", action="append", help="repeatable; default: both bench databases")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(args.requests)))
        return 0
    urls = args.database_url or [demo_bench.SQLITE_URL, demo_bench.PG_URL]
    figures: dict[str, object] = {
        "benchmark": "case_search",
        "target_p95_ms": TARGET_P95_MS,
        "target_ratio": TARGET_RATIO,
    }
    for url in urls:
        var_dir = Path(tempfile.mkdtemp(prefix="recupero-bench-var-"))
        ensure_built(url, args.cases, var_dir)
        result = run_worker(url, args.requests, var_dir)
        vendor = result["vendor"]
        plans = result.pop("plans")
        e = result["empty"]
        print(
            f"{vendor:<10} {result['cases']:>9,} cases  empty result   view p50 {e['view_p50_ms']:7.2f} ms p95 {e['view_p95_ms']:7.2f} ms"
        )
        for label in LABELS:
            r = result[label]
            ok = r["view_p95_ms"] <= TARGET_P95_MS and r["ratio_p95"] <= TARGET_RATIO
            print(
                f"{vendor:<10} {result['cases']:>9,} cases  by {label:<13}  view p50 {r['view_p50_ms']:7.2f} ms "
                f"p95 {r['view_p95_ms']:7.2f} ms   SQL p50 {r['sql_p50_ms']:7.3f} ms p95 {r['sql_p95_ms']:7.3f} ms   "
                f"ratio p95 {r['ratio_p95']:5.1f}  to empty {r['ratio_to_empty_p95']:5.2f}  {'OK' if ok else 'OVER TARGET'}"
            )
        for label in LABELS:
            print(f"--- {vendor} plans of the selector's queries, search by {label}:\n{plans[label]}")
        figures[vendor] = result
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
