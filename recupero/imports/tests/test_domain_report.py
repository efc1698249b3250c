"""Error report: the creditor's own rows with riga, campo, codice, messaggio, as CSV (BOM, ';') and XLSX."""

import io

import openpyxl

from recupero.imports.domain import MappingProfile, validate
from recupero.imports.domain.csv_reader import read_csv
from recupero.imports.domain.report import write_csv, write_xlsx

DATA = (
    'Codice cliente;Cognome;Importo;Note\nC1;Rossi;12,00;ok\nC2;Bianchi;dieci;=HYPERLINK("x")\nC3;;1,234;\n'
)


def _result():
    table = read_csv(DATA.encode())
    return table, validate(table, MappingProfile.suggest(table.headers))


def test_csv_report():
    table, result = _result()
    data = write_csv(result.errors, table)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "riga;campo;codice;messaggio;valore;gravità;Codice cliente;Cognome;Importo;Note"
    assert lines[1] == (
        "3;amount;import.row.bad_amount;Importo non valido: usare un numero con al massimo due decimali.;dieci;"
        'errore;C2;Bianchi;dieci;"\'=HYPERLINK(""x"")"'
    )
    assert lines[2].startswith("4;amount;import.row.bad_amount;")
    assert lines[3].startswith(
        "4;company_name;import.row.missing_field;Campo obbligatorio mancante.;;errore;C3;"
    )
    assert lines[4] == ""


def test_xlsx_report():
    table, result = _result()
    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx(result.errors, table)))
    rows = [list(r) for r in workbook["Errori"].iter_rows(values_only=True)]
    assert rows[0] == [
        "riga",
        "campo",
        "codice",
        "messaggio",
        "valore",
        "gravità",
        "Codice cliente",
        "Cognome",
        "Importo",
        "Note",
    ]
    assert rows[1][:3] == ["3", "amount", "import.row.bad_amount"]
    assert rows[1][6:] == ["C2", "Bianchi", "dieci", '\'=HYPERLINK("x")']
    assert len(rows) == 4
