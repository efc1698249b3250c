"""Every format end to end through the services: CSV variants, XLSX, FatturaPA (single, p7m, zip), refusals."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from recupero.cases.models import Case, Claim
from recupero.imports.tests.conftest import CF, HEADERS, csv_bytes, row

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "fatturapa"


def _summary(batch):
    p = batch.preview
    return (
        batch.status,
        p.get("rows"),
        p.get("cases", {}).get("new"),
        p.get("claims", {}).get("new"),
        sorted({e["code"] for e in p.get("errors", [])}),
    )


@pytest.mark.parametrize("variant", ["semicolon-utf8", "comma-bom", "tab-cp1252", "pipe-crlf"])
def test_csv_variants(run, variant):
    rows = [row(surname="Niccolò"), row(ref="C2", cf=CF[1], surname="Bianchi", number="G-1")]
    if variant == "semicolon-utf8":
        data = csv_bytes(*rows)
    elif variant == "comma-bom":
        rows = [[c.replace("1.234,56", "1234.56").replace("1.000,00", "1000.00") for c in r] for r in rows]
        data = b"\xef\xbb\xbf" + csv_bytes(*rows, sep=",")
    elif variant == "tab-cp1252":
        data = csv_bytes(*rows, sep="\t", encoding="cp1252")
    else:
        data = csv_bytes(*rows, sep="|").replace(b"\n", b"\r\n")
    batch = run(("affido.csv", data))
    assert _summary(batch) == ("committed", 2, 2, 2, [])
    assert Case.objects.get(creditor_reference="C1").debtor.last_name == "Niccolò"
    assert Case.objects.get(creditor_reference="C1").balance == Decimal("1000.00")


def test_xlsx(run):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Estrazione crediti al 31/12/2025"])  # a title row above the header
    sheet.append(HEADERS)
    values = row()
    values[16], values[17] = 1234.56, 1000  # numbers, as Excel stores them
    sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = run(("affido.xlsx", buffer.getvalue()))
    assert _summary(batch) == ("committed", 1, 1, 1, [])
    assert batch.format == "xlsx"
    assert Claim.objects.get().amount == Decimal("1234.56")


def _sample(name):
    return (name.split("/")[-1], (SAMPLES / name).read_bytes())


# Every invoice of the shared samples folder (issue 10: each one with a positive amount imports, warnings
# allowed): (status, rows, cases new, claims new, rows refused, codes). The Agenzia's own examples carry a
# debtor codice fiscale with a wrong check digit: imported, identity to verify.
FATTURAPA_SAMPLES = {
    "IT01234567890_FPA01.xml": ("committed", 1, 1, 1, 0, ["import.row.bad_tax_code"]),
    "IT01234567890_FPA02.xml": ("committed", 1, 1, 1, 0, ["import.row.bad_tax_code"]),
    "IT01234567890_FPA03.xml": ("committed", 2, 1, 2, 0, ["import.row.bad_tax_code"]),
    "IT01234567890_FPR01.xml": ("committed", 1, 1, 1, 0, ["import.row.bad_tax_code"]),
    "IT01234567890_FPR02.xml": ("committed", 1, 1, 1, 0, ["import.row.bad_tax_code"]),
    "IT01234567890_FPR03.xml": ("committed", 2, 1, 2, 0, ["import.row.bad_tax_code"]),
    "oca_IT01234567890_FPR03.base64.xml.p7m": ("committed", 2, 1, 2, 0, []),
    "fenet_IT02182030391_31.xml.p7m": ("committed", 1, 1, 1, 0, []),
    "invoice-simple-iban.xml": ("committed", 1, 1, 1, 0, ["import.row.bad_vat_number"]),
    "invoice-b2g.xml": ("committed", 1, 1, 1, 0, ["import.row.cap_province_mismatch"]),
    "invoice-hotel-private.xml": ("committed", 3, 1, 1, 0, ["import.row.due_before_issue"]),
    "invoice-windows1252.xml": (
        "committed",
        1,
        1,
        1,
        0,
        ["import.row.bad_tax_code", "import.row.bad_vat_number"],
    ),
}


def test_the_table_covers_the_whole_samples_folder():
    on_disk = {p.name for p in SAMPLES.iterdir() if p.is_file()}
    assert on_disk == set(FATTURAPA_SAMPLES)


@pytest.mark.parametrize(("name", "expected"), sorted(FATTURAPA_SAMPLES.items()))
def test_fatturapa_samples(run, name, expected):
    batch = run(_sample(name))
    assert (*_summary(batch)[:4], batch.preview["rows_rejected"], _summary(batch)[4]) == expected
    assert batch.format == "fatturapa"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("malicious/billion_laughs.xml", "import.xml_hostile"),
        ("malicious/entity_expansion.xml", "import.xml_hostile"),
        ("invalid/simevo_malformed.xml", "import.xml_malformed"),
        ("invalid/simevo_missing_CessionarioCommittente.xml", "import.fatturapa.no_debtor"),
    ],
)
def test_refused_files_change_nothing(run, name, code):
    batch = run(_sample(name))
    assert (batch.status, batch.error_code) == ("refused", code)
    assert batch.error_message and Case.objects.count() == 0


def test_fatturapa_zip_with_a_broken_member(run):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in (
            "oca_IT01234567890_FPR03.base64.xml.p7m",
            "fenet_IT02182030391_31.xml.p7m",
            "invalid/simevo_malformed.xml",
        ):
            archive.writestr(name.split("/")[-1], (SAMPLES / name).read_bytes())
        archive.writestr("leggimi.txt", b"ciao")
    batch = run(("fatture.zip", buffer.getvalue()))
    assert _summary(batch) == ("committed", 3, 2, 3, [])
    codes = {n["code"] for n in batch.preview["notices"]}
    assert {"import.xml_malformed", "import.zip_member_skipped", "import.seller_mismatch"} <= codes


def test_unknown_format_refused(run):
    batch = run(("vecchio.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100))
    assert (batch.status, batch.error_code) == ("refused", "import.unknown_format")
