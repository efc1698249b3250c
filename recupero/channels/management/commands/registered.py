"""`recupero registered import FILE.csv [--json]` — tracking numbers, return cards, giacenza notices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from recupero.channels.management.tenant import resolve_tenant
from recupero.channels.services import registered_import
from recupero.core.permissions import system_actor


class Command(BaseCommand):
    help = "Raccomandate A/R: importa esiti (numero, consegna, giacenza, restituzione) da CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import")
        imp.add_argument("file", type=Path)
        imp.add_argument("--json", action="store_true")
        imp.add_argument("--tenant", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = resolve_tenant(options["tenant"])
        lines = options["file"].read_text(encoding="utf-8-sig").splitlines()
        result = registered_import(tenant=tenant, actor=system_actor(tenant), lines=lines)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(f"{result['rows']} righe registrate, {len(result['errors'])} errori")
            for err in result["errors"]:
                self.stdout.write(f"  riga {err['line']}: {err['error']}")
