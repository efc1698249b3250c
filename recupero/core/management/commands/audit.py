"""`recupero audit verify [--tenant CODE] [--json] [--record]`: recompute each tenant's audit hash chain.

Exit status 0 when every chain holds, 1 when one is broken (its first broken row is named), 2 on bad input."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from recupero.core.domain.chain import Verdict
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.core.selectors import chain_verify
from recupero.core.services import audit_verify_record


class Command(BaseCommand):
    help = "Registro di audit: verifica la catena delle impronte (verify)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="Ricalcola la catena e indica la prima riga alterata.")
        check.add_argument("--tenant", help="Codice dell'agenzia (tutte se omesso).")
        check.add_argument("--json", action="store_true", help="Risultato in JSON, una riga.")
        check.add_argument(
            "--record",
            action="store_true",
            help="Registra l'esito nel registro stesso (azione audit.verify).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = Tenant.objects.order_by("code")
        if options["tenant"]:
            tenants = tenants.filter(code=options["tenant"])
            if not tenants.exists():
                raise CommandError(f"Agenzia sconosciuta: «{options['tenant']}».", returncode=2)
        results = {}
        for tenant in tenants:
            if options["record"]:
                results[tenant.code] = audit_verify_record(tenant=tenant, actor=system_actor(tenant))
            else:
                results[tenant.code] = chain_verify(tenant=tenant)
        if options["json"]:
            payload = {
                "ok": all(v.ok for v in results.values()),
                "tenants": {k: v.as_dict() for k, v in results.items()},
            }
            self.stdout.write(json.dumps(payload, sort_keys=True))
        else:
            for code, verdict in results.items():
                self.stdout.write(_line(code, verdict))
        if not all(v.ok for v in results.values()):
            sys.exit(1)


def _line(code: str, verdict: Verdict) -> str:
    if verdict.ok:
        return f"{code}: catena integra, {verdict.rows} righe, ultima n. {verdict.head_seq} ({verdict.head_hash[:16]}…)"
    broken = verdict.broken
    assert broken is not None
    return (
        f"{code}: CATENA ALTERATA alla riga n. {broken.seq} (id {broken.row_id}): {broken.reason}; "
        f"{verdict.rows} righe precedenti integre"
    )
