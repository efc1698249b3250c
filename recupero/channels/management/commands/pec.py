"""`recupero pec ingest FILE.eml... [--json]` and `recupero pec poll` (the certified mailbox over IMAP)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from recupero.channels.mailbox import pec_poll
from recupero.channels.management.tenant import resolve_tenant
from recupero.channels.services import pec_ingest
from recupero.core.permissions import system_actor


class Command(BaseCommand):
    help = "Ricevute PEC: importa file .eml o legge la casella PEC."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest")
        ingest.add_argument("files", nargs="+", type=Path)
        ingest.add_argument("--json", action="store_true")
        ingest.add_argument("--tenant", default=None)
        poll = sub.add_parser("poll")
        poll.add_argument("--json", action="store_true")
        poll.add_argument("--tenant", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = resolve_tenant(options["tenant"])
        if options["action"] == "poll":
            results = pec_poll(tenant=tenant)
            out = [r.as_dict() for r in results]
        else:
            out = []
            for path in options["files"]:
                result = pec_ingest(
                    tenant=tenant, actor=system_actor(tenant), raw=path.read_bytes()
                ).as_dict()
                out.append({"file": str(path), **result})
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        for row in out:
            self.stdout.write(
                f"{row.get('file', '')} {row['type']} {row['error']} {row['date']} "
                f"pratica={row['case'] or '-'} {row['problem']}"
            )
