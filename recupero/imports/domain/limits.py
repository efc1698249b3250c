"""Bounds that keep intake safe against hostile or accidental giants: every reader takes a `Limits`.

The defaults fit a large monthly affido (a few million rows) on a worker with a few GB of memory; a test or a
tenant can pass tighter ones.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 512 * MB
    max_rows: int = 5_000_000
    max_field_chars: int = 4_000
    max_row_chars: int = 64_000
    header_scan_rows: int = 20
    # An affido has 20-80 columns; polars gives each column its own buffers (200,000 columns of a 1.9 MB CSV
    # took 3.5 GB), so the width is bounded before the parse.
    max_columns: int = 1_000
    # cells of a CSV read at once (rows x columns): polars' rows are read up to max(rows, cells / columns)
    max_cells: int = 100_000_000
    # zip archives of invoices: the sizes are checked on the central directory before inflating, then again
    # while streaming, because a forged directory can lie about them.
    zip_max_members: int = 10_000
    zip_max_member_bytes: int = 20 * MB
    zip_max_total_bytes: int = 1024 * MB
    zip_max_ratio: int = 100
    zip_max_depth: int = 2
    xml_max_bytes: int = 20 * MB
    # a workbook's sheet is one zip member: a 200k-row sheet inflates to ~100 MB of XML, a million rows to ~500 MB
    xlsx_max_member_bytes: int = 1024 * MB
    # calamine holds the sheet as one rectangle from A1 to the farthest cell (32 bytes a cell, then a Python
    # list per row): 1,048,576 rows x 40 columns is the most a worker holds; and a rectangle more than
    # `xlsx_sparse_ratio` times the cells present (beyond `xlsx_sparse_floor` cells) is a hostile or broken sheet
    xlsx_max_cells: int = 42_000_000
    xlsx_sparse_ratio: int = 10
    xlsx_sparse_floor: int = 1_000_000
    # calamine keeps every shared string in memory; a million-row affido's table is ~150 MB of XML
    xlsx_max_shared_strings_bytes: int = 256 * MB


DEFAULT_LIMITS = Limits()
