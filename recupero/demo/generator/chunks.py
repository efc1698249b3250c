"""Rows of the demo agency, generated chunk by chunk, deterministically (same seed, same rows, byte for byte).

Each chunk of cases has its own random stream (`Random(f"demo:{seed}:{chunk}")`), so a million cases are made
in constant memory and chunk k is the same whatever came before it. Only the set of codici fiscali already
issued crosses chunks (a clash draws again from the same stream, so it stays deterministic). No Django here
except through the `Bulk` row conventions: every value is str / int / None (see recupero/core/bulk.py).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from recupero.demo.generator.cases import Cases
from recupero.demo.generator.columns import TABLES
from recupero.demo.generator.values import (
    Counters,
    CreditorRef,
    _Debtor,
)


@dataclass
class ChunkGenerator(Cases):
    tenant_id: int
    seed: int
    creditors: list[CreditorRef]
    counters: Counters
    ts: Callable[[str, int, int], str]
    issued_codes: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._creditor_cum = list(
            itertools.accumulate(
                {"utility": 500, "telco": 350, "supplier": 150}[c.sector] for c in self.creditors
            )
        )

    # ---- the chunk ---------------------------------------------------------------------------------------
    def chunk(self, index: int, size: int) -> dict[str, list[tuple[object, ...]]]:
        self.rng = random.Random(f"demo:{self.seed}:{index}")
        self.rows: dict[str, list[tuple[object, ...]]] = {t: [] for t in TABLES}
        self.pool: dict[str, list[_Debtor]] = {"person": [], "business": []}
        for _ in range(size):
            self._case()
        return self.rows
