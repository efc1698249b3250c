"""A camt.053 of N credits against M cases: parse + match + post, against the bare lxml parse of the same file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/recupero_payments_bench .venv/bin/python benchmarks/payments.py \
        [--cases 1000000] [--credits 100000] [--template recupero_bench] [--one-by-one]

Loads the demo agency with --cases cases (the demo's bulk COPY; reused when already there) — or, with --template
DB (an existing demo database such as recupero_bench, nobody connected), copies it into recupero_bench_payments
with CREATE DATABASE ... TEMPLATE and migrates — registers its collection account and writes a statement whose
credits carry, in the causale, the case code (45 %), the RF reference (25 %), the case code and the invoice
number of the case's last claim (10 %: the debtor designates it, art. 1193), or only the payer's name (20 %).
Then times in the same run: the bare `lxml.etree.fromstring` of the file (the baseline, the intake's parser
settings), `read_statements` (the hardened read into dataclasses), parse + match without writing (`--dry-run`'s
path), and the whole import — parse, set-based candidate look-up, scoring, and the set-based posting
(`payments.bulk`: law engine imputation per case in Python, payments, ledger groups, balances, timeline, audit
rows, cases paid off); `--one-by-one`: one `payment_record` per credit instead (the old path, ~8 credits/s).
The issue's target: 100,000 credits against 1,000,000 cases in ≤ 30 s on PostgreSQL.
The LAST line is one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/recupero_payments_bench")


COPY_NAME = "recupero_bench_payments"


def copy_template(template: str, server: str = "127.0.0.1:5432") -> None:
    """CREATE DATABASE recupero_bench_payments TEMPLATE <template> (retried while someone is connected to it)."""
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {COPY_NAME} WITH (FORCE)")
        for attempt in range(30):
            try:
                conn.execute(f"CREATE DATABASE {COPY_NAME} TEMPLATE {template}")
                break
            except psycopg.errors.ObjectInUse:
                print(f"{template} in use, retrying ({attempt + 1})", file=sys.stderr)
                time.sleep(5)
        else:
            raise SystemExit(f"{template} stayed in use")
    os.environ["DATABASE_URL"] = f"postgres://postgres@{server}/{COPY_NAME}"


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


def statement(tenant, credits: int, run: str) -> bytes:  # type: ignore[no-untyped-def]
    from django.db.models import OuterRef, Subquery

    from recupero.cases.domain.states import OPEN_STATUSES
    from recupero.cases.models import Case, Claim
    from recupero.core.clock import today
    from recupero.payments.domain.camt_write import camt053
    from recupero.payments.domain.rf import creditor_reference
    from recupero.payments.domain.statements import EntryData

    last_invoice = (
        Claim.objects.filter(case=OuterRef("pk")).order_by("-due_on", "-pk").values("invoice_number")
    )
    rows = (
        Case.objects.filter(tenant=tenant, status__in=list(OPEN_STATUSES), balance__gt=10)
        .annotate(invoice=Subquery(last_invoice[:1]))
        .order_by("?").values_list("code", "balance", "debtor__last_name", "debtor__first_name", "invoice")[:credits]
    )  # fmt: skip
    day = today() - dt.timedelta(days=1)
    lines = []
    for i, (code, balance, last, first, invoice) in enumerate(rows):
        amount = (balance / 3).quantize(Decimal("0.01"))
        ref, kind = f"{run}-{i}", i % 20
        if kind >= 16:  # the payer's name only
            lines.append(EntryData(ref, amount, True, day, day, "PAGAMENTO", payer_name=f"{first} {last}"))
        elif kind >= 14:  # the case code and the invoice the debtor pays
            text = f"PRATICA {code} SALDO FATTURA {invoice}"
            lines.append(EntryData(ref, amount, True, day, day, text, payer_name=f"{last} {first}"))
        elif kind >= 9:
            lines.append(EntryData(ref, amount, True, day, day, "", creditor_reference(code)))
        else:
            lines.append(
                EntryData(ref, amount, True, day, day, f"RATA PRATICA {code}", payer_name=f"{last} {first}")
            )
    return camt053(iban="IT60X0542811101000000123456", entries=lines, statement_id=run)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the reconciliation's helper processes)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _busy() -> float:
    """The machine's busy CPU seconds so far (Linux /proc/stat: all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--credits", type=int, default=100_000)
    parser.add_argument("--match-only", action="store_true", help="parse + match, post nothing")
    parser.add_argument("--template", default="", help="copy this demo database instead of loading the demo")
    parser.add_argument("--one-by-one", action="store_true", help="post each credit through payment_record")
    parser.add_argument("--no-preview", action="store_true", help="skip the parse + match (dry-run) timing")
    parser.add_argument(
        "--server", default="127.0.0.1:5432", help="host:port of the PostgreSQL of --template"
    )
    parser.add_argument(
        "--profile", default="", help="one worker, cProfile of the import written to this file"
    )
    args = parser.parse_args()
    if args.profile:
        os.environ["RECUPERO_PAYMENTS_WORKERS"] = "1"
    if args.template:
        copy_template(args.template, args.server)
    import django

    django.setup()
    from django.db import connection
    from lxml import etree

    from recupero.core.permissions import system_actor
    from recupero.imports.domain.camt import read_statements
    from recupero.imports.domain.fatturapa.xmlsafe import safe_parser
    from recupero.payments.services import collection_account_register, statement_import

    tenant = setup(args.cases)
    actor = system_actor(tenant)
    collection_account_register(tenant=tenant, actor=actor, iban="IT60X0542811101000000123456")
    data = statement(tenant, args.credits, f"B{int(time.time())}")
    parser_ = safe_parser()  # the intake's own parser settings
    t0 = time.perf_counter()
    root = etree.fromstring(data, parser_)
    bare = time.perf_counter() - t0
    del root
    t0 = time.perf_counter()
    parsed = read_statements(data, "bench.xml")
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    # parse + match only (set-based look-up and scoring, nothing written): what the posting costs on top
    preview = statement_import(tenant=tenant, actor=actor, statements=parsed[:0] if args.no_preview else parsed,
                               dry_run=True)  # fmt: skip
    matched_only = read + time.perf_counter() - t0
    print(f"parse + match {matched_only:.1f} s; posting…", file=sys.stderr)
    cpu0, busy0 = _cpu(), _busy()
    t0 = time.perf_counter()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    report = (
        preview if args.match_only
        else statement_import(tenant=tenant, actor=actor, statements=parsed, one_by_one=args.one_by_one)
    )  # fmt: skip
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    total = matched_only if args.match_only else read + time.perf_counter() - t0
    python_cpu, machine_cpu = _cpu() - cpu0, _busy() - busy0
    load = os.getloadavg()
    out = {
        "path": "one_by_one" if args.one_by_one else "bulk", "load_avg": [round(x, 1) for x in load],
        "vendor": connection.vendor, "cases": args.cases, "credits": len(parsed[0].entries),
        "file_mb": round(len(data) / 1e6, 2), "bare_parse_s": round(bare, 3), "read_s": round(read, 3),
        "parse_match_s": round(matched_only, 2), "would_post": preview.matched, "import_s": round(total, 2), "ratio_to_bare_parse": round(total / bare, 1),
        "credits_per_s": round(len(parsed[0].entries) / total, 1),
        "matched": report.matched, "review": report.review, "posted_total": str(report.posted_total),
        # CPU seconds of the import (posting only, the parse is before): this process and its helper processes,
        # and the whole machine's busy time over the same span (the database's share is most of the rest)
        "python_cpu_s": round(python_cpu, 1), "machine_busy_cpu_s": round(machine_cpu, 1),
        "target": "100,000 credits vs 1,000,000 cases <= 30 s",
    }  # fmt: skip
    print(json.dumps(out))


if __name__ == "__main__":
    main()
