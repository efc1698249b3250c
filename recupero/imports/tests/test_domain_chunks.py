"""The memory-saving paths of the readers give exactly what the plain whole-file operations gave: chunked
decoding (characters and quoted fields across chunk boundaries), the BOM left for polars, stripping only the
columns that need it, blank rows, the cheap size check, XLSX cells to text."""

from __future__ import annotations

import codecs
import datetime as dt

import polars as pl
import pytest

from recupero.imports.domain import IntakeError, Limits, text
from recupero.imports.domain.csv_reader import check_rows, drop_blank_rows, read_csv, strip_cells
from recupero.imports.domain.table import ROW
from recupero.imports.domain.xlsx_reader import PY_WHITESPACE, _column_texts, _frame, cell_text

BOM = codecs.BOM_UTF8
AFFIDO = (
    "Codice cliente;Ragione sociale;Importo;Note\r\n"
    'C1;Caffè Società;1.234,56;"riga\r\nsu; due"\r\n'
    "C2;Beta €;12,00;\r\n"
    ";;;\r\n"
    'C3;"Gamma ""Uno""";5,00;"ß\nü\n€"\r\n'
)
EXPECTED = [
    {
        "Codice cliente": "C1",
        "Ragione sociale": "Caffè Società",
        "Importo": "1.234,56",
        "Note": "riga\r\nsu; due",
    },
    {"Codice cliente": "C2", "Ragione sociale": "Beta €", "Importo": "12,00", "Note": None},
    {"Codice cliente": "C3", "Ragione sociale": 'Gamma "Uno"', "Importo": "5,00", "Note": "ß\nü\n€"},
]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64, 1 << 20])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_to_utf8_any_chunk_boundary(chunk, encoding):
    data = AFFIDO.encode(encoding)  # è, € (3 bytes in UTF-8, 0x80 in cp1252), ß, ü cut by every boundary
    body, found = text.to_utf8(data, chunk=chunk)
    assert body == AFFIDO.encode("utf-8")
    assert found == ("cp1252" if encoding == "cp1252" else "utf-8")


@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 1 << 20])
def test_to_utf8_verdicts_match_a_whole_file_decode(chunk):
    four_bytes = "Nota 😀 fine".encode()
    assert text.to_utf8(four_bytes, chunk=chunk) == (four_bytes, "utf-8")
    broken = "Società".encode()[:-1] + b";x"  # a UTF-8 sequence cut short: not UTF-8, read as cp1252
    assert text.to_utf8(broken, chunk=chunk) == (broken.decode("cp1252").encode(), "cp1252")
    latin = b"Caff\xe8 \x81"  # 0x81 is undefined in cp1252: latin-1
    assert text.to_utf8(latin, chunk=chunk) == (latin.decode("latin-1").encode(), "latin-1")
    assert text.to_utf8(BOM + BOM + b"\xe8", chunk=chunk) == ("è".encode(), "cp1252")  # both BOMs dropped


def test_to_utf8_keeps_the_bom_only_when_asked_and_without_a_copy():
    data = BOM + "Società".encode()
    assert text.to_utf8(data) == ("Società".encode(), "utf-8")
    body, _ = text.to_utf8(data, keep_bom=True)
    assert body is data
    assert text.to_utf8(BOM + BOM + b"a", keep_bom=True) == (BOM + b"a", "utf-8")  # a second BOM is content
    plain = b"abc"
    assert text.to_utf8(plain)[0] is plain


@pytest.mark.parametrize("chunk", [1, 3, 5, 1 << 20])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_read_csv_is_the_same_whatever_the_chunk(monkeypatch, chunk, encoding):
    monkeypatch.setattr(text, "CHUNK", chunk)
    source = AFFIDO.replace("€", "EUR") if encoding == "latin-1" else AFFIDO
    table = read_csv(source.encode(encoding))
    expected = [{k: (v.replace("€", "EUR") if v else v) for k, v in row.items()} for row in EXPECTED]
    assert table.rows() == (expected if encoding == "latin-1" else EXPECTED)
    assert table.frame[ROW].to_list() == [2, 3, 5]  # records, not lines: the quoted newline is no row


def test_read_csv_with_two_boms_reads_the_second_as_text():
    table = read_csv(BOM + BOM + b"Codice cliente;Importo\nC1;1,00\n")
    assert table.headers == ["\ufeffCodice cliente", "Importo"]


SPACES = ["\u00a0", "\u2003", "\u3000", "\x85", "\t", "\x1c", "\x1f", "\u200b", "\ufeff", "\r\n"]


def _padded_frame() -> pl.DataFrame:
    values = ["a", "", None, "  ", " a b ", "plain"]
    values += [f"{s}x{s}" for s in SPACES] + [f"{s}" for s in SPACES]
    return pl.DataFrame(
        {
            "padded": values,
            "clean": ["v"] * len(values),
            "empty": ["" if i % 2 else None for i in range(len(values))],
            "nulls": pl.Series([None] * len(values), dtype=pl.String),
            ROW: list(range(len(values))),
        }
    )


def test_strip_cells_is_polars_strip_on_every_column():
    frame = _padded_frame()
    expected = frame.with_columns(pl.col(pl.String).str.strip_chars().replace("", None))
    assert strip_cells(frame).equals(expected)
    clean = frame.select("clean", ROW)
    assert strip_cells(clean) is clean  # nothing to change: the very same frame, no copy


def test_strip_cells_with_python_white_space_is_str_strip():
    assert set(PY_WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}
    frame = _padded_frame()
    stripped = strip_cells(frame, PY_WHITESPACE)
    for name in ("padded", "clean", "empty"):
        assert stripped[name].to_list() == [
            (v.strip() or None) if v is not None else None for v in frame[name]
        ]


@pytest.mark.parametrize(
    "keep",
    [
        [True, True, True, True],
        [True, True, False, False],
        [False, True, True, True],
        [True, False, True, False],
    ],
)
def test_drop_blank_rows_is_a_filter(keep):
    frame = pl.DataFrame({"a": [("x" if k else None) for k in keep], ROW: [10, 11, 12, 13]})
    assert drop_blank_rows(frame, ["a"]).equals(frame.filter(pl.col("a").is_not_null()))
    assert drop_blank_rows(frame.clear(), ["a"]).height == 0


def test_check_rows_counts_characters_not_bytes():
    def frame(value: str) -> pl.DataFrame:
        return pl.DataFrame({ROW: [2], "Note": [value], "Altro": ["ab"]})

    check_rows(frame("è" * 20), ["Note", "Altro"], Limits(max_field_chars=20))  # 40 bytes, 20 characters
    with pytest.raises(IntakeError) as exc:
        check_rows(frame("è" * 21), ["Note", "Altro"], Limits(max_field_chars=20))
    assert (exc.value.code, exc.value.params["row"], exc.value.params["limit"]) == (
        "import.row_too_large",
        2,
        20,
    )
    check_rows(frame("€" * 20), ["Note", "Altro"], Limits(max_row_chars=22))
    with pytest.raises(IntakeError) as exc:
        check_rows(frame("€" * 21), ["Note", "Altro"], Limits(max_row_chars=22))
    assert exc.value.params["limit"] == 22


def test_xlsx_cells_to_text_as_cell_text():
    floats = [
        303.59,
        12.0,
        -7.0,
        -0.0,
        1e16,
        1.5e300,
        1e-05,
        0.1 + 0.2,
        float("nan"),
        float("inf"),
        123456789.0,
    ]
    assert _column_texts("a", floats).to_list() == [cell_text(v) for v in floats]
    mixed = [
        "  x ",
        "",
        3,
        True,
        2.5,
        dt.date(2025, 1, 31),
        dt.datetime(2025, 2, 1),
        dt.datetime(2025, 2, 1, 9, 5),
    ]
    mixed += [dt.time(10, 30), dt.timedelta(days=1), None, "\x1fy\u3000"]
    texts = _column_texts("a", mixed).to_list()
    assert texts == [v if type(v) is str else cell_text(v) for v in mixed]


def test_xlsx_frame_strips_as_str_strip_and_keeps_row_numbers():
    body: list[list[object]] = [
        [" C1\x1c", 10.5, ""],
        ["", "", "   "],
        ["C2", 3.0, "\u00a0nota\u2003"],
        ["C3", "x"],  # a short row: the missing cell is empty
    ]
    frame = _frame(["Codice", "Importo", "Note"], body, first_row=5)
    assert frame.rows() == [(5, "C1", "10.5", None), (7, "C2", "3", "nota"), (8, "C3", "x", None)]


@pytest.mark.parametrize(
    "body",
    [
        b"Estrazione insoluti\nal 31/03/2025\n\nCodice cliente;Importo\nC1;1,00\n",
        b'"Codice cliente";Importo\nC1;1,00\n',
        b"\n\nCodice cliente;Importo\nC1;1,00\n",
    ],
)
def test_read_csv_with_a_bom_left_to_polars_is_the_file_without_it(body):
    with_bom, without = read_csv(BOM + body), read_csv(body)
    assert with_bom.headers == without.headers == ["Codice cliente", "Importo"]
    assert with_bom.frame.equals(without.frame)
    assert with_bom.rows() == [{"Codice cliente": "C1", "Importo": "1,00"}]
