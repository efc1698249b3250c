"""Load run on loopback: 50 debtors on their personal page at once, on a copy of the 1M-case demo.

    .venv/bin/python benchmarks/debtor_page.py --template recupero_bench [--debtors 50] [--seconds 120] [--keep]

Copies the demo database (`CREATE DATABASE recupero_bench_debtor_access TEMPLATE recupero_bench`, retried while
someone is connected to the template), migrates it, issues personal links for N debtors picked at random among
the cases with a codice fiscale (`cases.access.access_link_issue`, as the system actor), starts `recupero serve`
(gunicorn, DEBUG off: benchmarks/load.py's pieces), and each simulated debtor opens their link, types the last 5
characters of their codice fiscale, then loops until the time is up: the case page (amount due from the law
engine, prospetto, claims, letters, IBAN, EPC QR code) or, one time in five, the empty debtor page (`/d/`: the
session and link checks, then a redirect), waiting 1–3 s between requests.
Prints progress and, as the LAST line, one JSON object: p50/p95/p99/max per page, errors, the ratio of the case
page to the empty page (p50, p95), server CPU per request and the load average. Target (issue 15): p95 ≤ 100 ms
for the page after login, 0 errors.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import Results, Session, percentile, server_cpu_seconds, start_server

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "recupero_bench_debtor_access"
URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
TARGET_P95_MS = 100.0

# Run inside Django on the copy: N random cases of debtors with a codice fiscale, one link each.
ISSUE = """
import json, random, sys
from recupero.cases.access import access_link_issue
from recupero.cases.models import Case
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
n, seed = int(sys.argv[1]), int(sys.argv[2])
tenant = Tenant.objects.order_by("pk").first()
top = Case.objects.filter(tenant=tenant).order_by("-pk").values_list("pk", flat=True).first()
rng, out, seen = random.Random(seed), [], set()
while len(out) < n:
    case = Case.objects.select_related("debtor").filter(tenant=tenant, pk__gte=rng.randint(1, top)).order_by("pk").first()
    if case is None or case.debtor_id in seen or len(case.debtor.tax_code) != 16:
        continue
    seen.add(case.debtor_id)
    _link, token = access_link_issue(tenant=tenant, actor=system_actor(tenant), case=case)
    out.append({"token": token, "answer": case.debtor.tax_code[-5:], "case": case.pk})
print(json.dumps(out))
"""


def copy_database(template: str) -> float:
    started = time.perf_counter()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        for attempt in range(60):  # CREATE … TEMPLATE fails while anyone is connected to the template
            try:
                conn.execute(f"CREATE DATABASE {PG_NAME} TEMPLATE {template}")
                break
            except psycopg.errors.ObjectInUse:
                print(f"{template} in uso, riprovo ({attempt + 1})", file=sys.stderr)
                time.sleep(5)
        else:
            raise RuntimeError(f"{template} sempre in uso")
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def issue_links(n: int, seed: int) -> list[dict[str, object]]:
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", ISSUE.replace("sys.argv[1]", str(n)).replace("sys.argv[2]", str(seed))],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def enter(session: Session, link: dict[str, object]) -> str:
    """Open the link and pass the second factor, as the debtor's phone does; returns the page's path."""
    path = f"/d/{link['token']}/"
    status, page, _ = session.request("GET", path)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise RuntimeError(f"pagina del collegamento non valida ({status})")
    form = {
        "factor": "tax_code",
        "answer": str(link["answer"]),
        "csrfmiddlewaretoken": token.group(1).decode(),
    }
    status, _, headers = session.request("POST", path, form, {"Referer": f"http://{session.host}{path}"})
    if status != 302:
        raise RuntimeError(f"verifica rifiutata ({status})")
    return headers["location"]


class Clock:
    def __init__(self, users: int, seconds: float) -> None:
        self.barrier = threading.Barrier(users, action=self._start)
        self.seconds, self.deadline = seconds, 0.0
        self.server_pid: int | None = None
        self.cpu_at_start: float | None = None

    def _start(self) -> None:
        self.deadline = time.monotonic() + self.seconds
        self.cpu_at_start = server_cpu_seconds(self.server_pid)
        print("tutti i debitori dentro: misura in corso", file=sys.stderr)


def debtor_loop(base: str, link: dict[str, object], seed: int, clock: Clock, results: Results) -> None:
    rng, session = random.Random(seed), Session(base)
    try:
        page = enter(session, link)
    except Exception as exc:
        results.add("login", 0.0, str(exc))
        clock.barrier.abort()
        return
    try:
        clock.barrier.wait(timeout=600)
    except threading.BrokenBarrierError:
        return
    time.sleep(rng.uniform(0, 3))
    while time.monotonic() < clock.deadline:
        kind, path, ok = ("empty", "/d/", 302) if rng.random() < 0.2 else ("page", page, 200)
        started = time.perf_counter()
        try:
            status, body, _ = session.request("GET", path)
            error = None if status == ok else f"HTTP {status} {path}"
            if kind == "page" and error is None and b'data-testid="amount-due"' not in body:
                error = f"pagina senza importo {path}"
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc} {path}"
        results.add(kind, (time.perf_counter() - started) * 1000, error)
        time.sleep(rng.uniform(1, 3))


def summary(results: Results, debtors: int, seconds: float, cpu: float | None) -> dict[str, object]:
    pages = {}
    for kind, values in sorted(results.timings.items()):
        pages[kind] = {
            "n": len(values),
            "p50_ms": round(percentile(values, 0.50), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
            "max_ms": round(max(values), 1),
        }
    page, empty = pages.get("page"), pages.get("empty")
    total = sum(p["n"] for p in pages.values())
    return {
        "benchmark": "debtor_page",
        "debtors": debtors,
        "seconds": seconds,
        "requests": total,
        "errors": len(results.errors),
        "error_examples": sorted(set(results.errors))[:5],
        "pages": pages,
        "page_to_empty_p50": round(page["p50_ms"] / empty["p50_ms"], 2) if page and empty else None,
        "page_to_empty_p95": round(page["p95_ms"] / empty["p95_ms"], 2) if page and empty else None,
        "targets_met": {"page_p95_100ms": bool(page and page["p95_ms"] <= TARGET_P95_MS),
                        "zero_errors": not results.errors},
        "server_cpu_ms_per_request": round(cpu * 1000 / max(1, total), 1) if cpu is not None else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default="recupero_bench", help="the demo database to copy")
    parser.add_argument("--debtors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the copied database")
    parser.add_argument("--reuse", action="store_true", help="use the copy left by --keep")
    args = parser.parse_args()
    # The links are signed with the site's key: the command that issues them and the server share it.
    os.environ["DJANGO_SECRET_KEY"] = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
    copy_seconds = 0.0 if args.reuse else copy_database(args.template)
    print(f"copia di {args.template} pronta in {copy_seconds:.0f} s", file=sys.stderr)
    links = issue_links(args.debtors, args.seed)
    print(f"{len(links)} collegamenti emessi", file=sys.stderr)
    proc, base = start_server(URL, args.workers, args.threads)
    results, cpu = Results(), None
    try:
        clock = Clock(len(links), args.seconds)
        clock.server_pid = proc.pid
        threads = [
            threading.Thread(
                target=debtor_loop, args=(base, link, args.seed * 1000 + n, clock, results), daemon=True
            )
            for n, link in enumerate(links)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 700)
        cpu_end = server_cpu_seconds(clock.server_pid)
        cpu = cpu_end - clock.cpu_at_start if cpu_end is not None and clock.cpu_at_start is not None else None
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        if not args.keep:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    print(
        json.dumps(
            {**summary(results, len(links), args.seconds, cpu), "copy_seconds": round(copy_seconds, 1)}
        )
    )


if __name__ == "__main__":
    main()
