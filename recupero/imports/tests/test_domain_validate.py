"""Mapping suggestions, profiles, and every row error code of validation, with exact values."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from recupero.imports.domain import MappingProfile, suggest_mapping, validate
from recupero.imports.domain.csv_reader import read_csv
from recupero.imports.domain.mapping import fold
from recupero.imports.domain.provinces import province_sigla, provinces
from recupero.imports.domain.validate import WARNINGS
from recupero.imports.domain.xlsx_reader import read_xlsx

HEADERS = [
    "Codice cliente",
    "Codice Fiscale",
    "P.IVA",
    "Cognome",
    "Nome",
    "Ragione sociale",
    "Indirizzo",
    "CAP",
    "Comune",
    "Provincia",
    "Telefono",
    "Cellulare",
    "E-mail",
    "PEC",
    "Nr. documento",
    "Data documento",
    "Data scadenza",
    "Importo",
    "Residuo",
    "Tipo credito",
    "POD",
    "Contratto",
    "Descrizione",
    "IBAN",
    "Note",
]
GOOD = [
    "C1",
    "RSSMRA85T10A562S",
    "",
    "Rossi",
    "Mario",
    "",
    "Via Roma 1",
    "00145",
    "Roma",
    "RM",
    "06 1234567",
    "333 123 4567",
    "Mario.Rossi@Example.IT",
    "",
    "F-1",
    "01/01/2025",
    "31/01/2025",
    "1.234,56",
    "1.000,00",
    "luce",
    "it001e12345678",
    "K9",
    "Fornitura",
    "IT60 X054 2811 1010 0000 0123 456",
    "ok",
]


def _table(*rows):
    lines = [";".join(HEADERS)] + [";".join(r) for r in rows]
    return read_csv(("\n".join(lines) + "\n").encode())


def _with(**changes):
    row = list(GOOD)
    for header, value in changes.items():
        row[[fold(h) for h in HEADERS].index(fold(header))] = value
    return row


def _errors(*rows, profile=None):
    table = _table(*rows)
    result = validate(table, profile or MappingProfile.suggest(table.headers))
    return result, [(e.row, e.field, e.code, e.value) for e in result.errors]


def test_suggest_mapping_from_italian_and_english_names():
    assert suggest_mapping(HEADERS) == {
        "case_reference": "Codice cliente",
        "tax_code": "Codice Fiscale",
        "vat_number": "P.IVA",
        "surname": "Cognome",
        "name": "Nome",
        "company_name": "Ragione sociale",
        "address": "Indirizzo",
        "cap": "CAP",
        "municipality": "Comune",
        "province": "Provincia",
        "phone": "Telefono",
        "mobile": "Cellulare",
        "email": "E-mail",
        "pec": "PEC",
        "invoice_number": "Nr. documento",
        "invoice_date": "Data documento",
        "due_date": "Data scadenza",
        "amount": "Importo",
        "outstanding": "Residuo",
        "claim_type": "Tipo credito",
        "supply_point": "POD",
        "contract_reference": "Contratto",
        "description": "Descrizione",
        "iban": "IBAN",
        "notes": "Note",
    }
    english = ["Customer ID", "VAT number", "Tax code", "Due date", "Amount", "Outstanding", "ZIP", "City"]
    assert suggest_mapping(english) == {
        "case_reference": "Customer ID",
        "vat_number": "VAT number",
        "tax_code": "Tax code",
        "due_date": "Due date",
        "amount": "Amount",
        "outstanding": "Outstanding",
        "cap": "ZIP",
        "municipality": "City",
    }
    assert suggest_mapping(["CF", "PARTITA  IVA", "Scadenza", "Città", "PDR", "Importo residuo"]) == {
        "tax_code": "CF",
        "vat_number": "PARTITA  IVA",
        "due_date": "Scadenza",
        "municipality": "Città",
        "supply_point": "PDR",
        "outstanding": "Importo residuo",
    }
    assert fold(" Società/P.IVA ") == "societa p iva"


def test_profile_round_trips_through_a_dict():
    profile = MappingProfile.suggest(
        HEADERS,
        date_format="%d/%m/%Y",
        decimal_separator=",",
        default_claim_type="gas",
        default_debtor_type="consumer",
    )
    data = profile.to_dict()
    assert data["columns"]["P.IVA"] == "vat_number" and data["required"] == ["amount"]
    assert MappingProfile.from_dict(data) == profile
    with pytest.raises(ValueError):
        MappingProfile.from_dict({"columns": {"X": "nonsense"}})


def test_good_row_is_normalized():
    result, errors = _errors(GOOD)
    assert errors == []
    record = result.records[0]
    assert (record.row, record.case_reference, record.debtor_type, record.tax_code) == (
        2,
        "C1",
        "consumer",
        "RSSMRA85T10A562S",
    )
    assert (record.phone, record.mobile, record.email) == (
        "+39061234567",
        "+393331234567",
        "mario.rossi@example.it",
    )
    assert (record.cap, record.province, record.country) == ("00145", "RM", "IT")
    assert (record.invoice_date, record.due_date) == (dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert (record.amount, record.outstanding) == (Decimal("1234.56"), Decimal("1000.00"))
    assert (record.claim_type, record.supply_point, record.iban) == (
        "electricity",
        "IT001E12345678",
        "IT60X0542811101000000123456",
    )


def test_company_row_infers_business_and_defaults_apply():
    row = _with(
        Codice_Fiscale="",
        **{"P.IVA": "IT12345670017"},
        Cognome="",
        Nome="",
        Ragione_sociale="Alfa srl",
        Tipo_credito="",
    )
    result, errors = _errors(row)
    assert errors == []
    assert (result.records[0].vat_number, result.records[0].debtor_type, result.records[0].claim_type) == (
        "12345670017",
        "business",
        "ordinary",
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"Importo": ""}, ("amount", "import.row.missing_field", "")),
        ({"Cognome": "", "Nome": ""}, ("company_name", "import.row.missing_field", "")),
        ({"Codice_Fiscale": "RSSMRA85T10A562X"}, ("tax_code", "import.row.bad_tax_code", "RSSMRA85T10A562X")),
        ({"P.IVA": "12345670018"}, ("vat_number", "import.row.bad_vat_number", "12345670018")),
        (
            {"IBAN": "IT00X0542811101000000123456"},
            ("iban", "import.row.bad_iban", "IT00X0542811101000000123456"),
        ),
        ({"Cellulare": "12"}, ("mobile", "import.row.bad_phone", "12")),
        ({"Telefono": "abc"}, ("phone", "import.row.bad_phone", "abc")),
        ({"E-mail": "mario@"}, ("email", "import.row.bad_email", "mario@")),
        ({"PEC": "pec@@pec.it"}, ("pec", "import.row.bad_email", "pec@@pec.it")),
        ({"CAP": "0145"}, ("cap", "import.row.bad_cap", "0145")),
        ({"Provincia": "XX"}, ("province", "import.row.unknown_province", "XX")),
        ({"Importo": "12,345"}, ("amount", "import.row.bad_amount", "12,345")),
        ({"Importo": "dodici"}, ("amount", "import.row.bad_amount", "dodici")),
        ({"Importo": "1,5,0"}, ("amount", "import.row.bad_amount", "1,5,0")),
        ({"Residuo": "10,00-"}, ("outstanding", "import.row.negative_amount", "10,00-")),
        ({"Residuo": "2.000,00"}, ("outstanding", "import.row.outstanding_exceeds_amount", "2.000,00")),
        ({"Data_documento": "31/02/2025"}, ("invoice_date", "import.row.bad_date", "31/02/2025")),
        ({"Data_scadenza": "domani"}, ("due_date", "import.row.bad_date", "domani")),
        ({"Data_scadenza": "2024-12-31"}, ("due_date", "import.row.due_before_issue", "2024-12-31")),
        ({"Tipo_credito": "boh"}, ("claim_type", "import.row.bad_choice", "boh")),
        ({"Comune": "R" * 101}, ("municipality", "import.row.value_too_long", "R" * 101)),
    ],
)
def test_each_error_code(changes, expected):
    result, errors = _errors(GOOD, _with(Nr_documento="F-2", **changes))
    assert errors == [(3, *expected)]
    # the good row carries on; a doubtful one (issue 10: a warning) too
    warning = expected[1] in WARNINGS
    assert [r.row for r in result.records] == ([2, 3] if warning else [2])
    assert result.errors[0].message and result.errors[0].severity == ("warning" if warning else "error")


def test_cap_not_in_province_is_a_warning():
    # issue 10: the row is imported, its address stored "to verify" (planning._contacts)
    result, errors = _errors(_with(CAP="20121"))
    assert errors == [(2, "cap", "import.row.cap_province_mismatch", "20121")]
    assert result.errors[0].severity == "warning" and [r.row for r in result.records] == [2]


def test_istat_cap_lists_and_abolished_provinces():
    # 00100 is Roma's generic CAP; Carbonia (once CI, now Sud Sardegna) has no CAP in the ISTAT file, so its
    # address is kept off the postal contacts (the parties service would refuse it) with a warning, not an error
    _, errors = _errors(
        _with(CAP="00100"), _with(Nr_documento="F-2", CAP="09013", Provincia="CI", Comune="Carbonia")
    )
    assert errors == [
        (3, "address", "import.row.address_incomplete", "Via Roma 1"),
        (3, "province", "import.row.province_abolished", "CI"),
    ]
    result, _ = _errors(_with(CAP="09013", Provincia="CI", Comune="Carbonia"))
    assert result.records[0].province == "SU" and {e.severity for e in result.errors} == {"warning"}


def test_foreign_or_incomplete_address_is_a_warning():
    # an address abroad (EE) is not checked against Italian lists: no warning, country unknown ("")
    result, errors = _errors(_with(Provincia="EE", CAP=""), _with(Nr_documento="F-2", CAP=""))
    assert errors == [(3, "address", "import.row.address_incomplete", "Via Roma 1")]
    assert [(r.province, r.country) for r in result.records] == [(None, ""), ("RM", "IT")]


def test_commit_checks_identity_invoice_and_credit_notes():
    # without any code, name + address identify the debtor: refused only without an address too
    table = _table(
        _with(Codice_Fiscale="", Indirizzo=""),
        _with(Nr_documento="", Data_documento="", Data_scadenza=""),
        _with(Nr_documento="F-3", Codice_Fiscale=""),
    )
    profile = MappingProfile.suggest(table.headers)
    assert validate(table, profile).errors == []
    got = [(e.row, e.field, e.code) for e in validate(table, profile, commit=True).errors]
    assert got == [
        (2, "tax_code", "import.row.missing_identity"),
        (3, "invoice_date", "import.row.missing_field"),
        (3, "invoice_number", "import.row.missing_field"),
    ]


def test_lengths_are_the_database_columns():
    _, errors = _errors(_with(Codice_cliente="C" * 61, Nr_documento="N" * 41))
    assert {(e[1], e[2]) for e in errors} == {
        ("case_reference", "import.row.value_too_long"),
        ("invoice_number", "import.row.value_too_long"),
    }


def test_phone_fast_path_agrees_with_the_parties_service():
    import random

    import polars as pl

    from recupero.imports.domain import checks
    from recupero.parties.domain.contacts import normalize_phone

    rng = random.Random(7)
    values = [
        rng.choice("03") + "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 11)))
        for _ in range(20_000)
    ]
    got = checks.phones(pl.Series("p", values)).to_list()
    assert [None if g == checks.INVALID else g for g in got] == [normalize_phone(v) for v in values]


def test_duplicates_inside_the_file():
    same_invoice_other_instalment = _with(Data_scadenza="28/02/2025")
    result, errors = _errors(GOOD, same_invoice_other_instalment, GOOD)
    assert errors == [(4, "invoice_number", "import.row.duplicate", "F-1")]
    assert "riga 2" in result.errors[0].message
    assert [r.row for r in result.records] == [2, 3]


def test_several_errors_in_one_row_are_all_reported():
    _, errors = _errors(_with(Codice_Fiscale="XX", CAP="1", Residuo="-1"))
    assert errors == [
        (2, "cap", "import.row.bad_cap", "1"),
        (2, "outstanding", "import.row.negative_amount", "-1"),
        (2, "tax_code", "import.row.bad_tax_code", "XX"),
    ]


@pytest.mark.parametrize(
    ("text", "separator", "expected"),
    [
        ("1.234,56", None, "1234.56"),
        ("1234,5", None, "1234.50"),
        ("€ 1.000", ",", "1000.00"),
        ("1,234.56", ".", "1234.56"),
        ("1234.56", ".", "1234.56"),
        ("12", None, "12.00"),
    ],
)
def test_amount_formats(text, separator, expected):
    table = read_csv(f"Codice cliente;Cognome;Importo\nC1;Rossi;{text}\n".encode())
    profile = MappingProfile.suggest(table.headers, decimal_separator=separator)
    assert validate(table, profile).records[0].amount == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/01/2025", dt.date(2025, 1, 31)),
        ("31-01-25", dt.date(2025, 1, 31)),
        ("2025-01-31", dt.date(2025, 1, 31)),
        ("1/2/2025", dt.date(2025, 2, 1)),
        ("31.01.2025", dt.date(2025, 1, 31)),
        ("2025-01-31T00:00:00", dt.date(2025, 1, 31)),
    ],
)
def test_date_formats(text, expected):
    table = read_csv(f"Codice cliente;Cognome;Importo;Scadenza\nC1;Rossi;1;{text}\n".encode())
    assert validate(table, MappingProfile.suggest(table.headers)).records[0].due_date == expected


def test_xlsx_numbers_keep_their_point_even_with_a_comma_profile():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Codice cliente", "Cognome", "Importo", "Residuo"])
    workbook.active.append(["C1", "Rossi", 1234.56, "1.000,50"])
    workbook.active.append(["C2", "Bianchi", 7, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_xlsx(buffer.getvalue())
    result = validate(table, MappingProfile.suggest(table.headers, decimal_separator=","))
    assert result.errors == []
    assert [(r.row, r.amount, r.outstanding) for r in result.records] == [
        (2, Decimal("1234.56"), Decimal("1000.50")),
        (3, Decimal("7.00"), None),
    ]


def test_provinces_data():
    active = [p for p in provinces().values() if p.active]
    assert len(active) == 107
    assert (province_sigla("mi"), province_sigla("Reggio Emilia"), province_sigla("Bolzano/Bozen")) == (
        "MI",
        "RE",
        "BZ",
    )
    assert (province_sigla("Sud Sardegna"), province_sigla("OT"), province_sigla("Estero")) == (
        "SU",
        "OT",
        "EE",
    )
    assert province_sigla("Atlantide") is None


def _chunky_rows(count: int) -> list[list[str]]:
    """Rows with errors, warnings and duplicates everywhere, some duplicates far from their first row, and a run
    of point-decimal amounts that the file's (comma) separator refuses: a chunk must not guess its own."""
    faults = [
        {},
        {"Codice_Fiscale": "RSSMRA85T10A562X"},
        {"Importo": "12,345"},
        {"Residuo": "9.999,00"},
        {"Provincia": "ZZ"},
        {"CAP": "20100"},
        {"Provincia": "FO"},
        {"Data_documento": "31/02/2025"},
        {"Data_scadenza": "01/12/2024"},
        {"Cellulare": "12"},
        {"E-mail": "not-an-email"},
        {"Tipo_credito": "boh"},
        {"Codice_Fiscale": "", "P.IVA": ""},
        {"Nr._documento": ""},
        {"Importo": "0,00", "Residuo": "0,00"},
        {"Note": "x" * 2001},
        {"Indirizzo": "Via Roma 1", "CAP": ""},
    ]
    rows = []
    for i in range(count):
        changes = {"Codice_cliente": f"C{i // 2}", "Nr._documento": f"F-{i}", **faults[i % len(faults)]}
        if i % 7 == 3 and i >= 11:  # the same claim as 11 rows earlier: often in an earlier chunk
            changes = {"Codice_cliente": f"C{(i - 11) // 2}", "Nr._documento": f"F-{i - 11}"}
        if 40 <= i < 46:
            changes["Importo"] = changes["Residuo"] = "1234.56"
        rows.append(_with(**changes))
    return rows


@pytest.mark.parametrize("commit", [False, True])
@pytest.mark.parametrize("chunk_rows", [1, 5, 7, 23])
def test_chunked_validation_equals_the_whole_file_at_once(commit, chunk_rows):
    table = _table(*_chunky_rows(90))
    profile = MappingProfile.suggest(table.headers)
    whole = validate(table, profile, commit=commit, chunk_rows=10**9)
    chunked = validate(table, profile, commit=commit, chunk_rows=chunk_rows)
    codes = {e.code for e in whole.errors}
    assert {"import.row.duplicate", "import.row.bad_amount", "import.row.address_incomplete"} <= codes
    assert len(codes) >= 12 and len(whole.records) >= 10
    assert chunked.errors == whole.errors
    assert chunked.frame.schema == whole.frame.schema
    assert chunked.frame.equals(whole.frame)
    assert chunked.records == whole.records
    assert (chunked.total_rows, chunked.notices) == (whole.total_rows, whole.notices)
    duplicates = [e for e in whole.errors if e.code == "import.row.duplicate"]
    assert any(f"riga {e.row - 11}" in e.message for e in duplicates)  # first row 11 rows up: across chunks


def test_chunked_validation_of_an_empty_file():
    table = _table()
    result = validate(table, MappingProfile.suggest(table.headers), commit=True, chunk_rows=5)
    assert (result.frame.height, result.errors, result.total_rows) == (0, [], 0)


@pytest.mark.parametrize(
    ("supply", "first", "expected"),
    [
        ("sì", "no", (True, False)),
        ("Attiva", "SI", (True, True)),
        ("cessata", "", (False, None)),
        ("", "", (None, None)),  # not stated
    ],
)
def test_the_creditors_yes_no_facts(supply, first, expected):
    headers = [*HEADERS, "Fornitura attiva", "Prima fattura insoluta"]
    lines = [";".join(headers), ";".join([*GOOD, supply, first])]
    table = read_csv(("\n".join(lines) + "\n").encode())
    result = validate(table, MappingProfile.suggest(table.headers))
    assert result.errors == []
    record = result.records[0]
    assert (record.supply_active, record.first_invoice_default) == expected


def test_a_yes_no_fact_not_understood_is_a_row_error():
    headers = [*HEADERS, "Stato fornitura"]
    lines = [";".join(headers), ";".join([*GOOD, "forse"])]
    table = read_csv(("\n".join(lines) + "\n").encode())
    result = validate(table, MappingProfile.suggest(table.headers))
    assert [(e.row, e.field, e.code, e.value) for e in result.errors] == [
        (2, "supply_active", "import.row.bad_choice", "forse")
    ]
    assert result.errors[0].message == "Valore non ammesso: sì (attiva), no (cessata)."
