"""Demo load throughput: `recupero demo --cases N` into a fresh SQLite file and a fresh PostgreSQL database,
against the raw floor (the same number of rows by bare executemany / COPY into a bare table of similar width).

    .venv/bin/python benchmarks/demo.py [--cases 1000000] [--only sqlite|postgresql] [--drop]

The databases are kept for benchmarks/case_search.py (SQLite: $TMPDIR/recupero-bench/bench.sqlite3; PostgreSQL:
recupero_bench on 127.0.0.1:5432 as postgres) unless --drop. The LAST line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "recupero_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
SQLITE_DIR = Path(tempfile.gettempdir()) / "recupero-bench"
SQLITE_PATH = SQLITE_DIR / "bench.sqlite3"
SQLITE_URL = f"sqlite:///{SQLITE_PATH}"

# The floor table: 12 columns, about the average width of the demo's rows (ids, codes, dates, amounts, text).
FLOOR_DDL = (
    "CREATE TABLE floor (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, case_id bigint NOT NULL, "
    "kind varchar(20) NOT NULL, code varchar(40) NOT NULL, day date NOT NULL, amount numeric(14,2) NOT NULL, "
    "account varchar(24) NOT NULL, description varchar(200) NOT NULL, flag boolean NOT NULL, "
    "note varchar(120), created_at varchar(40) NOT NULL)"
)
FLOOR_COLS = "id, tenant_id, case_id, kind, code, day, amount, account, description, flag, note, created_at"


def pg_recreate(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def pg_drop(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_demo(url: str, cases: int, var_dir: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RECUPERO_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    out = subprocess.run(
        [PYTHON, "manage.py", "demo", "--cases", str(cases), "--json", "--no-migrate"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(wall, 1)
    return result


def floor_rows(total: int, start: int = 0, size: int = 200_000):
    """Rows of the floor table, in chunks; as cheap to make as possible (the floor is the database's cost)."""
    for base in range(start, total, size):
        yield [
            (
                i,
                1,
                i // 12,
                "payment",
                f"P{i:08d}",
                "2026-11-22",
                "123.45",
                "principal",
                f"Incasso n. {i % 7}",
                1,
                None,
                "2026-11-22 10:00:00+00",
            )
            for i in range(base, min(total, base + size))
        ]


def floor_sqlite(rows: int, directory: Path) -> float:
    path = directory / "floor.sqlite3"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "temp_store=MEMORY"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(FLOOR_DDL)
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for chunk in floor_rows(rows):
        conn.executemany(f"INSERT INTO floor ({FLOOR_COLS}) VALUES ({', '.join('?' * 12)})", chunk)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    path.unlink(missing_ok=True)
    return rows / seconds


def floor_postgres(rows: int) -> float:
    pg_recreate("recupero_bench_floor")
    try:
        with psycopg.connect(PG_URL.replace(PG_NAME, "recupero_bench_floor")) as conn:
            conn.execute(FLOOR_DDL)
            started = time.perf_counter()
            with conn.cursor() as cur, cur.copy(f"COPY floor ({FLOOR_COLS}) FROM STDIN") as copy:
                for chunk in floor_rows(rows):
                    for row in chunk:
                        copy.write_row(row)
            conn.commit()
            seconds = time.perf_counter() - started
    finally:
        pg_drop("recupero_bench_floor")
    return rows / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--drop", action="store_true", help="drop the databases at the end")
    args = parser.parse_args()
    figures: dict[str, object] = {"benchmark": "demo_load", "cases": args.cases}
    for vendor in ("sqlite", "postgresql"):
        if args.only and args.only != vendor:
            continue
        var_dir = Path(tempfile.mkdtemp(prefix="recupero-bench-var-"))
        if vendor == "sqlite":
            SQLITE_DIR.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
            url = SQLITE_URL
        else:
            pg_recreate(PG_NAME)
            url = PG_URL
        result = run_demo(url, args.cases, var_dir)
        rows = result["rows"]
        floor = floor_sqlite(rows, SQLITE_DIR) if vendor == "sqlite" else floor_postgres(rows)
        ratio = floor / result["rows_per_second"]
        print(
            f"{vendor:<10} demo: {rows:,} rows in {result['seconds']:.1f} s = {result['rows_per_second']:,} rows/s "
            f"(peak RSS {result['peak_rss_mb']} MB)   floor: {floor:,.0f} rows/s   floor/demo = {ratio:.2f}"
        )
        figures[vendor] = {
            "rows": rows,
            "seconds": result["seconds"],
            "wall_seconds": result["wall_seconds"],
            "rows_per_second": result["rows_per_second"],
            "peak_rss_mb": result["peak_rss_mb"],
            "floor_rows_per_second": round(floor),
            "floor_over_demo": round(ratio, 2),
            "database": url,
        }
        if args.drop:
            if vendor == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
            else:
                pg_drop(PG_NAME)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
