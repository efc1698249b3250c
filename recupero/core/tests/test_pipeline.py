"""The pipeline threads of long bulk jobs: order kept, the first error raised, an early stop ends the thread."""

from __future__ import annotations

import threading

import pytest

from recupero.core.pipeline import prefetched, writer


def _numbers(fail_at=None):
    for n in range(1, 20):
        if n == fail_at:
            raise RuntimeError("boom")
        yield n


def test_prefetched_items_in_order_errors_raised_and_early_stop():
    assert list(prefetched(_numbers(), name="t-reader")) == list(range(1, 20))
    seen = []
    with pytest.raises(RuntimeError, match="boom"):
        for n in prefetched(_numbers(fail_at=4), name="t-reader"):
            seen.append(n)
    assert seen == [1, 2, 3]
    early = prefetched(_numbers(), name="t-reader")
    assert next(early) == 1
    early.close()  # the consumer stops: the reader thread ends too
    assert [t.name for t in threading.enumerate() if t.name == "t-reader"] == []


@pytest.mark.parametrize("threaded", [True, False])
def test_writer_keeps_order_and_stops_at_the_first_error(threaded):
    written: list[int] = []

    def write(chunk):
        if chunk == 3:
            raise RuntimeError("boom")
        written.append(chunk)

    with (
        pytest.raises(RuntimeError, match="boom"),
        writer(write, threaded=threaded, name="t-writer") as submit,
    ):
        for n in range(1, 50):
            submit(n)
    assert written == [1, 2]  # in order, nothing after the failed item
    with writer(write, threaded=threaded, name="t-writer") as submit:
        for n in (4, 5, 6):
            submit(n)
    assert written == [1, 2, 4, 5, 6]
    assert [t.name for t in threading.enumerate() if t.name == "t-writer"] == []
