"""`recupero assignment-return CODE --creditor CODE [--out DIR]`: return the unresolved cases of an assignment
to the creditor and write the outcomes file (esiti) as CSV and XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.cases.models import Assignment
from recupero.core.permissions import system_actor
from recupero.imports.services import assignment_return


class Command(BaseCommand):
    help = "Rientro di un affido: pratiche non risolte restituite al committente e file degli esiti."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="codice dell'affido")
        parser.add_argument("--creditor", required=True, help="codice del committente")
        parser.add_argument("--tenant", help="codice dell'agenzia (se il committente è ambiguo)")
        parser.add_argument("--out", type=Path, help="cartella dei file degli esiti")

    def handle(self, *args: Any, **options: Any) -> None:
        found = Assignment.objects.filter(code=options["code"], creditor__code=options["creditor"])
        if options["tenant"]:
            found = found.filter(tenant__code=options["tenant"])
        assignments = list(found.select_related("tenant")[:2])
        if len(assignments) != 1:
            raise CommandError(
                "Affido non trovato" if not assignments else "Affido ambiguo: indicare --tenant"
            )
        assignment = assignments[0]
        result = assignment_return(
            tenant=assignment.tenant,
            actor=system_actor(assignment.tenant),
            assignment=assignment,
            out_dir=options["out"],
        )
        self.stdout.write(
            f"Affido {assignment.code}: {result.returned} pratiche restituite su {result.cases}; esiti in "
            f"{result.csv_path} e {result.xlsx_path}"
        )
