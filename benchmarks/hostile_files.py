"""Peak memory (RSS) of reading each hostile file of issue 9, each in a fresh process, as the worker's reader
would: the calamine SIGABRT workbook, the far row, the far corner without a dimension, the 200,000-column CSV.

    .venv/bin/python benchmarks/hostile_files.py [--root PATH]

`--root` runs the readers of another checkout (e.g. `git archive main | tar -x -C /tmp/before`) on the same
files, for the before/after comparison; the files are always built by this checkout's
recupero/imports/tests/hostile.py. One JSON line per file, then a summary line.
"""

from __future__ import annotations

import sys

# benchmarks/ itself must not be on the path: benchmarks/email.py would shadow the standard library's `email`
sys.path[:] = [p for p in sys.path if p.rstrip("/").split("/")[-1] != "benchmarks"]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recupero.imports.tests import hostile  # noqa: E402

FILES = {
    "calamine-abort.xlsx": hostile.corner_xlsx,
    "far-corner-undeclared.xlsx": hostile.corner_xlsx_undeclared,
    "far-row-20-columns.xlsx": hostile.far_row_xlsx,
    "200000-columns.csv": hostile.wide_csv,
}
CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from recupero.imports.domain import read_any
from recupero.imports.domain.errors import IntakeError
data = open(sys.argv[2], "rb").read()
started = time.monotonic()
try:
    table, _ = read_any(sys.argv[3], data)
    print("read", table.frame.height, "rows", table.frame.width, "columns")
except IntakeError as exc:
    print("refused", exc.code)
"""


def measure(root: Path, name: str, data: bytes) -> dict[str, object]:
    with tempfile.NamedTemporaryFile(suffix=name) as handle:
        handle.write(data)
        handle.flush()
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(root), handle.name, name],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        output = process.stdout.read().strip() if process.stdout else ""
    if os.WIFSIGNALED(status):
        output = f"died: {signal.Signals(os.WTERMSIG(status)).name}"
    return {
        "file": name,
        "bytes": len(data),
        "outcome": output,
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose readers are measured")
    args = parser.parse_args()
    results = []
    for name, build in FILES.items():
        result = measure(args.root, name, build())
        print(json.dumps(result), flush=True)
        results.append(result)
    print(json.dumps({"root": str(args.root), "peak_rss_mb": {r["file"]: r["peak_rss_mb"] for r in results}}))


if __name__ == "__main__":
    main()
