"""An XLSX workbook measured before calamine reads a byte of it.

calamine turns a sheet into one dense rectangle from A1 to the farthest cell, and python-calamine then makes a
Python list for every row of it: a 2 KB file with a cell in A1 and one in XFD1048576 asks for 512 GB and the
allocator aborts the process (SIGABRT, no exception to catch); one cell at row 1,048,576 under a 20-column
header costs 1.4 GB. So before calamine runs, each worksheet's XML is streamed and measured:

* the declared `<dimension ref>` against the column and cell limits (it is at the top: no scan needed);
* the real extent, from every cell's `r` reference (cells without one are counted as calamine places them:
  after the previous cell, on the next row), against the column limit, the absolute cell limit, and the cells
  actually present (`xlsx_sparse_ratio`): a rectangle mostly empty is refused, not materialised;
* the shared strings table and every part calamine inflates, by their real inflated size, not the directory's
  claim (the Rust zip reader inflates until the stream ends: a forged size would not stop it).

Worksheets are found as calamine finds them: every worksheet relationship of xl/workbook.xml, plus every part
under xl/worksheets/. A byte scan (regular expressions over 4 MB chunks) instead of an XML parser: several times
faster on a million-row sheet, and conservative (a cell reference in a comment counts too).
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from recupero.imports.domain.errors import IntakeError
from recupero.imports.domain.limits import Limits

CHUNK = 4 * 1024 * 1024
MAX_TAG = (
    1024 * 1024
)  # no element (a cell holds 32,767 characters at most) is longer: a longer one is hostile
EXCEL_ROWS = 1_048_576

# A byte scan, not an XML parser, and no regular expression where bytes.count will do: several times faster
# on a million-row sheet. Conservative: a reference that is not on a cell (in a comment, say) counts as one.
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_REF = r"\sr=[\"'][A-Za-z]+[0-9]+"  # four characters before the reference (polars syntax)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref\s*=\s*[\"']([^\"']*)[\"']")
_REF = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")
_WORKSHEET_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>")
_ATTR = re.compile(rb"(\w+)\s*=\s*[\"']([^\"']*)[\"']")


@dataclass
class Extent:
    """What a scan found in one worksheet: the farthest row and column calamine would place a cell at, and
    the cells present."""

    rows: int = 0
    columns: int = 0
    cells: int = 0

    @property
    def area(self) -> int:
        return self.rows * self.columns


def check_workbook(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse (IntakeError) a workbook whose parts or worksheets would make calamine allocate beyond the
    limits; return quietly otherwise."""
    sheets = worksheet_parts(archive)
    for member in archive.infolist():
        if member.filename not in sheets:
            _check_size(member, sum(len(c) for c in inflate(archive, member, _cap(member, limits))), limits)
    for name in sheets:
        check_extent(scan_sheet(archive, archive.getinfo(name), limits), name, limits)


def _cap(member: zipfile.ZipInfo, limits: Limits) -> int:
    if "sharedstrings" in member.filename.lower():
        return limits.xlsx_max_shared_strings_bytes
    return limits.xlsx_max_member_bytes


def _check_size(member: zipfile.ZipInfo, size: int, limits: Limits) -> None:
    cap = _cap(member, limits)
    if size <= cap:
        return
    if "sharedstrings" in member.filename.lower():
        raise IntakeError("import.file.shared_strings", limit=cap)
    raise IntakeError("import.zip_bomb", detail=f"«{member.filename}» oltre {cap} byte")


def inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
    """The member's content as the Rust zip reader sees it — inflated until its compressed stream ends, not
    until the size the directory claims — in chunks; stops after `cap` + 1 bytes (the caller sees it is over).
    """
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        yield from _through_zipfile(archive, member, cap)  # bzip2/lzma: not read by calamine anyway
        return
    raw = _raw_stream(archive, member)
    inflater = zlib.decompressobj(-15) if member.compress_type == zipfile.ZIP_DEFLATED else None
    given = 0
    try:
        for compressed in raw:
            data = compressed if inflater is None else inflater.decompress(compressed, cap + 1 - given)
            while data:
                given += len(data)
                yield data
                if given > cap:
                    return
                data = inflater.decompress(inflater.unconsumed_tail, cap + 1 - given) if inflater else b""
    except zlib.error as exc:
        raise IntakeError("import.xlsx_malformed", detail=f"{member.filename}: {exc}") from exc


def _raw_stream(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's compressed bytes, located from its local header (as every zip reader does)."""
    handle = archive.fp
    if handle is None:
        raise IntakeError("import.xlsx_malformed", detail="archivio chiuso")
    handle.seek(member.header_offset)
    header = handle.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise IntakeError("import.xlsx_malformed", detail=f"{member.filename}: intestazione locale assente")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(member.header_offset + 30 + name_length + extra_length)
    left = member.compress_size
    while left > 0:
        chunk = handle.read(min(CHUNK, left))
        if not chunk:
            return
        left -= len(chunk)
        yield chunk


def _through_zipfile(archive: zipfile.ZipFile, member: zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
    given = 0
    try:
        with archive.open(member) as stream:
            while given <= cap and (chunk := stream.read(CHUNK)):
                given += len(chunk)
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise IntakeError("import.xlsx_malformed", detail=f"{member.filename}: {str(exc)[:150]}") from exc


def worksheet_parts(archive: zipfile.ZipFile) -> list[str]:
    """Every part calamine may read as a worksheet: the workbook's worksheet relationships (each target
    resolved every way a reader might) and everything under xl/worksheets/."""
    present = set(archive.namelist())
    names = {n for n in present if n.lower().startswith("xl/worksheets/") and not n.endswith("/")}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in present:
        data = b"".join(inflate(archive, archive.getinfo(rels), 16 * 1024 * 1024))
        for tag in _WORKSHEET_REL.findall(data):
            attrs = {k.decode().lower(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(tag)}
            if attrs.get("type", "").endswith("/worksheet") and attrs.get("target"):
                target = attrs["target"]
                for candidate in (target.lstrip("/"), f"xl/{target}", posixpath.normpath(f"xl/{target}")):
                    if candidate in present:
                        names.add(candidate)
    return sorted(names)


def scan_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> Extent:
    """The worksheet's real extent; the declared dimension is checked on the way (before the rest is read)."""
    extent = Extent()
    pending = b""
    loose = size = 0
    for chunk in inflate(archive, member, limits.xlsx_max_member_bytes):
        if not size:
            _check_encoding(chunk, member.filename)
        size += len(chunk)
        _check_size(member, size, limits)
        # cut before the last '<': no tag is split, and no UTF-8 character either ('<' is never inside one)
        buffer = pending + chunk
        cut = max(buffer.rfind(b"<"), 0)
        if len(buffer) - cut > MAX_TAG:
            raise IntakeError("import.xlsx_malformed", detail=f"{member.filename}: elemento troppo lungo")
        body, pending = buffer[:cut], buffer[cut:]
        if extent.cells == 0 and (declared := _DIMENSION.search(body)):
            check_dimension(declared.group(1).decode("ascii", "replace"), member.filename, limits)
        loose += _measure(body, extent, member.filename)
    loose += _measure(pending, extent, member.filename)
    if loose:
        # calamine places a cell without a reference after the previous one, and a row without one after the
        # previous row: the counts bound how far they can reach
        rows = sum(c.count(b"<row") + c.count(b":row") for c in inflate(archive, member, size))
        extent.columns += loose
        extent.rows += rows
    return extent


def _measure(body: bytes, extent: Extent, name: str) -> int:
    """Add the cells of `body` to the extent; return how many had no reference."""
    cells = body.count(b"<c ")
    if body.count(b"<c") > cells or b":c" in body:  # <c>, <c/>, <x:c ...>, or just <cols>: count exactly
        cells = len(_ANY_CELL.findall(body))
    extent.cells += cells
    if not cells:
        return 0
    # polars' Rust regex engine: the references of a 4 MB chunk in milliseconds, where `re` takes seconds
    try:
        text = pl.Series([body], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.PolarsError as exc:
        raise IntakeError("import.file.encoding", detail=f"foglio {name} non in UTF-8") from exc
    refs = text.str.extract_all(_CELL_REF).explode().drop_nulls().str.slice(4)
    if refs.len():
        letters = refs.str.strip_chars_end("0123456789")
        digits = refs.str.strip_chars_start(_LETTERS).str.slice(0, 9)  # 9 digits: far past any limit
        extent.columns = max(extent.columns, *(column_number(c) for c in letters.unique().to_list()))
        extent.rows = max(extent.rows, int(digits.cast(pl.Int64).max()))  # type: ignore[arg-type]
    return max(cells - refs.len(), 0)


def column_number(letters: bytes | str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27, 'XFD' -> 16384."""
    number = 0
    for char in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        number = number * 26 + ord(char) - 64
    return number


def _check_encoding(head: bytes, name: str) -> None:
    """Worksheets are UTF-8 in practice; a UTF-16 one would hide every cell from the byte scan."""
    if b"\x00" in head[:64]:
        raise IntakeError("import.file.encoding", detail=f"foglio {name} in UTF-16/UTF-32")


def check_dimension(ref: str, name: str, limits: Limits) -> None:
    """The area the sheet declares (e.g. 'A1:XFD1048576'), against the column and cell limits."""
    corners = _REF.findall(ref)
    if not corners:
        return  # absent or unreadable: calamine does not need it, the real extent is checked anyway
    columns = max(column_number(letters) for letters, _ in corners)
    rows = max(int(digits) for _, digits in corners)
    if columns > limits.max_columns or rows * columns > limits.xlsx_max_cells:
        raise IntakeError(
            "import.file.xlsx_dimension", ref=ref, rows=rows, columns=columns, limit=limits.xlsx_max_cells
        )


def check_extent(extent: Extent, name: str, limits: Limits) -> None:
    if extent.columns > limits.max_columns:
        raise IntakeError("import.file.too_many_columns", count=extent.columns, limit=limits.max_columns)
    if extent.rows > max(EXCEL_ROWS, limits.max_rows + limits.header_scan_rows):
        raise IntakeError("import.too_many_rows", limit=limits.max_rows)
    if extent.area > limits.xlsx_max_cells:
        raise IntakeError(
            "import.file.sheet_too_large",
            rows=extent.rows,
            columns=extent.columns,
            cells=extent.area,
            limit=limits.xlsx_max_cells,
        )
    if extent.area > max(limits.xlsx_sparse_floor, extent.cells * limits.xlsx_sparse_ratio):
        raise IntakeError(
            "import.file.sheet_sparse", rows=extent.rows, columns=extent.columns, cells=extent.cells
        )
