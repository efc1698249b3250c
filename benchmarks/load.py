"""Load run on loopback: N agency users working at once against `recupero serve`, for a fixed time.

    .venv/bin/python benchmarks/load.py --database-url postgres://postgres@127.0.0.1:5432/recupero_bench \
        [--users 50] [--seconds 120] [--workers W --threads T] [--url http://127.0.0.1:8000]

Starts `recupero serve` (gunicorn, DEBUG off) on a free loopback port with DATABASE_URL set to --database-url
(or, with --url, uses a server already running), logs each simulated user in through the login form as
`collector` or `consultant` (password `demo`, the demo loader's), gathers the cases that user may see from the
API, then each user loops: one request — search (the htmx list the search box asks for), case page, call queue,
API list or detail, or /api/me (the empty authenticated page) — then waits 1–3 s, until the time is up.
Prints progress and, as the LAST line, one JSON object: p50/p99/max per page kind, requests, errors (with a few
examples), the ratio of the case page to the empty authenticated page (p50 and p99) and the targets met.
Targets (issue 9): p99 ≤ 300 ms for search and queue pages, ≤ 500 ms for the case page, 0 errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECUPERO = str(Path(sys.executable).with_name("recupero"))
ACCOUNTS = (("collector", "demo"), ("consultant", "demo"))
TARGETS_MS = {"search": 300.0, "queue": 300.0, "case": 500.0}
# What a working day looks like, roughly: mostly searching and opening cases, the queue now and then.
MIX = (("search", 30), ("case", 30), ("queue", 15), ("api_list", 8), ("api_case", 7), ("empty", 10))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


class Session:
    """One browser: a keep-alive connection and its cookies (the session, the CSRF token)."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):  # a keep-alive connection the server closed is reopened once
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=sent)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, payload, {k.lower(): v for k, v in response.getheaders()}


def login(session: Session, username: str, password: str) -> None:
    """Through the login form, as a person does (kept in one place: the login flow may grow a second step)."""
    status, page, _ = session.request("GET", "/accesso/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise RuntimeError(f"pagina di accesso non valida ({status})")
    form = {
        "username": username,
        "password": password,
        "csrfmiddlewaretoken": token.group(1).decode(),
        "next": "/",
    }
    status, _, headers = session.request(
        "POST", "/accesso/", form, {"Referer": f"http://{session.host}/accesso/"}
    )
    if status != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"accesso rifiutato per {username} ({status} {headers.get('location', '')})")


@dataclass
class Sample:
    """The cases one user may see and the words to search them by (from the API, before timing starts)."""

    case_ids: list[int] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


def gather(session: Session, rng: random.Random, pages: int = 8) -> Sample:
    sample = Sample()
    # Pages within the first 10,000 rows: deeper ones are an OFFSET scan nobody browses to.
    for page in [1, *rng.sample(range(2, 200), pages - 1)]:
        status, body, _ = session.request("GET", f"/api/cases?page={page}")
        rows = json.loads(body) if status == 200 else []
        for row in rows:
            sample.case_ids.append(row["id"])
            surname = row["debtor"].split()[0] if row["debtor"] else ""
            sample.terms += [t for t in (row["tax_code"], row["code"], surname) if t]
    if not sample.case_ids:
        raise RuntimeError("nessuna pratica visibile: il database ha la demo? (recupero demo --cases N)")
    return sample


class Samples:
    """One sample per account, gathered by the first of its users (the others wait for it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_account: dict[str, Sample] = {}

    def get(self, session: Session, account: str, rng: random.Random) -> Sample:
        with self.lock:
            if account not in self.by_account:
                self.by_account[account] = gather(session, rng)
            return self.by_account[account]


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    timings: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.timings.setdefault(kind, []).append(ms)
            if error:
                self.errors.append(f"{kind}: {error}")


def _path(kind: str, sample: Sample, rng: random.Random) -> tuple[str, dict[str, str]]:
    if kind == "search":
        q = urllib.parse.quote(rng.choice(sample.terms))
        return f"/pratiche/?q={q}", {"HX-Request": "true"}
    if kind == "case":
        return f"/pratiche/{rng.choice(sample.case_ids)}/", {}
    if kind == "queue":
        return "/code/telefonate/", {}
    if kind == "api_list":
        return f"/api/cases?q={urllib.parse.quote(rng.choice(sample.terms))}", {}
    if kind == "api_case":
        return f"/api/cases/{rng.choice(sample.case_ids)}", {}
    return "/api/me", {}


class RunClock:
    """Every user logs in first; the measured time starts when the last one is in. Logins go a few at a time:
    a password check is ~0.3 s of CPU by design, and fifty at once on two cores would time out."""

    def __init__(self, users: int, seconds: float) -> None:
        self.barrier = threading.Barrier(users, action=self._start)
        self.logins = threading.Semaphore(2)
        self.server_pid: int | None = None
        self.cpu_at_start: float | None = None
        self.samples = Samples()
        self.seconds = seconds
        self.deadline = 0.0

    def _start(self) -> None:
        self.deadline = time.monotonic() + self.seconds
        self.cpu_at_start = server_cpu_seconds(self.server_pid)
        print("tutti gli utenti collegati: misura in corso", file=sys.stderr)


def user_loop(base: str, account: tuple[str, str], seed: int, clock: RunClock, results: Results) -> None:
    rng = random.Random(seed)
    session = Session(base)
    try:
        with clock.logins:
            login(session, *account)
            sample = clock.samples.get(session, account[0], rng)
    except Exception as exc:
        results.add("login", 0.0, f"{account[0]}: {exc}")
        clock.barrier.abort()
        return
    try:
        clock.barrier.wait(timeout=600)
    except threading.BrokenBarrierError:
        return
    kinds, weights = zip(*MIX, strict=True)
    time.sleep(rng.uniform(0, 3))  # people do not all click in the same second
    while time.monotonic() < clock.deadline:
        kind = rng.choices(kinds, weights)[0]
        path, headers = _path(kind, sample, rng)
        started = time.perf_counter()
        try:
            status, _, _ = session.request("GET", path, headers=headers)
            error = None if status == 200 else f"HTTP {status} {path}"
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc} {path}"
        results.add(kind, (time.perf_counter() - started) * 1000, error)
        time.sleep(rng.uniform(1, 3))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, workers: int | None, threads: int | None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
    }
    cmd = [RECUPERO, "serve", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--workers", str(workers)] if workers else []
    cmd += ["--threads", str(threads)] if threads else []
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"recupero-load-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"recupero serve terminato (log: {log.name})")
        try:
            status, _, _ = Session(base).request("GET", "/salute/")
            if status == 200:
                return proc, base
        except OSError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"recupero serve non risponde (log: {log.name})")


def server_cpu_seconds(master: int | None) -> float | None:
    """User + system CPU of the gunicorn master and its workers (Linux /proc): on a shared machine the
    latencies include waiting for a core; the CPU each request costs the server does not."""
    if master is None or not Path("/proc").is_dir():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if master in (pid, ppid):
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / tick


def summary(results: Results, users: int, seconds: float, server_cpu: float | None = None) -> dict:
    kinds = {}
    for kind, values in sorted(results.timings.items()):
        kinds[kind] = {
            "n": len(values),
            "p50_ms": round(percentile(values, 0.50), 1),
            "p99_ms": round(percentile(values, 0.99), 1),
            "max_ms": round(max(values), 1),
        }
    case, empty = kinds.get("case"), kinds.get("empty")
    met = {k: (k in kinds and kinds[k]["p99_ms"] <= t) for k, t in TARGETS_MS.items()}
    return {
        "users": users,
        "seconds": seconds,
        "requests": sum(k["n"] for k in kinds.values()),
        "requests_per_second": round(sum(k["n"] for k in kinds.values()) / seconds, 1),
        "errors": len(results.errors),
        "error_examples": sorted(set(results.errors))[:5],
        "pages": kinds,
        "case_to_empty_p50": round(case["p50_ms"] / empty["p50_ms"], 2) if case and empty else None,
        "case_to_empty_p99": round(case["p99_ms"] / empty["p99_ms"], 2) if case and empty else None,
        "targets_met": {**met, "zero_errors": not results.errors},
        "server_cpu_ms_per_request": (
            round(server_cpu * 1000 / max(1, sum(k["n"] for k in kinds.values())), 1)
            if server_cpu is not None
            else None
        ),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="the database the server uses (DATABASE_URL)")
    parser.add_argument("--url", help="an already running server instead of starting one")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--workers", type=int, help="processi gunicorn (default: quelli di recupero serve)")
    parser.add_argument("--threads", type=int, help="thread per processo (default: quelli di recupero serve)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not args.url and not args.database_url:
        parser.error("indicare --database-url (o --url di un server già avviato)")
    if args.url and urllib.parse.urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("solo loopback: --url deve puntare a 127.0.0.1")
    proc, base = (None, args.url) if args.url else start_server(args.database_url, args.workers, args.threads)
    results = Results()
    cpu: float | None = None
    try:
        print(f"server {base}: {args.users} utenti per {args.seconds:.0f} s", file=sys.stderr)
        clock = RunClock(args.users, args.seconds)
        clock.server_pid = proc.pid if proc is not None else None
        users = [
            threading.Thread(
                target=user_loop,
                args=(base, ACCOUNTS[n % len(ACCOUNTS)], args.seed * 1000 + n, clock, results),
                daemon=True,
            )
            for n in range(args.users)
        ]
        for t in users:
            t.start()
        for t in users:
            t.join(timeout=args.seconds + 700)
        cpu_end = server_cpu_seconds(clock.server_pid)
        cpu = cpu_end - clock.cpu_at_start if cpu_end is not None and clock.cpu_at_start is not None else None
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=60)
    print(json.dumps(summary(results, args.users, args.seconds, cpu)))


if __name__ == "__main__":
    main()
