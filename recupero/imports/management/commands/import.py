"""`recupero import PATH... --creditor CODE`: parse (and commit) an affido in this process, with a progress bar.

Exit status: 2 when a file is refused as a whole, 1 when the commit (or the parse) failed, 0 otherwise.
`--json` prints one JSON object: rows, debtors_new, cases_new, claims_new, updated, unchanged, warnings, errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.core.permissions import system_actor
from recupero.imports import services, staging
from recupero.imports.models import ImportBatch
from recupero.parties.models import Creditor


class Bar:
    """rows done / total, rows per second and time left, redrawn on stderr."""

    def __init__(self, stream: Any, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled

    def __call__(self, phase: str, done: int, total: int, elapsed: float) -> None:
        if not self.enabled:
            return
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate and total > done else 0.0
        width = 30
        filled = int(width * done / total) if total else 0
        self.stream.write(
            f"\r{phase[:28]:<28} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:<9,} "
            f"{rate:>9,.0f} righe/s  {left:>5.0f} s rimanenti"
        )
        self.stream.flush()

    def end(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Importa un affido (CSV, XLSX, FatturaPA): anteprima e, senza --dry-run, importazione."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--creditor", required=True, help="codice del committente")
        parser.add_argument("--tenant", help="codice dell'agenzia (se il committente è ambiguo)")
        parser.add_argument("--profile", help="profilo di mappatura salvato")
        parser.add_argument("--assignment", default="", help="codice dell'affido")
        parser.add_argument("--dry-run", action="store_true", help="solo anteprima, nessuna scrittura")
        parser.add_argument("--json", action="store_true", help="un oggetto JSON su stdout")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        creditor = self._creditor(options["creditor"], options["tenant"])
        files: list[tuple[str, Path]] = [(p.name, p) for p in options["paths"]]  # copied, never read whole
        bar = Bar(self.stderr._out, not options["no_progress"])  # stderr: --json output stays clean
        batch = services.batch_upload(
            tenant=creditor.tenant, actor=system_actor(creditor.tenant), creditor=creditor, files=files,
            profile_name=options["profile"],
            assignment_code=options["assignment"], enqueue=False,
        )  # fmt: skip
        failed = None
        try:
            batch = services.batch_parse(batch.pk, echo=bar)
            if batch.status == "ready" and not options["dry_run"]:
                batch = services.batch_commit(batch.pk, echo=bar)
        except Exception as exc:  # reported below with exit status 1; nothing was written
            failed = exc
        bar.end()
        batch.refresh_from_db()
        summary = _summary(batch)
        self._print(summary, options["json"])
        if batch.status == "refused":
            raise CommandError(f"{batch.error_code}: {batch.error_message}", returncode=2)
        if failed is not None or batch.status == "failed":
            raise CommandError(f"{batch.error_code}: {batch.error_message or failed}", returncode=1)

    def _creditor(self, code: str, tenant: str | None) -> Creditor:
        found = Creditor.objects.filter(code=code).select_related("tenant")
        if tenant:
            found = found.filter(tenant__code=tenant)
        creditors = list(found[:2])
        if len(creditors) != 1:
            raise CommandError(
                f"Committente «{code}» " + ("ambiguo: indicare --tenant" if creditors else "non trovato"),
                returncode=2,
            )
        return creditors[0]

    def _print(self, summary: dict[str, Any], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(f"Lotto {summary['batch']}: {summary['status']}")
        if summary.get("refused"):
            self.stdout.write(f"  rifiutato: {summary['refused']['message']}")
            return
        self.stdout.write(
            f"  righe {summary['rows']}: debitori nuovi {summary['debtors_new']}, pratiche nuove "
            f"{summary['cases_new']}, fatture nuove {summary['claims_new']}, aggiornate {summary['updated']}, "
            f"invariate {summary['unchanged']}, errori {len(summary['errors'])}, avvisi {len(summary['warnings'])}"
        )


def _summary(batch: ImportBatch) -> dict[str, Any]:
    preview = batch.preview or {}
    errors = staging.read_errors(batch.pk)

    def listed(severity: str) -> list[dict[str, Any]]:
        subset = errors.filter(pl.col("severity") == severity)
        return subset.select("file", "row", "field", "code", "value").to_dicts()

    def count(group: str, key: str) -> int:
        return int(preview.get(group, {}).get(key, 0))

    result: dict[str, Any] = {
        "batch": batch.pk,
        "status": batch.status,
        "rows": preview.get("rows", 0),
        "debtors_new": count("debtors", "new"),
        "cases_new": count("cases", "new"),
        "claims_new": count("claims", "new"),
        "contacts_new": preview.get("contacts_new", 0),
        "updated": {g: count(g, "updated") for g in ("debtors", "cases", "claims")},
        "unchanged": {g: count(g, "unchanged") for g in ("debtors", "cases", "claims")},
        "warnings": listed("warning"),
        "errors": listed("error"),
        "notices": preview.get("notices", []),
    }
    if batch.status == "refused":
        result["refused"] = {"code": batch.error_code, "message": batch.error_message}
    if batch.status == "failed":
        result["failed"] = {"code": batch.error_code, "message": batch.error_message}
    return result
