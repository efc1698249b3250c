"""The files of a remittance being issued, prepared in a forked child while the issuing process stores its lines.

Half the issue's time is spent waiting for the database (the COPY of 90,000 lines, the key checks, the commit), and
the files are 2-3 s of Python. A thread beside the store gained little: the store's own Python holds the GIL the
thread needs. So a forked child, on the other core, does all the files' Python from the draft it inherits (rows,
workbook, transfer, invoice, the statement's payload) and sends it back through a pipe; the parent runs only Typst
on the payload, after the commit (Typst is never run in a forked child: a child of a process whose Typst has
started its worker threads would wait for threads it does not have).

The child reads no database (the parties are read first, in the caller's transaction) and writes nothing; the
caller stores the files after the commit (`save_files`), so a crash leaves what it left before, and the rerun
makes the same files from the stored lines. Without `fork`, or if the child fails, the files are made in the
caller's process after the commit, from the same rows.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from typing import TYPE_CHECKING, Any

from django.utils import translation

from recupero.remittance.outputs import compiled, prepare_files
from recupero.remittance.outputs.data import Parties, draft_rows, parties_of

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from recupero.remittance.compute import Draft
    from recupero.remittance.models import Remittance


# Far above the ~3 s a month's files take (the issue page waits for them); past it the parent makes them itself.
CHILD_TIMEOUT_S = 60


def _child(out: Connection, remittance: Remittance, draft: Draft, parties: Parties, lang: str | None) -> None:
    """In the forked child: the prepared files into the pipe (None: it failed, the parent makes them)."""
    try:
        with translation.override(lang):
            prepared: dict[str, Any] | None = prepare_files(remittance, draft_rows(draft), parties)
    except BaseException:
        prepared = None
    with contextlib.suppress(
        OSError
    ):  # the parent is gone (killed, or its issue failed): nothing to hand over
        out.send(prepared)
    out.close()


class Rendering:
    def __init__(self, remittance: Remittance, draft: Draft) -> None:
        self.remittance, self.draft = remittance, draft
        self.parties, self.language = parties_of(remittance), translation.get_language()
        self._child: multiprocessing.process.BaseProcess | None = None
        self._pipe: Connection | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._pipe, out = context.Pipe(duplex=False)
            args = (out, remittance, draft, self.parties, self.language)
            child = context.Process(target=_child, args=args, daemon=True)
            try:
                child.start()
            except (AssertionError, OSError):  # a daemonic process may not fork, or no memory: made here
                self._pipe.close()
                self._pipe = None
            else:
                self._child = child
            out.close()

    def cancel(self) -> None:
        """The issue failed, or the child is stuck: the child is stopped, its work dropped."""
        if self._child is not None and self._pipe is not None:
            self._child.terminate()
            self._child.join()
            self._pipe.close()
            self._child = None

    def _prepared(self) -> dict[str, Any] | None:
        if self._child is None or self._pipe is None:
            return None
        if not self._pipe.poll(CHILD_TIMEOUT_S):  # a child stuck (a lock held at the fork): made here instead
            self.cancel()
            return None
        try:
            prepared: dict[str, Any] | None = self._pipe.recv()
        except EOFError:
            prepared = None
        self._pipe.close()
        self._child.join()
        return prepared

    def result(self) -> dict[str, bytes | None]:
        """The four files (waits for the child; makes them here without one)."""
        prepared = self._prepared()
        with translation.override(self.language):
            if prepared is None:
                prepared = prepare_files(self.remittance, draft_rows(self.draft), self.parties)
            return compiled(prepared)
