"""A month's remittance for one creditor with N cases and N/6 payments, files included, against the bare
aggregate over the same ledger rows in the same run.

Setup (untimed): the demo agency into a fresh database (`--demo-cases`; DEMO-UTILITY holds half of them), its
history remitted up to the end of the month before; then N/6 payment groups of the month posted on distinct
cases of that creditor (one in ten paid straight to the creditor, one in five with interest). Timed:
- baseline: the bare aggregate the build cannot do without — the month's payment groups with their sums per
  bucket (one grouped query, the same rows);
- build: `remittance_build` (the draft: queries and the commission engine, nothing written);
- issue: `remittance_issue` (the draft again under the lock, header and lines stored, PDF, XLSX, pain.001,
  FatturaPA written).

    .venv/bin/python benchmarks/remittance.py --demo-cases 600000      # the issue's 300,000 / 50,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/recupero_bench_rem .venv/bin/python benchmarks/remittance.py

With DATABASE_URL the database must exist and be empty (it is migrated here); otherwise a temporary SQLite file.
`--reuse` takes a database an earlier run set up (same `--demo-cases` and `--seed`) as it is: the month's
remittance is deleted and issued again, minutes of setup saved. Before the timed part the tables the setup wrote
are vacuumed and analysed, as autovacuum would have (the benchmark's server runs without it). Stages: `draft`,
`store` (lines, audit, commit; the files are prepared meanwhile in a forked child), `files_wait` (for the child,
then Typst's compile of the statement, `files_pdf_typst`), `files_save`. The issue's stages (draft, store, each file) are
printed to stderr and in the figures; the LAST line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_django(var: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var}/bench.sqlite3")
    os.environ["RECUPERO_VAR_DIR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _post_month(tenant, creditor, first: dt.date, last: dt.date, payments: int, seed: int) -> int:  # type: ignore[no-untyped-def]
    """N payment groups on distinct cases, the way the payments app posts them (bulk, for the setup only)."""
    from recupero.cases.models import Case
    from recupero.ledger.models import LedgerEntry

    rng = random.Random(seed)
    ids = list(Case.objects.filter(tenant=tenant, creditor=creditor).values_list("pk", flat=True))
    chosen = rng.sample(ids, min(payments, len(ids)))
    days = (last - first).days + 1
    rows = []
    for n, case_id in enumerate(chosen):
        group = uuid.uuid4()
        day = first + dt.timedelta(days=rng.randrange(days))
        debit = "paid_to_creditor" if n % 10 == 0 else "payments_received"
        parts = [("principal", Decimal(rng.randrange(1000, 50000)).scaleb(-2))]
        if n % 5 == 0:
            parts.append(("late_interest", Decimal(rng.randrange(100, 3000)).scaleb(-2)))
        for i, (credit, amount) in enumerate(parts):
            rows.append(
                LedgerEntry(
                    tenant=tenant,
                    case_id=case_id,
                    group=group,
                    kind="payment",
                    posted_on=day,
                    debit_account=debit,
                    credit_account=credit,
                    amount=amount,
                    description="Incasso (benchmark)",
                    idempotency_key=f"payment:bench-{n}#{i}",
                )
            )
    LedgerEntry.objects.bulk_create(rows, batch_size=5000)
    return len(chosen)


def _reuse(tenant, creditor, first: dt.date) -> int | None:  # type: ignore[no-untyped-def]
    """The month of an earlier run: its payments count, its remittance deleted (None: nothing to reuse)."""
    from django.db import transaction

    from recupero.ledger.models import LedgerEntry
    from recupero.remittance.models import Remittance, RemittanceLine

    entries = LedgerEntry.objects.filter(tenant=tenant, idempotency_key__startswith="payment:bench-")
    posted = entries.values("group").distinct().count()
    if not posted:
        return None
    with transaction.atomic():
        month = Remittance.objects.filter(tenant=tenant, creditor=creditor, until__gte=first)
        RemittanceLine.objects.filter(remittance__in=month).delete()
        month.delete()
    return posted


def _vacuum() -> None:
    """What autovacuum would have done by the time of a real remittance (the benchmark's server runs without it):
    the tables the setup wrote or deleted from, their statistics up to date and dead rows gone."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in ("ledger_ledgerentry", "remittance_remittance", "remittance_remittanceline"):
            cursor.execute(f'VACUUM ANALYZE "{table}"')


class Stages:
    """Wall time of the issue's stages: the named functions wrapped where the issue calls them."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, module: object, name: str, stage: str) -> None:
        inner = getattr(module, name)

        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t0

        setattr(module, name, timed)

    def install(self) -> None:
        from recupero.remittance import outputs, services
        from recupero.remittance.outputs import rendering

        self.wrap(services, "draft_compute", "draft")
        self.wrap(services, "_issue", "draft_and_store")
        self.wrap(rendering.Rendering, "result", "files_wait")
        self.wrap(services, "save_files", "files_save")
        self.wrap(outputs, "compile_statement", "files_pdf_typst")

    def report(self, total: float) -> dict[str, float]:
        out = {k: round(v, 3) for k, v in self.seconds.items()}
        out["store"] = round(out.pop("draft_and_store", 0.0) - out.get("draft", 0.0), 3)
        main = ("draft", "store", "files_wait", "files_save")
        out["other"] = round(total - sum(out.get(k, 0.0) for k in main), 3)
        return out


def _baseline(tenant, creditor, first: dt.date, last: dt.date) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    from django.db.models import Q, Sum

    from recupero.ledger.models import LedgerEntry

    t0 = time.perf_counter()
    rows = list(
        LedgerEntry.objects.filter(
            tenant=tenant, case__creditor=creditor, kind="payment", posted_on__gte=first, posted_on__lte=last
        )
        .values("group", "case_id", "posted_on", "debit_account")
        .annotate(
            principal=Sum("amount", filter=Q(credit_account="principal")),
            interest=Sum("amount", filter=Q(credit_account="late_interest")),
        )
        .order_by()
    )
    return len(rows), time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo-cases", type=int, default=60000, help="demo cases (half go to DEMO-UTILITY)")
    parser.add_argument("--payments", type=int, default=0, help="payments of the month (default: cases / 6)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="take the database of an earlier run as it is")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="recupero-remittance-"))
    _setup_django(var)
    from django.db import connection

    from recupero.cases.models import Case
    from recupero.core.clock import today
    from recupero.core.permissions import system_actor
    from recupero.demo.loader import demo_load
    from recupero.parties.models import Creditor
    from recupero.remittance.services import remittance_build, remittance_issue

    last = today().replace(day=1) - dt.timedelta(days=1)  # the month before this one
    first = last.replace(day=1)
    creditor = Creditor.objects.select_related("tenant").filter(code="DEMO-UTILITY").first()
    posted = _reuse(creditor.tenant, creditor, first) if args.reuse and creditor else None
    if posted is None:
        t0 = time.perf_counter()
        demo_load(cases=args.demo_cases, reset=True)
        print(f"demo: {args.demo_cases} cases in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        creditor = Creditor.objects.select_related("tenant").get(code="DEMO-UTILITY")
    assert creditor is not None
    tenant, actor = creditor.tenant, system_actor(creditor.tenant)
    cases = Case.objects.filter(tenant=tenant, creditor=creditor).count()
    if posted is None:
        t0 = time.perf_counter()
        remittance_issue(tenant=tenant, actor=actor, creditor=creditor, until=first - dt.timedelta(days=1))
        print(f"history remitted in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        posted = _post_month(tenant, creditor, first, last, args.payments or cases // 6, args.seed)
    else:
        print(f"reused: {cases} cases, {posted} payments of the month", file=sys.stderr)
    _vacuum()
    groups, baseline = _baseline(tenant, creditor, first, last)
    t0 = time.perf_counter()
    draft = remittance_build(tenant=tenant, actor=actor, creditor=creditor, until=last)
    build = time.perf_counter() - t0
    stages = Stages()
    stages.install()
    t0 = time.perf_counter()
    remittance = remittance_issue(tenant=tenant, actor=actor, creditor=creditor, until=last)
    issue = time.perf_counter() - t0
    breakdown = stages.report(issue)
    print("issue stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in breakdown.items()), file=sys.stderr)
    assert remittance is not None and remittance.payments == draft.payments == groups
    figures = {
        "database": connection.vendor,
        "creditor_cases": cases,
        "payments_posted": posted,
        "payments_remitted": remittance.payments,
        "lines": remittance.lines.count(),
        "collected": str(remittance.collected),
        "net": str(remittance.net),
        "baseline_aggregate_s": round(baseline, 3),
        "build_s": round(build, 3),
        "issue_with_files_s": round(issue, 3),
        "build_ratio": round(build / baseline, 1),
        "issue_ratio": round(issue / baseline, 1),
        "issue_stages_s": breakdown,
        "load_1min": round(os.getloadavg()[0], 2),
        "target_s": 10.0,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
