"""The common shape of every parsed file: a frame of raw string cells with their row number in the file.

Every cell stays the original text (or null when empty), so that validation can report the value the creditor
typed and the error report can reproduce the row. `ROW` holds the 1-based row number as a spreadsheet shows it
(the header is row 1 in a plain CSV), so a creditor can find the row in their own file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from recupero.imports.domain.errors import Notice

ROW = "__row__"
NUL_SYMBOL = "\u2400"  # ␀


@dataclass(slots=True)
class RawTable:
    headers: list[str]
    frame: pl.DataFrame  # columns: ROW (Int64) + one Utf8 column per header, in order
    source: str = ""
    kind: str = "csv"  # "csv" | "xlsx" | "fatturapa": xlsx numbers always use "." whatever the profile says
    notices: list[Notice] = field(default_factory=list)

    def __len__(self) -> int:
        return self.frame.height

    def rows(self) -> list[dict[str, str | None]]:
        """Rows as dicts (header -> original text), for small tables and tests."""
        return self.frame.select(self.headers).to_dicts()


def unique_headers(cells: Sequence[object]) -> list[str]:
    """Header texts made unique and non-empty: creditors' exports repeat 'Note' or leave blanks."""
    seen: dict[str, int] = {}
    result = []
    for index, cell in enumerate(cells, start=1):
        # NUL shown as its symbol: the headers go into the batch's JSON, which PostgreSQL refuses NUL in
        name = " ".join(str(cell or "").replace("\x00", NUL_SYMBOL).split()) or f"Colonna {index}"
        if name == ROW:
            name = f"Colonna {index}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        result.append(name if count == 0 else f"{name} ({count + 1})")
    return result
