"""`recupero serve`: the production web server (gunicorn) on the project's WSGI application.

Static files are collected first when their sources changed (WhiteNoise serves them from STATIC_ROOT: with DEBUG
off it does not look into the apps' folders). Every option has an environment variable, so a service manager or a
container sets them once: RECUPERO_BIND, RECUPERO_WEB_WORKERS, RECUPERO_WEB_THREADS, RECUPERO_WEB_TIMEOUT,
RECUPERO_FORWARDED_ALLOW_IPS. Behind a TLS proxy, bind to loopback or a private address.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from recupero.core.static import collect_if_needed


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw else default
    except ValueError:
        raise CommandError(f"{name} deve essere un numero intero, non «{raw}».") from None


class Command(BaseCommand):
    help = "Avvia il server web di produzione (gunicorn) dopo aver raccolto i file statici se necessario."
    requires_system_checks: list[str] = []  # the WSGI application runs Django's checks when it loads

    def add_arguments(self, parser: CommandParser) -> None:
        cores = _cores()
        env = os.environ.get
        parser.add_argument("--bind", default=env("RECUPERO_BIND", "127.0.0.1:8000"), help="indirizzo:porta")
        # Pages wait on the database most of the time: a process per core plus one, each with a few threads.
        parser.add_argument("--workers", type=int, default=_env_int("RECUPERO_WEB_WORKERS", cores + 1))
        parser.add_argument("--threads", type=int, default=_env_int("RECUPERO_WEB_THREADS", 4))
        parser.add_argument("--timeout", type=int, default=_env_int("RECUPERO_WEB_TIMEOUT", 60))
        parser.add_argument(
            "--forwarded-allow-ips",
            default=env("RECUPERO_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            help="proxy fidati per X-Forwarded-* (il proxy TLS)",
        )
        parser.add_argument("--access-log", action="store_true", help="una riga per richiesta su stdout")
        parser.add_argument("--no-collectstatic", action="store_true", help="non raccogliere i file statici")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("workers", "threads", "timeout"):
            if options[name] < 1:
                raise CommandError(f"--{name} deve essere almeno 1.")
        if not options["no_collectstatic"]:
            copied = collect_if_needed()
            if copied is not None:
                self.stdout.write(f"File statici raccolti: {copied}.")
        connections.close_all()  # the workers are forked: none may inherit this process's connection
        from recupero.core.wsgi_server import RecuperoServer

        self.stdout.write(
            f"Recupero su http://{options['bind']}/ ({options['workers']} processi × {options['threads']} thread)"
        )
        RecuperoServer(
            {
                "bind": options["bind"],
                "workers": options["workers"],
                "threads": options["threads"],
                "timeout": options["timeout"],
                "forwarded_allow_ips": options["forwarded_allow_ips"],
                "accesslog": "-" if options["access_log"] else None,
            }
        ).run()
