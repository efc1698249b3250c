"""The batch folder under MEDIA_ROOT/imports/<id>/: uploaded files, staged Parquet frames, the progress file.

Staged data stay on disk, not in the database: the validated rows are written once by the parse and read once by
the commit. Progress is a small JSON file because during a commit on SQLite the database write lock is held by the
commit's own transaction, and PostgreSQL would not show an uncommitted update to the page polling for it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path
from typing import Any, Protocol

import polars as pl
from django.conf import settings

from recupero.imports.domain.errors import RowError

ERROR_SCHEMA = {
    "file": pl.Int32,
    "row": pl.Int64,
    "field": pl.String,
    "code": pl.String,
    "message": pl.String,
    "value": pl.String,
    "severity": pl.String,
}


def batch_dir(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(batch_id)


def relative(path: Path) -> str:
    return str(path.relative_to(Path(settings.MEDIA_ROOT)))


def absolute(path: str) -> Path:
    return Path(settings.MEDIA_ROOT) / path


def safe_name(name: str) -> str:
    """The base name only, with nothing a path could abuse."""
    base = os.path.basename(name.replace("\\", "/")) or "file"
    return re.sub(r"[^A-Za-z0-9._\- ]", "_", base)[:120]


class Readable(Protocol):
    """A file object: an upload (Django's UploadedFile), an open file."""

    def read(self, size: int = ..., /) -> bytes: ...


Upload = bytes | Path | Readable  # the content, a file on disk (the command line), a file object (uploads)
COPY_CHUNK = 1024 * 1024


def store_file(batch_id: int, index: int, name: str, source: Upload) -> tuple[Path, int]:
    """Copy an upload into the batch folder, 1 MB at a time (a 500 MB upload never sits in memory); returns
    the path and the size in bytes."""
    folder = batch_dir(batch_id) / "files"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{index:02d}-{safe_name(name)}"
    if isinstance(source, bytes):
        path.write_bytes(source)
    elif isinstance(source, Path):
        shutil.copyfile(source, path)
    else:
        with path.open("wb") as out:
            shutil.copyfileobj(source, out, COPY_CHUNK)
    return path, path.stat().st_size


def read_path(batch_id: int, index: int) -> Path:
    """Where the reader's child process leaves file `index`'s table (Arrow IPC) for the parse to pick up."""
    return batch_dir(batch_id) / f"read-{index:02d}.arrow"


def raw_path(batch_id: int, index: int) -> Path:
    return batch_dir(batch_id) / f"raw-{index:02d}.parquet"


def accepted_path(batch_id: int) -> Path:
    return batch_dir(batch_id) / "accepted.parquet"


def errors_path(batch_id: int) -> Path:
    return batch_dir(batch_id) / "errors.parquet"


def errors_frame(errors: list[tuple[int, RowError]]) -> pl.DataFrame:
    columns: dict[str, list[Any]] = {name: [] for name in ERROR_SCHEMA}
    for file_index, e in errors:
        for name, value in zip(
            ERROR_SCHEMA, (file_index, e.row, e.field, e.code, e.message, e.value, e.severity), strict=True
        ):
            columns[name].append(value)
    return pl.DataFrame(columns, schema=ERROR_SCHEMA)


def write_frame(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.write_parquet(tmp, compression="lz4")
    tmp.replace(path)  # atomic: a parse killed half-way never leaves a half file behind


def read_errors(batch_id: int) -> pl.DataFrame:
    path = errors_path(batch_id)
    return pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=ERROR_SCHEMA)


# ---- progress ----------------------------------------------------------------------------------------------
def progress_path(batch_id: int) -> Path:
    return batch_dir(batch_id) / "progress.json"


class Progress:
    """Writes {phase, rows_done, rows_total, started_at, updated_at} at most every 0.25 s, and calls `echo`
    (the command line's bar) on every step."""

    def __init__(self, batch_id: int, echo: Any = None) -> None:
        self.batch_id = batch_id
        self.echo = echo
        self.started = time.time()
        self._last = 0.0
        self.state: dict[str, Any] = {}

    def __call__(self, phase: str, done: int, total: int, force: bool = False) -> None:
        now = time.time()
        self.state = {
            "phase": phase,
            "rows_done": done,
            "rows_total": total,
            "started_at": self.started,
            "updated_at": now,
        }
        if self.echo is not None:
            self.echo(phase, done, total, now - self.started)
        if force or now - self._last >= 0.25:
            self._last = now
            path = progress_path(self.batch_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.state))
            tmp.replace(path)


def read_progress(batch_id: int) -> dict[str, Any] | None:
    try:
        return json.loads(progress_path(batch_id).read_text())
    except (OSError, ValueError):
        return None


# ---- heartbeat -------------------------------------------------------------------------------------------
HEARTBEAT_SECONDS = 15.0


def heartbeat_path(batch_id: int) -> Path:
    return batch_dir(batch_id) / "heartbeat"


class Heartbeat:
    """Touches the batch's heartbeat file every `every` seconds while a parse runs, from a daemon thread: a
    worker that dies (killed, out of memory) stops beating, and the periodic sweep fails its batch. A file,
    not a database row: the parse's own connection may be busy, and every worker sees MEDIA_ROOT."""

    def __init__(self, batch_id: int, every: float = HEARTBEAT_SECONDS) -> None:
        self.path = heartbeat_path(batch_id)
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{batch_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.beat()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def beat(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            # a full disk must not kill the parse; the sweep will judge by the last beat
            with contextlib.suppress(OSError):
                self.beat()


def last_beat(batch_id: int) -> float | None:
    """When the batch's parser last showed it was alive (epoch seconds), None if it never did."""
    try:
        return heartbeat_path(batch_id).stat().st_mtime
    except OSError:
        return None


def timestamp(vendor: str, moment: dt.datetime) -> str:
    """A UTC timestamp as the backend stores Django's DateTimeField with USE_TZ (cf. core.bulk.Bulk.ts)."""
    utc = moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return f"{utc}+00" if vendor == "postgresql" else utc
