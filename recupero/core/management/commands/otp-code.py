"""`recupero otp-code USER`: the code the user's authenticator shows now — for the demo, and only with DEBUG on.

With DEBUG off it refuses: on a real installation the code must come from the user's own phone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from recupero.core.accounts import otp_current_code, otp_device_of
from recupero.core.models import User


class Command(BaseCommand):
    help = "Stampa il codice TOTP attuale di un utente (solo con DEBUG attivo: per la demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Disponibile solo con DEBUG attivo (DJANGO_DEBUG=1): in produzione il codice lo mostra "
                "soltanto l'app di autenticazione dell'utente."
            )
        user = User.objects.filter(username=options["username"]).first()
        device = otp_device_of(user) if user is not None else None
        if device is None:
            raise CommandError(f"L'utente «{options['username']}» non ha un'app di autenticazione attiva.")
        self.stdout.write(otp_current_code(device))
