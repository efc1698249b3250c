"""`recupero payments import FILE... [--dry-run] [--json]` and `recupero payments record --case CODE ...`.

import: bank statements (camt.053 / camt.054 / CBI XML, or a zip of them) read with the intake's hardened XML,
stored once per bank reference and reconciled; `--json` prints entries, credits, matched, review, duplicates,
posted_total. A refused file exits with status 2 and `{"code", "message"}`. record: one payment by hand, imputed
by the law engine; `--json` prints the imputation per claim and component. Lives in `imports` because the
statement readers do (payments sits below imports).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.cases.models import Case, Claim
from recupero.core.errors import DomainError
from recupero.core.models import Tenant
from recupero.core.permissions import system_actor
from recupero.imports.bank import statement_file_import
from recupero.payments.domain.methods import Method
from recupero.payments.services import ImportReport, payment_record


class Command(BaseCommand):
    help = "Pagamenti: importa estratti conto (camt.053/054, CBI) o registra un pagamento."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="importa estratti conto")
        imp.add_argument("paths", nargs="+", type=Path)
        imp.add_argument("--tenant", help="codice dell'agenzia (se ce n'è più d'una)")
        imp.add_argument("--dry-run", action="store_true", help="legge e riconcilia senza scrivere")
        imp.add_argument("--json", action="store_true")
        rec = sub.add_parser("record", help="registra un pagamento")
        rec.add_argument("--case", required=True, help="codice della pratica")
        rec.add_argument("--amount", required=True)
        rec.add_argument("--date", required=True, help="data di valuta AAAA-MM-GG o GG/MM/AAAA")
        rec.add_argument("--method", required=True, choices=[m.value for m in Method])
        rec.add_argument("--direct", action="store_true", help="pagamento diretto al committente")
        rec.add_argument("--reference", default="", help="numero ricevuta, assegno, CRO")
        rec.add_argument(
            "--claim", default="", help="numero della fattura indicata dal debitore (art. 1193 c.c.)"
        )
        rec.add_argument("--tenant")
        rec.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                self._import(options)
            else:
                self._record(options)
        except DomainError as exc:
            self._refuse(exc.code, exc.message, options["json"])

    def _refuse(self, code: str, message: str, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"code": code, "message": message}, ensure_ascii=False))
        else:
            self.stderr.write(f"{message} ({code})")
        sys.exit(2)

    def _tenant(self, code: str | None) -> Tenant:
        tenants = Tenant.objects.filter(code=code) if code else Tenant.objects.all()
        if tenants.count() != 1:
            raise CommandError(
                "Indicare --tenant con il codice dell'agenzia."
                if not code
                else f"Agenzia «{code}» non trovata."
            )
        return tenants.get()

    def _import(self, options: dict[str, Any]) -> None:
        tenant = self._tenant(options["tenant"])
        actor = system_actor(tenant)
        total = ImportReport()
        for path in options["paths"]:
            report = statement_file_import(
                tenant=tenant, actor=actor, data=path.read_bytes(), name=path.name, dry_run=options["dry_run"]
            )
            for key in ("entries", "credits", "matched", "review", "duplicates", "posted_total"):
                setattr(total, key, getattr(total, key) + getattr(report, key))
            total.unregistered += report.unregistered
            total.statements += report.statements
        out = total.as_dict() | {"dry_run": options["dry_run"]}
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, default=str))
            return
        self.stdout.write(
            f"movimenti {out['entries']}, accrediti {out['credits']}, registrati {out['matched']}, "
            f"da verificare {out['review']}, duplicati {out['duplicates']}, totale registrato {out['posted_total']} €"
        )
        for iban in total.unregistered:
            self.stdout.write(f"conto {iban} non registrato: letto, nulla registrato")

    def _record(self, options: dict[str, Any]) -> None:
        tenant = self._tenant(options["tenant"])
        case = Case.objects.filter(tenant=tenant, code=options["case"].strip().upper()).first()
        if case is None:
            raise DomainError("auth.not_found")
        claim = None
        if options["claim"].strip():  # the invoice the debtor designated: paid first (art. 1193 c.c.)
            claim = Claim.objects.filter(
                tenant=tenant, case=case, invoice_number=options["claim"].strip()
            ).first()
            if claim is None:
                raise DomainError("payments.unknown_claim")
        payment = payment_record(
            tenant=tenant, actor=system_actor(tenant), case=case, amount=options["amount"],
            value_date=_day(options["date"]), method=options["method"], direct=options["direct"],
            reference=options["reference"], designated_claim=claim,
        )  # fmt: skip
        out = {
            "payment": payment.pk, "case": case.code, "amount": str(payment.amount),
            "value_date": payment.value_date.isoformat(), "imputation": payment.imputation,
            "designated_claim": claim.invoice_number if claim else None,
            "overpayment": str(payment.overpayment), "refund_due": payment.refund_due,
            "case_status": Case.objects.get(pk=case.pk).status,
        }  # fmt: skip
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        for part in payment.imputation:
            self.stdout.write(f"{part['invoice']}: {part['label']} {part['amount']} €")
        if payment.overpayment:
            self.stdout.write(f"eccedenza da rimborsare: {payment.overpayment} €")


def _day(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise DomainError("payments.bad_date", value=text)
