"""Which reader a file needs, from its first bytes (names lie: '.xls' files are often CSV or XLSX)."""

from __future__ import annotations

import io
import zipfile

from recupero.imports.domain.csv_reader import read_csv
from recupero.imports.domain.errors import IntakeError, Notice
from recupero.imports.domain.fatturapa import FATTURAPA_PROFILE, invoices_to_table, read_fatturapa
from recupero.imports.domain.fatturapa.container import looks_like_p7m
from recupero.imports.domain.limits import DEFAULT_LIMITS, Limits
from recupero.imports.domain.mapping import MappingProfile
from recupero.imports.domain.table import RawTable
from recupero.imports.domain.xlsx_reader import read_xlsx


def detect_format(name: str, data: bytes) -> str:
    """'xlsx', 'fatturapa' (xml, p7m, zip of invoices) or 'csv'."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:4] == b"PK\x03\x04":
        return "xlsx" if _is_workbook(data) else "fatturapa"
    if head.startswith(b"<") or (looks_like_p7m(name, data) and name.lower().endswith(".p7m")):
        return "fatturapa"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # legacy .xls (OLE2)
        raise IntakeError("import.unknown_format")
    return "csv"


def _is_workbook(data: bytes) -> bool:
    try:
        return "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False


def read_any(
    name: str,
    data: bytes,
    *,
    sheet: str | int | None = None,
    expected_seller_vat: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[RawTable, MappingProfile | None]:
    """Parse any supported upload; FatturaPA also returns its fixed mapping (else None)."""
    kind = detect_format(name, data)
    if kind == "xlsx":
        return read_xlsx(data, source=name, sheet=sheet, limits=limits), None
    if kind == "csv":
        return read_csv(data, source=name, limits=limits), None
    batch = read_fatturapa(data, name=name, expected_seller_vat=expected_seller_vat, limits=limits)
    table = invoices_to_table(batch.invoices, source=name)
    refused = [Notice(error.code, error.message, source) for source, error in batch.refused]
    table.notices[:0] = [*batch.notices, *refused]
    return table, FATTURAPA_PROFILE
