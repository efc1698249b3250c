"""`recupero worker`: the Huey consumer with its periodic scheduler (every job of config/schedule.py)."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Esegue il worker dei task in background (Huey) con lo scheduler dei job periodici."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        importlib.import_module("config.schedule")  # registers the periodic tasks before the consumer starts
        call_command("run_huey", workers=options["workers"], worker_type="thread")
