"""`recupero demo [--cases N] [--seed S] [--reset] [--json]`: load the deterministic demo agency."""

from __future__ import annotations

import json
import resource
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.demo.loader import PASSWORD, USERS, demo_load


class Command(BaseCommand):
    help = "Carica l'agenzia dimostrativa (deterministica: stesso seme, stessi dati)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=6000, help="numero di pratiche (default 6000)")
        parser.add_argument("--seed", type=int, default=1, help="seme del generatore (default 1)")
        parser.add_argument("--reset", action="store_true", help="cancella e ricarica la demo esistente")
        parser.add_argument("--json", action="store_true", help="stampa solo un oggetto JSON con le cifre")
        parser.add_argument("--no-migrate", action="store_true", help="non applicare le migrazioni pendenti")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 1:
            raise CommandError("--cases deve essere almeno 1")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        quiet = options["json"] or options["verbosity"] == 0

        def progress(done: int, rows: int, seconds: float) -> None:
            if not quiet and options["cases"] > 50_000:
                self.stdout.write(
                    f"  {done:>9,} pratiche  {rows:>11,} righe  {rows / seconds:>9,.0f} righe/s"
                )

        try:
            result = demo_load(
                cases=options["cases"],
                seed=options["seed"],
                reset=options["reset"],
                progress=progress,
                bank_statement=True,
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "cases": result.cases,
                        "seed": result.seed,
                        "vendor": result.vendor,
                        "skipped": result.skipped,
                        "rows": result.rows,
                        "seconds": round(result.seconds, 3),
                        "rows_per_second": round(result.rows_per_second),
                        "peak_rss_mb": round(peak_mb),
                        "per_table": result.per_table,
                    }
                )
            )
            return
        if result.skipped:
            self.stdout.write("La demo è già caricata: usa --reset per ricaricarla.")
        else:
            for table, count in result.per_table.items():
                self.stdout.write(f"  {table:<24} {count:>11,}")
            self.stdout.write(
                f"Demo caricata: {result.cases:,} pratiche, {result.rows:,} righe in {result.seconds:.1f} s "
                f"= {result.rows_per_second:,.0f} righe/s ({result.vendor}, picco memoria {peak_mb:,.0f} MB)"
            )
        if result.link is not None:
            self.stdout.write(
                f"\nPagina del debitore (pratica {result.link.case_code}): {result.link.url}\n"
                f"  codice da inserire: {result.link.answer} (ultimi 5 caratteri del codice fiscale)"
            )
        self.stdout.write("\nAccessi demo (utente / password / ruolo):")
        for username, role, *_rest in USERS:
            self.stdout.write(f"  {username:<16} {PASSWORD:<6} {role.value}")
