"""The read/plan/write pipeline of long bulk jobs (the daily run): a reader thread one chunk ahead, a writer thread
one chunk behind, the caller planning in between — each thread with its own database connection.

One home for the threads, their hand-over queues and their error rules; the daily run's reads
(`strategies.selectors`) and writes (`strategies.services`) both use it.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, connections

_END = object()
_T = TypeVar("_T")


def can_pipeline() -> bool:
    """Threads only on PostgreSQL and outside any transaction of the caller (a test's transaction is invisible
    to another connection; SQLite has one writer and its reads hold the GIL anyway)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def prefetched(items: Iterator[_T], *, name: str) -> Iterator[_T]:
    """The items of `items`, produced by a reader thread one ahead; its error is raised here; stopping early
    (an error in the consumer) stops the reader after the item it is reading."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def read() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ready.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it
            ready.put(exc)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=read, name=name, daemon=True)
    thread.start()
    try:
        while (got := ready.get()) is not _END:
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        stop.set()
        while thread.is_alive():  # let a reader blocked on a full queue see the stop
            with contextlib.suppress(queue.Empty):
                ready.get(timeout=0.1)
        thread.join()


@contextmanager
def writer(write: Callable[[_T], None], *, threaded: bool, name: str) -> Iterator[Callable[[_T], None]]:
    """`submit(item)` writes an item: at once, or — threaded — in one writer thread, in order, at most one item
    waiting (the reads never run more than one item ahead of the writes). A write error stops the job: raised
    by the next `submit` or at the end; the items committed before it stand (the job is resumable)."""
    if not threaded:
        yield write
        return
    pending: queue.Queue[Any] = queue.Queue(maxsize=1)
    failed: list[BaseException] = []

    def work() -> None:
        try:
            while (item := pending.get()) is not _END:
                if not failed:
                    try:
                        write(item)
                    except BaseException as exc:  # handed to the submitting thread, which raises it
                        failed.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()

    def submit(item: _T) -> None:
        if failed:
            raise failed[0]
        pending.put(item)

    try:
        yield submit
    finally:
        pending.put(_END)  # also after an error here: the item being written is finished, then it stops
        thread.join()
    if failed:
        raise failed[0]
