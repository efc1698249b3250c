"""Every file intake writes for people neutralises formula cells: the outcomes file (esiti, CSV and XLSX) and
the error reports, single-file and multi-file (one sheet per file)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from recupero.imports import selectors
from recupero.imports.returns import COLUMNS, outcomes_csv, outcomes_xlsx
from recupero.imports.tests.conftest import CF, csv_bytes, row

HOSTILE = [
    '=HYPERLINK("http://x","clic")',  # reference from the creditor's file
    "AFF-1-000001",
    "@SUM(1+1)*cmd|' /C calc'!A0",  # debtor name
    "Restituita",
    Decimal("-12.50"),  # a correction can make the collected amount negative
    Decimal("1000.00"),
    "+cmd|' /C notepad'!A0",  # last action (a timeline summary)
    "2026-02-01",
    "-2+3",
]


def test_outcomes_csv_neutralises_formulas_and_keeps_amounts_readable():
    lines = list(csv.reader(io.StringIO(outcomes_csv([HOSTILE]).decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == list(COLUMNS)
    assert lines[1] == [
        '\'=HYPERLINK("http://x","clic")',
        "AFF-1-000001",
        "'@SUM(1+1)*cmd|' /C calc'!A0",
        "Restituita",
        "-12,50",
        "1000,00",
        "'+cmd|' /C notepad'!A0",
        "2026-02-01",
        "'-2+3",
    ]


def test_outcomes_xlsx_neutralises_formulas_and_keeps_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(outcomes_xlsx([HOSTILE]))).active
    cells = next(sheet.iter_rows(min_row=2, values_only=True))
    assert cells == (
        '\'=HYPERLINK("http://x","clic")',
        "AFF-1-000001",
        "'@SUM(1+1)*cmd|' /C calc'!A0",
        "Restituita",
        -12.5,
        1000,
        "'+cmd|' /C notepad'!A0",
        "2026-02-01",
        "'-2+3",
    )
    assert [c.data_type for c in next(sheet.iter_rows(min_row=2, max_row=2))][4:6] == ["n", "n"]


@pytest.mark.django_db
def test_multi_file_error_reports_neutralise_formulas(run):
    first = csv_bytes(row(ref="=1+1", cf="XX", surname="@Rossi"))
    second = csv_bytes(row(ref="C2", cf=CF[1], surname="-Bianchi", amount="abc", number="G-1"))
    batch = run(("uno.csv", first), ("due.csv", second), commit=False)
    assert batch.status == "ready"
    _, xlsx = selectors.batch_report(batch, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["File 1", "File 2"]
    one = [list(r) for r in book["File 1"].iter_rows(values_only=True)]
    two = [list(r) for r in book["File 2"].iter_rows(values_only=True)]
    assert (one[1][2], one[1][6], one[1][9]) == ("import.row.bad_tax_code", "'=1+1", "'@Rossi")
    assert (two[1][2], two[1][4], two[1][9]) == ("import.row.bad_amount", "abc", "'-Bianchi")
    _, data = selectors.batch_report(batch, "csv")
    text = data.decode("utf-8-sig")
    assert ";'=1+1;" in text and ";'@Rossi;" in text and ";'-Bianchi;" in text
    assert ";=1+1;" not in text and ";@Rossi;" not in text
