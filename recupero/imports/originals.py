"""The original FatturaPA of each claim, handed to the cases app at commit (and, once, for batches committed
before this existed: `recupero claims originals`).

The staged rows keep the invoice's key (case reference, number, date) but not the XML; the batch keeps the
uploaded files. So the files are read again here — unwrapped (p7m, zip) and parsed with the intake's own
hardened readers and the same limits; a file the sandboxed parse already read whole — each body matched to the
claim it produced, and `cases.documents.claim_documents_attach` keeps the XML document, the body's index and
the readable view (`domain.fatturapa.readable`) that the verification pack prints.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from recupero.cases.documents import ClaimDocumentSpec, claim_documents_attach
from recupero.cases.models import Claim
from recupero.core.models import User
from recupero.imports import staging
from recupero.imports.domain.errors import IntakeError
from recupero.imports.domain.fatturapa.container import extract
from recupero.imports.domain.fatturapa.parser import Invoice, parse_invoices
from recupero.imports.domain.fatturapa.readable import invoice_view
from recupero.imports.domain.fatturapa.rows import invoices_to_table
from recupero.imports.domain.fatturapa.xmlsafe import parse_xml
from recupero.imports.domain.limits import Limits
from recupero.imports.models import ImportBatch

Key = tuple[str, str, dt.date]


def _documents(batch: ImportBatch, limits: Limits) -> list[tuple[str, bytes, list[Invoice]]]:
    """(document name, XML bytes, its invoices) for every readable document of the batch's files."""
    out = []
    for meta in batch.files:
        data = staging.absolute(meta["path"]).read_bytes()
        try:
            documents = extract(meta["name"], data, limits)
        except IntakeError:
            continue  # a file the parse refused produced no claim
        for source, xml in documents.xml:
            try:
                out.append((source, xml, parse_invoices(parse_xml(xml, limits), source)))
            except IntakeError:
                continue
    return out


def _keys(invoices: list[Invoice]) -> dict[int, Key]:
    """body index → the claim key its row carries (the same case reference rule as the intake's rows)."""
    table = invoices_to_table(invoices).frame
    keys: dict[int, Key] = {}
    for ref, number, day, index in table.select(
        "case_reference", "invoice_number", "invoice_date", "body_index"
    ).iter_rows():
        if ref and number and day:
            keys[int(index)] = (ref.strip().upper(), number.strip(), dt.date.fromisoformat(day))
    return keys


def _claims(batch: ImportBatch, refs: set[str]) -> dict[Key, int]:
    rows = Claim.objects.filter(
        tenant_id=batch.tenant_id,
        case__creditor_id=batch.creditor_id,
        case__creditor_reference__in=sorted(refs),
    ).values_list("case__creditor_reference", "invoice_number", "issued_on", "pk")
    return {(ref.strip().upper(), number.strip(), day): pk for ref, number, day, pk in rows}


def originals_attach(batch: ImportBatch, actor: User) -> int:
    """Give each claim of a committed FatturaPA batch its original invoice; returns how many were added."""
    if batch.format != "fatturapa":
        return 0
    limits = Limits(**settings.IMPORTS_LIMITS)
    documents = _documents(batch, limits)
    bodies: list[tuple[str, bytes, int, Key, Any]] = []
    for source, xml, invoices in documents:
        root = None
        for index, key in _keys(invoices).items():
            root = root if root is not None else parse_xml(xml, limits)
            bodies.append((source, xml, index, key, invoice_view(root, index)))
    claims = _claims(batch, {key[0] for *_, key, _ in bodies})
    specs = [
        ClaimDocumentSpec(claims[key], source, index, xml, view)
        for source, xml, index, key, view in bodies
        if key in claims
    ]
    if not specs:
        return 0
    return claim_documents_attach(tenant=batch.tenant, actor=actor, documents=specs, import_batch_id=batch.pk)
