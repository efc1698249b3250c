"""The error report a creditor gets back: their own rows, as sent, with riga, campo, codice, messaggio added.

One line per error (a row with three errors appears three times), so the creditor can filter by column or code
in Excel, fix the file and resend it. CSV is UTF-8 with BOM and ';' because that is what Italian Excel opens
correctly with a double click.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import polars as pl
from openpyxl import Workbook

from recupero.core.domain.sheets import safe_row
from recupero.imports.domain.errors import RowError
from recupero.imports.domain.table import ROW, RawTable

REPORT_COLUMNS = ("riga", "campo", "codice", "messaggio", "valore", "gravità")
SEVERITY = {"error": "errore", "warning": "avviso"}


def report_rows(errors: Iterable[RowError], table: RawTable) -> Iterable[list[str]]:
    """Header, then one list per error: the report columns followed by the original row's cells."""
    errors = list(errors)
    yield [*REPORT_COLUMNS, *table.headers]
    rows = {e.row for e in errors}
    originals: dict[int, list[str]] = {}
    if rows:
        subset = table.frame.filter(pl.col(ROW).is_in(list(rows))).select(ROW, *table.headers)
        originals = {r[0]: ["" if v is None else v for v in r[1:]] for r in subset.iter_rows()}
    blank = [""] * len(table.headers)
    for error in errors:
        head = [
            str(error.row),
            error.field,
            error.code,
            error.message,
            error.value,
            SEVERITY.get(error.severity, ""),
        ]
        yield [*head, *originals.get(error.row, blank)]


def write_csv(errors: Iterable[RowError], table: RawTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in report_rows(errors, table):
        writer.writerow(safe_row(row))
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(errors: Iterable[RowError], table: RawTable) -> bytes:
    """openpyxl write-only mode: constant memory whatever the number of errors."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Errori")
    for row in report_rows(errors, table):
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
