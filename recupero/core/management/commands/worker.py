"""`recupero worker`: the Huey consumer with its periodic scheduler (every job of config/schedule.py).

Several workers may consume one Redis queue (REDIS_URL): each task is taken by one of them, and the periodic
jobs run once a day whichever worker's scheduler enqueued them (config/schedule.py). `--no-periodic` leaves a
worker without a scheduler at all (e.g. workers on other machines).
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Esegue il worker dei task in background (Huey) con lo scheduler dei job periodici."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=2, help="thread di lavoro (default 2)")
        parser.add_argument(
            "--no-periodic", action="store_true", help="non accodare i job periodici (solo task su richiesta)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        importlib.import_module("config.schedule")  # registers the periodic tasks before the consumer starts
        call_command(
            "run_huey", workers=options["workers"], worker_type="thread", periodic=not options["no_periodic"]
        )
