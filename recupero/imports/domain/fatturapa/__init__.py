"""FatturaPA intake: unwrap (zip, p7m) -> hardened XML parse -> invoices -> affido rows.

`read_fatturapa` returns every invoice it could read plus the documents it refused (a zip of 300 invoices with
one broken file still yields 299); a single refused document, or anything hostile, raises `IntakeError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from recupero.imports.domain.errors import IntakeError, Notice
from recupero.imports.domain.fatturapa.container import extract
from recupero.imports.domain.fatturapa.parser import Instalment, Invoice, Party, parse_invoices
from recupero.imports.domain.fatturapa.rows import FATTURAPA_PROFILE, invoices_to_table
from recupero.imports.domain.fatturapa.xmlsafe import parse_xml
from recupero.imports.domain.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "FATTURAPA_PROFILE",
    "FatturaBatch",
    "Instalment",
    "Invoice",
    "Party",
    "invoices_to_table",
    "read_fatturapa",
]


@dataclass(slots=True)
class FatturaBatch:
    invoices: list[Invoice] = field(default_factory=list)
    refused: list[tuple[str, IntakeError]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def read_fatturapa(
    data: bytes,
    *,
    name: str = "fattura.xml",
    expected_seller_vat: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> FatturaBatch:
    if len(data) > limits.max_file_bytes:
        raise IntakeError("import.file_too_large", limit=limits.max_file_bytes)
    if not data.strip():
        raise IntakeError("import.file_empty")
    documents = extract(name, data, limits)
    batch = FatturaBatch(refused=list(documents.refused), notices=list(documents.notices))
    for source, xml in documents.xml:
        try:
            batch.invoices += parse_invoices(parse_xml(xml, limits), source, expected_seller_vat)
        except IntakeError as exc:
            if exc.code == "import.xml_hostile" or (len(documents.xml) == 1 and not documents.refused):
                raise
            batch.refused.append((source, exc))
    if not batch.invoices and batch.refused and len(documents.xml) + len(documents.refused) == 1:
        raise batch.refused[0][1]
    return batch
