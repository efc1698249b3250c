"""CSV and XLSX readers: encodings, delimiters, BOM, quoting, header detection, limits."""

import datetime as dt
import io

import openpyxl
import pytest

from recupero.imports.domain import IntakeError, Limits, detect_format, read_any
from recupero.imports.domain.csv_reader import read_csv
from recupero.imports.domain.xlsx_reader import read_xlsx

HEADER = ["Codice cliente", "Ragione sociale", "Importo", "Data scadenza", "Note"]
ROWS = [
    ["C1", "Caffè Società", "1.234,56", "31/01/2025", "riga\nsu due"],
    ["C2", "Beta €", "12,00", "2025-02-28", ""],
]


def _csv(delimiter: str, newline: str = "\r\n") -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if ("\n" in value or delimiter in value) else value

    return newline.join(delimiter.join(cell(c) for c in row) for row in [HEADER, *ROWS]) + newline


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_csv_variants(tmp_path, delimiter, encoding):
    text = _csv(delimiter)
    if encoding == "latin-1":
        text = text.replace("€", "EUR")  # latin-1 has no euro sign
    path = tmp_path / "affido.csv"
    path.write_bytes(text.encode(encoding))
    table = read_csv(path.read_bytes())
    assert table.headers == HEADER
    rows = table.rows()
    assert rows[0] == {
        "Codice cliente": "C1",
        "Ragione sociale": "Caffè Società",
        "Importo": "1.234,56",
        "Data scadenza": "31/01/2025",
        "Note": "riga\nsu due",
    }
    assert rows[1]["Ragione sociale"] == ("Beta EUR" if encoding == "latin-1" else "Beta €")
    assert rows[1]["Note"] is None
    assert table.frame["__row__"].to_list() == [2, 3]


def test_csv_title_rows_blank_lines_and_row_numbers():
    data = "Estrazione insoluti\nal 31/03/2025\n\n" + _csv(";", "\n") + ";;;;\nC3;Gamma;5,00;01/03/2025;x\n"
    table = read_csv(data.encode())
    assert table.headers == HEADER
    # header on line 4; the quoted newline does not shift numbering; the empty ';;;;' row 7 is dropped
    assert table.frame["__row__"].to_list() == [5, 6, 8]


def test_csv_ragged_rows_are_truncated_with_a_notice():
    table = read_csv(b"Codice cliente;Importo\nC1;1,00;extra\nC2\n")
    assert [n.code for n in table.notices] == ["import.csv_ragged"]
    assert table.rows() == [
        {"Codice cliente": "C1", "Importo": "1,00"},
        {"Codice cliente": "C2", "Importo": None},
    ]


def test_csv_duplicate_and_blank_headers_are_made_unique():
    table = read_csv(b"Note;Note;;Importo\na;b;c;1\n")
    assert table.headers == ["Note", "Note (2)", "Colonna 3", "Importo"]


def test_csv_limits():
    with pytest.raises(IntakeError) as exc:
        read_csv(b"a;b\n1;2\n", limits=Limits(max_file_bytes=4))
    assert exc.value.code == "import.file_too_large"
    with pytest.raises(IntakeError) as exc:
        read_csv(b"Codice cliente;Note\nC1;" + b"x" * 50 + b"\n", limits=Limits(max_field_chars=20))
    assert exc.value.code == "import.row_too_large"
    assert exc.value.params["row"] == 2
    with pytest.raises(IntakeError) as exc:
        read_csv(b"a;b\n1;2\n3;4\n", limits=Limits(max_rows=1))
    assert exc.value.code == "import.too_many_rows"
    with pytest.raises(IntakeError) as exc:
        read_csv(b"")
    assert exc.value.code == "import.file_empty"


def _xlsx(title_rows: int = 2) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Affido"
    if title_rows:
        sheet.append(["Portafoglio Alfa Energia - marzo 2025"])
        sheet.append([])
    sheet.append(["Codice cliente", "Codice Fiscale", "Importo", "Data scadenza", "CAP"])
    sheet.append(["C1", "RSSMRA85T10A562S", 1234.56, dt.date(2025, 1, 31), "00145"])
    sheet.append([])
    sheet.append(["C2", None, 12, dt.datetime(2025, 2, 1), 20121])
    other = workbook.create_sheet("Altro")
    other.append(["Codice cliente", "Importo"])
    other.append(["Z9", "7,50"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_title_rows_before_header():
    table = read_xlsx(_xlsx())
    assert table.headers == ["Codice cliente", "Codice Fiscale", "Importo", "Data scadenza", "CAP"]
    assert table.frame["__row__"].to_list() == [4, 6]
    assert table.rows() == [
        {
            "Codice cliente": "C1",
            "Codice Fiscale": "RSSMRA85T10A562S",
            "Importo": "1234.56",
            "Data scadenza": "2025-01-31",
            "CAP": "00145",
        },
        {
            "Codice cliente": "C2",
            "Codice Fiscale": None,
            "Importo": "12",
            "Data scadenza": "2025-02-01",
            "CAP": "20121",
        },
    ]


def test_xlsx_chosen_sheet_and_missing_sheet():
    assert read_xlsx(_xlsx(), sheet="Altro").rows() == [{"Codice cliente": "Z9", "Importo": "7,50"}]
    assert read_xlsx(_xlsx(), sheet=1).rows() == [{"Codice cliente": "Z9", "Importo": "7,50"}]
    with pytest.raises(IntakeError) as exc:
        read_xlsx(_xlsx(), sheet="Manca")
    assert exc.value.code == "import.sheet_not_found"


def test_xlsx_broken_workbook():
    with pytest.raises(IntakeError) as exc:
        read_xlsx(b"PK\x03\x04 not really a zip")
    assert exc.value.code == "import.zip_malformed"


def test_detect_format_and_read_any():
    assert detect_format("a.xlsx", _xlsx()) == "xlsx"
    assert detect_format("a.csv", b"\xef\xbb\xbfa;b\n") == "csv"
    assert detect_format("a.xml", b"<?xml version='1.0'?><x/>") == "fatturapa"
    table, profile = read_any("affido.xls", _xlsx(0))  # a misnamed workbook still reads as XLSX
    assert profile is None and table.kind == "xlsx" and len(table) == 2
    with pytest.raises(IntakeError) as exc:
        read_any("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert exc.value.code == "import.unknown_format"
