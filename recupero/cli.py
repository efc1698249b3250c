"""`recupero`: the project's command line.

`recupero law ...` runs the pure law engine without Django. Every other word is a Django management command
(`recupero demo --cases 1000`, `recupero migrate`, `recupero import ...`, `recupero worker`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["law"]:
        from recupero.law.cli import main as law_main

        return law_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["recupero", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
