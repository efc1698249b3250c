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


DEFAULT_LIMITS = Limits()
