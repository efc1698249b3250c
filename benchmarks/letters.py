"""Letters per second: N letters rendered in merged batches (~500 a compile) on a pool of 2 processes.

Each batch is ONE compile for the print file; with `--split` also what the sending task does next: the
per-letter PDFs (case attachments) cut out of it with pypdf. Workers are recycled every
`--tasks-per-worker` batches: typst's memoization cache is never evicted by the `typst` package (~1 GB per
500 letters), so a worker that rendered 5,000 letters would hold ~10 GB.

Baseline in the same run: the same pool compiling a static one-page Typst document N times (one compile per
page, a changing number on it so typst cannot reuse the previous result). The ratio says how much batching
one template over JSON data buys over naive one-compile-per-page.

    .venv/bin/python benchmarks/letters.py --letters 10000

Progress lines first; the LAST line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recupero.channels.documents import KINDS, render_batch_merged_with_pages, render_batch_split
from recupero.channels.documents.examples import example_letter

STATIC_PAGE = """
#set page(paper: "a4", margin: 20mm)
#set text(font: "Libertinus Serif", size: 10pt, lang: "it")
#set par(justify: true)
= Lettera n. #sys.inputs.at("n")
#lorem(380)
#table(columns: 4, ..range(24).map(i => [#i]))
"""


def _items(start: int, count: int) -> list[tuple[str, object]]:
    """A realistic mix: every kind, one letter in ten with a long invoice list (two pages)."""
    items = []
    for n in range(start, start + count):
        kind = KINDS[n % len(KINDS)]
        claims = 14 if n % 10 == 0 else 1 + n % 4
        items.append((kind, example_letter(kind, claims=claims, prospetto=min(claims, 2), case_no=n)))
    return items


def _render_chunk(args: tuple[int, int, bool]) -> tuple[int, int, float]:
    start, count, split = args
    items = _items(start, count)  # built in the worker: the data a task would load from the database
    t0 = time.perf_counter()
    if split:
        batch = render_batch_split(items)
        assert len(batch.letters) == count
    else:
        batch = render_batch_merged_with_pages(items)
    return count, sum(batch.pages), time.perf_counter() - t0


def _static_chunk(args: tuple[int, int, str]) -> int:
    import typst

    start, count, path = args
    compiler = typst.Compiler(input=path)
    for n in range(start, start + count):
        compiler.compile(format="pdf", sys_inputs={"n": str(n)})
    return count


def _chunks(total: int, size: int) -> list[tuple[int, int]]:
    return [(s, min(size, total - s)) for s in range(0, total, size)]


def run_letters(letters: int, batch: int, workers: int, split: bool, tasks_per_worker: int) -> dict:
    pages = done = 0
    t0 = time.perf_counter()
    chunks = [(s, c, split) for s, c in _chunks(letters, batch)]
    # A fresh pool every `workers * tasks_per_worker` batches (ProcessPoolExecutor's own max_tasks_per_child
    # can hang on Python 3.11 when a worker retires): forked from this process, which never compiled.
    rounds = max(1, workers * tasks_per_worker) if tasks_per_worker else len(chunks)
    for r in range(0, len(chunks), rounds):
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for count, n_pages, secs in pool.map(_render_chunk, chunks[r : r + rounds]):
                done += count
                pages += n_pages
                print(
                    f"letters {done}/{letters}: batch of {count} → {n_pages} pages in {secs:.2f}s", flush=True
                )
    elapsed = time.perf_counter() - t0
    return {"letters": letters, "pages": pages, "seconds": round(elapsed, 2)}


def run_static(pages: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "static.typ")
        Path(path).write_text(STATIC_PAGE)
        t0 = time.perf_counter()
        done = 0
        chunks = [(s, c, path) for s, c in _chunks(pages, max(1, pages // (workers * 10)))]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for count in pool.map(_static_chunk, chunks):
                done += count
                if done % max(1, pages // 5) < count:
                    print(f"static pages {done}/{pages}", flush=True)
        elapsed = time.perf_counter() - t0
    return {"pages": pages, "seconds": round(elapsed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tasks-per-worker", type=int, default=2, help="recycle a worker after N batches")
    parser.add_argument("--split", action="store_true", help="also cut the per-letter PDFs (needs pypdf)")
    args = parser.parse_args()

    letters = run_letters(args.letters, args.batch, args.workers, args.split, args.tasks_per_worker)
    letters_pps = letters["pages"] / letters["seconds"]
    print(
        f"letters: {letters['pages']} pages in {letters['seconds']}s = {letters_pps:.0f} pages/s", flush=True
    )
    static = run_static(args.letters, args.workers)
    static_pps = static["pages"] / static["seconds"]
    print(f"static baseline: {static['pages']} compiles in {static['seconds']}s = {static_pps:.0f} pages/s")
    print(
        json.dumps(
            {
                "benchmark": "letters",
                "workers": args.workers,
                "batch": args.batch,
                "split": args.split,
                "tasks_per_worker": args.tasks_per_worker,
                "load_avg": [round(x, 2) for x in os.getloadavg()],
                "letters": letters["letters"],
                "pages": letters["pages"],
                "seconds": letters["seconds"],
                "pages_per_s": round(letters_pps, 1),
                "letters_per_s": round(letters["letters"] / letters["seconds"], 1),
                "static_pages": static["pages"],
                "static_seconds": static["seconds"],
                "static_pages_per_s": round(static_pps, 1),
                "ratio_vs_static": round(letters_pps / static_pps, 2),
                "target_pages_per_s": 150,
                "meets_target": letters_pps >= 150,
            }
        )
    )


if __name__ == "__main__":
    main()
