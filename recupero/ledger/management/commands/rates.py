"""`recupero rates add|list` (also reached as `recupero law rates …`): the published interest rates.

    recupero law rates add --kind ecb --from 2026-07-01 --rate 2,15 --source "Comunicato MEF, GU n. … del …"
    recupero law rates list [--kind ecb|legal] [--json]

`add` runs the `rate_add` service as the system actor (the server's operator; of `--tenant`, else of the first
agency: rates are global and the addition is audited in every agency) or as `--user`, who must be an
administrator; a refused rate prints `errore [code]: messaggio` on stderr and exits with status 2.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import system_actor
from recupero.law.cli import parse_date
from recupero.law.errors import LawError
from recupero.law.money import format_rate
from recupero.law.rates import RATE_KINDS, parse_rate, period_label
from recupero.ledger.models import InterestRate
from recupero.ledger.selectors import rate_rows
from recupero.ledger.services import rate_add


def row_json(row: InterestRate) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "from": row.valid_from.isoformat(),
        "to": row.valid_to.isoformat(),
        "rate": str(row.published_rate),
        "source": row.source,
        "added_by": row.created_by.username if row.created_by else None,
    }


def row_text(row: InterestRate) -> str:
    return (
        f"{RATE_KINDS[row.kind]} del {period_label(row.kind, row.valid_from)} "
        f"({row.valid_from:%d/%m/%Y}–{row.valid_to:%d/%m/%Y}): {format_rate(row.published_rate)} — {row.source}"
    )


class Command(BaseCommand):
    help = "Tassi pubblicati (BCE per semestre, legale per anno): elenco e aggiunta."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="aggiunge il tasso del periodo successivo all'ultimo presente")
        add.add_argument("--kind", required=True, choices=("ecb", "legal"))
        add.add_argument(
            "--from", dest="valid_from", required=True, help="AAAA-MM-GG: 1º gennaio o 1º luglio"
        )
        add.add_argument("--rate", required=True, help="percentuale, es. 2,15")
        add.add_argument("--source", required=True, help="comunicato in Gazzetta Ufficiale")
        add.add_argument("--user", help="amministratore a cui attribuire l'aggiunta (registro di audit)")
        add.add_argument(
            "--tenant", help="agenzia del sistema che registra l'aggiunta (predefinita: la prima)"
        )
        add.add_argument("--json", action="store_true")
        listing = sub.add_parser("list", help="elenca i tassi, dal più recente")
        listing.add_argument("--kind", choices=("ecb", "legal"))
        listing.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "add":
                self._add(options)
            else:
                self._list(options)
        except (DomainError, LawError) as exc:
            self.stderr.write(f"errore [{exc.code}]: {exc.message}")
            raise SystemExit(2) from None

    def _add(self, options: dict[str, Any]) -> None:
        actor = self._actor(options["user"], options["tenant"])
        assert actor.tenant is not None
        row = rate_add(
            tenant=actor.tenant,
            actor=actor,
            kind=options["kind"],
            valid_from=parse_date(options["valid_from"], "data di decorrenza"),
            rate=parse_rate(options["rate"]),
            source=options["source"],
        )
        self.stdout.write(json.dumps(row_json(row), ensure_ascii=False) if options["json"] else row_text(row))

    def _list(self, options: dict[str, Any]) -> None:
        rows = rate_rows(kind=options["kind"])
        if options["json"]:
            self.stdout.write(json.dumps([row_json(r) for r in rows], ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(row_text(r) for r in rows))

    def _actor(self, username: str | None, tenant_code: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise DomainError("auth.not_found", f"Utente sconosciuto: «{username}».")
            return user
        tenants = Tenant.objects.order_by("pk")
        tenant = tenants.filter(code=tenant_code).first() if tenant_code else tenants.first()
        if tenant is None:
            what = (
                f"Agenzia sconosciuta: «{tenant_code}»." if tenant_code else "Nessuna agenzia nel database."
            )
            raise DomainError("auth.not_found", what)
        return system_actor(tenant)
