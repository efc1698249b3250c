"""The files of a remittance being issued, made while the issuing thread stores its lines.

Half the issue's time is spent waiting for the database (the COPY of 90,000 lines, the key checks, the commit), and
the files are 2-3 s of Python. A thread beside the store gained little: the store's own Python (the rows for the
COPY) holds the GIL the thread needs. So the workbook, the biggest file, is made in a forked process, on the other
core, and the statement, transfer and invoice in a thread (Typst is never run in a forked child: a child of a
process whose Typst has started its worker threads would wait for threads it does not have).

Neither reads the database (the parties are read first, in the caller's transaction) nor writes anything: the
caller stores the files after the commit (`save_files`), so a crash leaves what it left before, and the rerun
makes the same files from the stored lines. Without `fork` (or if the child fails) the workbook is made in the
thread.
"""

from __future__ import annotations

import multiprocessing
import threading
from typing import TYPE_CHECKING, Any

from django.utils import translation

from recupero.remittance.outputs import render_files
from recupero.remittance.outputs.data import Parties, parties_of, statement_data
from recupero.remittance.outputs.workbook import payments_xlsx

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from recupero.remittance.models import Remittance


def _workbook_child(
    out: Connection, remittance: Remittance, rows: Any, parties: Parties, lang: str | None
) -> None:
    """In the forked child: the workbook's bytes into the pipe; nothing else (an empty message: it failed)."""
    try:
        with translation.override(lang):
            content = payments_xlsx(statement_data(remittance, rows, parties))
    except BaseException:  # the parent makes it itself
        content = b""
    out.send_bytes(content)
    out.close()


class Rendering:
    def __init__(self, remittance: Remittance, rows: list[dict[str, Any]]) -> None:
        self.remittance, self.rows = remittance, rows
        self.parties, self.language = parties_of(remittance), translation.get_language()
        self._files: dict[str, bytes | None] = {}
        self._error: BaseException | None = None
        self._child: multiprocessing.process.BaseProcess | None = None
        self._pipe: Connection | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._pipe, out = context.Pipe(duplex=False)
            args = (out, remittance, rows, self.parties, self.language)
            self._child = context.Process(target=_workbook_child, args=args, daemon=True)
            self._child.start()
            out.close()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with translation.override(self.language):
                self._files = render_files(
                    self.remittance, self.rows, self.parties, workbook=self._child is None
                )
        except BaseException as exc:  # handed to the caller, in its thread
            self._error = exc

    def _workbook(self) -> bytes | None:
        if self._child is None or self._pipe is None:
            return self._files["workbook"]
        try:
            content = self._pipe.recv_bytes()
        except EOFError:
            content = b""
        self._pipe.close()
        self._child.join()
        if content:
            return content
        with translation.override(self.language):  # the child failed: made here
            return payments_xlsx(statement_data(self.remittance, self.rows, self.parties))

    def result(self) -> dict[str, bytes | None]:
        """The four files (waits for the thread and the child)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return {**self._files, "workbook": self._workbook()}
