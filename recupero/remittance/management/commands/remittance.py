"""`recupero remittance build --creditor CODE --until DATE [--issue] [--json]`: a creditor's remittance.

Without `--issue` it only shows what would be remitted (nothing is written). With `--issue` the period is
locked and the files are written under the media folder. `--json` prints one object: number, payments,
collected, commission, vat, held, net, to_invoice, files. Exit status 2 with {"code", "message"} when refused.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.core.errors import DomainError
from recupero.core.permissions import system_actor
from recupero.law.money import format_eur
from recupero.parties.models import Creditor
from recupero.remittance.compute import Draft
from recupero.remittance.models import Remittance
from recupero.remittance.services import remittance_build, remittance_issue

FILES = ("statement", "workbook", "transfer", "invoice")
LABELS = (
    ("collected", "incassato"),
    ("commission", "provvigioni"),
    ("vat", "IVA"),
    ("held", "trattenuto"),
    ("net", "netto da riversare"),
    ("to_invoice", "da fatturare"),
)


class Command(BaseCommand):
    help = "Rendiconto e riversamento di un committente: anteprima, o emissione con --issue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="calcola (e con --issue emette) il rendiconto")
        build.add_argument("--creditor", required=True, help="codice del committente")
        build.add_argument("--tenant", help="codice dell'agenzia (se il committente è ambiguo)")
        build.add_argument("--until", required=True, help="incassi fino al giorno (AAAA-MM-GG o GG/MM/AAAA)")
        build.add_argument("--issue", action="store_true", help="emette: blocca il periodo e scrive i file")
        build.add_argument("--json", action="store_true", help="un oggetto JSON su stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            creditor = _creditor(options["creditor"], options["tenant"])
            until = _day(options["until"])
            actor = system_actor(creditor.tenant)
            if options["issue"]:
                issued = remittance_issue(tenant=creditor.tenant, actor=actor, creditor=creditor, until=until)
                summary = _issued(issued)
            else:
                draft = remittance_build(tenant=creditor.tenant, actor=actor, creditor=creditor, until=until)
                summary = _drafted(draft)
        except DomainError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"code": exc.code, "message": exc.message}, ensure_ascii=False))
            raise CommandError(f"{exc.code}: {exc.message}", returncode=2) from None
        self._print(summary, options["json"])

    def _print(self, summary: dict[str, Any], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        if summary.get("nothing"):
            self.stdout.write("Nessun incasso nuovo da rendicontare: nessun rendiconto emesso.")
            return
        head = f"Rendiconto {summary['number']}" if summary["number"] else "Anteprima (nulla è stato scritto)"
        self.stdout.write(head)
        for key, label in LABELS:
            self.stdout.write(f"  {label:<20} {format_eur(Decimal(summary[key])):>14} €")
        self.stdout.write(f"  pagamenti            {summary['payments']:>14}")
        for path in summary["files"]:
            self.stdout.write(f"  file: {path}")


def _creditor(code: str, tenant: str | None) -> Creditor:
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


def _day(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise DomainError("remittance.bad_date", value=text)


def _drafted(draft: Draft) -> dict[str, Any]:
    return {
        "issued": False, "number": "", "payments": draft.payments, "lines": len(draft.lines),
        "collected": str(draft.collected), "commission": str(draft.total("commission")),
        "vat": str(draft.total("vat")), "held": str(draft.total("held")), "net": str(draft.net),
        "to_invoice": str(draft.to_invoice), "files": [],
    }  # fmt: skip


def _issued(remittance: Remittance | None) -> dict[str, Any]:
    if remittance is None:
        zero = "0.00"
        money = dict.fromkeys(("collected", "commission", "vat", "held", "net", "to_invoice"), zero)
        return {
            "issued": False,
            "nothing": True,
            "number": "",
            "payments": 0,
            "lines": 0,
            **money,
            "files": [],
        }
    media = settings.MEDIA_ROOT
    files = [f"{media}/{getattr(remittance, f).name}" for f in FILES if getattr(remittance, f).name]
    return {
        "issued": True, "number": remittance.number, "id": remittance.pk, "payments": remittance.payments,
        "lines": remittance.lines.count(), "collected": str(remittance.collected),
        "commission": str(remittance.commission), "vat": str(remittance.vat), "held": str(remittance.held),
        "net": str(remittance.net), "to_invoice": str(remittance.to_invoice), "files": files,
    }  # fmt: skip
