"""A minimal XLSX writer (SpreadsheetML: one sheet, inline strings, date and money formats) for big exports.

Why not openpyxl here: a month's remittance has up to ~50,000 lines × 16 cells, and openpyxl's writer costs
~25 µs a cell (measured: 22 s for 50,000 rows on the 2-core machine, against a 10 s budget for the whole
remittance with its files); writing the same rows as XML strings takes ~1 s, and ~0.5 s for 90,000 rows when the
caller names each column's kind (`kinds`: one format string per row instead of a typed look-up per cell). The
output is checked by reading it back with openpyxl in the tests. Text goes through `core.domain.sheets.safe_cell`
(formula-looking text neutralised, characters illegal in XML replaced) and is XML-escaped.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from recupero.core.domain.sheets import FORMULA_START, safe_cell

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
DATE, MONEY, BOLD = 1, 2, 3  # cellXfs indexes in STYLES
TEXT, LABEL = (
    0,
    -1,
)  # column kinds: text (or a bool, "sì"/"no"), text of a few values; DATE and MONEY the others
# Text that neither safe_cell nor XML escaping would change (no markup, no character illegal in XML).
_PLAIN = re.compile(r"[^&<>\x00-\x08\x0b\x0c\x0e-\x1f]*")

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/></Relationships>'
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="#,##0.00"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column(n: int) -> str:
    name = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value: object, bold: bool) -> str:
    # Money first (nine columns of sixteen), by exact type: 1.4 million cells in a 90,000-line remittance.
    kind = type(value)
    if kind is Decimal:
        return f'<c r="{ref}" s="{MONEY}"><v>{value}</v></c>'
    if value is None or value == "":
        return ""
    if kind is bool:
        value = "sì" if value else "no"
    elif isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    elif isinstance(value, dt.date):
        return f'<c r="{ref}" s="{DATE}"><v>{value.toordinal() - EXCEL_EPOCH}</v></c>'
    text = escape(str(safe_cell(value)))
    style = f' s="{BOLD}"' if bold else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _row(columns: Sequence[str], n: int, row: Sequence[object], bold: bool = False) -> str:
    at = str(n)
    cells = "".join([_cell(col + at, v, bold) for col, v in zip(columns, row, strict=False)])
    return f'<row r="{n}">{cells}</row>'


def _text(value: object) -> str:
    """A text cell's escaped content: plain text as it is, anything else through safe_cell and escape."""
    if type(value) is bool:
        return "sì" if value else "no"
    text = value if type(value) is str else str(value)
    if text[:1] not in FORMULA_START and _PLAIN.fullmatch(text):
        return text
    return escape(str(safe_cell(text)))


def _typed(columns: Sequence[str], kinds: Sequence[int], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Rows whose columns hold one kind each (dates and money never empty): one format string per row, with
    slot 0 the row number; a text slot holds its whole cell, or nothing for an empty value (as `_cell`). A LABEL
    column's few values are escaped once each."""
    slots = []
    for i, (col, kind) in enumerate(zip(columns, kinds, strict=True), start=1):
        slots.append(f'<c r="{col}{{0}}" s="{kind}"><v>{{{i}}}</v></c>' if kind > 0 else f"{{{i}}}")
    template = '<row r="{0}">' + "".join(slots) + "</row>"
    dates = [i for i, kind in enumerate(kinds) if kind == DATE]
    texts: list[tuple[int, str, dict[object, str] | None]] = [
        (i, f'<c r="{columns[i]}', {} if kind == LABEL else None) for i, kind in enumerate(kinds) if kind <= 0
    ]
    for n, row in enumerate(rows, start=2):
        values = list(row)
        for i in dates:
            values[i] = values[i].toordinal() - EXCEL_EPOCH  # type: ignore[attr-defined]
        for i, head, memo in texts:
            v = values[i]
            if v is None or v == "":
                values[i] = ""
            elif memo is None:
                values[i] = f'{head}{n}" t="inlineStr"><is><t xml:space="preserve">{_text(v)}</t></is></c>'
            else:
                tail = memo.get(v)
                if tail is None:
                    tail = memo[v] = f'" t="inlineStr"><is><t xml:space="preserve">{_text(v)}</t></is></c>'
                values[i] = f"{head}{n}{tail}"
        yield template.format(n, *values)


def xlsx_bytes(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    kinds: Sequence[int] | None = None,
    footer: Sequence[object] | None = None,
) -> bytes:
    """One sheet named `title`: a bold header row, then `rows` (text, Decimal money, dates, ints), then `footer`.

    With `kinds` (TEXT, LABEL, DATE or MONEY per column) the rows are written by column kind: several times
    faster."""
    columns = [_column(i) for i in range(len(header))]
    body = (
        (_row(columns, n, row) for n, row in enumerate(rows, start=2))
        if kinds is None
        else _typed(columns, kinds, rows)
    )
    name = escape(title[:31], {'"': "&quot;"})
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/styles.xml", STYLES)
        # Streamed in blocks of rows: the whole sheet as one string is ~80 MB, copied three times over (0.5 s).
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'.encode()
            )
            sheet.write(f"<sheetData>{_row(columns, 1, header, bold=True)}".encode())
            n = 1
            for block in _blocks(body, 2000):
                sheet.write("".join(block).encode())
                n += len(block)
            if footer is not None:
                sheet.write(_row(columns, n + 1, footer).encode())
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _blocks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    block: list[str] = []
    for item in items:
        block.append(item)
        if len(block) == size:
            yield block
            block = []
    if block:
        yield block
