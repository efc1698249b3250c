"""A camt.053 of N credits against M cases: parse + match + post, against the bare lxml parse of the same file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/recupero_payments_bench .venv/bin/python benchmarks/payments.py \
        [--cases 1000000] [--credits 100000]

Loads the demo agency with --cases cases (the demo's bulk COPY; reused when already there), registers its
collection account and writes a statement whose credits carry case codes (three in four), RF references or bare
names, then times in the same run: the bare `lxml.etree.fromstring` of the file (the baseline, the intake's parser
settings), `read_statements` (the hardened read into dataclasses), and the whole import — parse, set-based
candidate look-up, scoring, and one `payment_record` per credit matched (law engine imputation, ledger group,
timeline, audit); and, apart, parse + match without writing (`--dry-run`'s path). The issue's target: 100,000 credits against 1,000,000 cases in ≤ 30 s on PostgreSQL.
The LAST line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/recupero_payments_bench")


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
    from recupero.cases.domain.states import OPEN_STATUSES
    from recupero.cases.models import Case
    from recupero.core.clock import today
    from recupero.payments.domain.camt_write import camt053
    from recupero.payments.domain.rf import creditor_reference
    from recupero.payments.domain.statements import EntryData

    rows = (
        Case.objects.filter(tenant=tenant, status__in=list(OPEN_STATUSES), balance__gt=10)
        .order_by("?").values_list("code", "balance", "debtor__last_name", "debtor__first_name")[:credits]
    )  # fmt: skip
    day = today() - dt.timedelta(days=1)
    lines = []
    for i, (code, balance, last, first) in enumerate(rows):
        amount = (balance / 3).quantize(Decimal("0.01"))
        ref = f"{run}-{i}"
        if i % 4 == 3:
            lines.append(EntryData(ref, amount, True, day, day, "PAGAMENTO", payer_name=f"{first} {last}"))
        elif i % 4 == 2:
            lines.append(EntryData(ref, amount, True, day, day, "", creditor_reference(code)))
        else:
            lines.append(
                EntryData(ref, amount, True, day, day, f"RATA PRATICA {code}", payer_name=f"{last} {first}")
            )
    return camt053(iban="IT60X0542811101000000123456", entries=lines, statement_id=run)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--credits", type=int, default=100_000)
    parser.add_argument("--match-only", action="store_true", help="parse + match, post nothing")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from lxml import etree

    from recupero.core.permissions import system_actor
    from recupero.imports.domain.camt import read_statements
    from recupero.payments.services import collection_account_register, statement_import

    tenant = setup(args.cases)
    actor = system_actor(tenant)
    collection_account_register(tenant=tenant, actor=actor, iban="IT60X0542811101000000123456")
    data = statement(tenant, args.credits, f"B{int(time.time())}")
    parser_ = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    t0 = time.perf_counter()
    root = etree.fromstring(data, parser_)
    bare = time.perf_counter() - t0
    del root
    t0 = time.perf_counter()
    parsed = read_statements(data, "bench.xml")
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    # parse + match only (set-based look-up and scoring, nothing written): what the posting costs on top
    preview = statement_import(tenant=tenant, actor=actor, statements=parsed, dry_run=True)
    matched_only = read + time.perf_counter() - t0
    t0 = time.perf_counter()
    report = preview if args.match_only else statement_import(tenant=tenant, actor=actor, statements=parsed)
    total = matched_only if args.match_only else read + time.perf_counter() - t0
    out = {
        "vendor": connection.vendor, "cases": args.cases, "credits": len(parsed[0].entries),
        "file_mb": round(len(data) / 1e6, 2), "bare_parse_s": round(bare, 3), "read_s": round(read, 3),
        "parse_match_s": round(matched_only, 2), "would_post": preview.matched, "import_s": round(total, 2), "ratio_to_bare_parse": round(total / bare, 1),
        "credits_per_s": round(len(parsed[0].entries) / total, 1),
        "matched": report.matched, "review": report.review, "posted_total": str(report.posted_total),
        "target": "100,000 credits vs 1,000,000 cases <= 30 s",
    }  # fmt: skip
    print(json.dumps(out))


if __name__ == "__main__":
    main()
