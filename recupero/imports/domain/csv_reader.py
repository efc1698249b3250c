"""CSV affido files: sniff the encoding, the delimiter and the header row, then let polars read every cell as
text.

polars parses a million rows in well under a second, but it must be told the delimiter and fed UTF-8, and it
must never infer types: "00145" is a CAP, not the number 145, and "1.234,56" must reach validation untouched.
"""

from __future__ import annotations

import codecs
import csv
import io

import polars as pl

from recupero.imports.domain.errors import IntakeError, Notice
from recupero.imports.domain.limits import DEFAULT_LIMITS, Limits
from recupero.imports.domain.mapping import header_score
from recupero.imports.domain.table import ROW, RawTable, unique_headers
from recupero.imports.domain.text import to_utf8

DELIMITERS = (";", ",", "\t", "|")
SAMPLE_BYTES = 64 * 1024
BLANK_SLACK = 1_000


def read_csv(
    data: bytes, *, source: str = "", limits: Limits = DEFAULT_LIMITS, delimiter: str | None = None
) -> RawTable:
    """Parse a CSV file into a `RawTable`; refuses it whole only when unreadable or unsafe."""
    check_size(data, limits)
    body, _encoding = to_utf8(data, keep_bom=True)  # a 200 MB file is not copied to drop its BOM
    bom_kept = body is data and data.startswith(codecs.BOM_UTF8)  # polars skips it, the sniffing must too
    sample = _sample_lines(body, start=len(codecs.BOM_UTF8) if bom_kept else 0)
    if not sample.strip():
        raise IntakeError("import.file_empty")
    delimiter = delimiter or sniff_delimiter(sample)
    header_index, header_cells = find_header(sample, delimiter, limits.header_scan_rows)
    rows_cap = _rows_cap(header_cells, limits)  # polars sizes every column to the header line's width
    # the header, the rows allowed and some blank lines (dropped below): a file that fills them has more
    frame, notices = _read_frame(body, delimiter, header_index, n_rows=rows_cap + 1 + BLANK_SLACK)
    if frame.height > rows_cap + BLANK_SLACK:
        _too_many(len(header_cells), rows_cap, limits)
    headers = unique_headers(header_cells)
    headers += [f"Colonna {i}" for i in range(len(headers) + 1, frame.width + 1)]
    frame = frame.slice(1)  # the header record itself
    frame.columns = headers[: frame.width]
    frame = _number_rows(frame, first_row=header_index + 2)
    check_rows(frame, headers[: frame.width], limits)
    if frame.height > rows_cap:
        _too_many(len(header_cells), rows_cap, limits)
    return RawTable(headers=headers[: frame.width], frame=frame, source=source, notices=notices)


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_file_bytes:
        raise IntakeError("import.file_too_large", limit=limits.max_file_bytes)
    if not data:
        raise IntakeError("import.file_empty")


def _sample_lines(body: bytes, start: int = 0) -> str:
    """The first 64 KB (after the BOM) up to the last complete line: enough to sniff, cheap on a 200 MB file."""
    chunk = body[start : start + SAMPLE_BYTES]
    if len(body) - start > SAMPLE_BYTES and b"\n" in chunk:
        chunk = chunk[: chunk.rindex(b"\n")]
    return chunk.decode("utf-8", errors="replace")


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the sample's lines into the most fields, the same number on most lines."""
    best, best_score = ";", -1.0
    for candidate in DELIMITERS:
        counts = [len(row) for row in _split(sample, candidate, 50) if any(c.strip() for c in row)]
        if not counts:
            continue
        usual = max(set(counts), key=counts.count)
        score = (counts.count(usual) / len(counts)) * (usual if usual > 1 else 0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _split(sample: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, quotechar='"')
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass  # a field larger than the sample or a stray quote: what we have is enough to sniff
    return rows


def find_header(sample: str, delimiter: str, scan_rows: int) -> tuple[int, list[str]]:
    """(line index, cells) of the header: the best-scoring early row, else the first non-empty."""
    lines = sample.splitlines()[:scan_rows]
    first: tuple[int, list[str]] | None = None
    best: tuple[float, int, list[str]] = (0.0, 0, [])
    for index, line in enumerate(lines):
        cells = next(csv.reader([line], delimiter=delimiter, quotechar='"'), [])
        if not any(c.strip() for c in cells):
            continue
        if first is None:
            first = (index, cells)
        score = header_score(list(cells))
        if score > best[0]:
            best = (score, index, cells)
    if best[0] >= 0.3:
        return best[1], best[2]
    if first is None:
        raise IntakeError("import.no_header", limit=scan_rows)
    return first


def _rows_cap(header_cells: list[str], limits: Limits) -> int:
    """The rows polars may read: the row limit, less for a wide file (`max_cells`); a header wider than
    `max_columns` is refused before polars allocates a column for each of its fields."""
    width = len(header_cells)
    if width > limits.max_columns:
        raise IntakeError("import.file.too_many_columns", count=width, limit=limits.max_columns)
    return min(limits.max_rows, limits.max_cells // max(width, 1))


def _too_many(width: int, rows_cap: int, limits: Limits) -> None:
    if rows_cap < limits.max_rows:
        raise IntakeError("import.file.too_many_cells", columns=width, rows=rows_cap, limit=limits.max_cells)
    raise IntakeError("import.too_many_rows", limit=limits.max_rows)


def _read_frame(body: bytes, delimiter: str, skip: int, n_rows: int) -> tuple[pl.DataFrame, list[Notice]]:
    options = {
        "separator": delimiter,
        "has_header": False,
        "skip_rows": skip,
        "n_rows": n_rows,
        "infer_schema": False,
        "quote_char": '"',
        "encoding": "utf8",
        "raise_if_empty": False,
    }
    try:
        return pl.read_csv(body, **options), []  # type: ignore[arg-type]
    except pl.exceptions.ComputeError as exc:
        if "more fields" not in str(exc):
            raise IntakeError("import.csv_malformed", detail=_first_line(exc)) from exc
    try:
        frame = pl.read_csv(body, truncate_ragged_lines=True, **options)  # type: ignore[arg-type]
    except pl.exceptions.PolarsError as exc:
        raise IntakeError("import.csv_malformed", detail=_first_line(exc)) from exc
    return frame, [Notice.of("import.csv_ragged")]


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def _number_rows(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    """Strip the cells (blank -> null), add ROW and drop rows with no value at all (trailing ';;;;' lines),
    keeping the others' numbers."""
    frame = strip_cells(frame)
    frame = frame.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))
    data_columns = [c for c in frame.columns if c != ROW]
    if not data_columns:
        return frame
    return drop_blank_rows(frame, data_columns)


# Rust's trim and the regex class \s are both Unicode White_Space: a cell matching neither end is unchanged.
_PADDED = r"^\s|\s$"


def strip_cells(frame: pl.DataFrame, characters: str | None = None) -> pl.DataFrame:
    """Every text cell stripped (of `characters`, default Unicode white space), empty ones null.

    Only the columns that hold a padded or empty cell are rebuilt: stripping all of them would copy the whole
    frame (half a gigabyte for a million rows) to change nothing in most of it."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not texts:
        return frame
    padded = _PADDED if characters is None else f"^[{_char_class(characters)}]|[{_char_class(characters)}]$"
    flags = frame.select(
        (pl.col(name).str.contains(padded) | (pl.col(name) == "")).any().alias(name) for name in texts
    ).row(0)
    changed = [name for name, flag in zip(texts, flags, strict=True) if flag]
    if not changed:
        return frame
    return frame.with_columns(pl.col(changed).str.strip_chars(characters).replace("", None))


def _char_class(characters: str) -> str:
    return "".join(f"\\x{{{ord(c):x}}}" for c in characters)


def drop_blank_rows(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The rows with at least one value in `columns`; no copy when there is no blank row or they all close the
    file (the usual trailing ';;;;' lines)."""
    keep = frame.select(pl.any_horizontal(pl.col(columns).is_not_null())).to_series()
    kept = int(keep.sum())
    if kept == frame.height:
        return frame
    if keep.head(kept).all():
        return frame.head(kept)
    return frame.filter(keep)


def check_rows(frame: pl.DataFrame, headers: list[str], limits: Limits) -> None:
    """Refuse the file if it has too many rows, or a field or row too large to be a genuine affido row."""
    if frame.height > limits.max_rows:
        raise IntakeError("import.too_many_rows", limit=limits.max_rows)
    if not headers or frame.height == 0:
        return
    # a character takes at least a byte: when even the longest cells in bytes fit, no row can be too large
    longest = frame.select(pl.col(h).str.len_bytes().max().fill_null(0) for h in headers).row(0)
    if max(longest) <= limits.max_field_chars and sum(longest) <= limits.max_row_chars:
        return
    lengths = [pl.col(h).str.len_chars().fill_null(0) for h in headers]
    sizes = frame.select(
        pl.col(ROW), pl.max_horizontal(lengths).alias("field"), pl.sum_horizontal(lengths).alias("row")
    )
    too_big = sizes.filter(
        (pl.col("field") > limits.max_field_chars) | (pl.col("row") > limits.max_row_chars)
    )
    if too_big.height:
        offending = too_big.row(0, named=True)
        limit = (
            limits.max_field_chars if offending["field"] > limits.max_field_chars else limits.max_row_chars
        )
        raise IntakeError("import.row_too_large", row=offending[ROW], limit=limit)
