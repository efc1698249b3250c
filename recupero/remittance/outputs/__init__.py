"""The files of an issued remittance, derived from its lines only: those just stored, as the issue holds them in
memory, or those read back from the database (a rerun after a crash writes the same files; see `data.py`).

- `statement.pdf` — the rendiconto, per case (Typst, `templates/statement.typ`; our own template and compile
  call: channels' letter renderer sits above this app and is not imported);
- `payments.xlsx` — every line (`sheet.py`, a minimal SpreadsheetML writer: openpyxl took 22 s at 50,000 rows;
  text neutralised with `core.domain.sheets.safe_cell`);
- `transfer.xml` — the SEPA credit transfer of the net (pain.001.001.03, validated against the bundled XSD);
  none when nothing is to be transferred;
- `invoice.xml` — the agency's commission invoice, FatturaPA FPR12 (TD01; TD04 credit note when reversals
  outweigh); none when the commission is zero.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from recupero.remittance.outputs.data import Parties, parties_of, statement_data, stored_rows
from recupero.remittance.outputs.fatturapa import invoice_xml
from recupero.remittance.outputs.sepa import transfer_xml
from recupero.remittance.outputs.statement import compile_statement, statement_payload
from recupero.remittance.outputs.workbook import payments_xlsx

if TYPE_CHECKING:
    from recupero.remittance.models import Remittance


def folder(remittance: Remittance) -> str:
    return f"remittances/{remittance.tenant_id}/{remittance.number.replace('/', '-')}"


def _save(name: str, content: bytes) -> str:
    if default_storage.exists(name):  # a rerun after a crash: the same file again, same name
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


def render_files(
    remittance: Remittance, rows: list[dict[str, Any]], parties: Parties
) -> dict[str, bytes | None]:
    """The four files' contents from the lines as rows (None: no transfer, or no invoice); no database read."""
    return compiled(prepare_files(remittance, rows, parties))


def prepare_files(remittance: Remittance, rows: list[dict[str, Any]], parties: Parties) -> dict[str, Any]:
    """All the files' Python: the workbook, transfer and invoice made, the statement's payload ready for Typst
    (`compiled`). Pure: no database, no Typst (so it may run in a forked child, see `rendering.py`)."""
    data = statement_data(remittance, rows, parties)
    return {
        "statement": statement_payload(data),
        "workbook": payments_xlsx(data),
        "transfer": transfer_xml(data),
        "invoice": invoice_xml(data),
    }


def compiled(prepared: dict[str, Any]) -> dict[str, bytes | None]:
    """The prepared files with the statement compiled by Typst."""
    return {**prepared, "statement": compile_statement(prepared["statement"])}


FILE_NAMES = {
    "statement": "rendiconto.pdf",
    "workbook": "incassi.xlsx",
    "transfer": "bonifico-pain001.xml",
    "invoice": "fattura-provvigioni.xml",
}


def save_files(remittance: Remittance, files: dict[str, bytes | None]) -> dict[str, str]:
    """Store the files; returns the model's file field values ("" for a file not made)."""
    base, names = folder(remittance), {}
    for field, name in FILE_NAMES.items():
        content = files[field]
        names[field] = "" if content is None else _save(f"{base}/{name}", content)
    return names


def write_files(remittance: Remittance) -> dict[str, str]:
    """Render and store the four files from the remittance's stored lines (the rerun after a crash)."""
    return save_files(remittance, render_files(remittance, stored_rows(remittance), parties_of(remittance)))
