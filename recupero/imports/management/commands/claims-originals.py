"""`recupero claims-originals [--batch ID]`: give the claims of FatturaPA batches committed before the intake
handed originals over their original invoice (once: a document already kept is not added again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from recupero.core.permissions import system_actor
from recupero.imports.domain.states import BatchStatus
from recupero.imports.models import ImportBatch
from recupero.imports.originals import originals_attach


class Command(BaseCommand):
    help = "Conserva con le pratiche le fatture elettroniche originali degli affidi FatturaPA già importati."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, help="solo questo caricamento")

    def handle(self, *args: Any, **options: Any) -> None:
        batches = ImportBatch.objects.filter(status=BatchStatus.COMMITTED, format="fatturapa").order_by("pk")
        if options["batch"]:
            batches = batches.filter(pk=options["batch"])
        total = 0
        for batch in batches.select_related("tenant", "creditor"):
            with transaction.atomic():
                added = originals_attach(batch, system_actor(batch.tenant))
            total += added
            self.stdout.write(f"caricamento {batch.pk}: {added} fatture originali conservate")
        self.stdout.write(f"totale: {total}")
