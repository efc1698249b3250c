"""Hostile files built in code, a few KB each: the attacks of issue 9 (used by the tests and by
benchmarks/hostile_files.py, which measures the memory each one costs)."""

from __future__ import annotations

import io
import struct
import zipfile

HEADER = ["Codice cliente", "Codice Fiscale", "Cognome", "Nome", "Nr. documento", "Data documento", "Importo"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    f'relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def header_cells(columns: int = len(HEADER)) -> list[tuple[str, str]]:
    names = [*HEADER, *(f"Campo {i}" for i in range(len(HEADER) + 1, columns + 1))][:columns]
    return [(f"{column_letters(i + 1)}1", name) for i, name in enumerate(names)]


def sheet_xml(cells: list[tuple[str, str]], dimension: str | None = None, loose: int = 0) -> str:
    """A worksheet of inline-string cells at the given references; `loose` cells without a reference are
    added to row 2 (calamine places them one after the other)."""
    rows: dict[int, list[str]] = {}
    for ref, value in cells:
        number = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(number, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
    if loose:
        rows.setdefault(2, []).extend(["<c><v>1</v></c>"] * loose)
    body = "".join(f'<row r="{n}">{"".join(cs)}</row>' for n, cs in sorted(rows.items()))
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
    return f"{head}{declared}<sheetData>{body}</sheetData></worksheet>"


def workbook(
    sheet: str, *, target: str = "worksheets/sheet1.xml", extra: dict[str, str] | None = None
) -> bytes:
    """A minimal .xlsx whose one sheet is `sheet` (XML text) stored at xl/<target>."""
    part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Foglio1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="{target}"/>'
            "</Relationships>",
        )
        archive.writestr(part, sheet)
        for name, text in (extra or {}).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def corner_xlsx() -> bytes:
    """A header in row 1 and one cell in XFD1048576, as the sheet declares: calamine asks for 512 GB and the
    process aborts (SIGABRT)."""
    return workbook(sheet_xml([*header_cells(), ("XFD1048576", "x")], dimension="A1:XFD1048576"))


def corner_xlsx_undeclared() -> bytes:
    """The same cells with an honest small dimension: only the scan of the cells finds the far corner."""
    return workbook(sheet_xml([*header_cells(), ("XFD1048576", "x")], dimension="A1:G2"))


def far_row_xlsx(columns: int = 20) -> bytes:
    """A 20-column header and one cell at row 1,048,576: 1.4 GB before it is refused."""
    return workbook(sheet_xml([*header_cells(columns), ("A1048576", "x")]))


def loose_cells_xlsx(count: int = 5_000) -> bytes:
    """Cells without references: calamine lays them out one after the other, 5,000 columns wide."""
    return workbook(sheet_xml(header_cells(), loose=count))


def hidden_sheet_xlsx() -> bytes:
    """The worksheet stored outside xl/worksheets/, found only through the workbook's relationships."""
    return workbook(sheet_xml([*header_cells(), ("A1048576", "x")]), target="/hidden/evil.xml")


def wide_csv(columns: int = 200_000) -> bytes:
    """A 1.9 MB CSV with 200,000 columns: polars made a column of each (3.5 GB)."""
    header = ";".join(f"c{i}" for i in range(columns))
    return f"{header}\n{';'.join('1' for _ in range(columns))}\n".encode()


def forge_sizes(data: bytes, member: str, declared: int) -> bytes:
    """`data` with `member`'s uncompressed size forged to `declared` in the local header and the central
    directory (a zip reader that trusts them would stop early)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(member)
    out = bytearray(data)
    struct.pack_into("<I", out, info.header_offset + 22, declared)
    central = data.index(b"PK\x01\x02")
    while True:
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, central + 28)
        name = data[central + 46 : central + 46 + name_length].decode()
        if name == member:
            struct.pack_into("<I", out, central + 24, declared)
            return bytes(out)
        central += 46 + name_length + extra_length + comment_length
