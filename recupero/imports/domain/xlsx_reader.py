"""XLSX affido files read with python-calamine (fast, read-only), header row detected among the first rows.

Creditors' workbooks often open with a title, a date and a blank line before the real header; we take the
first row, within `Limits.header_scan_rows`, that looks like a header (see `mapping.header_score`).
"""

from __future__ import annotations

import datetime as dt
import gc
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

import polars as pl
import python_calamine

from recupero.imports.domain.csv_reader import check_rows, check_size, drop_blank_rows, strip_cells
from recupero.imports.domain.errors import IntakeError
from recupero.imports.domain.limits import DEFAULT_LIMITS, Limits
from recupero.imports.domain.mapping import header_score
from recupero.imports.domain.safezip import open_zip
from recupero.imports.domain.table import ROW, RawTable, unique_headers
from recupero.imports.domain.xlsx_guard import check_workbook


def read_xlsx(
    data: bytes, *, source: str = "", sheet: str | int | None = None, limits: Limits = DEFAULT_LIMITS
) -> RawTable:
    """Parse one sheet (the first by default, or by name or 0-based index) into a `RawTable`."""
    check_size(data, limits)
    # an .xlsx is a zip: vet it before calamine inflates anything (its sheets may be far larger than an invoice)
    sheets = replace(
        limits,
        zip_max_member_bytes=limits.xlsx_max_member_bytes,
        zip_max_total_bytes=max(limits.zip_max_total_bytes, limits.xlsx_max_member_bytes),
    )
    with open_zip(data, sheets) as archive:
        check_workbook(archive, limits)  # calamine allocates the whole rectangle: measure it first
    rows = _sheet_rows(data, sheet)
    header_at = find_header_row(rows, limits.header_scan_rows)
    headers = unique_headers(list(rows[header_at]) if rows else [])
    body = rows[header_at + 1 :]
    if len(body) > limits.max_rows:
        raise IntakeError("import.too_many_rows", limit=limits.max_rows)
    frame = _frame(headers, body, first_row=header_at + 2)
    check_rows(frame, headers, limits)
    return RawTable(headers=headers, frame=frame, source=source, kind="xlsx")


def sheet_names(data: bytes) -> list[str]:
    return list(_workbook(data).sheet_names)


def _workbook(data: bytes) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several unrelated types for a broken workbook
        raise IntakeError("import.xlsx_malformed", detail=str(exc)[:200]) from exc


def _sheet_rows(data: bytes, sheet: str | int | None) -> list[list[object]]:
    workbook = _workbook(data)
    try:
        if isinstance(sheet, str):
            chosen = workbook.get_sheet_by_name(sheet)
        else:
            chosen = workbook.get_sheet_by_index(sheet or 0)
    except Exception as exc:
        raise IntakeError("import.sheet_not_found", sheet=sheet if sheet is not None else 1) from exc
    try:
        # skip_empty_area=False keeps absolute positions, so row numbers match what Excel shows
        with gc_paused():
            rows: list[list[object]] = chosen.to_python(skip_empty_area=False)  # type: ignore[assignment]
        return rows
    except Exception as exc:
        raise IntakeError("import.xlsx_malformed", detail=str(exc)[:200]) from exc


def find_header_row(rows: list[list[object]], scan_rows: int) -> int:
    """Index of the header: best-scoring of the first rows, else the first row with two non-empty cells."""
    best_score, best_index, first = 0.0, None, None
    for index, row in enumerate(rows[:scan_rows]):
        filled = [c for c in row if c not in (None, "")]
        if first is None and len(filled) >= 2:
            first = index
        score = header_score(filled)
        if score > best_score:
            best_score, best_index = score, index
    if best_index is not None and best_score >= 0.3:
        return best_index
    if first is None:
        raise IntakeError("import.no_header", limit=scan_rows)
    return first


def cell_text(value: object) -> str | None:
    """The text of a cell as the creditor sees it: dates ISO, 12.0 -> '12', floats by their shortest repr."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


# What Python's str.strip() removes (str.isspace; a test checks it), which is more than polars' default strip
# (Unicode White_Space): \x1c-\x1f count as white space to Python.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while millions of cell objects are made: they hold no cycles, and the collector
    would walk the growing lists again and again (it doubles the time to read a 200k-row sheet)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _frame(headers: list[str], body: list[list[object]], first_row: int) -> pl.DataFrame:
    """One text column per header, built column by column: text cells (the bulk of a sheet) go to polars as
    they are and are stripped there (as str.strip() would), other cells through `cell_text`. Rows with no value
    at all are dropped, the others keep their Excel row number."""
    data = {ROW: pl.int_range(first_row, first_row + len(body), dtype=pl.Int64, eager=True)}
    with gc_paused():
        for header, cells in zip(headers, _columns(body, len(headers)), strict=True):
            data[header] = _column_texts(header, cells)
    frame = pl.DataFrame(data)
    if not headers:
        return frame.clear()
    return drop_blank_rows(strip_cells(frame, PY_WHITESPACE), headers)


def _column_texts(header: str, cells: Sequence[object]) -> pl.Series:
    """`cell_text` of every cell, not yet stripped (text cells are stripped in polars)."""
    try:
        return pl.Series(header, cells, dtype=pl.String)  # only text (or empty) cells: the usual column
    except TypeError:
        pass  # polars refuses any other cell type
    if set(map(type, cells)) == {float}:  # amounts
        texts = pl.Series(header, list(map(repr, cells)), dtype=pl.String)
        # cell_text is repr(value) but for integral values: '12.0' -> '12', '1e+16' -> '10000000000000000'
        odd = (texts.str.ends_with(".0") | texts.str.contains("e", literal=True)).arg_true()
        if odd.len():
            return texts.scatter(odd, [cell_text(cells[i]) for i in odd.to_list()])
        return texts
    return pl.Series(header, [v if type(v) is str else cell_text(v) for v in cells], dtype=pl.String)


def _columns(body: list[list[object]], width: int) -> list[Sequence[object]]:
    """The body's columns (missing cells None, cells beyond the header ignored)."""
    if not body:
        return [() for _ in range(width)]
    if all(len(row) == width for row in body):
        return list(zip(*body, strict=True))
    return [[row[index] if index < len(row) else None for row in body] for index in range(width)]
