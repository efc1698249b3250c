"""`recupero`: the project's command line.

`recupero law ...` runs the pure law engine. It needs no Django and no database: `interest` reads the published
rates from the database only when one is configured (`DATABASE_URL`, or the default SQLite file exists), so a
rate added by an administrator is used at once; otherwise the bundled files. `recupero law rates ...` manages
those rates and is the `rates` management command (it needs the database). Every other word is a Django
management command (`recupero demo --cases 1000`, `recupero migrate`, `recupero import ...`, `recupero worker`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recupero.law.rates import RateTable

SETTINGS = "config.settings.base"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] == ["law", "rates"]:
        return _rates_command(args[2:])
    if args[:1] == ["law"]:
        from recupero.law.cli import main as law_main

        rates = _database_rates() if args[1:2] == ["interest"] and database_configured() else None
        return law_main(args[1:], rates=rates)
    return _django(args)


def _django(args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["recupero", *args])
    return 0


def _rates_command(args: list[str]) -> int:
    """`recupero law rates …` is the `rates` management command, called in this process (call_command leaves
    the database connection open, unlike execute_from_command_line: the caller may be a test's transaction)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("rates", *args)
    return 0


def database_configured() -> bool:
    """A database URL is set, or the embedded SQLite database of `make run` exists (never created here)."""
    if os.environ.get("DATABASE_URL"):
        return True
    var = Path(os.environ.get("RECUPERO_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    return (var / "recupero.sqlite3").exists()


def _database_rates() -> RateTable | None:
    """The database's rate table; on any failure say so on stderr and fall back to the bundled files (the
    JSON's `rates.origin` tells which table the figures come from)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    try:
        import django

        django.setup()
        from recupero.ledger.selectors import rate_table

        return rate_table()
    except Exception as exc:  # an unmigrated or unreachable database must not stop a database-free command
        print(
            f"avviso: tassi non letti dal database ({exc.__class__.__name__}): uso i file inclusi",
            file=sys.stderr,
        )
        return None


if __name__ == "__main__":
    raise SystemExit(main())
