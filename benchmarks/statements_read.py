"""Reading a camt.053 of N credits into dataclasses, against the bare lxml parse of the same file.

    .venv/bin/python benchmarks/statements_read.py [--entries 100000] [--runs 3]

Writes in memory a camt.053.001.08 with N credit entries (`payments.domain.camt_write.camt053`, the demo's and
the tests' writer; the causali mix the payments benchmark's: the case code, an RF reference, the case code and
an invoice, the payer's name only), then times in the same process, best of `--runs` each:
- bare: `lxml.etree.fromstring` with the intake's parser settings (`fatturapa.xmlsafe.parse_xml`'s parser);
- read: `imports.domain.camt.read_statements` (the hardened parse plus the statement read into dataclasses).
No database, no Django setup. The issue's budget: the read at most ~2-3x the bare parse.
The LAST line is one JSON object {"entries", "bare_s", "read_s", "ratio"}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lxml import etree

from recupero.imports.domain.camt import read_statements
from recupero.imports.domain.fatturapa.xmlsafe import safe_parser
from recupero.payments.domain.camt_write import camt053
from recupero.payments.domain.rf import creditor_reference
from recupero.payments.domain.statements import EntryData

IBAN = "IT60X0542811101000000123456"


def statement(entries: int) -> bytes:
    """N credits whose causali carry a case code, an RF reference, a code and an invoice, or only a name."""
    day = dt.date(2026, 11, 29)
    lines = []
    for i in range(entries):
        code, amount, kind = f"P{i:08d}", Decimal(10 + i % 9000) + Decimal(i % 100) / 100, i % 20
        name = f"ROSSI MARIO {i % 997}"
        if kind >= 16:  # the payer's name only
            lines.append(EntryData(f"B-{i}", amount, True, day, day, "PAGAMENTO", payer_name=name))
        elif kind >= 14:  # the case code and the invoice the debtor pays
            text = f"PRATICA {code} SALDO FATTURA FT{i}/1"
            lines.append(EntryData(f"B-{i}", amount, True, day, day, text, payer_name=name))
        elif kind >= 9:
            lines.append(EntryData(f"B-{i}", amount, True, day, day, "", creditor_reference(code)))
        else:
            text = f"RATA PRATICA {code}"
            lines.append(EntryData(f"B-{i}", amount, True, day, day, text, payer_name=name, payer_iban=IBAN))
    return camt053(iban=IBAN, entries=lines, statement_id="BENCH-1")


def best(runs: int, work: Callable[[], object]) -> float:
    """The best wall time of `runs` calls (the result dropped and collected outside the timing)."""
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - t0)
        del result
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = statement(args.entries)
    bare_parser = safe_parser()  # the intake's own parser settings
    [read] = read_statements(data, "bench.xml")
    assert len(read.entries) == args.entries, len(read.entries)
    bare_s = best(args.runs, lambda: etree.fromstring(data, bare_parser))
    read_s = best(args.runs, lambda: read_statements(data, "bench.xml"))
    print(f"file: {len(data) / 1e6:.1f} MB, {args.entries} credit entries, best of {args.runs}")
    print(f"bare lxml parse: {bare_s:.3f} s")
    print(f"read_statements: {read_s:.3f} s")
    print(f"ratio: {read_s / bare_s:.2f}x")
    out = {"entries": args.entries, "bare_s": round(bare_s, 3), "read_s": round(read_s, 3)}
    out["ratio"] = round(read_s / bare_s, 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
