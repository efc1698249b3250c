"""`recupero arrangement propose`: record a promise, plan or settlement on a case from a shell.

    recupero arrangement propose --case PR-0000001 --kind plan --instalments 6 --first-due 2026-04-30 --json
    recupero arrangement propose --case PR-0000001 --kind promise --amount 300,00 --due 2026-03-20 --json
    recupero arrangement check [--day 2026-03-20] --json

Acts as the system actor of `--tenant` (default: the first agency) or as `--user`. Prints `status` (active |
pending_approval), `total` and `instalments` [{due, amount}]; a refusal exits with status 2 and prints
`{"code", "message"}` (with --json on stdout, else `errore [code]: messaggio` on stderr).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from recupero.arrangements.models import Arrangement
from recupero.arrangements.selectors import case_by_code, terms_from_input
from recupero.arrangements.services import arrangement_propose, arrangements_check
from recupero.core.clock import today
from recupero.core.errors import DomainError
from recupero.core.models import Tenant, User
from recupero.core.permissions import system_actor
from recupero.law.errors import LawError


def result_json(a: Arrangement) -> dict[str, Any]:
    return {
        "id": a.pk,
        "case": a.case.code,
        "kind": a.kind,
        "status": a.status,
        "amount_due": str(a.amount_due),
        "total": str(a.total),
        "instalments": [
            {"due": i.due_on.isoformat(), "amount": str(i.amount)} for i in a.instalments.order_by("number")
        ],
        "breaches": a.breaches,
    }


class Command(BaseCommand):
    help = "Accordi: proposta di promessa, piano di rientro o stralcio; controllo giornaliero."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        propose = sub.add_parser("propose", help="registra un accordo su una pratica")
        propose.add_argument("--case", required=True, help="codice della pratica")
        propose.add_argument("--kind", required=True, choices=("promise", "plan", "settlement"))
        propose.add_argument("--amount", default="", help="importo promesso (promessa)")
        propose.add_argument("--due", default="", help="AAAA-MM-GG: data della promessa")
        propose.add_argument("--instalments", default="1")
        propose.add_argument("--frequency", default="monthly", choices=("monthly", "weekly"))
        propose.add_argument("--first-due", dest="first_due", default="", help="AAAA-MM-GG: prima rata")
        propose.add_argument("--down-payment", dest="down_payment", default="")
        propose.add_argument("--discount", default="", help="sconto percentuale (stralcio)")
        propose.add_argument("--replace", action="store_true", help="sostituisce l'accordo in corso")
        propose.add_argument("--user", help="utente a cui attribuire l'accordo")
        propose.add_argument("--tenant", help="codice dell'agenzia (predefinita: la prima)")
        propose.add_argument("--json", action="store_true")
        check = sub.add_parser("check", help="controllo giornaliero di promesse e rate (idempotente)")
        check.add_argument("--day", default="")
        check.add_argument("--tenant")
        check.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "propose":
                out: dict[str, Any] = self._propose(options)
            else:
                out = self._check(options)
        except (DomainError, LawError) as exc:
            if options.get("json"):
                self.stdout.write(json.dumps({"code": exc.code, "message": exc.message}, ensure_ascii=False))
            else:
                self.stderr.write(f"errore [{exc.code}]: {exc.message}")
            raise SystemExit(2) from None
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=None if options.get("json") else 2))

    def _propose(self, options: dict[str, Any]) -> dict[str, Any]:
        actor = self._actor(options.get("user"), options.get("tenant"))
        tenant = actor.tenant
        assert tenant is not None
        case = case_by_code(tenant=tenant, actor=actor, code=options["case"])
        fields = (
            "kind",
            "amount",
            "due",
            "instalments",
            "frequency",
            "first_due",
            "down_payment",
            "discount",
        )
        terms = terms_from_input({k: str(options[k] or "") for k in fields})
        a = arrangement_propose(
            tenant=tenant, actor=actor, case=case, terms=terms, channel="cli", replace=options["replace"]
        )
        return result_json(a)

    def _check(self, options: dict[str, Any]) -> dict[str, Any]:
        actor = self._actor(None, options.get("tenant"))
        assert actor.tenant is not None
        day = dt.date.fromisoformat(options["day"]) if options["day"] else today()
        return arrangements_check(tenant=actor.tenant, actor=actor, day=day)

    def _actor(self, username: str | None, tenant_code: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise DomainError("auth.not_found", f"Utente sconosciuto: «{username}».")
            return user
        tenants = Tenant.objects.order_by("pk")
        tenant = tenants.filter(code=tenant_code).first() if tenant_code else tenants.first()
        if tenant is None:
            raise DomainError("auth.not_found", "Agenzia sconosciuta o nessuna agenzia nel database.")
        return system_actor(tenant)
