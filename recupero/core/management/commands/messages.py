"""`recupero messages extract [-l en]` and `recupero messages compile`: the interface's translations.

`extract` (`make messages`) updates `locale/<lang>/LC_MESSAGES/django.po` from the templates, the code and the
error catalogue (needs GNU gettext's xgettext/msgmerge, like Django's makemessages); `compile` writes the `.mo`
files in pure Python (`make install` runs it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from recupero.core.i18n import messages_compile, messages_extract


class Command(BaseCommand):
    help = "Traduzioni dell'interfaccia: estrae i messaggi (extract) e compila i cataloghi (compile)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        extract = sub.add_parser(
            "extract", help="Aggiorna i file .po dai modelli, dal codice e dagli errori."
        )
        others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
        extract.add_argument(
            "-l", "--locale", action="append", help=f"Lingua (predefinite: {', '.join(others)})."
        )
        compile_ = sub.add_parser("compile", help="Compila i file .po in .mo (senza GNU gettext).")
        compile_.add_argument(
            "--stale", action="store_true", help="Solo i cataloghi più recenti del loro .mo."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "extract":
            languages = options["locale"] or [
                c for c, _n in settings.LANGUAGES if c != settings.LANGUAGE_CODE
            ]
            messages_extract(languages)
            self.stdout.write(f"Cataloghi aggiornati: {', '.join(languages)}.")
            return
        written = messages_compile(only_stale=options["stale"])
        self.stdout.write(f"Cataloghi compilati: {len(written)}.")
