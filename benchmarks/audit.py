"""The audit log at a million rows (PostgreSQL): the auditor's page queries, a chained append, verification.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/recupero_audit_bench .venv/bin/python benchmarks/audit.py \
        [--rows 1000000] [--repeat 20]

Builds (once) a tenant `auditbench` whose chain holds --rows rows — 70 % `debtor.view` rows naming 1–5 debtors
and cases, the rest service writes — with valid hashes, written with COPY. Then times, each against the bare
primary-key read of one row in the same run (the baseline): one page of the auditor's search (`audit_page`:
no filter, by user, by action, by debtor, by case, one day, a page deep in the log), one `audit_record`
append (lock + head + insert + subjects, in its own transaction), and the full `chain_verify` (rows/s).
The LAST line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/recupero_audit_bench")

ACTIONS = ["case.transition", "ledger.payment", "communication.registered", "case.open", "import.commit"]


def build(tenant, users, rows: int) -> None:
    from django.db import connection, transaction

    from recupero.core.domain.chain import GENESIS, canonical, link

    rng = random.Random(7)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    step = dt.timedelta(seconds=max(1, 365 * 86400 // rows))
    prev = GENESIS
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM core_auditlog")
        next_id = cursor.fetchone()[0] + 1
        with (
            cursor.copy(
                "COPY core_auditlog (id, tenant_id, seq, at, actor_id, ip, action, object_type, object_id,"
                " details, prev_hash, hash) FROM STDIN"
            ) as logs,
        ):
            subjects = []
            for seq in range(1, rows + 1):
                at = start + step * seq
                actor = rng.choice(users)
                if rng.random() < 0.7:
                    debtors = sorted(rng.sample(range(1, 1_000_001), rng.randint(1, 5)))
                    cases = [d + 7 for d in debtors]
                    details = {
                        "method": "GET",
                        "path": "/pratiche/",
                        "debtors": debtors,
                        "cases": cases,
                        "n_debtors": len(debtors),
                        "n_cases": len(cases),
                    }
                    action, otype, oid = (
                        "debtor.view",
                        "parties.debtor",
                        str(debtors[0]) if len(debtors) == 1 else "",
                    )
                    subjects += [(next_id, seq, d, None) for d in debtors] + [
                        (next_id, seq, None, c) for c in cases
                    ]
                else:
                    case = rng.randint(1, 1_000_000)
                    action, otype, oid, details = (
                        rng.choice(ACTIONS),
                        "cases.case",
                        str(case),
                        {"to": "working"},
                    )
                    subjects.append((next_id, seq, None, case))
                content = canonical(
                    tenant_id=tenant.pk,
                    seq=seq,
                    at=at,
                    actor_id=actor,
                    ip="10.0.0.1",
                    action=action,
                    object_type=otype,
                    object_id=oid,
                    details=details,
                )
                digest = link(prev, content)
                logs.write_row(
                    (
                        next_id,
                        tenant.pk,
                        seq,
                        at,
                        actor,
                        "10.0.0.1",
                        action,
                        otype,
                        oid,
                        json.dumps(details),
                        prev,
                        digest,
                    )
                )
                prev, next_id = digest, next_id + 1
        with cursor.copy(
            "COPY core_auditsubject (tenant_id, log_id, seq, debtor_id, case_id) FROM STDIN"
        ) as sub:
            for log_id, seq, debtor, case in subjects:
                sub.write_row((tenant.pk, log_id, seq, debtor, case))
        cursor.execute("SELECT setval(pg_get_serial_sequence('core_auditlog', 'id'), %s)", [next_id])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_auditlog")
        cursor.execute("ANALYZE core_auditsubject")


def timed(fn, repeat: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--skip-verify", action="store_true", help="leave out the full verification (minutes)"
    )
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from recupero.core.domain.chain import GENESIS
    from recupero.core.domain.roles import Role
    from recupero.core.models import AuditLog, Tenant, User
    from recupero.core.selectors import AuditFilters, audit_page, chain_verify
    from recupero.core.services import audit_record

    call_command("migrate", verbosity=0)
    tenant, _ = Tenant.objects.get_or_create(code="auditbench", defaults={"name": "Audit bench"})
    for i, role in enumerate([Role.AUDITOR, Role.COLLECTOR, Role.CREDITOR_USER, Role.SUPERVISOR]):
        User.objects.get_or_create(username=f"ab-{i}", defaults={"tenant": tenant, "role": role.value})
    users = list(User.objects.filter(tenant=tenant).order_by("id"))
    auditor = users[0]
    built = 0.0
    if not AuditLog.objects.filter(tenant=tenant).exists():
        t0 = time.perf_counter()
        build(tenant, [u.pk for u in users], args.rows)
        built = time.perf_counter() - t0
    total = AuditLog.objects.filter(tenant=tenant).count()
    some = AuditLog.objects.filter(tenant=tenant, action="debtor.view").order_by("seq")[total // 3]
    debtor, case = some.details["debtors"][0], some.details["cases"][0]
    day = some.at.date()
    pk = some.pk

    def page(**kw):
        before = kw.pop("before", None)
        return lambda: audit_page(tenant=tenant, actor=auditor, filters=AuditFilters(**kw), before_seq=before)

    def baseline():
        with connection.cursor() as cur:
            cur.execute("SELECT * FROM core_auditlog WHERE id = %s", [pk])
            cur.fetchall()

    def append():
        with transaction.atomic():
            audit_record(tenant=tenant, actor=auditor, action="bench.append", debtor_ids=[1, 2], case_ids=[3])

    base = timed(baseline, args.repeat)
    figures = {
        "page_all": timed(page(), args.repeat),
        "page_user": timed(page(actor_id=users[1].pk), args.repeat),
        "page_action": timed(page(action="ledger.payment"), args.repeat),
        "page_debtor": timed(page(debtor_ids=[debtor]), args.repeat),
        "page_case": timed(page(case_ids=[case]), args.repeat),
        "page_day": timed(page(date_from=day, date_to=day), args.repeat),
        "page_deep": timed(page(before=total // 2), args.repeat),
        "append": timed(append, args.repeat),
    }
    t0 = time.perf_counter()
    since = total - 100_000 if args.skip_verify else 0  # with --skip-verify, the last 100,000 rows only
    since_hash = AuditLog.objects.get(tenant=tenant, seq=since).hash if since > 0 else GENESIS
    verdict = chain_verify(tenant=tenant, after_seq=since, after_hash=since_hash)
    verify_s = time.perf_counter() - t0
    for name, ms in figures.items():
        print(f"{name:12s} {ms:8.2f} ms  ×{ms / base:6.1f} the primary-key read")
    print(f"verify       {verify_s:8.2f} s   {verdict.rows / verify_s:,.0f} rows/s  ok={verdict.ok}")
    out = {
        "benchmark": "audit",
        "vendor": connection.vendor,
        "rows": total,
        "build_s": round(built, 1),
        "baseline_ms": round(base, 3),
        **{f"{k}_ms": round(v, 2) for k, v in figures.items()},
        "verify_s": round(verify_s, 1),
        "verify_rows_per_s": round(verdict.rows / verify_s),
        "verify_ok": verdict.ok,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
