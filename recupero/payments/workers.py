"""A big statement reconciled by several processes (issue 13: 100,000 credits against 1,000,000 cases).

The reconciliation is Python (scoring, the law engine's imputation, the rows to write) and database work in turn;
threads share one interpreter lock, so on PostgreSQL a statement of more than one chunk is reconciled by the
calling process and `WORKERS - 1` helper processes (`python -m recupero.payments.helper`, started before the
statement's lines are stored, then told to go), each with its own connection, taking chunks with SKIP LOCKED
exactly as the calling process does (`services._reconcile_all`). A helper dies with its parent (a kill -9 of the
import kills them all: each chunk is one transaction, so nothing is half-posted and the rerun completes the rest);
a helper that fails leaves its chunk to the caller, which reconciles whatever is left after its own share. Each
helper prints one JSON line: its matched, review and posted total.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection

from recupero.core.context import current_ip

if TYPE_CHECKING:
    from recupero.core.models import Tenant, User


@dataclass(frozen=True)
class Share:
    """What one helper reconciled and committed; `failed`: it stopped before the end (an error, a crash), so the
    caller reconciles whatever is left."""

    matched: int = 0
    review: int = 0
    posted_total: str = "0.00"
    failed: bool = False


class Pool:
    """Helpers started ahead of the work: they set Django up (a second or two) while the caller still reads and
    stores the statement, then wait for `go` (reconcile) or `stop` (nothing to share: they exit at once)."""

    def __init__(self, iban: str, procs: list[subprocess.Popen[str]]) -> None:
        self.iban, self.procs = iban, procs
        self.told = False  # go or stop said (once: the helpers read one word)

    @classmethod
    def start(
        cls, *, tenant: Tenant, actor: User, iban: str, one_by_one: bool, chunk: int, count: int
    ) -> Pool:
        env = {
            **os.environ,
            "RECUPERO_DB_NAME": str(connection.settings_dict["NAME"]),
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.base"),
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(settings.BASE_DIR), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
        args = [
            sys.executable, "-m", "recupero.payments.helper", "--tenant", str(tenant.pk), "--actor",
            str(actor.pk or 0), "--iban", iban, "--chunk", str(chunk), "--parent", str(os.getpid()),
            "--ip", current_ip.get() or "", *(["--one-by-one"] if one_by_one else []),
        ]  # fmt: skip
        procs = [
            subprocess.Popen(args, cwd=Path(settings.BASE_DIR), env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
            for _ in range(count)
        ]  # fmt: skip
        return cls(iban, procs)

    def _say(self, word: str) -> None:
        if self.told:
            return
        self.told = True
        for proc in self.procs:
            assert proc.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # a helper that died: `collect` says so
                proc.stdin.write(f"{word}\n")
                proc.stdin.close()

    def go(self) -> None:
        self._say("go")

    def stop(self) -> None:
        self._say("stop")
        self.collect()

    def collect(self) -> list[Share]:
        """Wait for every helper: its figures (those it printed, also when it failed), failed unless it exited 0."""
        out: list[Share] = []
        for proc in self.procs:
            assert proc.stdout is not None
            stdout = proc.stdout.read()
            proc.stdout.close()
            proc.wait()
            try:
                figures = json.loads(stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):  # killed before it printed
                figures = {}
            out.append(Share(**figures, failed=proc.returncode != 0 or not figures))
        return out
