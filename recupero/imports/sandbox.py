"""Reading a creditor's file in a child process that may die without taking the worker with it.

The readers check every bound they know before they allocate (domain/xlsx_guard.py, csv_reader.py); this is the
second line, for what no check foresaw: a native library (calamine, polars, lxml) that aborts on a hostile file
(SIGABRT cannot be caught in Python) would otherwise stop the whole worker — the daily run and the letters with
it. The child runs with an address-space limit (RLIMIT_AS: an allocation past it fails instead of exhausting the
machine) and a CPU limit, and the parent kills it after a wall-clock timeout.

Children are forked from a forkserver that has imported the readers and nothing else (no Django, no database
connection, no threads yet): a fork from the worker itself could inherit polars' or Huey's threads mid-lock.
The child writes the table as an Arrow IPC file next to the batch and sends back only its small description.
No Django import here: the child must not need settings.
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
import time
from dataclasses import dataclass
from multiprocessing import spawn
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import polars as pl

from recupero.core.errors import RecuperoError
from recupero.imports.domain import IntakeError, MappingProfile, RawTable, read_any
from recupero.imports.domain.limits import DEFAULT_LIMITS, Limits

MB = 1024 * 1024
READER = "recupero-reader"
_context: Any = None
_peak_kb = 0  # the highest peak RSS of a reader child of this process (its own ru_maxrss cannot see them)


def children_peak_mb() -> float:
    """Peak RSS of the biggest reader child so far: forkserver children are not this process's children, so
    RUSAGE_CHILDREN misses them (benchmarks/intake.py adds it to its own peak)."""
    return _peak_kb / 1024


class ParserDied(RecuperoError):
    """The child ended without an answer: killed, aborted, out of memory or out of time (`import.parse.*`)."""


@dataclass(frozen=True)
class ReadJob:
    path: str  # the uploaded file
    name: str  # its original name (the format is sniffed from the bytes, the name only helps)
    out: str  # where the child writes the table (Arrow IPC)
    expected_seller_vat: str | None = None
    sheet: str | int | None = None
    limits: Limits = DEFAULT_LIMITS
    memory_bytes: int = 6144 * MB
    cpu_seconds: int = 900


def read_isolated(job: ReadJob, *, timeout: float) -> tuple[RawTable, MappingProfile | None]:
    """What `read_any` returns, computed in a child; IntakeError as the reader raised it, ParserDied when the
    child died or ran out of time (it is killed)."""
    ctx = _forkserver()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_child, args=(send, job), name=f"{READER}-{Path(job.path).name}", daemon=True
    )
    process.start()
    send.close()  # only the child holds the sending end: its death is an EOF here
    try:
        message = _wait(receive, process, timeout)
    except ParserDied:
        Path(job.out).unlink(missing_ok=True)  # a child killed mid-write leaves half a table
        raise
    finally:
        receive.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
    if message is None:
        raise _death(process.exitcode, job)
    return _answer(message, job)


def _wait(receive: Connection, process: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if receive.poll(min(1.0, max(deadline - time.monotonic(), 0.01))):
            try:
                return receive.recv()
            except (EOFError, OSError):
                return None  # the child died before it answered
        if not process.is_alive() and not receive.poll(0):
            return None
    process.kill()
    raise ParserDied("import.parse.timeout", seconds=f"{timeout:g}")


def _answer(message: tuple[Any, ...], job: ReadJob) -> tuple[RawTable, MappingProfile | None]:
    kind = message[0]
    if kind == "refused":
        raise IntakeError(message[1], **message[2])
    if kind == "memory":
        raise ParserDied(
            "import.parse.crashed", reason=f"memoria esaurita (limite {job.memory_bytes // MB} MB)"
        )
    if (
        kind == "error"
    ):  # a reader bug or a native panic on a hostile file: the batch fails, the worker goes on
        raise ParserDied(
            "import.parse.crashed", reason=f"errore del lettore del file ({message[1]}: {message[2][:300]})"
        )
    global _peak_kb
    out = Path(job.out)
    frame = pl.read_ipc(out)
    out.unlink(missing_ok=True)
    description, fixed, peak_kb = message[1], message[2], message[3]
    _peak_kb = max(_peak_kb, peak_kb)
    return RawTable(frame=frame, **description), fixed


def _death(exitcode: int | None, job: ReadJob) -> ParserDied:
    Path(job.out).unlink(missing_ok=True)
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        reasons = {
            signal.SIGABRT: "arresto anomalo del lettore del file",
            signal.SIGKILL: "terminato dal sistema, probabilmente per memoria esaurita",
            signal.SIGSEGV: "arresto anomalo del lettore del file",
            signal.SIGXCPU: f"tempo di calcolo esaurito (limite {job.cpu_seconds} s)",
        }
        reason = reasons.get(signal.Signals(number), "terminato da un segnale")
        return ParserDied("import.parse.crashed", reason=f"{reason}, segnale {number}", signal=number)
    return ParserDied("import.parse.crashed", reason=f"terminato con codice {exitcode}")


def _forkserver() -> Any:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        # the server imports the readers once; every child is a cheap fork of it (no __main__, no Django)
        context.set_forkserver_preload(["recupero.imports.sandbox"])
        if not getattr(spawn.get_preparation_data, "reader_aware", False):
            spawn.get_preparation_data = _preparation(spawn.get_preparation_data)
        _context = context
    return _context


def _preparation(original: Any) -> Any:
    """multiprocessing re-imports the parent's __main__ in every child (the worker's command, pytest): a
    reader needs none of it, and it would cost a Django start per file. Only our children skip it."""

    def prepare(name: str) -> dict[str, Any]:
        data: dict[str, Any] = original(name)
        if name.startswith(READER):
            data.pop("init_main_from_name", None)
            data.pop("init_main_from_path", None)
        return data

    prepare.reader_aware = True  # type: ignore[attr-defined]
    return prepare


# ---- in the child ----------------------------------------------------------------------------------------
def _child(send: Connection, job: ReadJob) -> None:
    _limit(job)
    try:
        if Path(job.path).stat().st_size > job.limits.max_file_bytes:  # refused before it is read
            raise IntakeError("import.file_too_large", limit=job.limits.max_file_bytes)
        data = Path(job.path).read_bytes()
        table, fixed = read_any(
            job.name, data, sheet=job.sheet, expected_seller_vat=job.expected_seller_vat, limits=job.limits
        )
        del data
        table.frame.write_ipc(job.out, compression="uncompressed")  # the fastest to write and read back
        description = {"headers": table.headers, "source": table.source, "kind": table.kind}
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        send.send(("ok", {**description, "notices": list(table.notices)}, fixed, peak_kb))
    except IntakeError as exc:
        send.send(("refused", exc.code, exc.params))
    except MemoryError:
        send.send(("memory",))
    except BaseException as exc:  # even a Rust panic (pyo3's PanicException is a BaseException)
        send.send(("error", type(exc).__name__, str(exc)[:2000]))
    finally:
        send.close()


def _limit(job: ReadJob) -> None:
    """Address space and CPU time of this process only (the worker keeps its own limits)."""
    resource.setrlimit(resource.RLIMIT_AS, (job.memory_bytes, job.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (job.cpu_seconds, job.cpu_seconds + 5))
