"""`recupero strategy run [--date YYYY-MM-DD] [--dry-run] [--json] [--tenant CODE]` — the daily run."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.channels.management.tenant import resolve_tenant
from recupero.core.clock import today
from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.strategies.services import strategy_run


class Command(BaseCommand):
    help = "Esecuzione giornaliera delle strategie (run) o anteprima (--dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="muove ogni pratica aperta di un passo della sua strategia")
        run.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            default=None,
            help="giorno della corsa (default oggi; con --dry-run default domani)",
        )
        run.add_argument("--dry-run", action="store_true", help="solo anteprima, nessuna scrittura")
        run.add_argument("--json", action="store_true")
        run.add_argument("--tenant", default=None)
        run.add_argument("--chunk", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = resolve_tenant(options["tenant"])
        dry = options["dry_run"]
        run_date = options["date"] or (today() + dt.timedelta(days=1) if dry else today())
        started = time.perf_counter()
        try:
            report = strategy_run(
                tenant=tenant,
                actor=system_actor(tenant),
                run_date=run_date,
                dry_run=dry,
                chunk_size=options["chunk"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        data = {
            "date": run_date.isoformat(),
            "dry_run": dry,
            **report.as_dict(),
            "seconds": round(time.perf_counter() - started, 3),
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            f"{'Anteprima' if dry else 'Esecuzione'} del {run_date:%d/%m/%Y}: "
            f"{data['cases_seen']} pratiche, {data['steps_executed']} passi eseguiti"
        )
        for name in ("by_action", "skipped", "flags"):
            for key, count in data[name].items():
                self.stdout.write(f"  {name} {key}: {count}")
